import type { Principal } from '@dispatch/protocol';
import type { RequestHandler } from 'express';
import { HttpError } from '../http/errors';
import { permit, type Action } from '../policies/policies';
import { PasswordChangeRequiredError, SessionInvalidError, type TokenService, type VerifiedSession } from './tokens';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
    authSession?: VerifiedSession;
  }
}

/**
 * Reads `Authorization: Bearer <token>`; 401 without a valid one. With `action`, 403 when the policy says the
 * caller's role may not do it (a bound crew or hospital is then checked against the resource by the handler).
 * A session that may only set a new password reaches its own session ('session.own') and nothing else (403).
 */
export function requireAuth(tokens: TokenService, action?: Action): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token) return next(new HttpError(401, 'missing bearer token'));
    try {
      req.authSession = await tokens.session(token);
      if (req.authSession.passwordChangeOnly && action !== 'session.own') throw new PasswordChangeRequiredError();
      req.principal = req.authSession.principal;
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
function sessionFailure(error: unknown): unknown {
  if (error instanceof SessionInvalidError) return new HttpError(401, error.message);
  if (error instanceof PasswordChangeRequiredError) return new HttpError(403, error.message);
  return error;
}

/** The caller's session; only valid behind requireAuth. */
export function sessionOf(req: { authSession?: VerifiedSession }): VerifiedSession {
  if (!req.authSession) throw new HttpError(401, 'not authenticated');
  return req.authSession;
}

/** The authenticated caller; only valid behind requireAuth. */
export function principalOf(req: { principal?: Principal }): Principal {
  if (!req.principal) throw new HttpError(401, 'not authenticated');
  return req.principal;
}
