import { randomUUID } from 'node:crypto';
import { CancelRequest, rooms, type IncidentDto } from '@dispatch/protocol';
import type pg from 'pg';
import { appendAudit, type Actor } from '../audit/audit';
import { isUuid } from '../db/errors';
import { inTransaction } from '../db/pool';
import type { DispatchContext } from '../dispatchContext';
import { HttpError, notFound } from '../http/errors';
import { getIncident, incidentSql, publishIncident } from '../incidents/incidents';
import { decideTransition } from '../lifecycle/taskLifecycle';
import { afterNoticesClosed } from '../notices/notices';
import { publishVehicle } from '../vehicles/publishVehicle';
import { assignmentSql } from './assignmentSql';
import { applyStep, stateOf } from './reportStatus';

/** Cancels one locked assignment in the caller's transaction; returns the notices it closed. */
async function cancelLocked(client: pg.PoolClient, actor: Actor, row: Record<string, unknown>, reason: string): Promise<string[]> {
  const decision = decideTransition(stateOf(row), 'cancelled');
  if (decision.kind !== 'advance') throw new HttpError(409, `assignment of ${row.call_sign}: ${decision.kind === 'illegal' ? decision.reason : 'already ended'}`);
  const now = new Date();
  await client.query(incidentSql.appendEvent, [
    randomUUID(), row.incident_id, row.id, row.vehicle_id, 'cancelled', now, actor.principal?.userId ?? null,
    actor.principal ? 'console' : 'system', null, null, reason,
  ]);
  return applyStep(client, row, 'cancelled', now, `cancelled: ${reason}`);
}

interface Released {
  id: string;
  vehicleId: string;
  incidentId: string;
  closedNotices: string[];
}

async function afterCancel(ctx: DispatchContext, released: Released[], reason: string) {
  for (const a of released) {
    await ctx.timers.cancel('ackTimeout', a.id);
    await afterNoticesClosed(ctx, a.closedNotices);
    ctx.events.publish(rooms.vehicle(a.vehicleId), 'assignment.withdrawn', { assignmentId: a.id, incidentId: a.incidentId, reason });
    await publishVehicle(ctx, a.vehicleId);
  }
}

/**
 * Withdraws one vehicle from an incident (to re-assign another): the vehicle is free again and the
 * incident goes back to open when no other vehicle is on it.
 */
export async function cancelAssignment(ctx: DispatchContext, actor: Actor, assignmentId: string, input: unknown): Promise<IncidentDto> {
  const { reason } = CancelRequest.parse(input);
  if (!isUuid(assignmentId)) throw notFound(`assignment ${assignmentId}`);
  const released = await inTransaction(ctx.db, async (client) => {
    const locked = (await client.query(assignmentSql.lock, [assignmentId])).rows[0];
    if (!locked) throw notFound(`assignment ${assignmentId}`);
    const closedNotices = await cancelLocked(client, actor, locked, reason);
    await appendAudit(client, actor, 'assignment.cancelled', { type: 'incident', id: locked.incident_id }, { assignmentId, reason });
    return { id: locked.id as string, vehicleId: locked.vehicle_id as string, incidentId: locked.incident_id as string, closedNotices };
  });
  await afterCancel(ctx, [released], reason);
  return publishIncident(ctx, released.incidentId);
}

/** Cancels an incident (hoax, duplicate call, patient gone) and releases every vehicle on it. */
export async function cancelIncident(ctx: DispatchContext, actor: Actor, incidentId: string, input: unknown): Promise<IncidentDto> {
  const { reason } = CancelRequest.parse(input);
  if (!isUuid(incidentId)) throw notFound(`incident ${incidentId}`);
  const released = await inTransaction(ctx.db, async (client) => {
    const incident = (await client.query(incidentSql.lockIncident, [incidentId])).rows[0];
    if (!incident) throw notFound(`incident ${incidentId}`);
    if (incident.status === 'closed' || incident.status === 'cancelled') throw new HttpError(409, `the incident is already ${incident.status}`);
    const live = (await client.query(assignmentSql.liveOfIncident, [incidentId])).rows;
    const rows: Released[] = [];
    for (const { id } of live) {
      const row = (await client.query(assignmentSql.lock, [id])).rows[0];
      const closedNotices = await cancelLocked(client, actor, row, reason);
      rows.push({ id: row.id as string, vehicleId: row.vehicle_id as string, incidentId, closedNotices });
    }
    await client.query(incidentSql.setStatus, [incidentId, 'cancelled', reason]);
    await appendAudit(client, actor, 'incident.cancelled', { type: 'incident', id: incidentId }, { reason });
    return rows;
  });
  await afterCancel(ctx, released, reason);
  return publishIncident(ctx, incidentId);
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
