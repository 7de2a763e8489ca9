import { randomUUID } from 'node:crypto';
import { AssignRequest, type AssignmentDto, type AssignmentOfferDto, type RouteDto } from '@dispatch/protocol';
import type pg from 'pg';
import { appendAudit, type Actor } from '../audit/audit';
import { inTransaction, isUuid } from '@dispatch/db';
import type { DispatchContext } from '../dispatchContext';
import { HttpError, notFound } from '../http/errors';
import { getIncident, incidentSql } from '../incidents/incidents';
import { presentAssignment } from '../incidents/presentIncident';
import { enqueueEffect } from '../outbox/outbox';
import { assignmentSql } from './assignmentSql';

/**
 * Assigns a vehicle to an incident. The vehicle row is locked and the database's unique index on live
 * assignments guarantees a vehicle is never on two incidents: of two dispatchers racing for it, one wins
 * and the other gets 409. The crew's room then receives the assignment with its route, and the
 * acknowledgement timer starts: written to the outbox with the assignment, so neither is lost after the commit.
 * @param input `{ vehicleId, destinationHospitalId? }`
 * @param options.onlyIfUnassigned refuse (409) when a vehicle is already on the incident: an automatic re-offer
 *   must not add a second vehicle to a call a dispatcher has just covered
 */
export async function assignVehicle(
  ctx: DispatchContext,
  actor: Actor,
  incidentId: string,
  input: unknown,
  options: { onlyIfUnassigned?: boolean } = {},
): Promise<AssignmentOfferDto> {
  const request = AssignRequest.parse(input);
  if (!isUuid(incidentId)) throw notFound(`incident ${incidentId}`);
  const assignmentId = await inTransaction(ctx.db, async (client) => {
    const incident = (await client.query(incidentSql.lockIncident, [incidentId])).rows[0];
    if (!incident) throw notFound(`incident ${incidentId}`);
    if (incident.status === 'closed' || incident.status === 'cancelled') {
      throw new HttpError(409, `the incident is ${incident.status}`);
    }
    if (options.onlyIfUnassigned && incident.status === 'assigned') throw new HttpError(409, 'a vehicle is already on the incident');
    const vehicle = (await client.query(assignmentSql.lockVehicle, [request.vehicleId])).rows[0];
    if (!vehicle) throw new HttpError(404, `vehicleId: no vehicle ${request.vehicleId}`);
    if (!vehicle.in_service) throw new HttpError(409, `vehicle ${vehicle.call_sign} is out of service`);
    const live = (await client.query(assignmentSql.liveOfVehicle, [request.vehicleId])).rows[0];
    if (live) throw new HttpError(409, `vehicle ${vehicle.call_sign} is already on incident #${live.number}`);
    const inserted = await insertAssignment(client, incidentId, request.vehicleId, actor, request.destinationHospitalId);
    await client.query(assignmentSql.setVehicleState, [request.vehicleId, 'busy']);
    await client.query(incidentSql.setStatus, [incidentId, 'assigned', null]);
    if (request.destinationHospitalId) await client.query(incidentSql.setPlan, [incidentId, null, request.destinationHospitalId]);
    await client.query(incidentSql.appendEvent, [
      randomUUID(), incidentId, inserted.id, request.vehicleId, 'dispatched', inserted.dispatched_at,
      actor.principal?.userId ?? null, actor.principal ? 'console' : 'system', null, null, null,
    ]);
    await appendAudit(client, actor, 'assignment.created', { type: 'incident', id: incidentId }, {
      assignmentId: inserted.id,
      vehicleId: request.vehicleId,
      callSign: vehicle.call_sign,
    });
    await enqueueEffect(client, incidentId, 'assignment.dispatched', { assignmentId: inserted.id });
    return inserted.id as string;
  });

  // The crew's offer, the timer and the consoles' update (announceDispatch) are delivered from the outbox.
  await ctx.outbox.flush(incidentId);
  return buildOffer(ctx, assignmentId, false);
}

async function insertAssignment(client: pg.PoolClient, incidentId: string, vehicleId: string, actor: Actor, hospitalId?: string) {
  try {
    await client.query('SAVEPOINT assign');
    const { rows } = await client.query(assignmentSql.insert, [incidentId, vehicleId, actor.principal?.userId ?? null, hospitalId ?? null]);
    return rows[0];
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT assign');
    const code = (error as { code?: string; constraint?: string }).code;
    const constraint = (error as { constraint?: string }).constraint;
    if (code === '23505' && constraint === 'assignments_one_active_per_vehicle') throw new HttpError(409, 'the vehicle is already on another incident');
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
  const row = (await ctx.db.query(assignmentSql.get, [assignmentId])).rows[0];
  if (!row) throw notFound(`assignment ${assignmentId}`);
  const incident = await getIncident(ctx.db, row.incident_id);
  let route: RouteDto | null = null;
  const from = (await ctx.db.query(assignmentSql.vehicleAndIncident, [row.vehicle_id])).rows[0];
  const fresh = from?.lon != null && (from.age_seconds ?? Infinity) <= ctx.policy.staleAfterSeconds;
  const start: [number, number] = fresh ? [from.lon, from.lat] : [from.station_lon, from.station_lat];
  try {
    route = await ctx.travel.route(start, [incident.location.lon, incident.location.lat]);
    if (computeRoute) await ctx.db.query(assignmentSql.setRoute, [assignmentId, route.durationS, route.distanceM]);
  } catch (error) {
    ctx.log.warn({ err: (error as Error).message, assignmentId }, 'no route for the assignment');
  }
  const assignment: AssignmentDto = presentAssignment((await ctx.db.query(assignmentSql.get, [assignmentId])).rows[0]);
  const hospitalId = assignment.destinationHospitalId ?? incident.destinationHospitalId;
  const hospital = hospitalId ? (await ctx.db.query(assignmentSql.hospitalBrief, [hospitalId])).rows[0] : null;
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
    },
    route,
    destinationHospital: hospital
      ? { id: hospital.id, name: hospital.name, loadStatus: hospital.load_status, location: { lon: hospital.lon, lat: hospital.lat } }
      : null,
    // The timer is scheduled for exactly this instant (and reconciled from it), so no need to ask Redis.
    ackDeadline: new Date(Date.parse(assignment.timestamps.dispatched ?? '') + ctx.policy.ackTimeoutS * 1000).toISOString(),
  };
}
