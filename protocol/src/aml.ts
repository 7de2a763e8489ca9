/**
 * Advanced Mobile Location (ETSI TS 103 625): the caller's handset sends its own position to the emergency centre,
 * by SMS or HTTPS, as one line of `key=value` attributes separated by `;`, e.g.
 * `A"ML=1;lt=+37.02700;lg=+111.91300;rd=50;top=20261203093015;lc=68;pm=G;si=…;ei=…;mcc=460;mnc=00;ml=123`.
 * Only what locates the caller is kept: the handset's identities (si = IMSI, ei = IMEI) and its network are
 * read past and never stored.
 */

/** How the handset found itself: pm=G satellites, W Wi-Fi, C the cell, N no position at all. */
export const AML_METHODS = { G: 'aml_gnss', W: 'aml_wifi', C: 'aml_cell' } as const;
export type AmlSource = (typeof AML_METHODS)[keyof typeof AML_METHODS] | 'aml';

export interface AmlLocation {
  lon: number;
  lat: number;
  /** rd: radius of the circle the caller is in, metres. */
  radiusM: number;
  /** top: time of positioning (UTC), ISO-8601. */
  at: string | null;
  /** lc: level of confidence, per cent, that the caller is inside the circle. */
  confidence: number | null;
  source: AmlSource;
}

/** The attributes TS 103 625 defines; any other key is a message this parser does not understand. */
const KNOWN = new Set(['A"ML', 'lt', 'lg', 'rd', 'top', 'lc', 'pm', 'si', 'ei', 'mcc', 'mnc', 'ml']);

/** A parsed AML message: the caller's location, null for pm=N (no position), or the problem with the message. */
export type AmlParse = { ok: true; location: AmlLocation | null } | { ok: false; problem: string };

export function parseAml(message: string): AmlParse {
  const text = message.trim();
  const fields = new Map<string, string>();
  for (const part of text.split(';')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return { ok: false, problem: `"${part.slice(0, 20)}" is not key=value` };
    const key = part.slice(0, eq);
    if (!KNOWN.has(key)) return { ok: false, problem: `unknown attribute ${key.slice(0, 10)}` };
    if (fields.has(key)) return { ok: false, problem: `${key} given twice` };
    fields.set(key, part.slice(eq + 1));
  }
  // ml is the length of the whole message: a message cut short in transit (an SMS split, a truncated body) says so.
  const ml = fields.get('ml');
  if (ml !== undefined && Number(ml) !== text.length) return { ok: false, problem: `ml says ${ml} characters, the message has ${text.length}` };
  const pm = fields.get('pm');
  if (pm !== undefined && pm !== 'N' && !(pm in AML_METHODS)) return { ok: false, problem: `pm: ${pm.slice(0, 5)} is not G, W, C or N` };
  if (pm === 'N') return { ok: true, location: null };
  const lat = degrees(fields.get('lt'), 90);
  const lon = degrees(fields.get('lg'), 180);
  if (lat === null) return { ok: false, problem: 'lt: a latitude of ±90 degrees is required' };
  if (lon === null) return { ok: false, problem: 'lg: a longitude of ±180 degrees is required' };
  const rd = fields.get('rd');
  const radiusM = rd === undefined ? NaN : Number(rd);
  if (!/^\d+(\.\d+)?$/.test(rd ?? '') || !(radiusM > 0) || radiusM > 100_000) return { ok: false, problem: 'rd: a radius of 1 to 100000 metres is required' };
  const lc = fields.get('lc');
  if (lc !== undefined && !(/^\d{1,3}$/.test(lc) && Number(lc) <= 100)) return { ok: false, problem: 'lc: a whole per cent 0 to 100' };
  const top = fields.get('top');
  const at = top === undefined ? null : timeOfPositioning(top);
  if (at === undefined) return { ok: false, problem: 'top: yyyyMMddHHmmss (UTC)' };
  return {
    ok: true,
    location: { lon, lat, radiusM, at, confidence: lc === undefined ? null : Number(lc), source: pm ? AML_METHODS[pm as keyof typeof AML_METHODS] : 'aml' },
  };
}

function degrees(value: string | undefined, max: number): number | null {
  if (value === undefined || !/^[+-]?\d{1,3}(\.\d+)?$/.test(value)) return null;
  const n = Number(value);
  return Math.abs(n) <= max ? n : null;
}

/** `top`, yyyyMMddHHmmss in UTC, as ISO-8601; undefined when it is not a real time. */
function timeOfPositioning(top: string): string | null | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(top);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const time = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  if (time.getUTCMonth() !== mo! - 1 || time.getUTCDate() !== d! || h! > 23 || mi! > 59 || s! > 59) return undefined;
  return time.toISOString();
}

/** An AML message for a position, as a handset would send it (the phone-call player for demos and tests). */
export function formatAml(location: { lon: number; lat: number; radiusM: number; at: Date; confidence?: number; method?: 'G' | 'W' | 'C' }): string {
  const sign = (x: number, digits: number) => `${x >= 0 ? '+' : '-'}${Math.abs(x).toFixed(digits)}`;
  const top = location.at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const body =
    `A"ML=1;lt=${sign(location.lat, 5)};lg=${sign(location.lon, 5)};rd=${Math.round(location.radiusM)};top=${top};` +
    `lc=${location.confidence ?? 68};pm=${location.method ?? 'G'};mcc=460;mnc=00;ml=`;
  // ml counts itself: the digits of the total length are part of the total.
  let length = body.length + 2;
  while (String(length).length !== length - body.length) length = body.length + String(length).length;
  return body + String(length);
}
