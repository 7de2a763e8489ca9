import { UserInput, type Role, type UserDto } from '@dispatch/protocol';
import type { z } from 'zod';
import { appendAudit, systemActor, type Actor } from '../audit/audit';
import { setTemporaryPassword } from '../auth/login';
import { generatePassword, hashPassword } from '../auth/passwords';
import { revokeSessionsOf } from '../auth/sessions';
import { HttpError, notFound, translatePgError } from '../http/errors';
import { type Db, inTransaction, readQueries } from '@dispatch/db';

const sql = readQueries(new URL('./users.sql', import.meta.url), ['setDisabled', 'findOne', 'requirePasswordChange']);


const present = (r: Record<string, unknown>): UserDto => ({
  id: r.id as string,
  username: r.username as string,
  displayName: r.display_name as string,
  role: r.role as Role,
  vehicleId: (r.vehicle_id as string | null) ?? null,
  hospitalId: (r.hospital_id as string | null) ?? null,
  disabled: r.disabled as boolean,
});

export async function listUsers(db: Db): Promise<UserDto[]> {
  const { rows } = await db.query('SELECT id, username, display_name, role, vehicle_id, hospital_id, disabled FROM users ORDER BY role, username');
  return rows.map(present);
}

/**
 * Creates a login; the password is stored only as an argon2id hash.
 * @param input username, displayName, password, role, and the vehicle or hospital it is bound to
 */
export async function createUser(db: Db, actor: Actor, input: z.input<typeof UserInput>): Promise<UserDto> {
  const u = UserInput.parse(input);
  const passwordHash = await hashPassword(u.password);
  return inTransaction(db, async (client) => {
    const { rows } = await client
      .query(
        `INSERT INTO users (username, display_name, password_hash, role, vehicle_id, hospital_id)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, username, display_name, role, vehicle_id, hospital_id, disabled`,
        [u.username, u.displayName, passwordHash, u.role, u.vehicleId ?? null, u.hospitalId ?? null],
      )
      .catch((e) =>
        translatePgError(e, {
          users_username_key: 'username: taken',
          users_vehicle_id_fkey: 'vehicleId: no such vehicle',
          users_hospital_id_fkey: 'hospitalId: no such hospital',
        }),
      );
    await appendAudit(client, actor, 'user.created', { type: 'user', id: rows[0].id }, { username: u.username, role: u.role });
    return present(rows[0]);
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
    const { rows } = await client.query(sql.setDisabled, [id, disabled]);
    if (!rows[0]) throw notFound('user');
    if (disabled) await revokeSessionsOf(client, id);
    await appendAudit(client, actor, disabled ? 'user.disabled' : 'user.enabled', { type: 'user', id });
    return present(rows[0]);
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
    const { rows } = await client.query(sql.findOne, [id]);
    if (!rows[0]) throw notFound('user');
    await setTemporaryPassword(client, id, temporaryPassword);
    await appendAudit(client, actor, 'user.passwordReset', { type: 'user', id });
    return { user: present(rows[0]), temporaryPassword };
  });
}

/**
 * The first admin of a real deployment (`npm run admin:create`): a one-time password, shown once, that must be
 * changed at the first login.
 * @param username the admin's login name
 */
export async function createFirstAdmin(db: Db, username: string, displayName: string): Promise<{ user: UserDto; temporaryPassword: string }> {
  const temporaryPassword = generatePassword();
  const user = await createUser(db, systemActor, { username, displayName, password: temporaryPassword, role: 'admin' });
  await db.query(sql.requirePasswordChange, [user.id]);
  return { user, temporaryPassword };
}
