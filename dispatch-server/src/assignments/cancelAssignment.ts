import { randomUUID } from 'node:crypto';
import { CancelRequest, type IncidentDto } from '@dispatch/protocol';
import type pg from 'pg';
import { appendAudit, type Actor } from '../audit/audit';
import { inTransaction, isUuid } from '@dispatch/db';
import type { DispatchContext } from '../dispatchContext';
import { HttpError, notFound } from '../http/errors';
import { getIncident, incidentSql, publishIncident } from '../incidents/incidents';
import { decideTransition } from '../lifecycle/taskLifecycle';
import { enqueueEffect } from '../outbox/outbox';
import { assignmentSql } from './assignmentSql';
import { applyStep, stateOf } from './reportStatus';

/**
 * Cancels one locked assignment in the caller's transaction. What follows (the crew told, its timer stopped, the
 * hospital's notice closed) is written to the outbox in the same transaction, so it survives a crash after the commit.
 */
async function cancelLocked(client: pg.PoolClient, actor: Actor, row: Record<string, unknown>, reason: string): Promise<void> {
  const decision = decideTransition(stateOf(row), 'cancelled');
  if (decision.kind !== 'advance') throw new HttpError(409, `assignment of ${row.call_sign}: ${decision.kind === 'illegal' ? decision.reason : 'already ended'}`);
  const now = new Date();
  await client.query(incidentSql.appendEvent, [
    randomUUID(), row.incident_id, row.id, row.vehicle_id, 'cancelled', now, actor.principal?.userId ?? null,
    actor.principal ? 'console' : 'system', null, null, reason,
  ]);
  await applyStep(client, row, 'cancelled', now, `cancelled: ${reason}`);
  await enqueueEffect(client, row.incident_id as string, 'assignment.withdrawn', { assignmentId: row.id as string, reason });
}

/**
 * Withdraws one vehicle from an incident (to re-assign another): the vehicle is free again and the
 * incident goes back to open when no other vehicle is on it.
 */
export async function cancelAssignment(ctx: DispatchContext, actor: Actor, assignmentId: string, input: unknown): Promise<IncidentDto> {
  const { reason } = CancelRequest.parse(input);
  if (!isUuid(assignmentId)) throw notFound(`assignment ${assignmentId}`);
  const incidentId = await inTransaction(ctx.db, async (client) => {
    const locked = (await client.query(assignmentSql.lock, [assignmentId])).rows[0];
    if (!locked) throw notFound(`assignment ${assignmentId}`);
    await cancelLocked(client, actor, locked, reason);
    await appendAudit(client, actor, 'assignment.cancelled', { type: 'incident', id: locked.incident_id }, { assignmentId, reason });
    await enqueueEffect(client, locked.incident_id as string, 'incident.updated', { incidentId: locked.incident_id as string });
    return locked.incident_id as string;
  });
  await ctx.outbox.flush(incidentId);
  return getIncident(ctx.db, incidentId);
}

/** Cancels an incident (hoax, duplicate call, patient gone) and releases every vehicle on it. */
export async function cancelIncident(ctx: DispatchContext, actor: Actor, incidentId: string, input: unknown): Promise<IncidentDto> {
  const { reason } = CancelRequest.parse(input);
  if (!isUuid(incidentId)) throw notFound(`incident ${incidentId}`);
  await inTransaction(ctx.db, async (client) => {
    const incident = (await client.query(incidentSql.lockIncident, [incidentId])).rows[0];
    if (!incident) throw notFound(`incident ${incidentId}`);
    if (incident.status === 'closed' || incident.status === 'cancelled') throw new HttpError(409, `the incident is already ${incident.status}`);
    const live = (await client.query(assignmentSql.liveOfIncident, [incidentId])).rows;
    for (const { id } of live) await cancelLocked(client, actor, (await client.query(assignmentSql.lock, [id])).rows[0], reason);
    await client.query(incidentSql.setStatus, [incidentId, 'cancelled', reason]);
    await appendAudit(client, actor, 'incident.cancelled', { type: 'incident', id: incidentId }, { reason });
    await enqueueEffect(client, incidentId, 'incident.updated', { incidentId });
  });
  await ctx.outbox.flush(incidentId);
  return getIncident(ctx.db, incidentId);
}

/** Closes an incident that no vehicle is working on (e.g. advice given by phone, no transport). */
export async function closeIncident(ctx: DispatchContext, actor: Actor, incidentId: string): Promise<IncidentDto> {
  if (!isUuid(incidentId)) throw notFound(`incident ${incidentId}`);
  await inTransaction(ctx.db, async (client) => {
    const incident = (await client.query(incidentSql.lockIncident, [incidentId])).rows[0];
    if (!incident) throw notFound(`incident ${incidentId}`);
    if (incident.status === 'closed' || incident.status === 'cancelled') throw new HttpError(409, `the incident is already ${incident.status}`);
    if ((await client.query(assignmentSql.liveOfIncident, [incidentId])).rowCount) {
      throw new HttpError(409, 'vehicles are still on this incident; they close it when back in service, or cancel them');
    }
    await client.query(incidentSql.setStatus, [incidentId, 'closed', null]);
    await appendAudit(client, actor, 'incident.closed', { type: 'incident', id: incidentId });
  });
  await getIncident(ctx.db, incidentId);
  return publishIncident(ctx, incidentId);
}
