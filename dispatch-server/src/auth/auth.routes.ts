import { Router, type RequestHandler } from 'express';
import { actorFrom, appendAudit } from '../audit/audit';
import { HttpError } from '../http/errors';
import { ChangePasswordRequest, LoginRequest } from '@dispatch/protocol';
import { changePassword, login, type LoginContext } from './login';
import { LoginThrottledError } from './loginThrottle';
import { verifyPasswordOrDummy } from './passwords';
import { principalOf, sessionFailure } from './requireAuth';
import { revokeSession } from './sessions';
import type { VerifiedSession } from './tokens';

declare module 'express-serve-static-core' {
  interface Request {
    authSession?: VerifiedSession;
  }
}

/**
 * Any live session, including one that may only change the password: for the routes such a session may use
 * (change the password, log out, who am I).
 */
function requireSession(ctx: LoginContext): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token) return next(new HttpError(401, 'missing bearer token'));
    try {
      req.authSession = await ctx.tokens.session(token);
      req.principal = req.authSession.principal;
      next();
    } catch (error) {
      next(sessionFailure(error));
    }
  };
}

export function authRoutes(ctx: LoginContext): Router {
  const router = Router();
  // Ready before the first unknown login, which would otherwise take longer than a known one.
  void verifyPasswordOrDummy(null, '');
  router.post('/auth/login', async (req, res) => {
    const body = LoginRequest.parse(req.body);
    try {
      res.json(await login(ctx, body.username, body.password, req.ip ?? null));
    } catch (error) {
      if (error instanceof LoginThrottledError) res.set('Retry-After', String(error.retryAfterS));
      throw error;
    }
  });
  router.get('/auth/me', requireSession(ctx), (req, res) => {
    res.json({ ...principalOf(req), mustChangePassword: req.authSession!.passwordChangeOnly });
  });
  router.post('/auth/password', requireSession(ctx), async (req, res) => {
    const body = ChangePasswordRequest.parse(req.body);
    try {
      res.json(await changePassword(ctx, principalOf(req), body, req.ip ?? null));
    } catch (error) {
      if (error instanceof LoginThrottledError) res.set('Retry-After', String(error.retryAfterS));
      throw error;
    }
  });
  router.post('/auth/logout', requireSession(ctx), async (req, res) => {
    await revokeSession(ctx.db, req.authSession!.sessionId);
    await appendAudit(ctx.db, actorFrom(req), 'logout', { type: 'user', id: req.authSession!.principal.userId });
    ctx.tokens.forget(req.authSession!.principal.userId);
    res.status(204).end();
  });
  return router;
}
