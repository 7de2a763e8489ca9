import { type Db, type DbClient, inTransaction, readQueries } from '@dispatch/db';
import { Role } from '@dispatch/protocol';
import { appendAudit, type Actor } from '../audit/audit';
import { HttpError } from '../http/errors';
import type { LoginThrottle } from './loginThrottle';
import { hashPassword, verifyPasswordOrDummy } from './passwords';
import { revokeSessionsOf } from './sessions';
import type { Principal, TokenService } from './tokens';

const sql = readQueries(new URL('./auth.sql', import.meta.url), ['findByUsername', 'findById', 'setPassword']);

/** What a login needs besides the credentials. */
export interface LoginContext {
  db: Db;
  tokens: TokenService;
  throttle: LoginThrottle;
  /** The server listens on loopback only; demo passwords are refused otherwise. */
  loopbackOnly: boolean;
}

/** The answer of a login and of a password change. */
export interface LoginResult {
  token: string;
  user: Principal & { displayName: string };
  /** The token may only change the password (POST /api/auth/password) until a new one is set. */
  mustChangePassword: boolean;
}

const principalOf = (user: Record<string, unknown>): Principal => ({
  userId: user.id as string,
  username: user.username as string,
  role: Role.parse(user.role),
  vehicleId: user.vehicle_id as string | null,
  hospitalId: user.hospital_id as string | null,
});

/**
 * Checks a username and password and opens a session. An unknown login costs the same password check as a
 * known one and gets the same answer; each failure is counted (per login and per address) and audited.
 * @param ctx database, tokens, throttle and whether demo passwords may be used
 * @param username login name (case-insensitive)
 * @param password plain password, compared against the stored argon2id hash
 * @param remoteAddr the caller's address, for the throttle and the audit log
 */
export async function login(ctx: LoginContext, username: string, password: string, remoteAddr: string | null): Promise<LoginResult> {
  const name = username.toLowerCase();
  await ctx.throttle.check(name, remoteAddr);
  const { rows } = await ctx.db.query(sql.findByUsername, [name]);
  const user = rows[0] as Record<string, unknown> | undefined;
  const passwordOk = await verifyPasswordOrDummy((user?.password_hash as string | undefined) ?? null, password);
  const actor: Actor = { principal: null, remoteAddr };
  if (!user || !passwordOk || user.disabled) {
    await ctx.throttle.failed(name, remoteAddr);
    // Never the password; the reason only for the supervisors reading the audit log.
    const reason = !user ? 'unknown login' : !passwordOk ? 'wrong password' : 'login disabled';
    await appendAudit(ctx.db, actor, 'login.failed', { type: 'login', id: name }, { reason });
    throw new HttpError(401, 'wrong username or password');
  }
  if (user.demo_password && !ctx.loopbackOnly) {
    await appendAudit(ctx.db, actor, 'login.failed', { type: 'login', id: name }, { reason: 'demo password beyond loopback' });
    throw new HttpError(403, 'demo passwords are refused while the server listens beyond loopback (HOST); an admin must set a real password');
  }
  await ctx.throttle.succeeded(name);
  const principal = principalOf(user);
  const mustChangePassword = user.must_change_password as boolean;
  await appendAudit(ctx.db, { principal, remoteAddr }, 'login.succeeded', { type: 'user', id: principal.userId }, { mustChangePassword });
  return {
    token: await ctx.tokens.issue(principal, { passwordChangeOnly: mustChangePassword, remoteAddr }),
    user: { ...principal, displayName: user.display_name as string },
    mustChangePassword,
  };
}

/**
 * Sets a new password for the caller, who must give the current one; ends every session of the login (other
 * devices log in again) and opens a new full session for this one.
 * @param ctx database, tokens, throttle (a wrong current password counts as a failed login)
 * @param principal the caller, from a live session (a password-change-only one included)
 */
export async function changePassword(
  ctx: LoginContext,
  principal: Principal,
  input: { currentPassword: string; newPassword: string },
  remoteAddr: string | null,
): Promise<LoginResult> {
  await ctx.throttle.check(principal.username, remoteAddr);
  const { rows } = await ctx.db.query(sql.findById, [principal.userId]);
  const user = rows[0] as Record<string, unknown> | undefined;
  if (!user || !(await verifyPasswordOrDummy(user.password_hash as string, input.currentPassword))) {
    await ctx.throttle.failed(principal.username, remoteAddr);
    await appendAudit(ctx.db, { principal, remoteAddr }, 'password.changeFailed', { type: 'user', id: principal.userId }, { reason: 'wrong current password' });
    // 403, not 401: a wrong current password does not end the session.
    throw new HttpError(403, 'currentPassword: does not match');
  }
  if (input.newPassword === input.currentPassword) throw new HttpError(400, 'newPassword: must differ from the current password');
  const passwordHash = await hashPassword(input.newPassword);
  await inTransaction(ctx.db, async (client) => {
    await client.query(sql.setPassword, [principal.userId, passwordHash, false]);
    await revokeSessionsOf(client, principal.userId);
    await appendAudit(client, { principal, remoteAddr }, 'password.changed', { type: 'user', id: principal.userId });
  });
  ctx.tokens.forget(principal.userId);
  return {
    token: await ctx.tokens.issue(principal, { remoteAddr }),
    user: { ...principal, displayName: user.display_name as string },
    mustChangePassword: false,
  };
}

/**
 * Sets a password chosen by someone else (an admin reset, the bootstrap command): the login must change it at
 * its next login, and every session it had ends.
 */
export async function setTemporaryPassword(client: Db | DbClient, userId: string, password: string): Promise<void> {
  await client.query(sql.setPassword, [userId, await hashPassword(password), true]);
  await revokeSessionsOf(client, userId);
}
