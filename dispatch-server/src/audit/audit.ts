import type pg from 'pg';
import { readQueries } from '@dispatch/db';
import type { Principal } from '../auth/tokens';

const sql = readQueries(new URL('./audit.sql', import.meta.url), ['append', 'list']);

/** Who acts and from where: the principal and the caller's address (or the system, for timers). */
export interface Actor {
  principal: Principal | null;
  remoteAddr: string | null;
}

export const systemActor: Actor = { principal: null, remoteAddr: null };

/**
 * Appends one line to the audit log. Call it with the transaction's client so the audit line and the
 * action it records commit or roll back together.
 */
export async function appendAudit(
  db: pg.Pool | pg.PoolClient,
  actor: Actor,
  action: string,
  entity: { type: string; id: string },
  details: Record<string, unknown> = {},
): Promise<void> {
  await db.query(sql.append, [
    actor.principal?.userId ?? null,
    actor.principal?.username ?? 'system',
    actor.principal?.role ?? 'system',
    action,
    entity.type,
    entity.id,
    JSON.stringify(details),
    actor.remoteAddr,
  ]);
}

export async function listAudit(
  db: pg.Pool,
  filter: { entityType?: string; entityId?: string; since?: string; limit: number },
) {
  const { rows } = await db.query(sql.list, [filter.entityType ?? null, filter.entityId ?? null, filter.since ?? null, filter.limit]);
  return rows.map((r) => ({
    id: r.id as number,
    at: (r.at as Date).toISOString(),
    actor: { userId: r.actor_user_id, username: r.actor_username, role: r.actor_role },
    action: r.action as string,
    entityType: r.entity_type as string | null,
    entityId: r.entity_id as string | null,
    details: r.details as Record<string, unknown>,
    remoteAddr: r.remote_addr as string | null,
  }));
}

/** The actor behind an authenticated request. */
export function actorFrom(req: { principal?: Principal; ip?: string | undefined }): Actor {
  return { principal: req.principal ?? null, remoteAddr: req.ip ?? null };
}
