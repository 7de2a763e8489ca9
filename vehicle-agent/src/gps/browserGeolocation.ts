import type { GpsFix } from './types';

export interface BrowserGeolocationOptions {
  /** Fixes less precise than this (metres) are reported as rejected: a cell-tower fix is not a vehicle position. */
  maxAccuracyM?: number;
  /** How old a cached fix the browser may hand out. */
  maximumAgeMs?: number;
  /** How long the browser may take for one fix before reporting a timeout. */
  timeoutMs?: number;
}

export interface BrowserGeolocationHandlers {
  fix(fix: GpsFix): void;
  /** A fix refused (too imprecise) or a browser error (permission denied, unavailable, timeout). */
  rejected?(rejection: { code: 'inaccurate' | 'permission_denied' | 'unavailable' | 'timeout'; reason: string }): void;
}

/** A W3C GeolocationPosition in the agent's terms. Browsers give NaN or null for unknown speed and heading. */
export function fixFromGeolocation(position: GeolocationPosition): GpsFix {
  const c = position.coords;
  const known = (v: number | null) => (v === null || Number.isNaN(v) || v < 0 ? null : v);
  const speed = known(c.speed);
  return {
    lon: c.longitude,
    lat: c.latitude,
    speedMps: speed,
    // Standing still, the heading means nothing (the spec makes it NaN then; some browsers say 0).
    headingDeg: speed === 0 ? null : known(c.heading),
    accuracyM: known(c.accuracy),
    altitudeM: c.altitude ?? null,
    deviceTime: new Date(position.timestamp).toISOString(),
    source: 'browser',
  };
}

const errorCodes = { 1: 'permission_denied', 2: 'unavailable', 3: 'timeout' } as const;

/**
 * Watches the tablet's position (`navigator.geolocation` in the crew app) with high accuracy. Returns the
 * function that stops watching.
 */
export function watchBrowserGeolocation(
  geolocation: Geolocation,
  handlers: BrowserGeolocationHandlers,
  options: BrowserGeolocationOptions = {},
): () => void {
  const maxAccuracyM = options.maxAccuracyM ?? 100;
  const id = geolocation.watchPosition(
    (position) => {
      const fix = fixFromGeolocation(position);
      if (fix.accuracyM !== null && fix.accuracyM > maxAccuracyM) {
        handlers.rejected?.({ code: 'inaccurate', reason: `accuracy ${Math.round(fix.accuracyM)} m is worse than ${maxAccuracyM} m` });
        return;
      }
      handlers.fix(fix);
    },
    (error) => {
      const code = errorCodes[error.code as 1 | 2 | 3] ?? 'unavailable';
      handlers.rejected?.({ code, reason: error.message || code });
    },
    { enableHighAccuracy: true, maximumAge: options.maximumAgeMs ?? 2_000, timeout: options.timeoutMs ?? 20_000 },
  );
  return () => geolocation.clearWatch(id);
}
