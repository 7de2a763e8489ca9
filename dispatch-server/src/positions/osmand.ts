import { z } from 'zod';
import { Lat, Lon, MAX_FIX_AGE_MS, text, textProblem, timeProblem } from '@dispatch/protocol';
import { HttpError } from '../http/errors';

/**
 * The OsmAnd protocol as Traccar speaks it (port 5055): what the Traccar Client apps, OsmAnd's online
 * tracking and a Traccar server forwarding positions send. Two shapes:
 * - parameters in the query string or an urlencoded body:
 *   `id|deviceid, lat, lon | location=lat,lon, timestamp, speed (knots), bearing|heading, altitude, accuracy,
 *   hdop, batt, charge, valid`;
 * - a JSON body (Traccar Client 9+, transistorsoft background-geolocation):
 *   `{device_id, location: {timestamp, coords: {latitude, longitude, speed (m/s), heading, accuracy, altitude},
 *   battery: {level (0–1), is_charging}, is_moving, odometer}}`, `location` possibly an array (batched upload).
 */

export const KNOT_IN_MPS = 1852 / 3600;

/** One position as every source becomes it: SI units, null for what the device did not say. */
export interface OsmandPosition {
  deviceId: string;
  lat: number;
  lon: number;
  deviceTime: Date;
  speedMps: number | null;
  headingDeg: number | null;
  altitudeM: number | null;
  accuracyM: number | null;
  hdop: number | null;
  batteryPct: number | null;
  charging: boolean | null;
  /** The device's own judgement of the fix; an invalid fix is acknowledged but not stored. */
  valid: boolean;
}

/**
 * Reads a timestamp as Traccar does: an integer below 2^31 is epoch seconds, above it epoch milliseconds;
 * otherwise ISO-8601 (no offset means UTC) or `yyyy-MM-dd HH:mm:ss` in UTC. Returns null when unreadable.
 */
export function parseOsmandTimestamp(value: string): Date | null {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    return new Date(n < 2 ** 31 ? Math.round(n * 1000) : Math.round(n));
  }
  // A `+` in an unencoded query string arrives as a space: "…T10:00:00 08:00" meant +08:00.
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*(Z|[+\- ]\d{2}(?::?\d{2})?)?$/i.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Math.round(Number(`0${frac}`) * 1000) : 0;
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), ms);
  const check = new Date(local);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) {
    return null;
  }
  let offsetMin = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+\- ])(\d{2}):?(\d{2})?$/.exec(zone)!;
    offsetMin = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0));
  }
  return new Date(local - offsetMin * 60_000);
}

/**
 * When the request being parsed was received, for the timestamp's bounds. The schemas are built once (zod compiles a
 * schema on first use: building them per request cost a tenth of the position path's CPU); a parse is synchronous,
 * so `parseAt` setting this right before it is the whole of its lifetime.
 */
let receivedNow = new Date(0);
function parseAt<S extends z.ZodType>(schema: S, value: unknown, receivedAt: Date): z.output<S> {
  receivedNow = receivedAt;
  return schema.parse(value);
}

function timestampField() {
  return z
    .union([z.string(), z.number()])
    .optional()
    .transform((value, ctx) => {
      const receivedAt = receivedNow;
      // Without a timestamp the fix is taken as measured now, as Traccar does.
      if (value === undefined || value === '') return receivedAt;
      const date = parseOsmandTimestamp(String(value));
      if (!date || Number.isNaN(date.getTime())) {
        ctx.addIssue({
          code: 'custom',
          message: `cannot read "${String(value)}": expected epoch seconds or milliseconds, ISO-8601 or yyyy-MM-dd HH:mm:ss (UTC)`,
        });
        return z.NEVER;
      }
      // The same bounds as every other ingest path (protocol's fixProblem), told here with the parameter's name.
      const problem = timeProblem(date, receivedAt.getTime(), MAX_FIX_AGE_MS);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }
      return date;
    });
}

/** A query/form value: one string (a repeated parameter is an error), blank meaning absent. */
const param = <T extends z.ZodType>(inner: T) =>
  z.preprocess((v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : v.trim()) : v), inner);

const numberParam = z
  .string()
  .regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/, 'expected a number')
  .transform(Number)
  .refine(Number.isFinite, 'expected a finite number')
  .optional();
const optionalNumber = param(numberParam.transform((n) => n ?? null));
const booleanParam = param(
  z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(['true', 'false', '1', '0'], 'expected true or false'))
    .optional()
    .transform((v) => (v === undefined ? null : v === 'true' || v === '1')),
);

const QUERY_SHAPE = z
  .object({
    id: param(text(128).optional()),
    deviceid: param(text(128).optional()),
    lat: param(numberParam.pipe(Lat.optional())),
    lon: param(numberParam.pipe(Lon.optional())),
    location: param(text(100).optional()),
    timestamp: param(timestampField()),
    speed: optionalNumber,
    bearing: optionalNumber,
    heading: optionalNumber,
    altitude: optionalNumber,
    accuracy: optionalNumber,
    hdop: optionalNumber,
    batt: optionalNumber,
    charge: booleanParam,
    valid: booleanParam,
  })
  .superRefine((q, ctx) => {
    if (!q.id && !q.deviceid) ctx.addIssue({ code: 'custom', path: ['id'], message: 'the device id (id or deviceid) is required' });
    if (q.location !== undefined) {
      const parts = q.location.split(',').map((p) => p.trim());
      const lat = Lat.safeParse(Number(parts[0]));
      const lon = Lon.safeParse(Number(parts[1]));
      if (parts.length !== 2 || parts.some((p) => p === '') || !lat.success || !lon.success) {
        ctx.addIssue({ code: 'custom', path: ['location'], message: `expected "lat,lon" in range, got "${q.location}"` });
      }
    } else {
      if (q.lat === undefined) ctx.addIssue({ code: 'custom', path: ['lat'], message: 'latitude is required (lat, or location=lat,lon)' });
      if (q.lon === undefined) ctx.addIssue({ code: 'custom', path: ['lon'], message: 'longitude is required (lon, or location=lat,lon)' });
    }
  });

type Query = z.output<typeof QUERY_SHAPE>;

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const BOOLEANS = new Map([['true', true], ['false', false], ['1', true], ['0', false]]);
/** Returned from a reader when the value is one QUERY_SHAPE must judge (it then names the fault). */
const UNUSUAL = Symbol('unusual');

/** A parameter as `param` sees it: trimmed, blank as absent; UNUSUAL for anything but one string. */
function plain(params: Record<string, unknown>, key: string): string | undefined | typeof UNUSUAL {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return UNUSUAL;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function plainNumber(params: Record<string, unknown>, key: string, min = -Infinity, max = Infinity): number | undefined | typeof UNUSUAL {
  const value = plain(params, key);
  if (value === undefined || value === UNUSUAL) return value;
  if (!NUMBER.test(value)) return UNUSUAL;
  const n = Number(value);
  return Number.isFinite(n) && n >= min && n <= max ? n : UNUSUAL;
}

/**
 * QUERY_SHAPE's reading of a well-formed report without zod: a fleet's every report comes this way, and the schema's
 * parse (preprocessors, unions, pipes, refinements) was most of the door's own CPU per request (bench:doors profile).
 * The same result as QUERY_SHAPE (a property test holds them equal); null for anything it would refuse or that is
 * unusual (a repeated parameter, `location`, an ISO timestamp...), which the schema then reads or refuses by name.
 */
export function readPlainQuery(params: Record<string, unknown>, receivedAt: Date): Query | null {
  const id = plain(params, 'id');
  const deviceid = plain(params, 'deviceid');
  if (id === UNUSUAL || deviceid === UNUSUAL || (id === undefined && deviceid === undefined)) return null;
  for (const value of [id, deviceid]) if (value !== undefined && (value.length > 128 || textProblem(value))) return null;
  if (params.location !== undefined) return null;
  const lat = plainNumber(params, 'lat', -90, 90);
  const lon = plainNumber(params, 'lon', -180, 180);
  if (lat === undefined || lat === UNUSUAL || lon === undefined || lon === UNUSUAL) return null;
  const stamp = plain(params, 'timestamp');
  if (stamp === UNUSUAL || (stamp !== undefined && !/^\d+$/.test(stamp))) return null;
  let timestamp = receivedAt;
  if (stamp !== undefined) {
    const date = parseOsmandTimestamp(stamp);
    if (!date || Number.isNaN(date.getTime()) || timeProblem(date, receivedAt.getTime(), MAX_FIX_AGE_MS)) return null;
    timestamp = date;
  }
  const numbers = ['speed', 'bearing', 'heading', 'altitude', 'accuracy', 'hdop', 'batt'] as const;
  const read: Partial<Record<(typeof numbers)[number], number | null>> = {};
  for (const key of numbers) {
    const n = plainNumber(params, key);
    if (n === UNUSUAL) return null;
    read[key] = n ?? null;
  }
  const flags: Partial<Record<'charge' | 'valid', boolean | null>> = {};
  for (const key of ['charge', 'valid'] as const) {
    const value = plain(params, key);
    if (value === UNUSUAL) return null;
    const flag = value === undefined ? null : BOOLEANS.get(value.toLowerCase());
    if (flag === undefined) return null;
    flags[key] = flag;
  }
  return {
    id,
    deviceid,
    lat,
    lon,
    location: undefined,
    timestamp,
    speed: read.speed!,
    bearing: read.bearing!,
    heading: read.heading!,
    altitude: read.altitude!,
    accuracy: read.accuracy!,
    hdop: read.hdop!,
    batt: read.batt!,
    charge: flags.charge!,
    valid: flags.valid!,
  };
}

/** QUERY_SHAPE's own reading, for the property test that holds readPlainQuery to it. */
export const readQueryBySchema = (params: Record<string, unknown>, receivedAt: Date): Query => parseAt(QUERY_SHAPE, params, receivedAt);

/** Parses the query-string/form shape; throws a ZodError naming the bad parameter. */
export function parseOsmandParams(params: Record<string, unknown>, receivedAt: Date): OsmandPosition {
  const q = readPlainQuery(params, receivedAt) ?? parseAt(QUERY_SHAPE, params, receivedAt);
  const [lat, lon] = q.location !== undefined ? q.location.split(',').map(Number) : [q.lat, q.lon];
  return {
    deviceId: (q.id ?? q.deviceid)!,
    lat: lat!,
    lon: lon!,
    deviceTime: q.timestamp,
    speedMps: q.speed === null ? null : nonNegative(q.speed * KNOT_IN_MPS),
    headingDeg: heading(q.bearing ?? q.heading),
    altitudeM: q.altitude,
    accuracyM: nonNegative(q.accuracy),
    hdop: nonNegative(q.hdop),
    batteryPct: percent(q.batt),
    charging: q.charge,
    valid: q.valid ?? true,
  };
}

const nullableNumber = z.number().nullish().transform((n) => n ?? null);

function jsonShape(batched: boolean) {
  const location = z.object({
    timestamp: timestampField(),
    coords: z.object({
      latitude: Lat,
      longitude: Lon,
      speed: nullableNumber,
      heading: nullableNumber,
      accuracy: nullableNumber,
      altitude: nullableNumber,
    }),
    battery: z.object({ level: nullableNumber, is_charging: z.boolean().nullish() }).nullish(),
    is_moving: z.boolean().nullish(),
    odometer: nullableNumber,
  });
  return z.object({
    device_id: z.union([text(128).trim().min(1), z.number().transform(String)], 'the device id (device_id) is required'),
    // Chosen up front rather than by a union, so an error names the field and not just "location".
    location: batched ? z.array(location).min(1).max(1000) : location.transform((l) => [l]),
  });
}
const JSON_SHAPES = { one: jsonShape(false), batch: jsonShape(true) };

/** Parses the JSON body shape (one location or a batch); throws a ZodError naming the bad field. */
export function parseOsmandJson(body: unknown, receivedAt: Date): OsmandPosition[] {
  const batched = typeof body === 'object' && body !== null && Array.isArray((body as { location?: unknown }).location);
  const parsed = parseAt(batched ? JSON_SHAPES.batch : JSON_SHAPES.one, body, receivedAt);
  return parsed.location.map((l) => ({
    deviceId: parsed.device_id,
    lat: l.coords.latitude,
    lon: l.coords.longitude,
    deviceTime: l.timestamp,
    // iOS and transistorsoft report -1 for "unknown".
    speedMps: nonNegative(l.coords.speed),
    headingDeg: heading(l.coords.heading),
    altitudeM: l.coords.altitude,
    accuracyM: nonNegative(l.coords.accuracy),
    hdop: null,
    batteryPct: l.battery?.level == null || l.battery.level < 0 ? null : percent(l.battery.level * 100),
    charging: l.battery?.is_charging ?? null,
    valid: true,
  }));
}

/**
 * One request, whichever shape: a JSON object body wins; otherwise the query string and an urlencoded
 * body are merged (body over query), as clients put the parameters in either.
 */
export function parseOsmandRequest(request: { query: unknown; body: unknown }, receivedAt: Date): OsmandPosition[] {
  const body = request.body;
  if (body !== null && typeof body === 'object' && ('location' in body || 'device_id' in body)) {
    return parseOsmandJson(body, receivedAt);
  }
  if (Array.isArray(body) || (typeof body === 'string' && body.trim() !== '')) {
    throw new HttpError(400, 'body: expected OsmAnd parameters (query string or urlencoded form) or a JSON object with device_id and location');
  }
  const query = isRecord(request.query) ? request.query : {};
  const form = isRecord(body) ? body : {};
  return [parseOsmandParams({ ...query, ...form }, receivedAt)];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function nonNegative(value: number | null): number | null {
  return value === null || value < 0 ? null : round(value, 3);
}

function heading(value: number | null): number | null {
  if (value === null || value < 0) return null;
  return value < 360 ? value : value % 360;
}

function percent(value: number | null): number | null {
  if (value === null || value < 0) return null;
  return Math.min(100, round(value, 1));
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
