import { describe, expect, it } from 'vitest';
import { fixFromGeolocation, watchBrowserGeolocation } from './browserGeolocation';
import type { GpsFix } from './types';

/** The tablet's GPS is the edge of the world: a scripted Geolocation stands in for the browser's. */
class ScriptedGeolocation implements Geolocation {
  success: PositionCallback | undefined;
  failure: PositionErrorCallback | null | undefined;
  options: PositionOptions | undefined;
  cleared: number[] = [];
  getCurrentPosition(): void {
    throw new Error('not used');
  }
  watchPosition(success: PositionCallback, failure?: PositionErrorCallback | null, options?: PositionOptions): number {
    this.success = success;
    this.failure = failure;
    this.options = options;
    return 42;
  }
  clearWatch(id: number): void {
    this.cleared.push(id);
  }
}

function position(coords: Partial<GeolocationCoordinates>, timestamp = Date.UTC(2026, 10, 24, 12, 0, 0)): GeolocationPosition {
  const full = { latitude: 37.027, longitude: 111.913, accuracy: 8, altitude: null, altitudeAccuracy: null, heading: null, speed: null, ...coords };
  return { coords: { ...full, toJSON: () => full }, timestamp, toJSON: () => ({}) } as GeolocationPosition;
}

describe('browser geolocation', () => {
  it('turns a W3C position into a fix, unknown speed and heading as null', () => {
    expect(fixFromGeolocation(position({ speed: 12.5, heading: 270, altitude: 745 }))).toEqual({
      lon: 111.913,
      lat: 37.027,
      speedMps: 12.5,
      headingDeg: 270,
      accuracyM: 8,
      altitudeM: 745,
      deviceTime: '2026-11-24T12:00:00.000Z',
      source: 'browser',
    });
    const still = fixFromGeolocation(position({ speed: 0, heading: 0 }));
    expect([still.speedMps, still.headingDeg]).toEqual([0, null]);
    const unknown = fixFromGeolocation(position({ speed: Number.NaN, heading: Number.NaN }));
    expect([unknown.speedMps, unknown.headingDeg]).toEqual([null, null]);
  });

  it('watches with high accuracy, refuses imprecise fixes, reports errors and stops', () => {
    const geo = new ScriptedGeolocation();
    const fixes: GpsFix[] = [];
    const rejected: string[] = [];
    const stop = watchBrowserGeolocation(geo, { fix: (f) => fixes.push(f), rejected: (r) => rejected.push(`${r.code}: ${r.reason}`) }, { maxAccuracyM: 50 });
    expect(geo.options?.enableHighAccuracy).toBe(true);
    geo.success!(position({ accuracy: 12 }));
    geo.success!(position({ accuracy: 1500 }));
    geo.failure!({ code: 1, message: 'User denied Geolocation', PERMISSION_DENIED: 1, POSITION_UNAVAILABLE: 2, TIMEOUT: 3 } as GeolocationPositionError);
    expect(fixes.map((f) => f.accuracyM)).toEqual([12]);
    expect(rejected).toEqual(['inaccurate: accuracy 1500 m is worse than 50 m', 'permission_denied: User denied Geolocation']);
    stop();
    expect(geo.cleared).toEqual([42]);
  });
});
