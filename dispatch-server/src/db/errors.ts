import { HttpError } from '../http/errors';

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

export const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
