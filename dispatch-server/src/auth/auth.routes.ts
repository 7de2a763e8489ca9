import type { Response } from 'express';
import type { Handlers } from '../http/mountRoutes';
import { changePassword, login, logout, type LoginContext } from './login';
import { LoginThrottledError } from './loginThrottle';
import { verifyPasswordOrDummy } from './passwords';
import { sessionOf } from './requireAuth';

/** A throttled login or password change says when to try again. */
async function withRetryAfter<T>(res: Response, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof LoginThrottledError) res.set('Retry-After', String(error.retryAfterS));
    throw error;
  }
}

/** Login, and what any live session may do, one that may only set a new password included (policy 'session.own'). */
export function authHandlers(ctx: LoginContext): Handlers<'login' | 'me' | 'changePassword' | 'logout'> {
  // Ready before the first unknown login, which would otherwise take longer than a known one.
  void verifyPasswordOrDummy(null, '');
  return {
    login: ({ body }, { res, actor }) => withRetryAfter(res, login(ctx, body.username, body.password, actor.remoteAddr)),
    me: async (_request, { req }) => ({ ...sessionOf(req).principal, mustChangePassword: sessionOf(req).passwordChangeOnly }),
    changePassword: ({ body }, { req, res, actor }) => withRetryAfter(res, changePassword(ctx, sessionOf(req).principal, body, actor.remoteAddr)),
    logout: (_request, { req, actor }) => logout(ctx, sessionOf(req), actor),
  };
}
