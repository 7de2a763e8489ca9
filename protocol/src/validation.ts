import { z } from 'zod';

/**
 * Why a text cannot be taken, or null. PostgreSQL cannot store a NUL character in text or jsonb (it would answer
 * with an error instead of storing), control characters have no place in a name or a note and can forge log or
 * screen lines, and an unpaired UTF-16 surrogate is not a character at all.
 */
export function textProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain a NUL character';
  // Control characters are exactly what this looks for (tab, line feed and carriage return stay allowed in notes).
  // eslint-disable-next-line no-control-regex
  if (/[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) return 'must not contain control characters';
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value)) {
    return 'must not contain unpaired UTF-16 surrogates';
  }
  return null;
}

/**
 * Free text a person or a device sends (names, notes, addresses, search terms), at most `max` characters: every
 * schema takes its text fields from here, so each inherits the rule of `textProblem` and a bad field is a 400
 * naming it. Chain `.trim().min(1)` etc. as on any zod string.
 */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((value, ctx) => {
      const problem = textProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

/** How far a device or telephony clock may run ahead of the server's: a few minutes of skew, never more. */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;
/**
 * A GPS fix older than this is refused: an outbox replays at most a few days offline, and the position history
 * keeps partitions for the previous, current and next month only.
 */
export const MAX_FIX_AGE_MS = 7 * 24 * 3600_000;
/** A call's ring or answer time older than this is a wrong clock (a ring in 1900), not a call recorded late. */
export const MAX_CALL_AGE_MS = 30 * 24 * 3600_000;

/** Why an instant cannot be right for something that happened "now" (a fix, a ring), or null. */
export function timeProblem(at: Date | string | number, now: number, maxAgeMs: number): string | null {
  const ms = new Date(at).getTime();
  if (Number.isNaN(ms)) return 'is not a date';
  if (ms > now + MAX_CLOCK_AHEAD_MS) {
    return `${new Date(ms).toISOString()} is more than ${MAX_CLOCK_AHEAD_MS / 60_000} minutes ahead of the server clock: the device clock is wrong`;
  }
  if (ms < now - maxAgeMs) {
    return `${new Date(ms).toISOString()} is more than ${describeAge(maxAgeMs)} old: the device clock is wrong or the fix is stale`;
  }
  return null;
}

/** A socket acknowledgement's refusal: the same status and message a REST answer would carry. */
export const Refused = z.object({ ok: z.literal(false), status: z.number(), error: z.string() });

/** A field and what is wrong with it, as an answer names it. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * The one validation of a position fix, whatever brought it (crew socket, OsmAnd HTTP or port, NMEA in the agent):
 * coordinates in range and not the 0,0 a receiver reports before it has a fix, device time neither ahead of the
 * server's clock by more than the skew allowed nor older than MAX_FIX_AGE_MS. A fix dated 2099 would otherwise
 * stay the vehicle's latest position for ever (never stale, ranked from the wrong place).
 */
export function fixProblem(fix: { lon: number; lat: number; deviceTime: Date | string }, now = Date.now()): FieldProblem | null {
  const point = pointProblem(fix);
  if (point) return point;
  const time = timeProblem(fix.deviceTime, now, MAX_FIX_AGE_MS);
  return time ? { field: 'deviceTime', message: time } : null;
}

/** Coordinates a place on Earth can have, and not exactly 0,0 (a receiver's or a form's default, never a patient). */
export function pointProblem(point: { lon: number; lat: number }): FieldProblem | null {
  if (!(Number.isFinite(point.lat) && Math.abs(point.lat) <= 90)) return { field: 'lat', message: `${point.lat} is not a latitude` };
  if (!(Number.isFinite(point.lon) && Math.abs(point.lon) <= 180)) return { field: 'lon', message: `${point.lon} is not a longitude` };
  // Within a metre of 0,0 (a subnormal 1e-300 included): what stores as 0,0 is refused as 0,0.
  if (Math.abs(point.lat) < 1e-5 && Math.abs(point.lon) < 1e-5) return { field: 'lat', message: '0,0 is the position of no fix, not a place' };
  return null;
}

/** For zod schemas: reports a FieldProblem as an issue on its field. */
export function addProblem(ctx: z.RefinementCtx, problem: FieldProblem | null, prefix: (string | number)[] = []): void {
  if (problem) ctx.addIssue({ code: 'custom', path: [...prefix, problem.field], message: problem.message });
}

function describeAge(ms: number): string {
  return ms % (24 * 3600_000) === 0 ? `${ms / (24 * 3600_000)} day(s)` : `${ms / 3600_000} hours`;
}
