import type { Db } from '../db/pool';
import { HttpError } from '../http/errors';
import { verifyPassword } from './passwords';
import type { Principal, TokenService } from './tokens';
import { Role } from '@dispatch/protocol';

/**
 * Checks a username and password and issues a session token.
 * @param db the pool
 * @param tokens token service
 * @param username login name
 * @param password plain password, compared against the stored argon2id hash
 */
export async function login(db: Db, tokens: TokenService, username: string, password: string) {
  const { rows } = await db.query(
    `SELECT id, username, display_name, password_hash, role, vehicle_id, hospital_id, disabled
       FROM users WHERE username = $1`,
    [username.toLowerCase()],
  );
  const user = rows[0];
  // Same answer for unknown user and wrong password: no user enumeration.
  if (!user || user.disabled || !(await verifyPassword(user.password_hash, password))) {
    throw new HttpError(401, 'wrong username or password');
  }
  const principal: Principal = {
    userId: user.id,
    username: user.username,
    role: Role.parse(user.role),
    vehicleId: user.vehicle_id,
    hospitalId: user.hospital_id,
  };
  return { token: await tokens.issue(principal), user: { ...principal, displayName: user.display_name as string } };
}
