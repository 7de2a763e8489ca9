import { NoRoadNetworkError } from '@dispatch/geo/routing/roadGraph';
import { NoPathError } from '@dispatch/geo/routing/route';
import { TooFarFromRoadError } from '@dispatch/geo/routing/snap';
import { codeForStatus, type ErrorCode } from '@dispatch/protocol';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';

/** An error with an HTTP status and a message meant for the caller; `code` when the refusal has its own translation. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
    readonly code?: ErrorCode,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, `${what} not found`);

/** Names the offending fields, e.g. "location.lat: Too big: expected number to be <=90". */
export function describeZodError(error: ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`).join('; ');
}

export const unknownRoute: RequestHandler = (req, _res, next) => next(new HttpError(404, `no route ${req.method} ${req.path}`));

/** What a caller is told about a failure: the same for a REST answer and a socket acknowledgement. */
export interface ErrorAnswer {
  status: number;
  error: string;
  details?: unknown;
  code?: ErrorCode;
}

/**
 * The one place errors become answers: 4xx say what was wrong, 503 says "retry, nothing was stored",
 * 5xx say nothing internal. Used by the REST error handler and every socket acknowledgement.
 */
export function answerFor(error: unknown): ErrorAnswer {
  if (error instanceof HttpError) return { status: error.status, error: error.message, details: error.details, code: error.code };
  // The road network's own refusals: a point off every road, no drivable path, no network imported.
  if (error instanceof TooFarFromRoadError || error instanceof NoPathError) return { status: 422, error: error.message };
  if (error instanceof NoRoadNetworkError) return { status: 503, error: error.message };
  if (error instanceof ZodError) return { status: 400, error: describeZodError(error), details: error.issues };
  const e = error as { code?: string; status?: unknown; type?: string; message?: string } | null;
  if (e?.code === '22P02') return { status: 400, error: 'a value is not of the expected type (e.g. not a UUID)' };
  const data = dataErrorAnswer(error);
  if (data) return data;
  // Nothing was stored: the client retries (with the same Idempotency-Key for a call).
  if (isDatabaseUnavailable(error)) return { status: 503, error: 'the database is unavailable; nothing was stored, retry in a moment' };
  // body-parser errors carry a status (400 malformed JSON, 413 too large, 415 charset).
  const status = typeof e?.status === 'number' ? e.status : 500;
  if (status >= 400 && status < 500) {
    return { status, error: e?.type === 'entity.parse.failed' ? 'malformed JSON body' : String(e?.message) };
  }
  return { status: 500, error: 'internal error' };
}

/** REST: every error a route throws or passes on ends here. */
export function errorHandler(log: { error: (obj: object, msg: string) => void }): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const answer = answerFor(error);
    if (answer.status >= 500 && answer.status !== 503) log.error({ err: error }, 'unhandled error');
    res.status(answer.status).json({ error: answer.error, code: answer.code ?? codeForStatus(answer.status), details: answer.details });
  };
}

/**
 * The database's refusals of bad data, when no schema caught it first: a text it cannot store (NUL, bad encoding),
 * a value out of range, a constraint violated. The input is at fault, so never a 500; and the answer names the
 * column or constraint only, never PostgreSQL's detail ("Failing row contains (...)" would echo personal data).
 */
function dataErrorAnswer(error: unknown): ErrorAnswer | null {
  const e = error as { code?: unknown; constraint?: unknown; column?: unknown } | null;
  if (typeof e?.code !== 'string' || !(e.code.startsWith('22') || e.code.startsWith('23'))) return null;
  if (!isPgError(error)) return null;
  const where = typeof e.column === 'string' ? e.column : typeof e.constraint === 'string' ? e.constraint : null;
  const on = where ? `${where}: ` : '';
  if (e.code === '22021' || e.code === '22P05') return { status: 400, error: `${on}a text contains a character that cannot be stored (e.g. NUL)` };
  if (e.code.startsWith('22')) return { status: 400, error: `${on}a value is out of range or malformed` };
  if (e.code === '23505') return { status: 409, error: `${on}already exists` };
  if (e.code === '23P01') return { status: 409, error: `${on}conflicts with an existing entry` };
  if (e.code === '23503') return { status: 409, error: `${on}refers to something that does not exist, or is still referred to` };
  if (e.code === '23502') return { status: 400, error: `${on}is required` };
  return { status: 400, error: `${on}violates a rule of the record` };
}

/** node-postgres errors carry the SQLSTATE and a severity; other errors with a `code` (Node's, Redis's) do not. */
function isPgError(error: unknown): boolean {
  return typeof (error as { severity?: unknown }).severity === 'string';
}

/** Connection refused or lost, or the server shutting down or starting (SQLSTATE classes 08 and 57P). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (!e) return false;
  if (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET' || e.code?.startsWith('08') || e.code?.startsWith('57P')) return true;
  return /Connection terminated|connection timeout/i.test(e.message ?? '');
}

interface PgError {
  code?: string;
  constraint?: string;
}

/**
 * Turns constraint violations into the 4xx a caller can act on; `messages` maps a constraint name to
 * the sentence to show. Anything else is rethrown as is.
 */
export function translatePgError(error: unknown, messages: Record<string, string> = {}): never {
  const pgError = error as PgError;
  const known = pgError.constraint ? messages[pgError.constraint] : undefined;
  // The constraint's name, never PostgreSQL's detail: "Key (phone)=(139…)" would echo what was sent, into logs too.
  if (pgError.code === '23505') throw new HttpError(409, known ?? `already exists (${pgError.constraint})`);
  if (pgError.code === '23503') throw new HttpError(400, known ?? `refers to something that does not exist (${pgError.constraint})`);
  if (pgError.code === '23P01') throw new HttpError(409, known ?? `conflicts with an existing entry (${pgError.constraint})`);
  if (pgError.code === '23514') throw new HttpError(400, known ?? `violates ${pgError.constraint}`);
  throw error;
}
