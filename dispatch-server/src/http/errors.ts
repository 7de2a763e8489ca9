import { NoRoadNetworkError } from '@dispatch/geo/routing/roadGraph';
import { NoPathError } from '@dispatch/geo/routing/route';
import { TooFarFromRoadError } from '@dispatch/geo/routing/snap';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';

/** An error with an HTTP status and a message meant for the caller. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
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

/** The one place errors become responses: 4xx say what was wrong, 5xx say nothing internal. */
export function errorHandler(log: { error: (obj: object, msg: string) => void }): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    if (error instanceof HttpError) {
      res.status(error.status).json({ error: error.message, details: error.details });
      return;
    }
    // The road network's own refusals: a point off every road, no drivable path, no network imported.
    if (error instanceof TooFarFromRoadError || error instanceof NoPathError) {
      res.status(422).json({ error: error.message });
      return;
    }
    if (error instanceof NoRoadNetworkError) {
      res.status(503).json({ error: error.message });
      return;
    }
    if ((error as { code?: string })?.code === '22P02') {
      res.status(400).json({ error: 'a value is not of the expected type (e.g. not a UUID)' });
      return;
    }
    if (isDatabaseUnavailable(error)) {
      // Nothing was stored: the client retries (with the same Idempotency-Key for a call).
      res.status(503).json({ error: 'the database is unavailable; nothing was stored, retry in a moment' });
      return;
    }
    if (error instanceof ZodError) {
      res.status(400).json({ error: describeZodError(error), details: error.issues });
      return;
    }
    // body-parser errors carry a status (400 malformed JSON, 413 too large, 415 charset).
    const status = typeof error?.status === 'number' ? error.status : 500;
    if (status >= 400 && status < 500) {
      const message = error.type === 'entity.parse.failed' ? 'malformed JSON body' : error.message;
      res.status(status).json({ error: message });
      return;
    }
    log.error({ err: error }, 'unhandled error');
    res.status(500).json({ error: 'internal error' });
  };
}

/** Connection refused or lost, or the server shutting down or starting (SQLSTATE classes 08 and 57P). */
function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (!e) return false;
  if (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET' || e.code?.startsWith('08') || e.code?.startsWith('57P')) return true;
  return /Connection terminated|connection timeout/i.test(e.message ?? '');
}
