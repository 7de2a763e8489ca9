import { type Db, isUuid, type Queryable } from '@dispatch/db';
import {
  type CareFlagsDto,
  FollowUpQuery,
  type IncidentRegisterDto,
  MarkFollowUpsSentRequest,
  type RegisterFollowUpDto,
  RegisterMatchRequest,
  type RegisterMatchAnswer,
  type ResidentListQuery,
  type ResidentPage,
} from '@dispatch/protocol';
import type { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import { notFound } from '../http/errors';
import { type Action, auditActionOf, authorize, readCentre, type Resource } from '../policies/policies';
import { pageAnswer, pageParams } from '../resources/paging';
import { careFlags, presentFollowUp, presentMatch, presentResident } from './presentRegister';
import { registerSql as sql } from './registerSql';

/**
 * Every read of the register goes through here: the policy module decides (`authorize`) and names the audit action
 * (register.read), and the audit line records who read which residents for what (an incident, a call, a search).
 * Names, phones and addresses are never written to the log, only the residents' ids.
 */
async function audited(db: Queryable, actor: Actor, action: Action, resource: Resource, entity: { type: string; id: string }, residentIds: string[], details: Record<string, unknown> = {}) {
  authorize(actor.principal, action, resource);
  await appendAudit(db, actor, auditActionOf(action) ?? 'register.read', entity, { via: action, residentIds, ...details });
}

/**
 * The residents the call being taken matches, by number and/or address (both normalised, exact).
 * @param request `{ callerPhone?, address?, phoneCallId? }` (one of the first two)
 */
export async function matchRegister(db: Db, actor: Actor, request: RegisterMatchRequest): Promise<RegisterMatchAnswer> {
  const call = RegisterMatchRequest.parse(request);
  const rows = await sql.match.rows(db, { phone: call.callerPhone ?? null, address: call.address ?? null });
  const entity = call.phoneCallId ? { type: 'phoneCall', id: call.phoneCallId } : { type: 'intake', id: '-' };
  await audited(db, actor, 'register.match', {}, entity, rows.map((r) => r.id));
  return { matches: rows.map((r) => presentMatch(r)) };
}

/**
 * Links the residents an incident's number or address matches (called in the transaction that takes the call).
 * Answers how many were linked.
 */
export async function linkRegisterMatches(client: Queryable, incidentId: string, call: { callerPhone: string | null; address: string | null }): Promise<number> {
  if (!call.callerPhone && !call.address) return 0;
  const rows = await sql.match.rows(client, { phone: call.callerPhone, address: call.address });
  for (const r of rows) await sql.link.run(client, { incidentId, residentId: r.id, matchedBy: r.matched_by });
  return rows.length;
}

async function linkedOf(db: Queryable, actor: Actor, action: Action, resource: Resource, incidentId: string, entity: { type: string; id: string }) {
  const rows = await sql.linked.rows(db, { incidentId });
  await audited(db, actor, action, resource, entity, rows.map((r) => r.id), { incidentId });
  return rows;
}

/** The residents linked to an incident, for the dispatchers. */
export async function incidentRegister(db: Db, actor: Actor, incidentId: string): Promise<IncidentRegisterDto> {
  const incident = isUuid(incidentId) ? await sql.incidentExists.one(db, { id: incidentId }) : undefined;
  if (!incident) throw notFound(`incident ${incidentId}`);
  const rows = await linkedOf(db, actor, 'register.readIncident', { centreId: incident.centres }, incidentId, { type: 'incident', id: incidentId });
  return { incidentId, matches: rows.map((r) => presentMatch(r)) };
}

/** The residents linked to a task's incident, for its crew (its own vehicle only). */
export async function assignmentRegister(db: Db, actor: Actor, assignmentId: string): Promise<IncidentRegisterDto> {
  const task = isUuid(assignmentId) ? await sql.assignmentIncident.one(db, { id: assignmentId }) : undefined;
  if (!task) throw notFound(`assignment ${assignmentId}`);
  const rows = await linkedOf(db, actor, 'register.readTask', { vehicleId: task.vehicle_id, centreId: task.centres }, task.incident_id, { type: 'incident', id: task.incident_id });
  return { incidentId: task.incident_id, matches: rows.map((r) => presentMatch(r)) };
}

/** The flags relevant to care of a notice's patient, for the receiving hospital (its own notices only): nothing else. */
export async function noticeCareFlags(db: Db, actor: Actor, noticeId: string): Promise<CareFlagsDto> {
  const notice = isUuid(noticeId) ? await sql.noticeIncident.one(db, { id: noticeId }) : undefined;
  if (!notice) throw notFound(`notice ${noticeId}`);
  const rows = await linkedOf(db, actor, 'register.readCare', { hospitalId: notice.hospital_id, centreId: notice.centres }, notice.incident_id, { type: 'incident', id: notice.incident_id });
  return { noticeId, flags: careFlags(rows.map((r) => r.flags)) };
}

/** A page of the register for the administrator's search (a phone searched by its digits). */
export async function residentPage(db: Db, actor: Actor, query: z.output<typeof ResidentListQuery>): Promise<ResidentPage> {
  const base = pageParams(query);
  const digits = query.q?.replace(/[\s\-+()]/g, '') ?? '';
  const row = await sql.page.one(db, { ...base, digits: /^\d{3,}$/.test(digits) ? digits : null, flag: query.flag ?? null });
  const answer = pageAnswer(row ? { total: row.total, items: row.items.map((r) => presentResident(r)) } : undefined, query);
  await audited(db, actor, 'register.search', {}, { type: 'register', id: 'search' }, answer.items.map((r) => r.id), { page: query.page });
  return answer;
}

/**
 * Follow-up notices, oldest first (the teams' system polls ?status=pending): a centre's supervisor those of its centre's
 * incidents (and of those its vehicles helped on), the province's and the administrator all.
 */
export async function listFollowUps(db: Db, actor: Actor, query: z.input<typeof FollowUpQuery>): Promise<RegisterFollowUpDto[]> {
  const q = FollowUpQuery.parse(query);
  const centreId = actor.principal ? readCentre(actor.principal, 'register.followUps') : null;
  const rows = await sql.followUps.rows(db, { status: q.status ?? null, limit: q.limit, centreId });
  await audited(db, actor, 'register.followUps', {}, { type: 'register', id: 'followUps' }, rows.map((r) => r.resident_id));
  return rows.map(presentFollowUp);
}

/** Marks follow-up notices delivered; an unknown id is a 404 naming it, one already sent stays as it was. */
export async function markFollowUpsSent(db: Db, actor: Actor, request: z.input<typeof MarkFollowUpsSentRequest>): Promise<{ sent: string[] }> {
  const { ids } = MarkFollowUpsSentRequest.parse(request);
  const known = new Map((await sql.known.rows(db, { ids })).map((r) => [r.id, r.centres]));
  const missing = ids.findIndex((id) => !known.has(id));
  if (missing >= 0) throw notFound(`ids.${missing}: follow-up ${ids[missing]}`);
  authorize(actor.principal, 'register.followUps', {});
  // Each one of the reader's centre (403 other_centre naming none of another centre's residents).
  for (const centres of known.values()) authorize(actor.principal, 'register.followUps', { centreId: centres });
  const sent = await sql.markSent.rows(db, { ids, userId: actor.principal?.userId ?? null });
  await appendAudit(db, actor, 'register.followUpsSent', { type: 'register', id: 'followUps' }, { ids: sent.map((r) => r.id) });
  return { sent: sent.map((r) => r.id) };
}
