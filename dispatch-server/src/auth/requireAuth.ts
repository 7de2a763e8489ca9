import type { RequestHandler } from 'express';
import { HttpError } from '../http/errors';
import { permit, type Action } from '../policies/policies';
import { PasswordChangeRequiredError, SessionInvalidError, type Principal, type TokenService } from './tokens';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/**
 * Reads `Authorization: Bearer <token>`; 401 without a valid one. With `action`, 403 when the policy says the
 * caller's role may not do it (a bound crew or hospital is then checked against the resource by the handler).
 */
export function requireAuth(tokens: TokenService, action?: Action): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token) return next(new HttpError(401, 'missing bearer token'));
    try {
      req.principal = await tokens.verify(token);
    } catch (error) {
      return next(sessionFailure(error));
    }
    try {
      if (action) permit(req.principal, action);
    } catch (error) {
      return next(error);
    }
    next();
  };
}

/**
 * Why a token was not accepted, as an answer: 401 only when the session is really over (log in again), 403
 * while a new password must be set first. Anything else means the session cannot be checked now (the
 * database is down): passed on as it is, so the one error mapper answers 503 and nobody is logged out.
 */
export function sessionFailure(error: unknown): unknown {
  if (error instanceof SessionInvalidError) return new HttpError(401, error.message);
  if (error instanceof PasswordChangeRequiredError) return new HttpError(403, error.message);
  return error;
}

/** The authenticated caller; only valid behind requireAuth. */
export function principalOf(req: { principal?: Principal }): Principal {
  if (!req.principal) throw new HttpError(401, 'not authenticated');
  return req.principal;
}
