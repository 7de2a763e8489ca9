import { randomUUID } from 'node:crypto';
import { type Db, inTransaction, isUuid, type Queryable } from '@dispatch/db';
import {
  parseAml,
  PhoneCallEvent,
  rooms,
  type FollowUpRequest,
  type IncidentStatus,
  type PhoneCallDto,
  type Principal,
  type RelatedAnswer,
  type RelatedQuery,
  type StatusEventDto,
} from '@dispatch/protocol';
import { appendAudit, type Actor } from '../audit/audit';
import { staffRoomsOfIncident } from '../centres/centres';
import { HttpError, notFound } from '../http/errors';
import { getIncidents, incidentFor, incidentSql, publishIncident } from '../incidents/incidents';
import { authorize, readCentre } from '../policies/policies';
import type { Publisher } from '../realtime/publisher';
import { linkCall, lockCallForLink } from './callLinks';
import { telephonySql } from './telephonySql';

/**
 * Two open incidents this close (metres) are taken for the same emergency called in twice: a house, a farmyard, the
 * two ends of a road accident; a village's next house is farther than this only in the most scattered villages.
 */
export const NEARBY_M = 300;
/**
 * ...when the first call came in within this many minutes: a second caller (a neighbour, a passer-by) or the first one
 * again (催车) calls within minutes; after half an hour an emergency at the same place is more often a new one.
 */
export const NEARBY_MINUTES = 30;

const presentOne = async (db: Queryable, id: string): Promise<PhoneCallDto> => {
  const [call] = await telephonySql.present.rows(db, { ids: [id], incidentId: null, minutes: null });
  if (!call) throw notFound(`phone call ${id}`);
  return call;
};

/**
 * Records one event of the phone system and tells the dispatchers: a call that starts ringing pops up the intake
 * (`phoneCall.ringing`), any other change is `phoneCall.updated`. Idempotent on the PBX's call id: a replayed or late
 * event fills only what is still unknown, so a call never goes back a step; nothing changed, nothing is pushed.
 */
export async function recordPhoneCallEvent(deps: { db: Db; events: Publisher }, actor: Actor, input: PhoneCallEvent): Promise<PhoneCallDto> {
  const event = PhoneCallEvent.parse(input);
  let location: { lon: number; lat: number; radiusM: number; source: string; at: string; confidence: number | null } | null = null;
  if (event.location?.format === 'aml') {
    const parsed = parseAml(event.location.message);
    // The schema refused a message that does not parse; pm=N (no position) locates nothing.
    if (parsed.ok && parsed.location) location = { ...parsed.location, at: parsed.location.at ?? event.at };
  } else if (event.location?.format === 'cell') {
    const { lon, lat, radiusM, at } = event.location;
    location = { lon, lat, radiusM, source: 'carrier_cell', at: at ?? event.at, confidence: null };
  }
  const { before, after, lateAnswer } = await inTransaction(deps.db, async (client) => {
    const existing = await telephonySql.lockByPbxId.one(client, { pbxCallId: event.callId });
    const before = existing ? await presentOne(client, existing.id) : null;
    const row = await telephonySql.record.one(client, {
      pbxCallId: event.callId,
      lineId: event.lineId,
      callerPhone: event.callerNumber ?? null,
      event: event.event,
      at: event.at,
      lon: location?.lon ?? null,
      lat: location?.lat ?? null,
      radiusM: location?.radiusM ?? null,
      source: location?.source ?? null,
      locationAt: location?.at ?? null,
      confidence: location?.confidence ?? null,
      recordingRef: event.recordingRef ?? null,
    });
    const after = await presentOne(client, row!.id);
    if (!before) await appendAudit(client, actor, 'phoneCall.reported', { type: 'phone_call', id: after.id }, { lineId: event.lineId, event: event.event });
    const lateAnswer = before?.incidentId && !before.answeredAt && after.answeredAt ? await telephonySql.lateAnswer.one(client, { id: after.id }) : undefined;
    return { before, after, lateAnswer };
  });
  if (lateAnswer) await publishIncident(deps, lateAnswer.id);
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    const ringing = after.state === 'ringing' && before?.state !== 'ringing';
    // Its centre's staff and the province: another county's dispatcher never hears its caller's number.
    deps.events.publish(rooms.centreStaff(after.centreId), ringing ? 'phoneCall.ringing' : 'phoneCall.updated', after);
  }
  return after;
}

/** Tells the call's centre's staff and the province its state (linked to an incident: the consoles take it off their list of calls). */
export async function announceCall(deps: { db: Db; events: Publisher }, id: string): Promise<void> {
  const call = await presentOne(deps.db, id);
  deps.events.publish(rooms.centreStaff(call.centreId), 'phoneCall.updated', call);
}

/**
 * Calls that rang within `minutes` and became no incident yet: the console's pop-ups after a reload.
 * @param centreId one centre's (a dispatcher's: policies' readCentre), or null for every centre's
 */
export const listRecentCalls = (db: Db, minutes: number, centreId: string | null): Promise<PhoneCallDto[]> =>
  telephonySql.present.rows(db, { ids: null, incidentId: null, minutes, centreId });

/** The calls of an incident: the one it was taken from and its follow-ups, for those who may read the incident (its centre's, a helping centre's, the province). */
export async function incidentCalls(db: Db, principal: Principal | null, incidentId: string): Promise<PhoneCallDto[]> {
  await incidentFor(db, principal, 'phoneCall.read', incidentId);
  return telephonySql.present.rows(db, { ids: null, incidentId, minutes: null });
}

/**
 * Records a call about an open incident (催车 / 重复来电) on its timeline, with the caller's number and the
 * dispatcher's note, instead of a new incident. With the phone system's call, its number and ring time are the
 * record and the call is linked once: the same link again answers the entry already made (created: false).
 */
export async function linkFollowUp(
  deps: { db: Db; events: Publisher },
  actor: Actor,
  incidentId: string,
  request: FollowUpRequest,
): Promise<{ entry: StatusEventDto; created: boolean }> {
  const result = await inTransaction(deps.db, async (client) => {
    const incident = isUuid(incidentId) ? await incidentSql.lockIncident.one(client, { id: incidentId }) : undefined;
    if (!incident) throw notFound(`incident ${incidentId}`);
    // Only the incident's own centre records calls on it (a centre whose vehicle helps reads it, and no more).
    authorize(actor.principal, 'incident.create', { centreId: incident.centre_id });
    if (!(['open', 'queued', 'assigned'] satisfies IncidentStatus[] as string[]).includes(incident.status)) {
      throw new HttpError(409, `incident is ${incident.status}: take the call as a new incident`, undefined, 'incident_finished');
    }
    const call = request.phoneCallId ? await lockCallForLink(client, actor.principal, request.phoneCallId, { id: incidentId, centreId: incident.centre_id }) : null;
    if (call?.linkedHere) {
      const made = await telephonySql.followUpEvent.one(client, { incidentId, phoneCallId: call.id });
      return { eventId: made!.id, created: false };
    }
    const eventId = randomUUID();
    await incidentSql.appendEvent.run(client, {
      id: eventId,
      incidentId,
      status: 'call_follow_up',
      deviceTime: call?.ringingAt ?? call?.answeredAt ?? new Date().toISOString(),
      userId: actor.principal?.userId ?? null,
      source: 'console',
      note: request.note || null,
      callerPhone: request.callerPhone ?? call?.callerPhone ?? null,
      phoneCallId: call?.id ?? null,
    });
    if (call) await linkCall(client, call.id, incidentId, 'follow_up', actor);
    await appendAudit(client, actor, 'incident.followUpCall', { type: 'incident', id: incidentId }, { phoneCallId: call?.id ?? null });
    return { eventId, created: true };
  });
  const entry = (await incidentSql.timeline.rows(deps.db, { id: incidentId })).find((e) => e.id === result.eventId)!;
  if (result.created) {
    const [incident] = await getIncidents(deps.db, [incidentId]);
    if (incident) deps.events.publish(await staffRoomsOfIncident(deps.db, incidentId), 'incident.updated', incident);
    if (request.phoneCallId) await announceCall(deps, request.phoneCallId);
  }
  return { entry, created: result.created };
}

/**
 * What is known of a call being taken, against the open incidents: those it may duplicate, with the reasons (same
 * number; within NEARBY_M of it, circle radius included, and NEARBY_MINUTES; same address or place), and the number's
 * earlier incidents. The phone system's call adds its number and location when the form has none yet.
 * Both are of the reader's centre (policies' readCentre); for a login of every centre taking a call, of the call's
 * centre, the only one whose incidents the call may be linked to. Another centre's call is refused (403 other_centre).
 * @param principal the reader; null: the system, every centre
 * @param excludeId the incident just taken from this call, not related to itself
 */
export async function relatedIncidents(db: Db, principal: Principal | null, query: RelatedQuery, excludeId: string | null = null): Promise<RelatedAnswer> {
  let centreId = readCentre(principal, 'incident.read');
  let callerPhone = query.callerPhone ?? null;
  let location: { lon: number; lat: number; radiusM: number } | null = query.location ? { ...query.location, radiusM: 0 } : null;
  if (query.phoneCallId) {
    const call = await presentOne(db, query.phoneCallId).catch(() => {
      throw new HttpError(404, `phoneCallId: no phone call ${query.phoneCallId}`);
    });
    authorize(principal, 'phoneCall.read', { centreId: call.centreId });
    centreId ??= call.centreId;
    callerPhone ??= call.callerPhone;
    location ??= call.location;
  }
  const rows = await telephonySql.related.rows(db, {
    callerPhone,
    lon: location?.lon ?? null,
    lat: location?.lat ?? null,
    radiusM: location?.radiusM ?? null,
    address: query.address?.trim() || null,
    placeName: query.placeName?.trim() || null,
    excludeId,
    nearbyM: NEARBY_M,
    nearbyMinutes: NEARBY_MINUTES,
    centreId,
  });
  const incidents = new Map((await getIncidents(db, rows.map((r) => r.id))).map((i) => [i.id, i]));
  const related = rows.flatMap((r) => {
    const incident = incidents.get(r.id);
    return incident ? [{ incident, reasons: r.reasons, distanceM: r.distanceM === null ? null : Math.round(r.distanceM) }] : [];
  });
  const history = callerPhone ? await telephonySql.history.rows(db, { callerPhone, excludeId, centreId }) : [];
  return { related, history };
}
