import type pg from 'pg';
import { type Db, readQueries } from '@dispatch/db';
import type { SessionStore } from './tokens';

const sql = readQueries(new URL('./sessions.sql', import.meta.url), ['create', 'current', 'revoke', 'revokeAllOfUser', 'dropExpired']);

/** Sessions in the database: one row per token, keyed by its jti. */
export function sessionStore(db: Db): SessionStore {
  return {
    async create(s) {
      await db.query(sql.create, [s.id, s.userId, s.passwordChangeOnly, s.expiresAt, s.remoteAddr]);
      // Expired sessions would only grow the table; dropping them now and then at login costs one indexed delete.
      if (Math.random() < 0.01) await db.query(sql.dropExpired);
    },
    async current(sessionId) {
      const { rows } = await db.query(sql.current, [sessionId]);
      const r = rows[0];
      return r
        ? {
            userId: r.user_id,
            role: r.role,
            vehicleId: r.vehicle_id,
            hospitalId: r.hospital_id,
            disabled: r.disabled,
            revoked: r.revoked,
            passwordChangeOnly: r.password_change_only,
          }
        : null;
    },
  };
}

/** Ends one session (logout). */
export async function revokeSession(db: pg.Pool | pg.PoolClient, sessionId: string): Promise<void> {
  await db.query(sql.revoke, [sessionId]);
}

/** Ends every session of a login (password changed or reset, login disabled). */
export async function revokeSessionsOf(db: pg.Pool | pg.PoolClient, userId: string): Promise<void> {
  await db.query(sql.revokeAllOfUser, [userId]);
}
