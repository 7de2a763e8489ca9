import { rooms, StatusReport, type AssignmentDto, type TaskStatus } from '@dispatch/protocol';
import type pg from 'pg';
import { appendAudit, type Actor } from '../audit/audit';
import { isUuid } from '../db/errors';
import { inTransaction } from '../db/pool';
import type { DispatchContext } from '../dispatchContext';
import { HttpError, notFound } from '../http/errors';
import { incidentSql, publishIncident } from '../incidents/incidents';
import { presentAssignment } from '../incidents/presentIncident';
import { RELEASES_VEHICLE, TIMESTAMP_COLUMN, decideTransition, vehicleStateFor, type AssignmentState } from '../lifecycle/taskLifecycle';
import { onTaskStep } from '../notices/notices';
import { publishVehicle } from '../vehicles/publishVehicle';
import { assignmentSql } from './assignmentSql';

export type ReportSource = 'console' | 'tablet' | 'agent' | 'simulator' | 'system';

/** Device clocks drift; beyond this a report is refused rather than trusted. */
const MAX_CLOCK_AHEAD_S = 300;

/** The lifecycle state of a locked assignment row, as decideTransition reads it. */
export function stateOf(row: Record<string, unknown>): AssignmentState {
  const timestamps: AssignmentState['timestamps'] = {};
  for (const [status, column] of Object.entries(TIMESTAMP_COLUMN)) timestamps[status as TaskStatus] = (row[column] as Date | null) ?? null;
  const status = row.status as string;
  const statusTime = status === 'timed_out' ? (row.ended_at as Date) : (timestamps[status as TaskStatus] ?? (row.dispatched_at as Date));
  return { status, statusTime, timestamps };
}

/**
 * Moves a task along its lifecycle. The column name comes from TIMESTAMP_COLUMN, a fixed whitelist.
 * The first report of a step sets its timestamp; a replay never moves it.
 */
export async function applyStep(client: pg.PoolClient, row: Record<string, unknown>, status: TaskStatus | 'timed_out', at: Date, endReason?: string) {
  const column = status === 'timed_out' ? null : TIMESTAMP_COLUMN[status];
  const releases = RELEASES_VEHICLE.has(status);
  await client.query(
    `UPDATE assignments SET status = $2${column ? `, ${column} = coalesce(${column}, $3::timestamptz)` : ''}
       ${releases ? ', ended_at = coalesce(ended_at, $3::timestamptz), end_reason = coalesce(end_reason, $4)' : ''}
     WHERE id = $1`,
    releases ? [row.id, status, at, endReason ?? status] : [row.id, status, at],
  );
  // A vehicle already on a newer task keeps that task's state.
  const latest = (await client.query(assignmentSql.latestOfVehicle, [row.vehicle_id])).rows[0];
  if (latest?.id === row.id) await client.query(assignmentSql.setVehicleState, [row.vehicle_id, vehicleStateFor(status)]);
  if (releases) {
    const others = await client.query(assignmentSql.liveOfIncident, [row.incident_id]);
    if (others.rowCount === 0) {
      const finished = status === 'back_in_service' || status === 'back_at_base';
      await client.query(incidentSql.setStatus, [row.incident_id, finished ? 'closed' : 'open', null]);
    }
  }
}

/**
 * Records a status report from a crew (or a dispatcher on its behalf) and applies it to the task.
 * Replays of the same event id are acknowledged without effect; late reports (older than the current
 * step by device time) are kept as record; illegal transitions are refused with 409 and nothing is stored.
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
  const principal = actor.principal;
  if (principal?.role === 'hospital') throw new HttpError(403, 'hospitals do not report task status');
  if (principal?.role === 'crew' && report.status === 'cancelled') throw new HttpError(403, 'status: only the dispatch centre cancels a task');
  if (!isUuid(assignmentId)) throw notFound(`assignment ${assignmentId}`);
  const deviceTime = new Date(report.deviceTime);
  // A report stamped in the future would outrank every real step after it; the device's clock is wrong.
  const aheadS = (deviceTime.getTime() - Date.now()) / 1000;
  if (aheadS > MAX_CLOCK_AHEAD_S) {
    throw new HttpError(400, `deviceTime: ${Math.round(aheadS)} s ahead of the dispatch centre's clock; check the device clock`);
  }

  const outcome = await inTransaction(ctx.db, async (client) => {
    const row = (await client.query(assignmentSql.lock, [assignmentId])).rows[0];
    if (!row) throw notFound(`assignment ${assignmentId}`);
    if (principal?.role === 'crew' && principal.vehicleId !== row.vehicle_id) throw new HttpError(403, 'not your vehicle');
    const event = await client.query(incidentSql.appendEvent, [
      report.eventId, row.incident_id, row.id, row.vehicle_id, report.status, deviceTime,
      principal?.userId ?? null, source, report.location?.lon ?? null, report.location?.lat ?? null, report.note ?? null,
    ]);
    if (event.rowCount === 0) return { applied: false, duplicate: true, row };
    const decision = decideTransition(stateOf(row), report.status, deviceTime);
    if (decision.kind === 'illegal') throw new HttpError(409, `status: ${decision.reason}`);
    if (decision.kind === 'late') {
      if (decision.fillsTimestamp) {
        const column = TIMESTAMP_COLUMN[report.status];
        await client.query(`UPDATE assignments SET ${column} = coalesce(${column}, $2) WHERE id = $1`, [row.id, deviceTime]);
      }
    } else {
      await applyStep(client, row, report.status, deviceTime);
    }
    await appendAudit(client, actor, 'assignment.statusReported', { type: 'assignment', id: row.id }, {
      status: report.status,
      deviceTime: report.deviceTime,
      decision: decision.kind,
      eventId: report.eventId,
    });
    return { applied: decision.kind === 'advance', duplicate: false, row };
  });

  const assignment = presentAssignment((await ctx.db.query(assignmentSql.get, [assignmentId])).rows[0]);
  if (!outcome.duplicate) {
    if (assignment.status !== 'dispatched') await ctx.timers.cancel('ackTimeout', assignmentId);
    if (outcome.applied) await onTaskStep(ctx, actor, assignment);
    ctx.events.publish([rooms.dispatchers, rooms.vehicle(assignment.vehicleId)], 'assignment.updated', assignment);
    await Promise.all([publishIncident(ctx, assignment.incidentId), publishVehicle(ctx, assignment.vehicleId)]);
  }
  return { applied: outcome.applied, duplicate: outcome.duplicate, assignment };
}
