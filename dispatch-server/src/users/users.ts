import { CENTRE_ROLES, DEFAULT_CENTRE_ID, Role, UserDto, UserInput } from '@dispatch/protocol';
import { z } from 'zod';
import { appendAudit, systemActor, type Actor } from '../audit/audit';
import { setTemporaryPassword } from '../auth/login';
import { generatePassword, hashPassword } from '../auth/passwords';
import { revokeSessionsOf } from '../auth/sessions';
import { HttpError, notFound, translatePgError } from '../http/errors';
import { type Db, dtoRow, inTransaction, isUuid, sqlFile, type Queryable } from '@dispatch/db';

const UserRow = dtoRow(UserDto);

const Id = z.object({ id: z.string() });
const sql = sqlFile(new URL('./users.sql', import.meta.url), {
  list: { row: UserRow },
  insert: {
    params: z.object({
      username: z.string(), displayName: z.string(), passwordHash: z.string(), role: Role,
      vehicleId: z.string().nullable(), crewMemberId: z.string().nullable(), hospitalId: z.string().nullable(),
      centreId: z.string().nullable(),
    }),
    row: UserRow,
  },
  setDisabled: { params: Id.extend({ disabled: z.boolean() }), row: UserRow },
  findOne: { params: Id, row: UserRow },
  setCentre: { params: Id.extend({ centreId: z.string().nullable() }), row: UserRow },
  requirePasswordChange: { params: Id },
});

export async function listUsers(db: Queryable): Promise<UserDto[]> {
  return sql.list.rows(db);
}

/** A new dispatcher's or supervisor's centre: the one named, every centre (null) only when asked, else the default. */
function centreOfNewLogin(u: z.output<typeof UserInput>): string | null {
  if (!CENTRE_ROLES.has(u.role)) return null;
  return u.centreId === undefined ? DEFAULT_CENTRE_ID : u.centreId;
}

/**
 * Creates a login; the password is stored only as an argon2id hash.
 * @param input username, displayName, password, role, the vehicle or hospital it is bound to, and a dispatcher's or
 *   supervisor's centre (absent: the default centre; null: every centre)
 */
export async function createUser(db: Queryable, actor: Actor, input: z.input<typeof UserInput>): Promise<UserDto> {
  const u = UserInput.parse(input);
  const passwordHash = await hashPassword(u.password);
  return inTransaction(db, async (client) => {
    const row = await sql.insert
      .one(client, { username: u.username, displayName: u.displayName, passwordHash, role: u.role, vehicleId: u.vehicleId ?? null, crewMemberId: u.crewMemberId ?? null,
        hospitalId: u.hospitalId ?? null, centreId: centreOfNewLogin(u) })
      .catch((e) =>
        translatePgError(e, {
          users_username_key: 'username: taken',
          users_vehicle_id_fkey: 'vehicleId: no such vehicle',
          users_crew_member_id_fkey: 'crewMemberId: no such crew member',
          users_crew_member_id_key: 'crewMemberId: the crew member has a login already',
          users_hospital_id_fkey: 'hospitalId: no such hospital',
          users_centre_id_fkey: 'centreId: no such centre',
        }),
      );
    await appendAudit(client, actor, 'user.created', { type: 'user', id: row!.id }, { username: u.username, role: u.role, centreId: row!.centreId });
    return row!;
  });
}

/**
 * Disables or enables a login. Disabling ends its sessions at once; an admin cannot disable its own login
 * (there would be no one left to enable it).
 * @param id the login
 * @param disabled true to disable
 */
export async function setUserDisabled(db: Db, actor: Actor, id: string, disabled: boolean): Promise<UserDto> {
  if (disabled && actor.principal?.userId === id) throw new HttpError(409, 'you cannot disable your own login');
  return inTransaction(db, async (client) => {
    const row = await sql.setDisabled.one(client, { id, disabled });
    if (!row) throw notFound('user');
    if (disabled) await revokeSessionsOf(client, id);
    await appendAudit(client, actor, disabled ? 'user.disabled' : 'user.enabled', { type: 'user', id });
    return row;
  });
}

/**
 * Moves a dispatcher or supervisor to another centre, or to every centre (null). Its sessions end: its next login
 * works in the new centre (its socket joins that centre's rooms).
 * @param id the login
 * @param centreId the centre, or null for a province login
 */
export async function setUserCentre(db: Db, actor: Actor, id: string, centreId: string | null): Promise<UserDto> {
  return inTransaction(db, async (client) => {
    const before = isUuid(id) ? await sql.findOne.one(client, { id }) : undefined;
    if (!before) throw notFound('user');
    if (!CENTRE_ROLES.has(before.role)) throw new HttpError(400, 'centreId: only a dispatcher or supervisor login works in one centre');
    const row = await sql.setCentre.one(client, { id, centreId }).catch((e) => translatePgError(e, { users_centre_id_fkey: 'centreId: no such centre' }));
    await revokeSessionsOf(client, id);
    await appendAudit(client, actor, 'user.centreChanged', { type: 'user', id }, { username: before.username, from: before.centreId, to: centreId });
    return row!;
  });
}

/**
 * Gives a login a new one-time password (shown once, to the admin) and ends its sessions: its next login may
 * only set a password of its own.
 * @param id the login
 */
export async function resetUserPassword(db: Db, actor: Actor, id: string): Promise<{ user: UserDto; temporaryPassword: string }> {
  const temporaryPassword = generatePassword();
  return inTransaction(db, async (client) => {
    const row = await sql.findOne.one(client, { id });
    if (!row) throw notFound('user');
    await setTemporaryPassword(client, id, temporaryPassword);
    await appendAudit(client, actor, 'user.passwordReset', { type: 'user', id });
    return { user: row, temporaryPassword };
  });
}

/**
 * The first admin of a real deployment (`npm run admin:create`): a one-time password, shown once, that must be
 * changed at the first login.
 * @param username the admin's login name
 */
export async function createFirstAdmin(db: Db, username: string, displayName: string): Promise<{ user: UserDto; temporaryPassword: string }> {
  return createUserWithTemporaryPassword(db, systemActor, { username, displayName, role: 'admin' });
}

/**
 * Creates a login with a generated one-time password (for the caller to show once, never to log) that must be
 * changed at the first login: the first admin, and the logins of a bulk import.
 * @param input the login without a password
 */
export async function createUserWithTemporaryPassword(
  db: Queryable,
  actor: Actor,
  input: Omit<z.input<typeof UserInput>, 'password'>,
): Promise<{ user: UserDto; temporaryPassword: string }> {
  const temporaryPassword = generatePassword();
  return inTransaction(db, async (client) => {
    const user = await createUser(client, actor, { ...input, password: temporaryPassword });
    await sql.requirePasswordChange.run(client, { id: user.id });
    return { user, temporaryPassword };
  });
}
