import { z } from 'zod';
import { dtoRow, type Queryable, sqlFile } from '@dispatch/db';
import { AuditEntryDto, type Principal } from '@dispatch/protocol';

const text = z.string();
const maybe = z.string().nullable();

const sql = sqlFile(new URL('./audit.sql', import.meta.url), {
  append: {
    params: z.object({
      actorUserId: maybe, actorUsername: text, actorRole: text, action: text, entityType: text, entityId: text, details: text, remoteAddr: maybe,
    }),
  },
  list: {
    params: z.object({ entityType: maybe, entityId: maybe, since: maybe, until: maybe, actor: maybe, action: maybe, limit: z.number(), offset: z.number() }),
    row: dtoRow(AuditEntryDto),
  },
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

/** The log newest first, filtered by entity, by who (login name), by what (an action, or a family ending in '.') and by when. */
export async function listAudit(
  db: Queryable,
  filter: { entityType?: string; entityId?: string; since?: string; until?: string; actor?: string; action?: string; limit: number; offset?: number },
) {
  return sql.list.rows(db, {
    entityType: filter.entityType ?? null,
    entityId: filter.entityId ?? null,
    since: filter.since ?? null,
    until: filter.until ?? null,
    actor: filter.actor ?? null,
    action: filter.action ?? null,
    limit: filter.limit,
    offset: filter.offset ?? 0,
  });
}

/** The actor behind an authenticated request. */
export function actorFrom(req: { principal?: Principal; ip?: string | undefined }): Actor {
  return { principal: req.principal ?? null, remoteAddr: req.ip ?? null };
}
