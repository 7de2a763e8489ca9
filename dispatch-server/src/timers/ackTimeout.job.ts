import { randomUUID } from 'node:crypto';
import { assignmentSql } from '../assignments/assignmentSql';
import { applyStep } from '../assignments/reportStatus';
import { appendAudit, systemActor } from '../audit/audit';
import { inTransaction } from '@dispatch/db';
import type { DispatchContext } from '../dispatchContext';
import { incidentSql } from '../incidents/incidents';
import { enqueueEffect } from '../outbox/outbox';
import type { TimerJobs } from './timerJobs';

/**
 * The crew did not acknowledge in time. Inside one transaction the assignment is re-checked (an
 * acknowledgement racing the timer wins), ended as timed out, and the incident re-opened; the same
 * transaction writes what must follow (the crew told, the incident re-offered or queued) to the outbox, so a
 * throw or a crash after the commit loses none of it and a second firing finds nothing to do.
 */
export async function ackTimeout(ctx: DispatchContext, { assignmentId }: TimerJobs['ackTimeout']): Promise<void> {
  const incidentId = await inTransaction(ctx.db, async (client) => {
    const row = await assignmentSql.lock.one(client, { id: assignmentId });
    // An acknowledgement (or any later step) that won the race leaves nothing to do.
    if (!row || row.status !== 'dispatched' || row.ended_at || row.acknowledged_at) return null;
    await incidentSql.appendEvent.run(client, {
      id: randomUUID(), incidentId: row.incident_id, assignmentId: row.id, vehicleId: row.vehicle_id, status: 'timed_out', deviceTime: new Date(),
      userId: null, source: 'system', note: `not acknowledged within ${ctx.policy.ackTimeoutS} s`,
    });
    await applyStep(client, row, 'timed_out', new Date(), 'ack_timeout');
    await appendAudit(client, systemActor, 'assignment.ackTimedOut', { type: 'incident', id: row.incident_id }, {
      assignmentId,
      callSign: row.call_sign,
    });
    await enqueueEffect(client, row.incident_id, 'assignment.withdrawn', { assignmentId, reason: 'not acknowledged in time; re-offered' });
    await enqueueEffect(client, row.incident_id, 'incident.reoffered', { incidentId: row.incident_id });
    return row.incident_id;
  });
  if (incidentId) await ctx.outbox.flush(incidentId);
}
