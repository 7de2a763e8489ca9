import type { RequestHandler } from 'express';
import { HttpError } from '../http/errors';
import { permit, type Action } from '../policies/policies';
import type { Principal, TokenService } from './tokens';

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
    } catch {
      return next(new HttpError(401, 'invalid or expired token'));
    }
    try {
      if (action) permit(req.principal, action);
    } catch (error) {
      return next(error);
    }
    next();
  };
}

/** The authenticated caller; only valid behind requireAuth. */
export function principalOf(req: { principal?: Principal }): Principal {
  if (!req.principal) throw new HttpError(401, 'not authenticated');
  return req.principal;
}
