import { createHash, randomUUID } from 'node:crypto';
import {
  CreateIncidentRequest,
  EventSource,
  HospitalCapability,
  IncidentCategory,
  IncidentStatus,
  MAX_CALL_AGE_MS,
  pointProblem,
  PriorityGroup,
  timeProblem,
  rooms,
  VehicleCapability,
  IncidentDto,
  StatusEventDto,
  type Principal,
} from '@dispatch/protocol';
import { NoRoadNetworkError } from '@dispatch/geo/routing/roadGraph';
import { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import { type Db, dtoRow, inTransaction, isUuid, type Queryable, sqlFile } from '@dispatch/db';
import { assignmentSql } from '../assignments/assignmentSql';
import { HttpError, notFound } from '../http/errors';
import { categoryRequirement } from '../operatorData/operatorData';
import { matchPlace } from '../places/places';
import { type Action, authorize, centreScope } from '../policies/policies';
import { linkRegisterMatches } from '../register/registerReads';
import { linkCall, lockCallForLink } from '../telephony/callLinks';
import type { Publisher } from '../realtime/publisher';
import type { TravelService } from '../travel/travelService';
import { announceTransfer } from '../transfers/transfers';

/** Who recorded a status event. */

const id = z.object({ id: z.string() });
const ids = z.object({ ids: z.array(z.string()) });
const nullableText = z.string().nullable();
/** A time as a client sent it (ISO-8601 text, kept to the microsecond) or as the server took it. */
const instant = z.union([z.date(), z.string()]);
export const incidentSql = sqlFile(new URL('./incidents.sql', import.meta.url), {
  insert: {
    params: z.object({
      idempotencyKey: nullableText, bodyHash: nullableText, userId: nullableText, placeId: nullableText,
      category: IncidentCategory, priority: z.number(), lon: z.number(), lat: z.number(), address: nullableText,
      callerPhone: nullableText, patientSummary: nullableText, priorityGroups: z.array(PriorityGroup),
      requiredVehicleCapabilities: z.array(VehicleCapability), requiredHospitalCapabilities: z.array(HospitalCapability),
      callReceivedAt: z.string(), callAnsweredAt: z.string(), centreId: nullableText,
    }),
    row: id,
  },
  byIdempotencyKey: {
    params: z.object({ idempotencyKey: nullableText, userId: nullableText }),
    row: z.object({ id: z.string(), idempotency_body_sha256: nullableText }),
  },
  // The assignments come from assignmentSql.present.
  get: { params: ids, row: dtoRow(IncidentDto.omit({ assignments: true })) },
  listActive: { params: z.object({ recentMinutes: z.number(), centreId: nullableText }), row: id },
  lockIncident: { params: id, row: z.object({ id: z.string(), status: IncidentStatus, centre_id: z.string() }) },
  queueIfOpen: { params: id },
  setStatus: { params: id.extend({ status: IncidentStatus, cancelledReason: nullableText.default(null) }) },
  setPlan: { params: id.extend({ stationId: nullableText.default(null), hospitalId: nullableText.default(null) }) },
  setRecommended: { params: id.extend({ stationId: nullableText, hospitalId: nullableText, waitingStatus: z.enum(['open', 'queued']) }) },
  timeline: { params: id, row: dtoRow(StatusEventDto) },
  appendEvent: {
    params: z.object({
      id: z.string(), incidentId: z.string(), status: z.string(), deviceTime: instant, userId: nullableText, source: EventSource,
      // Absent on many events: defaulted to NULL here so no caller lists them.
      assignmentId: nullableText.default(null), vehicleId: nullableText.default(null), note: nullableText.default(null),
      lon: z.number().nullable().default(null), lat: z.number().nullable().default(null),
      callerPhone: nullableText.default(null), phoneCallId: nullableText.default(null),
    }),
    row: id,
  },
});

/** Reads incidents with their assignments, in the order of the ids given. */
export async function getIncidents(db: Queryable, ids: string[]): Promise<IncidentDto[]> {
  if (ids.length === 0) return [];
  const [incidents, assignments] = await Promise.all([incidentSql.get.rows(db, { ids }), assignmentSql.present.rows(db, { ids: [], incidentIds: ids })]);
  const byId = new Map(incidents.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const incident = byId.get(id);
    return incident ? [{ ...incident, assignments: assignments.filter((a) => a.incidentId === id) }] : [];
  });
}

export async function getIncident(db: Queryable, id: string): Promise<IncidentDto> {
  const [incident] = isUuid(id) ? await getIncidents(db, [id]) : [];
  if (!incident) throw notFound(`incident ${id}`);
  return incident;
}

/**
 * The dispatcher's queue: open incidents by priority then waiting time, then those closed in the last hour.
 * @param centreId one centre's (a dispatcher's), or null for every centre's
 */
export async function listActiveIncidents(db: Db, recentMinutes = 60, centreId: string | null = null): Promise<IncidentDto[]> {
  return getIncidents(db, (await incidentSql.listActive.rows(db, { recentMinutes, centreId })).map((r) => r.id));
}

export async function incidentTimeline(db: Db, id: string): Promise<StatusEventDto[]> {
  await getIncident(db, id);
  return incidentSql.timeline.rows(db, { id });
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
  input: CreateIncidentRequest,
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
    const existing = replayOf(await incidentSql.byIdempotencyKey.one(deps.db, { idempotencyKey, userId }));
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
  // The centre's own table (operator data), as the recommendation then ranks by what the incident needs.
  const defaults = await categoryRequirement(deps.db, call.category);

  const result = await inTransaction(deps.db, async (client) => {
    // A call through the phone system: its ring and answer times are the record, not the form's; its number is the
    // call-back number unless the dispatcher typed another.
    const phoneCall = call.phoneCallId ? await lockCallForLink(client, actor.principal, call.phoneCallId, null) : null;
    const receivedNow = new Date().toISOString();
    const callReceivedAt = phoneCall ? (phoneCall.ringingAt ?? phoneCall.answeredAt ?? receivedNow) : (call.callReceivedAt ?? receivedNow);
    // Without an answer time from the telephony, the call was answered when it reached the server (never before it rang).
    const callAnsweredAt = (phoneCall ? phoneCall.answeredAt : call.callAnsweredAt) ?? (Date.parse(callReceivedAt) > Date.parse(receivedNow) ? callReceivedAt : receivedNow);
    const callerPhone = call.callerPhone ?? phoneCall?.callerPhone ?? null;
    const inserted = await incidentSql.insert.one(client, {
      idempotencyKey: idempotencyKey ?? null,
      category: call.category,
      priority: call.priority,
      lon: location.lon,
      lat: location.lat,
      address: call.address ?? null,
      callerPhone,
      patientSummary: call.patientSummary ?? null,
      priorityGroups: call.priorityGroups,
      requiredVehicleCapabilities: call.requiredVehicleCapabilities ?? defaults.vehicle,
      requiredHospitalCapabilities: call.requiredHospitalCapabilities ?? defaults.hospital,
      callReceivedAt,
      userId,
      placeId,
      callAnsweredAt,
      bodyHash: idempotencyKey ? bodyHash : null,
      // A login of every centre taking a call from the phone system takes it for the centre whose line rang.
      centreId: (actor.principal ? centreScope(actor.principal) : null) ?? phoneCall?.centreId ?? null,
    });
    // A concurrent request with the same key won the insert: answer with its incident.
    if (!inserted) return { id: replayOf(await incidentSql.byIdempotencyKey.one(client, { idempotencyKey: idempotencyKey ?? null, userId }))!, created: false };
    const { id } = inserted;
    await incidentSql.appendEvent.run(client, {
      id: randomUUID(), incidentId: id, status: 'call_received', deviceTime: callReceivedAt, userId, source: 'console', callerPhone, phoneCallId: phoneCall?.id ?? null,
    });
    if (phoneCall) await linkCall(client, phoneCall.id, id, 'created', actor);
    // The priority-group register's residents this number or address names: their flags follow the incident.
    await linkRegisterMatches(client, id, { callerPhone, address: call.address ?? null });
    await appendAudit(client, actor, 'incident.created', { type: 'incident', id }, {
      category: call.category,
      priority: call.priority,
      idempotencyKey: idempotencyKey ?? null,
      phoneCallId: phoneCall?.id ?? null,
    });
    return { id, created: true };
  });
  const incident = await getIncident(deps.db, result.id);
  if (result.created) deps.events.publish(rooms.centreStaff(incident.centreId), 'incident.created', incident);
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

/** The centres whose vehicles help on an incident (issue 15): they follow it too. */
const helpingCentres = (incident: IncidentDto) => incident.assignments.map((a) => a.helpFromCentreId);

/**
 * The incident, once the principal may do `action` to it: its own centre's staff and the province's; a centre whose
 * vehicle helps on it may read it too (never dispatch, cancel or close it).
 */
export async function incidentFor(db: Queryable, principal: Principal | null, action: Action, id: string): Promise<IncidentDto> {
  const incident = await getIncident(db, id);
  const centres = action === 'incident.dispatch' ? [incident.centreId] : [incident.centreId, ...helpingCentres(incident).filter((c) => c !== null)];
  authorize(principal, action, { centreId: centres });
  return incident;
}

/** Announces the current state of an incident to the dispatchers (and a transfer's to its two hospitals). */
export async function publishIncident(deps: { db: Db; events: Publisher }, incidentId: string): Promise<IncidentDto> {
  const incident = await getIncident(deps.db, incidentId);
  deps.events.publish(rooms.centreStaff(incident.centreId, ...helpingCentres(incident)), 'incident.updated', incident);
  // A transfer's two hospitals follow its dispatch on their boards.
  if (incident.transfer) await announceTransfer(deps, incident.transfer.id);
  return incident;
}
