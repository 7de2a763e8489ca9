import { randomUUID } from 'node:crypto';
import type { CancelRequest, IncidentDto } from '@dispatch/protocol';
import { appendAudit, type Actor } from '../audit/audit';
import { type DbClient, inTransaction, isUuid } from '@dispatch/db';
import type { DispatchContext } from '../dispatchContext';
import { HttpError, notFound } from '../http/errors';
import { getIncident, incidentSql, publishIncident } from '../incidents/incidents';
import { decideTransition } from '../lifecycle/taskLifecycle';
import { enqueueEffect } from '../outbox/outbox';
import { type AssignmentRow, assignmentSql } from './assignmentSql';
import { applyStep, stateOf } from './reportStatus';

/**
 * Cancels one locked assignment in the caller's transaction. What follows (the crew told, its timer stopped, the
 * hospital's notice closed) is written to the outbox in the same transaction, so it survives a crash after the commit.
 */
async function cancelLocked(client: DbClient, actor: Actor, row: AssignmentRow, reason: string): Promise<void> {
  const decision = decideTransition(stateOf(row), 'cancelled');
  if (decision.kind !== 'advance') throw new HttpError(409, `assignment of ${row.call_sign}: ${decision.kind === 'illegal' ? decision.reason : 'already ended'}`);
  const now = new Date();
  await incidentSql.appendEvent.run(client, {
    id: randomUUID(), incidentId: row.incident_id, assignmentId: row.id, vehicleId: row.vehicle_id, status: 'cancelled', deviceTime: now,
    userId: actor.principal?.userId ?? null, source: actor.principal ? 'console' : 'system', note: reason,
  });
  await applyStep(client, row, 'cancelled', now, `cancelled: ${reason}`);
  await enqueueEffect(client, row.incident_id, 'assignment.withdrawn', { assignmentId: row.id, reason });
}

/**
 * Withdraws one vehicle from an incident (to re-assign another): the vehicle is free again and the
 * incident goes back to open when no other vehicle is on it.
 */
export async function cancelAssignment(ctx: DispatchContext, actor: Actor, assignmentId: string, { reason }: CancelRequest): Promise<IncidentDto> {
  if (!isUuid(assignmentId)) throw notFound(`assignment ${assignmentId}`);
  const incidentId = await inTransaction(ctx.db, async (client) => {
    const locked = await assignmentSql.lock.one(client, { id: assignmentId });
    if (!locked) throw notFound(`assignment ${assignmentId}`);
    await cancelLocked(client, actor, locked, reason);
    await appendAudit(client, actor, 'assignment.cancelled', { type: 'incident', id: locked.incident_id }, { assignmentId, reason });
    await enqueueEffect(client, locked.incident_id, 'incident.updated', { incidentId: locked.incident_id });
    return locked.incident_id;
  });
  await ctx.outbox.flush(incidentId);
  return getIncident(ctx.db, incidentId);
}

/** Cancels an incident (hoax, duplicate call, patient gone) and releases every vehicle on it. */
export async function cancelIncident(ctx: DispatchContext, actor: Actor, incidentId: string, { reason }: CancelRequest): Promise<IncidentDto> {
  if (!isUuid(incidentId)) throw notFound(`incident ${incidentId}`);
  await inTransaction(ctx.db, async (client) => {
    const incident = await incidentSql.lockIncident.one(client, { id: incidentId });
    if (!incident) throw notFound(`incident ${incidentId}`);
    if (incident.status === 'closed' || incident.status === 'cancelled') throw new HttpError(409, `the incident is already ${incident.status}`);
    const live = await assignmentSql.liveOfIncident.rows(client, { incidentId });
    for (const { id } of live) await cancelLocked(client, actor, (await assignmentSql.lock.one(client, { id }))!, reason);
    await incidentSql.setStatus.run(client, { id: incidentId, status: 'cancelled', cancelledReason: reason });
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
    const incident = await incidentSql.lockIncident.one(client, { id: incidentId });
    if (!incident) throw notFound(`incident ${incidentId}`);
    if (incident.status === 'closed' || incident.status === 'cancelled') throw new HttpError(409, `the incident is already ${incident.status}`);
    if (await assignmentSql.liveOfIncident.one(client, { incidentId })) {
      throw new HttpError(409, 'vehicles are still on this incident; they close it when back in service, or cancel them');
    }
    await incidentSql.setStatus.run(client, { id: incidentId, status: 'closed' });
    await appendAudit(client, actor, 'incident.closed', { type: 'incident', id: incidentId });
  });
  await getIncident(ctx.db, incidentId);
  return publishIncident(ctx, incidentId);
}
