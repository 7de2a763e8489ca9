import { type Db, inTransaction, type Queryable, sqlFile } from '@dispatch/db';
import { Role, type LoginResult, type Principal } from '@dispatch/protocol';
import { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import { HttpError } from '../http/errors';
import { hasNoVehicleToReach } from '../policies/policies';
import type { LoginThrottle } from './loginThrottle';
import { hashPassword, verifyPasswordOrDummy } from './passwords';
import { revokeSession, revokeSessionsOf } from './sessions';
import type { TokenService, VerifiedSession } from './tokens';

/** A login with what a password check needs. */
const LoginRow = z.object({
  id: z.string(), username: z.string(), display_name: z.string(), password_hash: z.string(), role: Role,
  vehicle_id: z.string().nullable(), crew_member_id: z.string().nullable(), hospital_id: z.string().nullable(), centre_id: z.string().nullable(),
  disabled: z.boolean(), must_change_password: z.boolean(), demo_password: z.boolean(),
});
type LoginRow = z.infer<typeof LoginRow>;

const sql = sqlFile(new URL('./auth.sql', import.meta.url), {
  findByUsername: { params: z.object({ username: z.string() }), row: LoginRow },
  findById: { params: z.object({ id: z.string() }), row: LoginRow },
  setPassword: { params: z.object({ id: z.string(), passwordHash: z.string(), mustChange: z.boolean() }) },
});

/** What a login needs besides the credentials. */
export interface LoginContext {
  db: Db;
  tokens: TokenService;
  throttle: LoginThrottle;
  /** The server listens on loopback only; demo passwords are refused otherwise. */
  loopbackOnly: boolean;
}

const principalOf = (user: LoginRow): Principal => ({
  userId: user.id,
  username: user.username,
  role: user.role,
  vehicleId: user.vehicle_id,
  hospitalId: user.hospital_id,
  centreId: user.centre_id,
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
  const user = await sql.findByUsername.one(ctx.db, { username: name });
  const passwordOk = await verifyPasswordOrDummy(user?.password_hash ?? null, password);
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
  // Why a rostered crew login is refused outside its shifts: its only reach is its vehicle's task ('ownVehicle' in
  // policies/), and with no shift it has no vehicle. A login of a vehicle's own tablet (vehicle_id) always has one.
  if (hasNoVehicleToReach(principalOf(user))) {
    await appendAudit(ctx.db, actor, 'login.failed', { type: 'login', id: name }, { reason: 'no shift now' });
    throw new HttpError(403, 'no shift of yours covers now: sign on when your shift begins (up to 30 minutes early)', undefined, 'no_current_shift');
  }
  const principal = principalOf(user);
  const mustChangePassword = user.must_change_password;
  await appendAudit(ctx.db, { principal, remoteAddr }, 'login.succeeded', { type: 'user', id: principal.userId }, { mustChangePassword });
  if (user.crew_member_id) {
    await appendAudit(ctx.db, { principal, remoteAddr }, 'crew.signedOn', { type: 'vehicle', id: user.vehicle_id! }, { crewMemberId: user.crew_member_id });
  }
  return {
    token: await ctx.tokens.issue(principal, { passwordChangeOnly: mustChangePassword, remoteAddr }),
    user: { ...principal, displayName: user.display_name },
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
  const user = await sql.findById.one(ctx.db, { id: principal.userId });
  if (!user || !(await verifyPasswordOrDummy(user.password_hash, input.currentPassword))) {
    await ctx.throttle.failed(principal.username, remoteAddr);
    await appendAudit(ctx.db, { principal, remoteAddr }, 'password.changeFailed', { type: 'user', id: principal.userId }, { reason: 'wrong current password' });
    // 403, not 401: a wrong current password does not end the session.
    throw new HttpError(403, 'currentPassword: does not match');
  }
  if (input.newPassword === input.currentPassword) throw new HttpError(400, 'newPassword: must differ from the current password');
  const passwordHash = await hashPassword(input.newPassword);
  await inTransaction(ctx.db, async (client) => {
    await sql.setPassword.run(client, { id: principal.userId, passwordHash, mustChange: false });
    await revokeSessionsOf(client, principal.userId);
    await appendAudit(client, { principal, remoteAddr }, 'password.changed', { type: 'user', id: principal.userId });
  });
  ctx.tokens.forget(principal.userId);
  return {
    token: await ctx.tokens.issue(principal, { remoteAddr }),
    user: { ...principal, displayName: user.display_name },
    mustChangePassword: false,
  };
}

/**
 * Sets a password chosen by someone else (an admin reset, the bootstrap command): the login must change it at
 * its next login, and every session it had ends.
 */
export async function setTemporaryPassword(client: Queryable, userId: string, password: string): Promise<void> {
  await sql.setPassword.run(client, { id: userId, passwordHash: await hashPassword(password), mustChange: true });
  await revokeSessionsOf(client, userId);
}

/** Ends the caller's session (logout): its token is refused from now on, here at once. */
export async function logout(ctx: LoginContext, session: VerifiedSession, actor: Actor): Promise<void> {
  await revokeSession(ctx.db, session.sessionId);
  await appendAudit(ctx.db, actor, 'logout', { type: 'user', id: session.principal.userId });
  ctx.tokens.forget(session.principal.userId);
}
