import { randomUUID } from 'node:crypto';
import { type AssignRequest, type AssignmentDto, type AssignmentOfferDto, type Principal, type RouteDto } from '@dispatch/protocol';
import { appendAudit, type Actor } from '../audit/audit';
import { type DbClient, inTransaction, isUuid } from '@dispatch/db';
import type { DispatchContext } from '../dispatchContext';
import { noteFleetChange } from '../fleet/fleetChanges';
import { HttpError, notFound } from '../http/errors';
import { getIncident, incidentSql } from '../incidents/incidents';
import { enqueueEffect } from '../outbox/outbox';
import { authorize } from '../policies/policies';
import { transferSql } from '../transfers/transfers';
import { getVehicle } from '../vehicles/vehicles';
import { assignmentSql, presentAssignment } from './assignmentSql';
import { checkDestinationLoad } from './destinationLoad';

/**
 * Assigns a vehicle to an incident. The vehicle row is locked and the database's unique index on live
 * assignments guarantees a vehicle is never on two incidents: of two dispatchers racing for it, one wins
 * and the other gets 409. The crew's room then receives the assignment with its route, and the
 * acknowledgement timer starts: written to the outbox with the assignment, so neither is lost after the commit.
 * @param request `{ vehicleId, destinationHospitalId?, confirmDestinationLoad? }` (a red or closed destination needs the confirmation)
 * @param options.onlyIfUnassigned refuse (409) when a vehicle is already on the incident: an automatic re-offer
 *   must not add a second vehicle to a call a dispatcher has just covered
 */
export async function assignVehicle(
  ctx: DispatchContext,
  actor: Actor,
  incidentId: string,
  request: AssignRequest,
  options: { onlyIfUnassigned?: boolean } = {},
): Promise<AssignmentOfferDto> {
  if (!isUuid(incidentId)) throw notFound(`incident ${incidentId}`);
  const assignmentId = await inTransaction(ctx.db, async (client) => {
    const incident = await incidentSql.lockIncident.one(client, { id: incidentId });
    if (!incident) throw notFound(`incident ${incidentId}`);
    // A transfer goes to the hospital that accepted it, whatever its load: its destination is not the dispatcher's choice.
    const transfer = await transferSql.fixedDestination.one(client, { incidentId });
    if (transfer && request.destinationHospitalId && request.destinationHospitalId !== transfer.to_hospital_id) {
      throw new HttpError(409, `destinationHospitalId: a transfer goes to ${transfer.name}, the hospital that accepted it`);
    }
    if (transfer) request = { vehicleId: request.vehicleId, destinationHospitalId: transfer.to_hospital_id };
    if (incident.status === 'closed' || incident.status === 'cancelled') {
      throw new HttpError(409, `the incident is ${incident.status}`, undefined, 'incident_finished');
    }
    if (options.onlyIfUnassigned && incident.status === 'assigned') {
      throw new HttpError(409, 'a vehicle is already on the incident', undefined, 'incident_already_covered');
    }
    const vehicle = await assignmentSql.lockVehicle.one(client, { vehicleId: request.vehicleId });
    if (!vehicle) throw new HttpError(404, `vehicleId: no vehicle ${request.vehicleId}`);
    if (!vehicle.in_service) throw new HttpError(409, `vehicle ${vehicle.call_sign} is out of service`, undefined, 'vehicle_out_of_service');
    // Another centre's vehicle (issue 15) goes only as help asked for on purpose with a reason: audited, and both
    // centres follow the task. Without it, the dispatcher is told which field to send.
    const help = vehicle.centre_id === incident.centre_id ? null : { fromCentreId: vehicle.centre_id, reason: request.crossCentreHelp?.reason };
    if (help && !help.reason) {
      throw new HttpError(409, `crossCentreHelp: vehicle ${vehicle.call_sign} is another centre's; ask for cross-centre help with a reason`, undefined, 'cross_centre_unconfirmed');
    }
    const live = await assignmentSql.liveOfVehicle.one(client, { vehicleId: request.vehicleId });
    if (live) throw new HttpError(409, `vehicle ${vehicle.call_sign} is already on incident #${live.number}`, undefined, 'vehicle_busy');
    if (request.destinationHospitalId && !transfer) {
      await checkDestinationLoad(client, actor, request.destinationHospitalId, request.confirmDestinationLoad, { type: 'incident', id: incidentId });
    }
    const inserted = await insertAssignment(client, incidentId, request.vehicleId, actor, request.destinationHospitalId, help);
    await assignmentSql.setVehicleState.run(client, { vehicleId: request.vehicleId, state: 'busy' });
    await noteFleetChange(client, { vehicles: [request.vehicleId] });
    await incidentSql.setStatus.run(client, { id: incidentId, status: 'assigned' });
    if (request.destinationHospitalId) await incidentSql.setPlan.run(client, { id: incidentId, hospitalId: request.destinationHospitalId });
    await incidentSql.appendEvent.run(client, {
      id: randomUUID(), incidentId, assignmentId: inserted.id, vehicleId: request.vehicleId, status: 'dispatched', deviceTime: inserted.dispatched_at,
      userId: actor.principal?.userId ?? null, source: actor.principal ? 'console' : 'system',
    });
    await appendAudit(client, actor, 'assignment.created', { type: 'incident', id: incidentId }, {
      assignmentId: inserted.id,
      vehicleId: request.vehicleId,
      callSign: vehicle.call_sign,
    });
    if (help) {
      await appendAudit(client, actor, 'assignment.crossCentreHelp', { type: 'incident', id: incidentId }, {
        assignmentId: inserted.id,
        vehicleId: request.vehicleId,
        callSign: vehicle.call_sign,
        incidentCentreId: incident.centre_id,
        fromCentreId: help.fromCentreId,
        reason: help.reason,
      });
    }
    await enqueueEffect(client, incidentId, 'assignment.dispatched', { assignmentId: inserted.id });
    return inserted.id;
  });

  // The crew's offer, the timer and the consoles' update (announceDispatch) are delivered from the outbox.
  await ctx.outbox.flush(incidentId);
  return buildOffer(ctx, assignmentId, false);
}

/** Every refusal below ends the transaction, so the failed insert needs no savepoint to roll back to. */
async function insertAssignment(
  client: DbClient,
  incidentId: string,
  vehicleId: string,
  actor: Actor,
  hospitalId: string | undefined,
  help: { fromCentreId: string; reason?: string } | null,
) {
  try {
    return (await assignmentSql.insert.one(client, {
      incidentId, vehicleId, userId: actor.principal?.userId ?? null, hospitalId: hospitalId ?? null,
      helpFromCentreId: help?.fromCentreId ?? null, helpReason: help?.reason ?? null,
    }))!;
  } catch (error) {
    const { code, constraint } = error as { code?: string; constraint?: string };
    if (code === '23505' && constraint === 'assignments_one_active_per_vehicle') {
      throw new HttpError(409, 'the vehicle is already on another incident', undefined, 'vehicle_busy');
    }
    if (code === '23503') throw new HttpError(404, 'destinationHospitalId: no such hospital');
    throw error;
  }
}

/**
 * What the crew tablet gets: the task, the patient summary, the route from the vehicle's position (or its
 * station when the fix is stale) to the scene, the destination hospital, and the acknowledgement deadline.
 * @param computeRoute recompute and store the route (true on dispatch; false on a resync, which reuses the ETA)
 */
export async function buildOffer(ctx: DispatchContext, assignmentId: string, computeRoute: boolean): Promise<AssignmentOfferDto> {
  const row = await assignmentSql.get.one(ctx.db, { id: assignmentId });
  if (!row) throw notFound(`assignment ${assignmentId}`);
  const incident = await getIncident(ctx.db, row.incident_id);
  let route: RouteDto | null = null;
  const from = (await assignmentSql.vehicleStart.one(ctx.db, { vehicleId: row.vehicle_id }))!;
  const fresh = (from.age_seconds ?? Infinity) <= ctx.policy.staleAfterSeconds;
  const start: [number, number] = fresh && from.lon !== null && from.lat !== null ? [from.lon, from.lat] : [from.station_lon, from.station_lat];
  try {
    route = await ctx.travel.route(start, [incident.location.lon, incident.location.lat]);
    if (computeRoute) await assignmentSql.setRoute.run(ctx.db, { id: assignmentId, etaS: route.durationS, distanceM: route.distanceM });
  } catch (error) {
    ctx.log.warn({ err: (error as Error).message, assignmentId }, 'no route for the assignment');
  }
  const assignment: AssignmentDto = await presentAssignment(ctx.db, assignmentId);
  const hospitalId = assignment.destinationHospitalId ?? incident.destinationHospitalId;
  const hospital = hospitalId ? await assignmentSql.hospitalBrief.one(ctx.db, { id: hospitalId }) : undefined;
  return {
    assignment,
    incident: {
      id: incident.id,
      number: incident.number,
      category: incident.category,
      priority: incident.priority,
      location: incident.location,
      address: incident.address,
      placeName: incident.placeName,
      patientSummary: incident.patientSummary,
      priorityGroups: incident.priorityGroups,
      transfer: incident.transfer,
    },
    route,
    destinationHospital: hospital
      ? { id: hospital.id, name: hospital.name, loadStatus: hospital.load_status, location: { lon: hospital.lon, lat: hospital.lat } }
      : null,
    // The timer is scheduled for exactly this instant (and reconciled from it), so no need to ask Redis.
    ackDeadline: new Date(Date.parse(assignment.timestamps.dispatched ?? '') + ctx.policy.ackTimeoutS * 1000).toISOString(),
  };
}

/** A task's offer as its crew (or a dispatcher) reads it again. */
export async function getOffer(ctx: DispatchContext, principal: Principal, assignmentId: string): Promise<AssignmentOfferDto> {
  const row = isUuid(assignmentId) ? await assignmentSql.get.one(ctx.db, { id: assignmentId }) : undefined;
  if (!row) throw notFound(`assignment ${assignmentId}`);
  authorize(principal, 'assignment.read', { vehicleId: row.vehicle_id });
  return buildOffer(ctx, row.id, false);
}

/** The offer of the vehicle's live task, or null when the vehicle is free. */
export async function getLiveOffer(ctx: DispatchContext, principal: Principal, vehicleId: string): Promise<AssignmentOfferDto | null> {
  authorize(principal, 'assignment.read', { vehicleId });
  // A malformed or unknown id is no vehicle at all (404), not a free one.
  await getVehicle(ctx.db, vehicleId, ctx.policy.staleAfterSeconds);
  const latest = await assignmentSql.latestOfVehicle.one(ctx.db, { vehicleId });
  return latest && !latest.ended_at ? buildOffer(ctx, latest.id, false) : null;
}
