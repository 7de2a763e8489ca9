import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { describeZodError } from '../http/errors';
import { KNOT_IN_MPS, parseOsmandJson, parseOsmandParams, parseOsmandRequest, parseOsmandTimestamp, readQueryBySchema, readPlainQuery } from './osmand';

const now = new Date('2023-11-14T22:20:00Z');

function errorOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (error instanceof ZodError) return describeZodError(error);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('OsmAnd timestamps', () => {
  it('reads epoch seconds, fractional seconds and epoch milliseconds as Traccar does', () => {
    expect(parseOsmandTimestamp('1700000000')?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(parseOsmandTimestamp('1700000000.25')?.toISOString()).toBe('2023-11-14T22:13:20.250Z');
    expect(parseOsmandTimestamp('1700000000123')?.toISOString()).toBe('2023-11-14T22:13:20.123Z');
  });

  it('reads ISO-8601 with Z or an offset, and a bare date-time as UTC', () => {
    expect(parseOsmandTimestamp('2023-11-15T06:13:20+08:00')?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(parseOsmandTimestamp('2023-11-14T22:13:20.5Z')?.toISOString()).toBe('2023-11-14T22:13:20.500Z');
    expect(parseOsmandTimestamp('2023-11-14T17:13:20-0500')?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(parseOsmandTimestamp('2023-11-14 22:13:20')?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(parseOsmandTimestamp('2023-11-14T22:13:20')?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
  });

  it('reads a + offset that an unencoded query string turned into a space', () => {
    expect(parseOsmandTimestamp('2023-11-15T06:13:20 08:00')?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
  });

  it('refuses dates that do not exist and text that is no date', () => {
    expect(parseOsmandTimestamp('2023-02-30 10:00:00')).toBeNull();
    expect(parseOsmandTimestamp('2023-11-14 24:00:00')).toBeNull();
    expect(parseOsmandTimestamp('yesterday')).toBeNull();
    expect(parseOsmandTimestamp('')).toBeNull();
  });
});

describe('OsmAnd query/form parameters', () => {
  it("normalises Traccar Client's typical request: knots to m/s, bearing, altitude, accuracy, battery", () => {
    const p = parseOsmandParams(
      { id: '123456', timestamp: '1700000000', lat: '37.02', lon: '111.91', speed: '12.3', bearing: '90', altitude: '750', accuracy: '5', batt: '87' },
      now,
    );
    expect(p).toEqual({
      deviceId: '123456',
      lat: 37.02,
      lon: 111.91,
      deviceTime: new Date('2023-11-14T22:13:20Z'),
      speedMps: Math.round(12.3 * KNOT_IN_MPS * 1000) / 1000,
      headingDeg: 90,
      altitudeM: 750,
      accuracyM: 5,
      hdop: null,
      batteryPct: 87,
      charging: null,
      valid: true,
    });
    expect(p.speedMps).toBeCloseTo(6.328, 3);
  });

  it('accepts deviceid, location=lat,lon, heading, hdop, charge and valid', () => {
    const p = parseOsmandParams(
      { deviceid: 'ambulance-7', location: '-33.8688,151.2093', heading: '359.5', hdop: '1.2', charge: 'true', valid: 'FALSE', timestamp: '2023-11-14 22:00:00' },
      now,
    );
    expect(p).toMatchObject({ deviceId: 'ambulance-7', lat: -33.8688, lon: 151.2093, headingDeg: 359.5, hdop: 1.2, charging: true, valid: false });
    expect(p.deviceTime.toISOString()).toBe('2023-11-14T22:00:00.000Z');
  });

  it('takes the receive time when the client sends no timestamp and treats blank values as absent', () => {
    const p = parseOsmandParams({ id: '1', lat: '37', lon: '112', timestamp: '', speed: '', bearing: ' ' }, now);
    expect(p.deviceTime).toEqual(now);
    expect(p.speedMps).toBeNull();
    expect(p.headingDeg).toBeNull();
  });

  it('names the offending parameter', () => {
    expect(errorOf(() => parseOsmandParams({ id: '1', lat: '91', lon: '112' }, now))).toMatch(/^lat: Too big/);
    expect(errorOf(() => parseOsmandParams({ id: '1', lat: 'north', lon: '112' }, now))).toBe('lat: expected a number');
    expect(errorOf(() => parseOsmandParams({ id: '1', lat: '37', lon: '-180.5' }, now))).toMatch(/^lon: Too small/);
    expect(errorOf(() => parseOsmandParams({ lat: '37', lon: '112' }, now))).toBe('id: the device id (id or deviceid) is required');
    expect(errorOf(() => parseOsmandParams({ id: '1', lon: '112' }, now))).toMatch(/^lat: latitude is required/);
    expect(errorOf(() => parseOsmandParams({ id: '1', location: '37;112' }, now))).toBe('location: expected "lat,lon" in range, got "37;112"');
    expect(errorOf(() => parseOsmandParams({ id: '1', lat: '37', lon: '112', timestamp: 'soon' }, now))).toMatch(/^timestamp: cannot read "soon"/);
    expect(errorOf(() => parseOsmandParams({ id: '1', lat: '37', lon: '112', speed: 'fast' }, now))).toBe('speed: expected a number');
    expect(errorOf(() => parseOsmandParams({ id: ['1', '2'], lat: '37', lon: '112' }, now))).toMatch(/^id:/);
    expect(errorOf(() => parseOsmandParams({ id: '1', lat: '37', lon: '112', valid: 'maybe' }, now))).toBe('valid: expected true or false');
  });

  it('refuses a fix from a device clock far in the future or never set', () => {
    const future = String(Math.floor(now.getTime() / 1000) + 3600);
    expect(errorOf(() => parseOsmandParams({ id: '1', lat: '37', lon: '112', timestamp: future }, now))).toMatch(
      /^timestamp: .* is more than 5 minutes ahead of the server clock/,
    );
    expect(errorOf(() => parseOsmandParams({ id: '1', lat: '37', lon: '112', timestamp: '0' }, now))).toMatch(/^timestamp: 1970-01-01T00:00:00.000Z is more than 7 day\(s\) old/);
    // A few minutes of clock skew is normal and accepted.
    const skewed = String(Math.floor(now.getTime() / 1000) + 120);
    expect(parseOsmandParams({ id: '1', lat: '37', lon: '112', timestamp: skewed }, now).deviceTime.getTime()).toBe(now.getTime() + 120_000);
  });
});

describe('OsmAnd JSON body', () => {
  const location = {
    timestamp: '2023-11-14T22:13:20.123Z',
    coords: { latitude: 37.0271, longitude: 111.9133, speed: 13.9, heading: 271.5, accuracy: 4.2, altitude: 748.3 },
    battery: { level: 0.83, is_charging: false },
    is_moving: true,
    odometer: 10423.5,
  };

  it('reads the Traccar Client JSON form with speed already in m/s and battery as a fraction', () => {
    expect(parseOsmandJson({ device_id: '123456', location }, now)).toEqual([
      {
        deviceId: '123456',
        lat: 37.0271,
        lon: 111.9133,
        deviceTime: new Date('2023-11-14T22:13:20.123Z'),
        speedMps: 13.9,
        headingDeg: 271.5,
        altitudeM: 748.3,
        accuracyM: 4.2,
        hdop: null,
        batteryPct: 83,
        charging: false,
        valid: true,
      },
    ]);
  });

  it('reads a batched upload and -1 as unknown speed and heading', () => {
    const second = { ...location, timestamp: '2023-11-14T22:13:25Z', coords: { ...location.coords, speed: -1, heading: -1 } };
    const batch = parseOsmandJson({ device_id: 123456, location: [location, second] }, now);
    expect(batch.map((p) => [p.deviceId, p.deviceTime.toISOString(), p.speedMps, p.headingDeg])).toEqual([
      ['123456', '2023-11-14T22:13:20.123Z', 13.9, 271.5],
      ['123456', '2023-11-14T22:13:25.000Z', null, null],
    ]);
  });

  it('names the bad field, with its index in a batch', () => {
    const bad = { ...location, coords: { ...location.coords, latitude: 137 } };
    expect(errorOf(() => parseOsmandJson({ device_id: '1', location: [location, bad] }, now))).toMatch(/location\.1\.coords\.latitude: Too big/);
    expect(errorOf(() => parseOsmandJson({ location }, now))).toMatch(/^device_id: the device id \(device_id\) is required/);
    expect(errorOf(() => parseOsmandJson({ device_id: '1', location: { ...location, timestamp: 'later' } }, now))).toMatch(
      /^location\.timestamp: cannot read "later"/,
    );
  });

  it('tells the JSON form from the parameter form, merging query and urlencoded body', () => {
    expect(parseOsmandRequest({ query: {}, body: { device_id: 'x', location } }, now)[0]!.deviceId).toBe('x');
    const merged = parseOsmandRequest({ query: { id: 'q', lat: '1', lon: '2' }, body: { lat: '3' } }, now);
    expect(merged[0]).toMatchObject({ deviceId: 'q', lat: 3, lon: 2 });
    expect(errorOf(() => parseOsmandRequest({ query: {}, body: 'garbage' }, now))).toMatch(/^body: expected OsmAnd parameters/);
  });
});

describe('the plain reading of a well-formed report (no zod)', () => {
  const fix = { id: 'bench-17', lat: '37.021', lon: '111.905', timestamp: String(now.getTime() - 5000), speed: '10', bearing: '90', accuracy: '5' };

  it('reads a Traccar Client report as the schema does', () => {
    expect(readPlainQuery(fix, now)).toEqual(readQueryBySchema(fix, now));
    expect(readPlainQuery(fix, now)).not.toBeNull();
  });

  // Values each parameter may take: well-formed, blank, padded, out of range, malformed, repeated, not a string.
  const numbers = ['0', '10', ' 10 ', '-1', '+.5', '1e3', '1e400', '5.', '.', 'abc', '0x10', '', '  ', '361', '-91', '181', '1,5'];
  const values = fc.oneof(
    fc.constantFrom(...numbers),
    fc.constantFrom('true', 'FALSE', '1', '0', 'yes', 'True '),
    fc.constantFrom(String(now.getTime() - 60_000), String(now.getTime() / 1000 - 60), '1700000000.5', '2023-11-14T22:19:00Z', '0', '99999999999999', ''),
    fc.constantFrom('bench-1', 'x'.repeat(128), 'x'.repeat(129), 'a\u0001b', 'ü-7', ' id '),
    fc.constantFrom(['1', '2'], 7, true),
    fc.string({ maxLength: 6 }),
  );
  const keys = ['id', 'deviceid', 'lat', 'lon', 'location', 'timestamp', 'speed', 'bearing', 'heading', 'altitude', 'accuracy', 'hdop', 'batt', 'charge', 'valid', 'constructor', 'other'];

  test.prop([fc.dictionary(fc.constantFrom(...keys), values), fc.boolean()], { numRuns: 3000 })(
    'gives what the schema gives whenever it reads a report, and leaves every other to the schema',
    (drawn, complete) => {
      // Half the cases carry the required parameters, so the plain reading is taken often.
      const params: Record<string, unknown> = complete ? { id: 'bench-3', lat: '37.5', lon: '112.1', ...drawn } : drawn;
      const plainly = readPlainQuery(params, now);
      if (plainly === null) return;
      expect(plainly).toEqual(readQueryBySchema(params, now));
    },
  );
});
