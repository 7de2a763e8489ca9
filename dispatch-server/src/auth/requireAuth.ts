import type { RequestHandler } from 'express';
import type { Role } from '@dispatch/protocol';
import { HttpError } from '../http/errors';
import type { Principal, TokenService } from './tokens';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** Reads `Authorization: Bearer <token>`; 401 without a valid one, 403 when the role is not allowed. */
export function requireAuth(tokens: TokenService, ...roles: Role[]): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token) return next(new HttpError(401, 'missing bearer token'));
    try {
      req.principal = await tokens.verify(token);
    } catch {
      return next(new HttpError(401, 'invalid or expired token'));
    }
    if (roles.length > 0 && !roles.includes(req.principal.role)) {
      return next(new HttpError(403, `role ${req.principal.role} may not do this`));
    }
    next();
  };
}

/** The authenticated caller; only valid behind requireAuth. */
export function principalOf(req: { principal?: Principal }): Principal {
  if (!req.principal) throw new HttpError(401, 'not authenticated');
  return req.principal;
}
