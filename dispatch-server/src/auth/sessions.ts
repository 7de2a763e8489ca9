import { type Db, type Queryable, sqlFile } from '@dispatch/db';
import { Role } from '@dispatch/protocol';
import { z } from 'zod';
import type { SessionStore } from './tokens';

const SessionRow = z.object({
  user_id: z.string(), role: Role, vehicle_id: z.string().nullable(), hospital_id: z.string().nullable(), centre_id: z.string().nullable(),
  disabled: z.boolean(), revoked: z.boolean(), password_change_only: z.boolean(),
});

const sql = sqlFile(new URL('./sessions.sql', import.meta.url), {
  create: {
    params: z.object({ id: z.string(), userId: z.string(), passwordChangeOnly: z.boolean(), expiresAt: z.date(), remoteAddr: z.string().nullable() }),
  },
  current: { params: z.object({ id: z.string() }), row: SessionRow },
  revoke: { params: z.object({ id: z.string() }) },
  revokeAllOfUser: { params: z.object({ userId: z.string() }) },
  dropExpired: {},
});

/** Sessions in the database: one row per token, keyed by its jti. */
export function sessionStore(db: Db): SessionStore {
  return {
    async create(s) {
      await sql.create.run(db, s);
      // Expired sessions would only grow the table; dropping them now and then at login costs one indexed delete.
      if (Math.random() < 0.01) await sql.dropExpired.run(db);
    },
    async current(sessionId) {
      const r = await sql.current.one(db, { id: sessionId });
      return r
        ? {
            userId: r.user_id,
            role: r.role,
            vehicleId: r.vehicle_id,
            hospitalId: r.hospital_id,
            centreId: r.centre_id,
            disabled: r.disabled,
            revoked: r.revoked,
            passwordChangeOnly: r.password_change_only,
          }
        : null;
    },
  };
}

/** Ends one session (logout). */
export async function revokeSession(db: Queryable, sessionId: string): Promise<void> {
  await sql.revoke.run(db, { id: sessionId });
}

/** Ends every session of a login (password changed or reset, login disabled). */
export async function revokeSessionsOf(db: Queryable, userId: string): Promise<void> {
  await sql.revokeAllOfUser.run(db, { userId });
}
