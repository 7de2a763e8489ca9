import { createHash, randomUUID } from 'node:crypto';
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
import { type Db, inTransaction, isUuid, readQueries } from '@dispatch/db';
import { HttpError, notFound } from '../http/errors';
import { matchPlace } from '../places/places';
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

/** The point nearest to `to` (degrees scaled by latitude: fine at the few kilometres between like-named places). */
function nearest<T extends { lon: number; lat: number }>(points: T[], to: { lon: number; lat: number }): T | undefined {
  const k = Math.cos((to.lat * Math.PI) / 180);
  const d = (p: T) => ((p.lon - to.lon) * k) ** 2 + (p.lat - to.lat) ** 2;
  return points.reduce<T | undefined>((best, p) => (best === undefined || d(p) < d(best) ? p : best), undefined);
}

/**
 * Takes a call: validates it, locates it (point, or a gazetteer place name: a name that is no sure match is
 * refused with 422 listing the candidates, nothing stored), derives the required vehicle and hospital
 * capabilities from the category unless given, and stores it with its call-received event.
 * A retry with the same idempotency key and the same call returns the incident the first request created
 * (created: false); the key is the sending login's own, and reusing it for a different call is refused with 422.
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
  const userId = actor.principal?.userId ?? null;
  // The validated call, in the schema's key order: the same call sent twice hashes the same.
  const bodyHash = createHash('sha256').update(JSON.stringify(call)).digest('hex');
  const replayOf = (row: { id: string; idempotency_body_sha256: string | null } | undefined) => {
    if (!row) return null;
    if (row.idempotency_body_sha256 !== null && row.idempotency_body_sha256 !== bodyHash) {
      throw new HttpError(422, 'Idempotency-Key: already used for a different call; send a new key for a new call');
    }
    return row.id;
  };
  if (idempotencyKey) {
    const existing = replayOf((await deps.db.query(incidentSql.byIdempotencyKey, [idempotencyKey, userId])).rows[0]);
    if (existing) return { incident: await getIncident(deps.db, existing), created: false };
  }
  let location = call.location;
  let placeId: string | null = null;
  if (call.placeName) {
    const match = await matchPlace(deps.db, call.placeName);
    // With a point given, the name only labels it: a sure match, else the like-named candidate nearest the point.
    const place = match.sure ?? (location ? nearest(match.candidates.filter((c) => c.score === 1), location) : undefined);
    if (!place && !location) {
      if (match.candidates.length === 0) throw new HttpError(400, `placeName: no place named "${call.placeName}" in the gazetteer`);
      throw new HttpError(422, `placeName: "${call.placeName}" is not a sure match; choose one of the candidates and send its location`, {
        candidates: match.candidates,
      });
    }
    placeId = place?.id ?? null;
    location ??= place && { lon: place.lon, lat: place.lat };
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
      idempotencyKey ? bodyHash : null,
    ]);
    const id = inserted.rows[0]?.id as string | undefined;
    // A concurrent request with the same key won the insert: answer with its incident.
    if (!id) return { id: replayOf((await client.query(incidentSql.byIdempotencyKey, [idempotencyKey, userId])).rows[0])!, created: false };
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
