import { Role } from '@dispatch/protocol';
import { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import { hashPassword } from '../auth/passwords';
import { translatePgError } from '../db/errors';
import { inTransaction, type Db } from '../db/pool';

export const UserInput = z
  .object({
    username: z.string().regex(/^[a-z0-9_.-]{2,64}$/, 'lower-case letters, digits, _ . -; 2 to 64'),
    displayName: z.string().trim().min(1).max(100),
    password: z.string().min(10, 'at least 10 characters').max(200),
    role: Role,
    vehicleId: z.uuid().nullish(),
    hospitalId: z.uuid().nullish(),
  })
  .refine((u) => (u.role === 'crew') === Boolean(u.vehicleId), { message: 'a crew login needs vehicleId, and only a crew login', path: ['vehicleId'] })
  .refine((u) => (u.role === 'hospital') === Boolean(u.hospitalId), { message: 'a hospital login needs hospitalId, and only a hospital login', path: ['hospitalId'] });

export interface UserDto {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  vehicleId: string | null;
  hospitalId: string | null;
  disabled: boolean;
}

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
