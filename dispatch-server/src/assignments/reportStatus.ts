import { rooms, StatusReport, type AssignmentDto, type TaskStatus } from '@dispatch/protocol';
import type pg from 'pg';
import { appendAudit, type Actor } from '../audit/audit';
import { inTransaction, isUuid } from '@dispatch/db';
import type { DispatchContext } from '../dispatchContext';
import { HttpError, notFound } from '../http/errors';
import { incidentSql, publishIncident } from '../incidents/incidents';
import { presentAssignment } from '../incidents/presentIncident';
import { RELEASES_VEHICLE, TIMESTAMP_COLUMN, decideTransition, vehicleStateFor, type AssignmentState } from '../lifecycle/taskLifecycle';
import { afterNoticesClosed, closeLiveNotices, onTaskStep } from '../notices/notices';
import { authorize, permit } from '../policies/policies';
import { publishVehicle } from '../vehicles/publishVehicle';
import { assignmentSql } from './assignmentSql';

export type ReportSource = 'console' | 'tablet' | 'agent' | 'simulator' | 'system';

/** A device time as recorded on the task: a clock more than 10 minutes ahead of ours is capped there. */
const capped = (param: string) => `least(${param}::timestamptz, now() + interval '10 minutes')`;

/** The lifecycle state of a locked assignment row, as decideTransition reads it. */
export function stateOf(row: Record<string, unknown>): AssignmentState {
  const timestamps: AssignmentState['timestamps'] = {};
  for (const [status, column] of Object.entries(TIMESTAMP_COLUMN)) timestamps[status as TaskStatus] = (row[column] as Date | null) ?? null;
  return { status: row.status as string, timestamps };
}

/**
 * Moves a task along its lifecycle, in the caller's transaction. The column name comes from TIMESTAMP_COLUMN,
 * a fixed whitelist. The first report of a step sets its timestamp and a replay never moves it. A step that releases the vehicle
 * also closes the task's live hospital notice, in the same transaction, and returns the closed notices' ids.
 * A device clock running more than 10 minutes ahead is capped there (status_events keeps what it said).
 */
export async function applyStep(
  client: pg.PoolClient,
  row: Record<string, unknown>,
  status: TaskStatus | 'timed_out',
  at: Date,
  endReason?: string,
): Promise<string[]> {
  const column = status === 'timed_out' ? null : TIMESTAMP_COLUMN[status];
  const releases = RELEASES_VEHICLE.has(status);
  await client.query(
    `UPDATE assignments SET status = $2${column ? `, ${column} = coalesce(${column}, ${capped('$3')})` : ''}
       ${releases ? `, ended_at = coalesce(ended_at, ${capped('$3')}), end_reason = coalesce(end_reason, $4)` : ''}
     WHERE id = $1`,
    releases ? [row.id, status, at, endReason ?? status] : [row.id, status, at],
  );
  // A vehicle already on a newer task keeps that task's state.
  const latest = (await client.query(assignmentSql.latestOfVehicle, [row.vehicle_id])).rows[0];
  if (latest?.id === row.id) await client.query(assignmentSql.setVehicleState, [row.vehicle_id, vehicleStateFor(status)]);
  if (!releases) return [];
  const others = await client.query(assignmentSql.liveOfIncident, [row.incident_id]);
  if (others.rowCount === 0) {
    const finished = status === 'back_in_service' || status === 'back_at_base';
    await client.query(incidentSql.setStatus, [row.incident_id, finished ? 'closed' : 'open', null]);
  }
  const delivered = (status === 'back_in_service' || status === 'back_at_base') && row.transporting_at != null;
  return closeLiveNotices(client, row.id as string, delivered ? 'arrived' : 'cancelled');
}

/**
 * Records a status report from a crew (or a dispatcher on its behalf) and applies it to the task.
 * Replays of the same event id are acknowledged without effect; steps the task is already past are kept as
 * record; illegal transitions are refused with 409 and nothing is stored.
 * @param report `{ eventId, status, deviceTime, location?, note? }`
 */
export async function reportStatus(
  ctx: DispatchContext,
  actor: Actor,
  assignmentId: string,
  input: unknown,
  source: ReportSource,
): Promise<{ applied: boolean; duplicate: boolean; assignment: AssignmentDto }> {
  const report = StatusReport.parse(input);
  if (report.status === 'dispatched') throw new HttpError(422, 'status: dispatched is set by the dispatch centre, not reported');
  // Cancelling also withdraws the crew, closes the notice and records why: that is POST /api/assignments/:id/cancel.
  if (report.status === 'cancelled') throw new HttpError(422, 'status: cancel a task with POST /api/assignments/:id/cancel');
  const principal = actor.principal;
  if (principal) permit(principal, 'assignment.report');
  if (!isUuid(assignmentId)) throw notFound(`assignment ${assignmentId}`);
  const deviceTime = new Date(report.deviceTime);

  const outcome = await inTransaction(ctx.db, async (client) => {
    const row = (await client.query(assignmentSql.lock, [assignmentId])).rows[0];
    if (!row) throw notFound(`assignment ${assignmentId}`);
    authorize(principal, 'assignment.report', { vehicleId: row.vehicle_id });
    const event = await client.query(incidentSql.appendEvent, [
      report.eventId, row.incident_id, row.id, row.vehicle_id, report.status, deviceTime,
      principal?.userId ?? null, source, report.location?.lon ?? null, report.location?.lat ?? null, report.note ?? null,
    ]);
    if (event.rowCount === 0) return { applied: false, duplicate: true, closedNotices: [] as string[] };
    const decision = decideTransition(stateOf(row), report.status);
    if (decision.kind === 'illegal') throw new HttpError(409, `status: ${decision.reason}`);
    let closedNotices: string[] = [];
    if (decision.kind === 'late') {
      if (decision.fillsTimestamp) {
        const column = TIMESTAMP_COLUMN[report.status];
        await client.query(`UPDATE assignments SET ${column} = coalesce(${column}, ${capped('$2')}) WHERE id = $1`, [row.id, deviceTime]);
      }
    } else {
      closedNotices = await applyStep(client, row, report.status, deviceTime);
    }
    await appendAudit(client, actor, 'assignment.statusReported', { type: 'assignment', id: row.id }, {
      status: report.status,
      deviceTime: report.deviceTime,
      decision: decision.kind,
      eventId: report.eventId,
    });
    return { applied: decision.kind === 'advance', duplicate: false, closedNotices };
  });

  // Everything below is idempotent and runs for replays too: a crew retrying after a failure here
  // (database blip, lost answer) still gets the notice sent and the consoles told.
  const assignment = presentAssignment((await ctx.db.query(assignmentSql.get, [assignmentId])).rows[0]);
  if (assignment.status !== 'dispatched') await ctx.timers.cancel('ackTimeout', assignmentId);
  await afterNoticesClosed(ctx, outcome.closedNotices);
  if (assignment.status === report.status) await onTaskStep(ctx, actor, assignment);
  ctx.events.publish([rooms.dispatchers, rooms.vehicle(assignment.vehicleId)], 'assignment.updated', assignment);
  await Promise.all([publishIncident(ctx, assignment.incidentId), publishVehicle(ctx, assignment.vehicleId)]);
  return { applied: outcome.applied, duplicate: outcome.duplicate, assignment };
}
