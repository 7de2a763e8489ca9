import { randomUUID } from 'node:crypto';
import { rooms } from '@dispatch/protocol';
import { assignVehicle } from '../assignments/assignVehicle';
import { assignmentSql } from '../assignments/assignmentSql';
import { applyStep } from '../assignments/reportStatus';
import { appendAudit, systemActor } from '../audit/audit';
import { inTransaction } from '../db/pool';
import type { DispatchContext } from '../dispatchContext';
import { getIncident, incidentSql, publishIncident } from '../incidents/incidents';
import { presentAssignment } from '../incidents/presentIncident';
import { computeRecommendation } from '../recommendations/computeRecommendation';
import { publishVehicle } from '../vehicles/publishVehicle';
import type { TimerJobs } from './timerJobs';

/**
 * The crew did not acknowledge in time. Inside one transaction the assignment is re-checked (an
 * acknowledgement racing the timer wins), ended as timed out, and the incident re-opened; then the
 * incident is offered to the best remaining vehicle, or queued when there is none.
 */
export async function ackTimeout(ctx: DispatchContext, { assignmentId }: TimerJobs['ackTimeout']): Promise<void> {
  const timedOut = await inTransaction(ctx.db, async (client) => {
    const row = (await client.query(assignmentSql.lock, [assignmentId])).rows[0];
    if (!row || row.status !== 'dispatched' || row.ended_at) return null;
    await client.query(incidentSql.appendEvent, [
      randomUUID(), row.incident_id, row.id, row.vehicle_id, 'timed_out', new Date(), null, 'system', null, null,
      `not acknowledged within ${ctx.policy.ackTimeoutS} s`,
    ]);
    await applyStep(client, row, 'timed_out', new Date(), 'ack_timeout');
    await appendAudit(client, systemActor, 'assignment.ackTimedOut', { type: 'incident', id: row.incident_id }, {
      assignmentId,
      callSign: row.call_sign,
    });
    return row;
  });
  if (!timedOut) return;

  ctx.events.publish(rooms.vehicle(timedOut.vehicle_id), 'assignment.withdrawn', {
    assignmentId,
    incidentId: timedOut.incident_id,
    reason: 'not acknowledged in time; re-offered',
  });
  const assignment = presentAssignment((await ctx.db.query(assignmentSql.get, [assignmentId])).rows[0]);
  ctx.events.publish(rooms.dispatchers, 'assignment.updated', assignment);
  await publishVehicle(ctx, timedOut.vehicle_id);

  const incident = await getIncident(ctx.db, timedOut.incident_id);
  if (incident.status !== 'open') return;
  const recommendation = await computeRecommendation(ctx.db, ctx.travel, incident, ctx.policy);
  const next = recommendation.candidates.find((c) => c.vehicleId !== timedOut.vehicle_id);
  if (next) {
    try {
      await assignVehicle(ctx, systemActor, incident.id, { vehicleId: next.vehicleId, destinationHospitalId: incident.destinationHospitalId ?? undefined });
      return;
    } catch (error) {
      // Taken by a dispatcher in the meantime: the queue below shows the incident still waiting.
      ctx.log.warn({ err: (error as Error).message, incidentId: incident.id }, 'automatic re-offer failed');
    }
  } else {
    await ctx.db.query(incidentSql.setStatus, [incident.id, 'queued', null]);
  }
  ctx.events.publish(rooms.dispatchers, 'recommendation.computed', recommendation);
  await publishIncident(ctx, incident.id);
}
