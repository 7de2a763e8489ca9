import { pino } from 'pino';

export type Logger = pino.Logger;

/**
 * Keys whose values are personal data or secrets wherever they appear in a log line (top level or one object
 * down): callers' phones and addresses, patients' notes, people's names, request bodies, credentials.
 */
const PERSONAL_KEYS = [
  'callerPhone', 'caller_phone', 'callerNumber', 'phone', 'message', 'address', 'patientSummary', 'patient_summary', 'note', 'name', 'nameEn',
  'displayName', 'display_name', 'password', 'token', 'authorization', 'body', 'placeName', 'place_name', 'reason',
];
const REDACT_PATHS = [
  ...PERSONAL_KEYS,
  ...PERSONAL_KEYS.map((k) => `*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
];

/**
 * What a log line may keep of a text it did not write itself (an error message): PostgreSQL's quoted input
 * ('invalid input syntax for type uuid: "…"'), a "Failing row contains (…)" or "Key (…)=(…)" detail, and
 * anything shaped like a phone number are cut out.
 */
export function scrubText(text: string): string {
  return text
    .replace(/Failing row contains[\s\S]*/g, 'Failing row contains [redacted]')
    .replace(/Key \([^)]*\)=\([\s\S]*?\)/g, 'Key [redacted]')
    .replace(/(:\s*)"[\s\S]*"/g, '$1"[redacted]"')
    .replace(KEPT_OR_PHONE, (match, phone: string | undefined) => (phone ? '[number]' : match));
}

/** Ids and timestamps are kept as they are; a run of 7 or more digits (spaces or dashes between) is a phone number. */
const KEPT_OR_PHONE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+)?|(\+?\d(?:[ -]?\d){6,})/gi;

/**
 * The error serializer: type, code, constraint, table and column (what a developer needs) and a scrubbed message
 * and stack; never PostgreSQL's `detail`, `where`, `hint`, query or parameters, which quote rows and input.
 */
export function serializeError(error: unknown): unknown {
  if (typeof error === 'string') return scrubText(error);
  if (!(error instanceof Error)) return error;
  const e = error as Error & Record<string, unknown>;
  const message = scrubText(e.message);
  const kept: Record<string, unknown> = { type: e.name, message };
  for (const key of ['code', 'constraint', 'table', 'column', 'severity', 'routine', 'status', 'type']) {
    if (typeof e[key] === 'string' || typeof e[key] === 'number') kept[key === 'type' ? 'errorType' : key] = e[key];
  }
  if (e.stack) kept.stack = [`${e.name}: ${message}`, ...e.stack.split('\n').filter((l) => /^\s+at /.test(l))].join('\n');
  if (e.cause !== undefined) kept.cause = serializeError(e.cause);
  return kept;
}

/** Scrubs every string of a log line's own fields (the `message` an error handler copied, a reason...). */
function scrubFields(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value instanceof Error) return serializeError(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubFields(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubFields(v, depth + 1)]));
}

/**
 * The server's logger. No personal data reaches the output (design brief: Reliability and security): known
 * personal keys are redacted, errors go through `serializeError`, every other string is scrubbed.
 * @param destination where lines go (stdout by default; tests pass a stream to read what was logged)
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { app: 'dispatch-server' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
    formatters: { log: (object) => scrubFields(object) as Record<string, unknown> },
  };
  return destination ? pino(options, destination) : pino(options);
}
