import type { GpsFix } from './types';

/**
 * NMEA 0183 position sentences from in-vehicle GPS units: RMC (recommended minimum: position, speed, course,
 * date) and GGA (fix data: position, quality, satellites, HDOP, altitude; no date). Any two-letter talker is
 * accepted (GP GPS, GN multi-constellation, GL GLONASS, GA Galileo, BD/GB BeiDou).
 * Every function here is pure; `NmeaDecoder` only remembers the last RMC so GGA fixes get a date.
 */

/** One knot is exactly 1852 m per hour. */
export const KNOT_IN_MPS = 1852 / 3600;

export type NmeaRejectionCode =
  | 'empty'
  | 'not_nmea'
  | 'missing_checksum'
  | 'bad_checksum'
  | 'unsupported'
  | 'malformed'
  | 'void'
  | 'no_fix'
  | 'no_date';

export interface NmeaFix extends GpsFix {
  source: 'nmea';
  sentence: 'RMC' | 'GGA';
  talker: string;
  /** GGA fix quality (1 GPS, 2 DGPS, 4 RTK fixed, 5 RTK float, 6 dead reckoning...); null for RMC. */
  fixQuality: number | null;
  /** RMC mode indicator of NMEA 2.3+ (A autonomous, D differential, E estimated...); null when absent. */
  mode: string | null;
  satellites: number | null;
  hdop: number | null;
}

export interface NmeaRejection {
  code: NmeaRejectionCode;
  reason: string;
}

export type NmeaResult = { ok: true; fix: NmeaFix } | ({ ok: false } & NmeaRejection);

export interface NmeaContext {
  /** UTC date (YYYY-MM-DD) for GGA sentences, which carry only a time of day. */
  date?: string;
  /**
   * A recent instant (ISO-8601), typically the last RMC fix: a GGA time of day is placed on the day that
   * puts it closest to this instant, so fixes around midnight UTC get the right date.
   */
  reference?: string;
}

/** XOR of every character between `$` and `*`, as two upper-case hex digits. */
export function nmeaChecksum(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum ^= body.charCodeAt(i);
  return sum.toString(16).toUpperCase().padStart(2, '0');
}

/** Appends `*hh` to a sentence body (without `$`): for simulators and tests. */
export function withChecksum(body: string): string {
  return `$${body}*${nmeaChecksum(body)}`;
}

class FieldError extends Error {
  constructor(
    readonly code: NmeaRejectionCode,
    message: string,
  ) {
    super(message);
  }
}

const reject = (code: NmeaRejectionCode, reason: string): NmeaResult => ({ ok: false, code, reason });

/** Parses one sentence (trailing CR/LF and whitespace ignored). Never throws. */
export function parseNmeaSentence(line: string, context: NmeaContext = {}): NmeaResult {
  const sentence = line.trim();
  if (sentence === '') return reject('empty', 'empty line');
  if (!sentence.startsWith('$')) return reject('not_nmea', `not an NMEA sentence (must start with $): ${preview(sentence)}`);
  const star = sentence.lastIndexOf('*');
  if (star < 0) return reject('missing_checksum', `missing checksum (*hh) in ${preview(sentence)}`);
  const body = sentence.slice(1, star);
  const given = sentence.slice(star + 1);
  if (!/^[0-9A-Fa-f]{2}$/.test(given)) return reject('missing_checksum', `checksum must be two hex digits, got "${given}"`);
  const expected = nmeaChecksum(body);
  if (given.toUpperCase() !== expected) {
    return reject('bad_checksum', `bad checksum: sentence says ${given.toUpperCase()}, content gives ${expected}`);
  }
  const fields = body.split(',');
  const address = fields[0] ?? '';
  const match = /^([A-Z]{2})(RMC|GGA)$/.exec(address);
  if (!match) return reject('unsupported', `unsupported sentence ${address || '(no address)'}`);
  const talker = match[1]!;
  try {
    return match[2] === 'RMC' ? parseRmc(talker, fields) : parseGga(talker, fields, context);
  } catch (error) {
    if (error instanceof FieldError) return reject(error.code, `${address}: ${error.message}`);
    throw error;
  }
}

/** $--RMC,hhmmss.ss,A,llll.ll,a,yyyyy.yy,a,x.x,x.x,ddmmyy,x.x,a[,m[,s]]*hh */
function parseRmc(talker: string, f: string[]): NmeaResult {
  if (f.length < 10) throw new FieldError('malformed', `expected at least 10 fields, got ${f.length}`);
  const status = f[2];
  if (status === 'V') return reject('void', `${talker}RMC: status V (void): the receiver has no valid fix`);
  if (status !== 'A') throw new FieldError('malformed', `status must be A or V, got "${status}"`);
  const mode = f[12] ? f[12] : null;
  if (mode === 'N') return reject('void', `${talker}RMC: mode N: data not valid`);
  const timeOfDayMs = parseTime(f[1]);
  const date = parseDate(f[9]);
  const knots = parseNumber(f[7], 'speed');
  return {
    ok: true,
    fix: {
      lat: parseCoordinate(f[3], f[4], 'lat'),
      lon: parseCoordinate(f[5], f[6], 'lon'),
      speedMps: knots === null ? null : round(knots * KNOT_IN_MPS, 3),
      headingDeg: normaliseHeading(parseNumber(f[8], 'course')),
      accuracyM: null,
      altitudeM: null,
      deviceTime: new Date(date + timeOfDayMs).toISOString(),
      source: 'nmea',
      sentence: 'RMC',
      talker,
      fixQuality: null,
      mode,
      satellites: null,
      hdop: null,
    },
  };
}

/** $--GGA,hhmmss.ss,llll.ll,a,yyyyy.yy,a,q,nn,h.h,a.a,M,g.g,M,x.x,nnnn*hh */
function parseGga(talker: string, f: string[], context: NmeaContext): NmeaResult {
  if (f.length < 10) throw new FieldError('malformed', `expected at least 10 fields, got ${f.length}`);
  const quality = parseNumber(f[6], 'fix quality');
  if (quality === null) throw new FieldError('malformed', 'fix quality is empty');
  if (quality === 0) return reject('no_fix', `${talker}GGA: fix quality 0: the receiver has no fix`);
  const timeOfDayMs = parseTime(f[1]);
  const altitude = parseNumber(f[9], 'altitude');
  if (altitude !== null && f[10] && f[10] !== 'M') throw new FieldError('malformed', `altitude unit must be M, got "${f[10]}"`);
  const instant = placeOnDay(timeOfDayMs, context);
  if (instant === null) {
    return reject('no_date', `${talker}GGA carries no date: no RMC seen yet and no date supplied`);
  }
  return {
    ok: true,
    fix: {
      lat: parseCoordinate(f[2], f[3], 'lat'),
      lon: parseCoordinate(f[4], f[5], 'lon'),
      speedMps: null,
      headingDeg: null,
      accuracyM: null,
      altitudeM: altitude,
      deviceTime: new Date(instant).toISOString(),
      source: 'nmea',
      sentence: 'GGA',
      talker,
      fixQuality: quality,
      mode: null,
      satellites: parseNumber(f[7], 'satellites'),
      hdop: parseNumber(f[8], 'hdop'),
    },
  };
}

const DAY_MS = 86_400_000;

function placeOnDay(timeOfDayMs: number, context: NmeaContext): number | null {
  if (context.reference) {
    const reference = Date.parse(context.reference);
    if (Number.isNaN(reference)) throw new FieldError('malformed', `reference instant "${context.reference}" is not a date`);
    const day = Math.floor(reference / DAY_MS) * DAY_MS;
    // The receiver's clock runs on: of yesterday, today and tomorrow, the closest to the reference is right.
    const candidates = [day - DAY_MS, day, day + DAY_MS].map((d) => d + timeOfDayMs);
    return candidates.reduce((best, c) => (Math.abs(c - reference) < Math.abs(best - reference) ? c : best));
  }
  if (context.date) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(context.date);
    if (!m) throw new FieldError('malformed', `supplied date "${context.date}" is not YYYY-MM-DD`);
    return validDate(Number(m[1]), Number(m[2]), Number(m[3]), context.date) + timeOfDayMs;
  }
  return null;
}

function parseNumber(field: string | undefined, name: string): number | null {
  if (field === undefined || field === '') return null;
  if (!/^-?\d+(\.\d+)?$/.test(field)) throw new FieldError('malformed', `${name} "${field}" is not a number`);
  return Number(field);
}

/** ddmm.mmmm (latitude) or dddmm.mmmm (longitude) with its hemisphere → signed decimal degrees. */
function parseCoordinate(value: string | undefined, hemisphere: string | undefined, axis: 'lat' | 'lon'): number {
  const name = axis === 'lat' ? 'latitude' : 'longitude';
  if (!value) throw new FieldError('malformed', `${name} is empty`);
  const m = /^(\d{1,3})(\d{2}(?:\.\d+)?)$/.exec(value);
  if (!m) throw new FieldError('malformed', `${name} "${value}" is not ${axis === 'lat' ? 'ddmm.mmmm' : 'dddmm.mmmm'}`);
  const degrees = Number(m[1]);
  const minutes = Number(m[2]);
  if (minutes >= 60) throw new FieldError('malformed', `${name} "${value}" has ${minutes} minutes`);
  const magnitude = degrees + minutes / 60;
  const max = axis === 'lat' ? 90 : 180;
  if (magnitude > max) throw new FieldError('malformed', `${name} "${value}" is beyond ${max}°`);
  const [positive, negative] = axis === 'lat' ? ['N', 'S'] : ['E', 'W'];
  if (hemisphere !== positive && hemisphere !== negative) {
    throw new FieldError('malformed', `${name} hemisphere must be ${positive} or ${negative}, got "${hemisphere ?? ''}"`);
  }
  return round(hemisphere === negative ? -magnitude : magnitude, 8);
}

/** hhmmss(.sss) → milliseconds since midnight UTC. */
function parseTime(field: string | undefined): number {
  if (!field) throw new FieldError('malformed', 'UTC time is empty');
  const m = /^(\d{2})(\d{2})(\d{2}(?:\.\d+)?)$/.exec(field);
  if (!m) throw new FieldError('malformed', `UTC time "${field}" is not hhmmss.ss`);
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (h > 23 || min > 59 || s >= 60) throw new FieldError('malformed', `UTC time "${field}" is out of range`);
  return Math.round(((h * 60 + min) * 60 + s) * 1000);
}

/** ddmmyy → epoch milliseconds of that midnight UTC. Two-digit years 80–99 are 1980–1999 (GPS began in 1980). */
function parseDate(field: string | undefined): number {
  if (!field) throw new FieldError('malformed', 'date is empty');
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(field);
  if (!m) throw new FieldError('malformed', `date "${field}" is not ddmmyy`);
  const yy = Number(m[3]);
  return validDate(yy >= 80 ? 1900 + yy : 2000 + yy, Number(m[2]), Number(m[1]), field);
}

function validDate(year: number, month: number, day: number, original: string): number {
  const ms = Date.UTC(year, month - 1, day);
  const d = new Date(ms);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) {
    throw new FieldError('malformed', `date "${original}" does not exist`);
  }
  return ms;
}

function normaliseHeading(course: number | null): number | null {
  if (course === null || (course >= 0 && course < 360)) return course;
  return ((course % 360) + 360) % 360;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function preview(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Decodes a stream of sentences from one receiver: remembers the last RMC instant so that GGA sentences,
 * which carry no date, are dated correctly (also across midnight UTC).
 */
export class NmeaDecoder {
  private lastRmc: string | undefined;

  constructor(private readonly options: { date?: string } = {}) {}

  decode(line: string): NmeaResult {
    const result = parseNmeaSentence(line, { date: this.options.date, reference: this.lastRmc });
    if (result.ok && result.fix.sentence === 'RMC') this.lastRmc = result.fix.deviceTime;
    return result;
  }
}
