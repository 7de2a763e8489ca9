import { randomUUID } from 'node:crypto';
import { rooms } from '@dispatch/protocol';
import { assignVehicle } from '../assignments/assignVehicle';
import { assignmentSql } from '../assignments/assignmentSql';
import { applyStep } from '../assignments/reportStatus';
import { appendAudit, systemActor } from '../audit/audit';
import { inTransaction } from '../db/pool';
import type { DispatchContext } from '../dispatchContext';
import { getIncident, incidentSql, publishIncident } from '../incidents/incidents';
import { afterNoticesClosed } from '../notices/notices';
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
    // An acknowledgement (or any later step) that won the race leaves nothing to do.
    if (!row || row.status !== 'dispatched' || row.ended_at || row.acknowledged_at) return null;
    await client.query(incidentSql.appendEvent, [
      randomUUID(), row.incident_id, row.id, row.vehicle_id, 'timed_out', new Date(), null, 'system', null, null,
      `not acknowledged within ${ctx.policy.ackTimeoutS} s`,
    ]);
    const closedNotices = await applyStep(client, row, 'timed_out', new Date(), 'ack_timeout');
    await appendAudit(client, systemActor, 'assignment.ackTimedOut', { type: 'incident', id: row.incident_id }, {
      assignmentId,
      callSign: row.call_sign,
    });
    return { row, closedNotices };
  });
  if (!timedOut) return;
  const { row, closedNotices } = timedOut;

  ctx.events.publish(rooms.vehicle(row.vehicle_id), 'assignment.withdrawn', {
    assignmentId,
    incidentId: row.incident_id,
    reason: 'not acknowledged in time; re-offered',
  });
  await afterNoticesClosed(ctx, closedNotices);
  const assignment = presentAssignment((await ctx.db.query(assignmentSql.get, [assignmentId])).rows[0]);
  ctx.events.publish(rooms.dispatchers, 'assignment.updated', assignment);
  await publishVehicle(ctx, row.vehicle_id);

  const incident = await getIncident(ctx.db, row.incident_id);
  if (incident.status !== 'open') return;
  const recommendation = await computeRecommendation(ctx.db, ctx.travel, incident, ctx.policy);
  // Every crew that already let this call time out is passed over, not only the last one.
  const timedOutBefore = new Set(
    incident.assignments.filter((a) => a.status === 'timed_out').map((a) => a.vehicleId),
  );
  const next = recommendation.candidates.find((c) => !timedOutBefore.has(c.vehicleId));
  if (next) {
    try {
      await assignVehicle(
        ctx,
        systemActor,
        incident.id,
        { vehicleId: next.vehicleId, destinationHospitalId: incident.destinationHospitalId ?? undefined },
        { onlyIfUnassigned: true },
      );
      return;
    } catch (error) {
      // Taken by a dispatcher in the meantime: the queue below shows the incident still waiting.
      ctx.log.warn({ err: (error as Error).message, incidentId: incident.id }, 'automatic re-offer failed');
    }
  } else {
    await ctx.db.query(incidentSql.queueIfOpen, [incident.id]);
  }
  ctx.events.publish(rooms.dispatchers, 'recommendation.computed', recommendation);
  await publishIncident(ctx, incident.id);
}
