import { rooms, StatusReport, type AssignmentDto, type EventSource, type TaskStatus } from '@dispatch/protocol';
import { appendAudit, type Actor } from '../audit/audit';
import { type DbClient, inTransaction, isUuid } from '@dispatch/db';
import type { DispatchContext } from '../dispatchContext';
import { noteFleetChange } from '../fleet/fleetChanges';
import { HttpError, notFound } from '../http/errors';
import { incidentSql, publishIncident } from '../incidents/incidents';
import { RELEASES_VEHICLE, decideTransition, vehicleStateFor, type AssignmentState } from '../lifecycle/taskLifecycle';
import { afterNoticesClosed, closeLiveNotices, onTaskStep } from '../notices/notices';
import { authorize, permit } from '../policies/policies';
import { publishVehicle } from '../vehicles/publishVehicle';
import { type AssignmentRow, assignmentSql, presentAssignment, stepTimes } from './assignmentSql';

/** The lifecycle state of a locked assignment row, as decideTransition reads it. */
export const stateOf = (row: AssignmentRow): AssignmentState => ({ status: row.status, timestamps: stepTimes(row) });

/**
 * Moves a task along its lifecycle, in the caller's transaction. The first report of a step sets its timestamp
 * and a replay never moves it (assignments.sql recordStep). A step that releases the vehicle also closes the
 * task's live hospital notice, in the same transaction, and returns the closed notices' ids.
 */
export async function applyStep(
  client: DbClient,
  row: AssignmentRow,
  status: TaskStatus | 'timed_out',
  at: Date,
  endReason?: string,
): Promise<string[]> {
  const releases = RELEASES_VEHICLE.has(status);
  await assignmentSql.recordStep.run(client, { id: row.id, step: status, at, advance: true, endReason: releases ? (endReason ?? status) : null });
  // A vehicle already on a newer task keeps that task's state.
  const latest = await assignmentSql.latestOfVehicle.one(client, { vehicleId: row.vehicle_id });
  if (latest?.id === row.id) await assignmentSql.setVehicleState.run(client, { vehicleId: row.vehicle_id, state: vehicleStateFor(status) });
  await noteFleetChange(client, { vehicles: [row.vehicle_id] });
  if (!releases) return [];
  if (!(await assignmentSql.liveOfIncident.one(client, { incidentId: row.incident_id }))) {
    const finished = status === 'back_in_service' || status === 'back_at_base';
    await incidentSql.setStatus.run(client, { id: row.incident_id, status: finished ? 'closed' : 'open' });
  }
  const delivered = (status === 'back_in_service' || status === 'back_at_base') && row.transporting_at !== null;
  return closeLiveNotices(client, row.id, delivered ? 'arrived' : 'cancelled');
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
  source: EventSource,
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
    const row = await assignmentSql.lock.one(client, { id: assignmentId });
    if (!row) throw notFound(`assignment ${assignmentId}`);
    authorize(principal, 'assignment.report', { vehicleId: row.vehicle_id });
    const stored = await incidentSql.appendEvent.run(client, {
      id: report.eventId, incidentId: row.incident_id, assignmentId: row.id, vehicleId: row.vehicle_id, status: report.status, deviceTime,
      userId: principal?.userId ?? null, source, lon: report.location?.lon ?? null, lat: report.location?.lat ?? null, note: report.note ?? null,
    });
    if (stored === 0) return { applied: false, duplicate: true, closedNotices: [] as string[] };
    const decision = decideTransition(stateOf(row), report.status);
    if (decision.kind === 'illegal') throw new HttpError(409, `status: ${decision.reason}`);
    let closedNotices: string[] = [];
    if (decision.kind === 'late') {
      if (decision.fillsTimestamp) {
        await assignmentSql.recordStep.run(client, { id: row.id, step: report.status, at: deviceTime, advance: false, endReason: null });
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
  const assignment = await presentAssignment(ctx.db, assignmentId);
  if (assignment.status !== 'dispatched') await ctx.timers.cancel('ackTimeout', assignmentId);
  await afterNoticesClosed(ctx, outcome.closedNotices);
  if (assignment.status === report.status) await onTaskStep(ctx, actor, assignment);
  ctx.events.publish([...rooms.centreStaff(assignment.centreId, assignment.helpFromCentreId), rooms.vehicle(assignment.vehicleId)], 'assignment.updated', assignment);
  await Promise.all([publishIncident(ctx, assignment.incidentId), publishVehicle(ctx, assignment.vehicleId, assignment.centreId)]);
  return { applied: outcome.applied, duplicate: outcome.duplicate, assignment };
}
