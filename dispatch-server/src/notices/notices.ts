import { type ChangeDestinationRequest, rooms, type AssignmentDto, HospitalNoticeDto, NoticeStatus, type Principal } from '@dispatch/protocol';
import { appendAudit, type Actor } from '../audit/audit';
import { assignmentSql, presentAssignment } from '../assignments/assignmentSql';
import { checkDestinationLoad } from '../assignments/destinationLoad';
import { type DbClient, dtoRow, inTransaction, isUuid, sqlFile } from '@dispatch/db';
import { z } from 'zod';
import type { DispatchContext } from '../dispatchContext';
import { HttpError, notFound } from '../http/errors';
import { staffRoomsOfIncident } from '../centres/centres';
import { incidentSql } from '../incidents/incidents';
import { authorize, readScope } from '../policies/policies';
import { enqueueEffect } from '../outbox/outbox';
import type { OutboxEffects } from '../outbox/outboxEffects';
import { isReachable } from '../travel/travelService';
import { FhirSourceRow, presentNoticeFhir } from './presentNoticeFhir';
import { consultationOfNotice } from '../consultations/consultations';
import { presentConsultationFhir } from '../consultations/presentConsultationFhir';

const id = z.object({ id: z.string() });
const ids = z.object({ ids: z.array(z.string()) });
const assignmentId = z.object({ assignmentId: z.string() });
const sql = sqlFile(new URL('./notices.sql', import.meta.url), {
  liveOfAssignment: { params: assignmentId, row: z.object({ id: z.string(), hospital_id: z.string() }) },
  insert: {
    params: assignmentId.extend({ incidentId: z.string(), hospitalId: z.string(), userId: z.string().nullable(), etaAt: z.date().nullable() }),
    row: id,
  },
  closeLiveOfAssignment: { params: assignmentId.extend({ status: NoticeStatus }), row: z.object({ id: z.string(), incident_id: z.string() }) },
  incidentsOf: { params: ids, row: z.object({ incident_id: z.string() }) },
  setStatus: { params: id.extend({ status: NoticeStatus, userId: z.string().nullable() }) },
  lock: { params: id, row: z.object({ incident_id: z.string(), hospital_id: z.string(), status: NoticeStatus }) },
  centres: { params: id, row: z.object({ centres: z.array(z.string()) }) },
  present: { params: ids, row: dtoRow(HospitalNoticeDto) },
  listIds: { params: z.object({ hospitalId: z.string().nullable(), centreId: z.string().nullable() }), row: id },
  liveWithPositions: {
    row: z.object({
      id: z.string(), hospital_id: z.string(), eta_at: z.date().nullable(), h_lon: z.number(), h_lat: z.number(), lon: z.number(), lat: z.number(),
    }),
  },
  setEta: { params: id.extend({ etaAt: z.date() }) },
  fhirSource: { params: id, row: FhirSourceRow },
});

/** An ETA that moved by less than this is not pushed again: hospitals need minutes, not jitter. */
const ETA_PUSH_THRESHOLD_S = 15;

async function presentNotices(ctx: DispatchContext, ids: string[]): Promise<HospitalNoticeDto[]> {
  if (ids.length === 0) return [];
  return sql.present.rows(ctx.db, { ids });
}

async function publishNotice(ctx: DispatchContext, notice: HospitalNoticeDto, event: 'notice.sent' | 'notice.updated') {
  ctx.events.publish([rooms.hospital(notice.hospitalId), ...(await staffRoomsOfIncident(ctx.db, notice.incidentId))], event, notice);
}

/** Seconds from where the vehicle is now to the hospital, or null when unknown. */
async function etaToHospital(ctx: DispatchContext, vehicleId: string, hospital: { lon: number; lat: number }): Promise<Date | null> {
  const from = await assignmentSql.vehicleStart.one(ctx.db, { vehicleId });
  if (!from) return null;
  const start: [number, number] = from.lon !== null && from.lat !== null ? [from.lon, from.lat] : [from.station_lon, from.station_lat];
  const { results } = await ctx.travel.toTarget([hospital.lon, hospital.lat], [{ id: vehicleId, lonLat: start }], ctx.policy.maxSeconds);
  const result = results[0];
  return result && isReachable(result) ? new Date(Date.now() + result.etaSeconds * 1000) : null;
}

/**
 * Sends the incoming-patient notice (来院预告) for a task to its destination hospital, with the ETA from
 * the vehicle's current position; a notice to another hospital for the same task is cancelled first.
 * @param hospitalId destination to use (and record); defaults to the task's or the incident's destination
 */
export async function sendNotice(ctx: DispatchContext, actor: Actor, assignmentId: string, hospitalId?: string): Promise<HospitalNoticeDto> {
  if (!isUuid(assignmentId)) throw notFound(`assignment ${assignmentId}`);
  const assignment = await assignmentSql.get.one(ctx.db, { id: assignmentId });
  if (!assignment) throw notFound(`assignment ${assignmentId}`);
  if (assignment.ended_at) throw new HttpError(409, 'the task has ended');
  const incident = await incidentSql.get.one(ctx.db, { ids: [assignment.incident_id] });
  const targetId = hospitalId ?? assignment.destination_hospital_id ?? incident?.destinationHospitalId;
  if (!targetId) throw new HttpError(409, 'hospitalId: no destination hospital is chosen for this task');
  const hospital = await assignmentSql.hospitalBrief.one(ctx.db, { id: targetId });
  if (!hospital) throw new HttpError(404, `hospitalId: no hospital ${targetId}`);
  const eta = await etaToHospital(ctx, assignment.vehicle_id, hospital);

  const incidentId = assignment.incident_id;
  const noticeId = await inTransaction(ctx.db, async (client) => {
    // Re-checked under the lock: a cancellation that committed meanwhile must not get a notice.
    const locked = (await assignmentSql.lock.one(client, { id: assignmentId }))!;
    if (locked.ended_at) throw new HttpError(409, 'the task has ended');
    const live = await sql.liveOfAssignment.one(client, { assignmentId });
    if (live?.hospital_id === targetId) return live.id;
    if (live) {
      await sql.setStatus.run(client, { id: live.id, status: 'cancelled', userId: null });
      await enqueueEffect(client, incidentId, 'notice.changed', { noticeId: live.id, event: 'notice.updated' });
    }
    const { id } = (await sql.insert.one(client, { incidentId, assignmentId, hospitalId: targetId, userId: actor.principal?.userId ?? null, etaAt: eta }))!;
    await assignmentSql.setDestination.run(client, { id: assignmentId, hospitalId: targetId });
    await incidentSql.setPlan.run(client, { id: incidentId, hospitalId: targetId });
    await appendAudit(client, actor, 'notice.sent', { type: 'incident', id: incidentId }, { noticeId: id, hospitalId: targetId });
    // The hospital's push and the escalation timer (announceNoticeChange) follow from the outbox.
    await enqueueEffect(client, incidentId, 'notice.changed', { noticeId: id, event: 'notice.sent' });
    return id;
  });
  await ctx.outbox.flush(incidentId);
  const [notice] = await presentNotices(ctx, [noticeId]);
  return notice!;
}

/**
 * Closes the live notice of a task in the caller's transaction; returns the ids closed. Stopping their
 * escalation timers and telling the hospitals is written to the outbox in the same transaction.
 */
export async function closeLiveNotices(client: DbClient, assignmentId: string, status: 'arrived' | 'cancelled'): Promise<string[]> {
  const rows = await sql.closeLiveOfAssignment.rows(client, { assignmentId, status });
  for (const row of rows) await enqueueEffect(client, row.incident_id, 'notice.changed', { noticeId: row.id, event: 'notice.updated' });
  return rows.map((r) => r.id);
}

/** After the transaction that changed notices: delivers what it wrote to the outbox for them. */
export async function afterNoticesClosed(ctx: DispatchContext, noticeIds: string[]): Promise<void> {
  if (noticeIds.length === 0) return;
  for (const { incident_id } of await sql.incidentsOf.rows(ctx.db, { ids: noticeIds })) await ctx.outbox.flush(incident_id);
}

/**
 * Outbox effect of a notice's change: its escalation timer follows the committed status (armed while the
 * hospital has not answered, removed otherwise), then the hospital and the consoles are told.
 */
export async function announceNoticeChange(ctx: DispatchContext, { noticeId, event }: OutboxEffects['notice.changed']): Promise<void> {
  const [notice] = await presentNotices(ctx, [noticeId]);
  if (!notice) return;
  if (notice.status === 'sent') {
    const due = Date.parse(notice.sentAt) + ctx.policy.hospitalAckTimeoutS * 1000;
    await ctx.timers.schedule('noticeEscalation', { noticeId }, noticeId, due - Date.now());
  } else if (event !== 'notice.escalated') {
    // An escalation is delivered by its own running timer, which BullMQ removes when it completes.
    await ctx.timers.cancel('noticeEscalation', noticeId);
  }
  if (event === 'notice.escalated') {
    ctx.events.publish(await staffRoomsOfIncident(ctx.db, notice.incidentId), 'notice.escalated', notice);
    ctx.events.publish(rooms.hospital(notice.hospitalId), 'notice.updated', notice);
  } else {
    await publishNotice(ctx, notice, event);
  }
}

/** What a task step means for the hospital: transport starts the notice, arrival ends it. */
export async function onTaskStep(ctx: DispatchContext, actor: Actor, assignment: AssignmentDto): Promise<void> {
  if (assignment.status === 'transporting') {
    await sendNotice(ctx, actor, assignment.id).catch((error) => {
      // No destination chosen yet: the dispatcher sees the task transporting and picks one.
      ctx.log.warn({ err: (error as Error).message, assignmentId: assignment.id }, 'no notice sent at transport start');
    });
  } else if (assignment.status === 'at_hospital' || assignment.status === 'handover') {
    const closed = await inTransaction(ctx.db, async (client) => {
      const ids = await closeLiveNotices(client, assignment.id, 'arrived');
      for (const id of ids) await appendAudit(client, actor, 'notice.arrived', { type: 'notice', id });
      return ids;
    });
    await afterNoticesClosed(ctx, closed);
  }
}

/** The hospital confirms it expects the patient; only the notice's own hospital may. */
export async function acknowledgeNotice(ctx: DispatchContext, actor: Actor, noticeId: string): Promise<HospitalNoticeDto> {
  if (!isUuid(noticeId)) throw notFound(`notice ${noticeId}`);
  await inTransaction(ctx.db, async (client) => {
    const notice = await sql.lock.one(client, { id: noticeId });
    if (!notice) throw notFound(`notice ${noticeId}`);
    authorize(actor.principal, 'notice.acknowledge', { hospitalId: notice.hospital_id });
    if (notice.status === 'acknowledged') return;
    if (notice.status !== 'sent' && notice.status !== 'escalated') throw new HttpError(409, `the notice is ${notice.status}`);
    await sql.setStatus.run(client, { id: noticeId, status: 'acknowledged', userId: actor.principal?.userId ?? null });
    await appendAudit(client, actor, 'notice.acknowledged', { type: 'notice', id: noticeId });
    await enqueueEffect(client, notice.incident_id, 'notice.changed', { noticeId, event: 'notice.updated' });
  });
  await afterNoticesClosed(ctx, [noticeId]);
  const [notice] = await presentNotices(ctx, [noticeId]);
  return notice!;
}

/**
 * Timer: a notice still unacknowledged goes to the dispatchers, who phone the hospital. Once only: the status
 * is re-checked under the lock, and telling the dispatchers is written to the outbox with the change.
 */
export async function escalateNotice(ctx: DispatchContext, noticeId: string): Promise<void> {
  const incidentId = await inTransaction(ctx.db, async (client) => {
    const notice = await sql.lock.one(client, { id: noticeId });
    if (notice?.status !== 'sent') return null;
    await sql.setStatus.run(client, { id: noticeId, status: 'escalated', userId: null });
    await appendAudit(client, { principal: null, remoteAddr: null }, 'notice.escalated', { type: 'notice', id: noticeId });
    await enqueueEffect(client, notice.incident_id, 'notice.changed', { noticeId, event: 'notice.escalated' });
    return notice.incident_id;
  });
  if (incidentId) await ctx.outbox.flush(incidentId);
}

/**
 * Hospitals see their own notices only; a centre's dispatchers and supervisors those of its incidents (and of those its
 * vehicles help on); the province all.
 */
export async function listNotices(ctx: DispatchContext, principal: Principal): Promise<HospitalNoticeDto[]> {
  const { hospitalId, centreId } = readScope(principal, 'notice.read');
  const centre = typeof centreId === 'string' ? centreId : null;
  return presentNotices(ctx, (await sql.listIds.rows(ctx.db, { hospitalId: hospitalId ?? null, centreId: centre })).map((r) => r.id));
}

export async function getNoticeFor(ctx: DispatchContext, principal: Principal, noticeId: string): Promise<HospitalNoticeDto> {
  const [notice] = isUuid(noticeId) ? await presentNotices(ctx, [noticeId]) : [];
  if (!notice) throw notFound(`notice ${noticeId}`);
  authorize(principal, 'notice.read', { hospitalId: notice.hospitalId, centreId: (await sql.centres.one(ctx.db, { id: notice.id }))?.centres ?? null });
  return notice;
}

/**
 * Recomputes the ETA of every live notice from the vehicles' latest positions: one search per hospital
 * covers all vehicles heading there. Pushes only ETAs that moved noticeably.
 */
export async function refreshNoticeEtas(ctx: DispatchContext): Promise<number> {
  const rows = await sql.liveWithPositions.rows(ctx.db);
  const byHospital = new Map<string, typeof rows>();
  for (const row of rows) byHospital.set(row.hospital_id, [...(byHospital.get(row.hospital_id) ?? []), row]);
  let pushed = 0;
  for (const group of byHospital.values()) {
    const first = group[0]!;
    const { results } = await ctx.travel.toTarget(
      [first.h_lon, first.h_lat],
      group.map((r) => ({ id: r.id, lonLat: [r.lon, r.lat] as [number, number] })),
      ctx.policy.maxSeconds,
    );
    for (const result of results) {
      if (!isReachable(result)) continue;
      const row = group.find((r) => r.id === result.id)!;
      const eta = new Date(Date.now() + result.etaSeconds * 1000);
      const previous = row.eta_at;
      if (previous && Math.abs(previous.getTime() - eta.getTime()) < ETA_PUSH_THRESHOLD_S * 1000) continue;
      await sql.setEta.run(ctx.db, { id: row.id, etaAt: eta });
      const [notice] = await presentNotices(ctx, [row.id]);
      if (notice) await publishNotice(ctx, notice, 'notice.updated');
      pushed++;
    }
  }
  return pushed;
}

/**
 * Changes where a task takes the patient (crew or dispatcher). A live notice follows to the new hospital.
 */
export async function changeDestination(
  ctx: DispatchContext,
  actor: Actor,
  assignmentId: string,
  { hospitalId, confirmDestinationLoad }: ChangeDestinationRequest,
): Promise<AssignmentDto> {
  if (!isUuid(assignmentId)) throw notFound(`assignment ${assignmentId}`);
  const hospital = await assignmentSql.hospitalBrief.one(ctx.db, { id: hospitalId });
  if (!hospital) throw new HttpError(404, `hospitalId: no hospital ${hospitalId}`);
  const hadNotice = await inTransaction(ctx.db, async (client) => {
    const row = await assignmentSql.lock.one(client, { id: assignmentId });
    if (!row) throw notFound(`assignment ${assignmentId}`);
    authorize(actor.principal, 'assignment.changeDestination', { vehicleId: row.vehicle_id });
    if (row.ended_at) throw new HttpError(409, 'the task has ended', undefined, 'task_ended');
    await checkDestinationLoad(client, actor, hospitalId, confirmDestinationLoad, { type: 'assignment', id: assignmentId });
    await assignmentSql.setDestination.run(client, { id: assignmentId, hospitalId });
    await incidentSql.setPlan.run(client, { id: row.incident_id, hospitalId });
    await appendAudit(client, actor, 'assignment.destinationChanged', { type: 'assignment', id: assignmentId }, { hospitalId });
    return (await sql.liveOfAssignment.one(client, { assignmentId })) !== undefined;
  });
  if (hadNotice) await sendNotice(ctx, actor, assignmentId, hospitalId);
  const assignment = await presentAssignment(ctx.db, assignmentId);
  ctx.events.publish([...rooms.centreStaff(assignment.centreId, assignment.helpFromCentreId), rooms.vehicle(assignment.vehicleId)], 'assignment.updated', assignment);
  return assignment;
}

/**
 * The notice as an HL7 FHIR R4 message Bundle, for whoever may read the notice.
 * @param publicUrl where others reach this server (config PUBLIC_URL), for the links in the bundle
 */
export async function getNoticeFhir(ctx: DispatchContext, principal: Principal, noticeId: string, publicUrl: string) {
  const notice = await getNoticeFor(ctx, principal, noticeId);
  const source = (await sql.fhirSource.one(ctx.db, { id: notice.id }))!;
  const bundle = presentNoticeFhir(source, publicUrl);
  // The patient's consultation travels with it: messages, the vital-sign series, photos and documents by reference.
  const consultation = await consultationOfNotice(ctx, notice.id);
  bundle.entry.push(...presentConsultationFhir(consultation, { incidentId: notice.incidentId, noticeId: notice.id, latestVitalsAt: source.vitals?.measuredAt ?? null }, publicUrl));
  return bundle;
}
