import { randomUUID } from 'node:crypto';
import {
  CATEGORY_REQUIREMENTS,
  CreateIncidentRequest,
  MAX_CALL_AGE_MS,
  pointProblem,
  timeProblem,
  rooms,
  type IncidentDto,
  type StatusEventDto,
} from '@dispatch/protocol';
import { NoRoadNetworkError } from '@dispatch/geo/routing/roadGraph';
import type pg from 'pg';
import { appendAudit, type Actor } from '../audit/audit';
import { isUuid } from '../db/errors';
import { inTransaction, type Db } from '../db/pool';
import { readQueries } from '@dispatch/geo/sqlFile';
import { HttpError, notFound } from '../http/errors';
import { searchPlaces } from '../places/places';
import type { Publisher } from '../realtime/publisher';
import type { TravelService } from '../travel/travelService';
import { presentAssignment, presentIncident, presentStatusEvent } from './presentIncident';

export const incidentSql = readQueries(new URL('./incidents.sql', import.meta.url), [
  'insert',
  'byIdempotencyKey',
  'get',
  'listActive',
  'assignmentsOf',
  'lockIncident',
  'queueIfOpen',
  'setStatus',
  'setPlan',
  'timeline',
  'appendEvent',
]);

/** Reads incidents with their assignments, in the order of the ids given. */
export async function getIncidents(db: Db | pg.PoolClient, ids: string[]): Promise<IncidentDto[]> {
  if (ids.length === 0) return [];
  const [incidents, assignments] = await Promise.all([
    db.query(incidentSql.get, [ids]),
    db.query(incidentSql.assignmentsOf, [ids]),
  ]);
  const byId = new Map(incidents.rows.map((r) => [r.id as string, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    return [presentIncident(row, assignments.rows.filter((a) => a.incident_id === id).map(presentAssignment))];
  });
}

export async function getIncident(db: Db | pg.PoolClient, id: string): Promise<IncidentDto> {
  const [incident] = isUuid(id) ? await getIncidents(db, [id]) : [];
  if (!incident) throw notFound(`incident ${id}`);
  return incident;
}

/** The dispatcher's queue: open incidents by priority then waiting time, then those closed in the last hour. */
export async function listActiveIncidents(db: Db, recentMinutes = 60): Promise<IncidentDto[]> {
  const { rows } = await db.query(incidentSql.listActive, [recentMinutes]);
  return getIncidents(db, rows.map((r) => r.id as string));
}

export async function incidentTimeline(db: Db, id: string): Promise<StatusEventDto[]> {
  await getIncident(db, id);
  return (await db.query(incidentSql.timeline, [id])).rows.map(presentStatusEvent);
}

/**
 * Takes a call: validates it, locates it (point, or a gazetteer place name), derives the required vehicle
 * and hospital capabilities from the category unless given, and stores it with its call-received event.
 * A retry with the same idempotency key returns the incident the first request created (created: false).
 * @param idempotencyKey the client's `Idempotency-Key` header, if any
 */
export async function createIncident(
  deps: { db: Db; events: Publisher; travel?: TravelService },
  actor: Actor,
  input: unknown,
  idempotencyKey?: string,
): Promise<{ incident: IncidentDto; created: boolean }> {
  const call = CreateIncidentRequest.parse(input);
  for (const field of ['callReceivedAt', 'callAnsweredAt'] as const) {
    const problem = call[field] ? timeProblem(call[field], Date.now(), MAX_CALL_AGE_MS) : null;
    if (problem) throw new HttpError(400, `${field}: ${problem}`);
  }
  if (idempotencyKey !== undefined && !/^[\x21-\x7e]{8,200}$/.test(idempotencyKey)) {
    throw new HttpError(400, 'Idempotency-Key: 8 to 200 printable characters');
  }
  if (idempotencyKey) {
    const existing = await deps.db.query(incidentSql.byIdempotencyKey, [idempotencyKey]);
    if (existing.rows[0]) return { incident: await getIncident(deps.db, existing.rows[0].id), created: false };
  }
  let location = call.location;
  let placeId: string | null = null;
  if (call.placeName) {
    const [place] = await searchPlaces(deps.db, call.placeName, 1);
    if (!place) throw new HttpError(400, `placeName: no place named "${call.placeName}" in the gazetteer`);
    placeId = place.id;
    location ??= { lon: place.lon, lat: place.lat };
  }
  if (!location) throw new HttpError(400, 'location: give location {lon, lat} or placeName');
  await checkServiceArea(deps.travel, location);
  const defaults = CATEGORY_REQUIREMENTS[call.category];
  const receivedNow = new Date().toISOString();
  const callReceivedAt = call.callReceivedAt ?? receivedNow;
  // Without an answer time from the telephony, the call was answered when it reached the server (never before it rang).
  const callAnsweredAt = call.callAnsweredAt ?? (Date.parse(callReceivedAt) > Date.parse(receivedNow) ? callReceivedAt : receivedNow);

  const result = await inTransaction(deps.db, async (client) => {
    const inserted = await client.query(incidentSql.insert, [
      idempotencyKey ?? null,
      call.category,
      call.priority,
      location.lon,
      location.lat,
      call.address ?? null,
      call.callerPhone ?? null,
      call.patientSummary ?? null,
      call.priorityGroups,
      call.requiredVehicleCapabilities ?? defaults.vehicle,
      call.requiredHospitalCapabilities ?? defaults.hospital,
      callReceivedAt,
      actor.principal?.userId ?? null,
      placeId,
      callAnsweredAt,
    ]);
    const id = inserted.rows[0]?.id as string | undefined;
    // A concurrent request with the same key won the insert: answer with its incident.
    if (!id) return { id: (await client.query(incidentSql.byIdempotencyKey, [idempotencyKey])).rows[0].id as string, created: false };
    await client.query(incidentSql.appendEvent, [
      randomUUID(), id, null, null, 'call_received', callReceivedAt, actor.principal?.userId ?? null, 'console', null, null, null,
    ]);
    await appendAudit(client, actor, 'incident.created', { type: 'incident', id }, {
      category: call.category,
      priority: call.priority,
      idempotencyKey: idempotencyKey ?? null,
    });
    return { id, created: true };
  });
  const incident = await getIncident(deps.db, result.id);
  if (result.created) deps.events.publish(rooms.dispatchers, 'incident.created', incident);
  return { incident, created: result.created };
}

/** A call farther than this from every road of the region is not one this centre can serve (a form's 0,0, a typo). */
export const SERVICE_AREA_ROAD_M = 100_000;

/** Refuses a point no call can come from: 0,0, or nowhere near the region's roads (when a network is loaded). */
async function checkServiceArea(travel: TravelService | undefined, location: { lon: number; lat: number }): Promise<void> {
  const problem = pointProblem(location);
  if (problem) throw new HttpError(400, `location.${problem.field}: ${problem.message}`);
  if (!travel) return;
  let distance: number | null;
  try {
    distance = await travel.distanceToRoadM([location.lon, location.lat], SERVICE_AREA_ROAD_M);
  } catch (error) {
    // No network imported yet: the call is taken all the same; ranking will say what is missing.
    if (error instanceof NoRoadNetworkError) return;
    throw error;
  }
  if (distance === null) {
    throw new HttpError(422, `location: ${location.lon},${location.lat} is more than ${SERVICE_AREA_ROAD_M / 1000} km from every road of the region: outside the service area`);
  }
}

/** Announces the current state of an incident to the dispatchers. */
export async function publishIncident(deps: { db: Db; events: Publisher }, incidentId: string): Promise<IncidentDto> {
  const incident = await getIncident(deps.db, incidentId);
  deps.events.publish(rooms.dispatchers, 'incident.updated', incident);
  return incident;
}
