import { z } from 'zod';
import { type Queryable, sqlFile } from '@dispatch/db';
import type { Principal } from '@dispatch/protocol';

const text = z.string();
const maybe = z.string().nullable();
const AuditRow = z.object({
  id: z.number(), at: z.date(), actor_user_id: maybe, actor_username: maybe, actor_role: maybe, action: text,
  entity_type: maybe, entity_id: maybe, details: z.record(text, z.unknown()), remote_addr: maybe,
});
type AuditRow = z.infer<typeof AuditRow>;

const sql = sqlFile(new URL('./audit.sql', import.meta.url), {
  append: {
    params: z.object({
      actorUserId: maybe, actorUsername: text, actorRole: text, action: text, entityType: text, entityId: text, details: text, remoteAddr: maybe,
    }),
  },
  list: { params: z.object({ entityType: maybe, entityId: maybe, since: maybe, limit: z.number() }), row: AuditRow },
});

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
  db: Queryable,
  actor: Actor,
  action: string,
  entity: { type: string; id: string },
  details: Record<string, unknown> = {},
): Promise<void> {
  await sql.append.run(db, {
    actorUserId: actor.principal?.userId ?? null,
    actorUsername: actor.principal?.username ?? 'system',
    actorRole: actor.principal?.role ?? 'system',
    action,
    entityType: entity.type,
    entityId: entity.id,
    details: JSON.stringify(details),
    remoteAddr: actor.remoteAddr,
  });
}

const presentAudit = (r: AuditRow) => ({
  id: r.id,
  at: r.at.toISOString(),
  actor: { userId: r.actor_user_id, username: r.actor_username, role: r.actor_role },
  action: r.action,
  entityType: r.entity_type,
  entityId: r.entity_id,
  details: r.details,
  remoteAddr: r.remote_addr,
});

export async function listAudit(db: Queryable, filter: { entityType?: string; entityId?: string; since?: string; limit: number }) {
  const rows = await sql.list.rows(db, { entityType: filter.entityType ?? null, entityId: filter.entityId ?? null, since: filter.since ?? null, limit: filter.limit });
  return rows.map(presentAudit);
}

/** The actor behind an authenticated request. */
export function actorFrom(req: { principal?: Principal; ip?: string | undefined }): Actor {
  return { principal: req.principal ?? null, remoteAddr: req.ip ?? null };
}
