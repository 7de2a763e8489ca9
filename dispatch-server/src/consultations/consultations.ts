import { createHash, randomUUID } from 'node:crypto';
import {
  ConsultationEntryDto,
  ConsultationMediaType,
  MAX_FIX_AGE_MS,
  rooms,
  SendConsultationTextRequest,
  timeProblem,
  Vitals,
  type ConsultationDto,
  type ConsultationSide,
  type ConsultationUploadQuery,
  type Principal,
} from '@dispatch/protocol';
import { type DbClient, dtoRow, inTransaction, isUuid, sqlFile } from '@dispatch/db';
import { z } from 'zod';
import type { DispatchContext } from '../dispatchContext';
import { HttpError, notFound } from '../http/errors';
import { authorize } from '../policies/policies';
import { sniffMediaType } from './fileType';

const nullableText = z.string().nullable();
const id = z.object({ id: z.string() });
const TaskRow = z.object({
  id: z.string(), incident_id: z.string(), vehicle_id: z.string(), status: z.string(), ended_at: z.date().nullable(), number: z.number(),
  call_sign: z.string(), hospital_id: z.string().nullable(), hospital_name: z.string().nullable(),
  centre_id: z.string(), help_from_centre_id: z.string().nullable(),
});
type TaskRow = z.infer<typeof TaskRow>;

/** One entry as a notice's FHIR bundle carries it (consultations.sql ofNotice). */
export const FhirEntryRow = z.object({
  id: z.string(), side: z.enum(['crew', 'hospital', 'dispatch']), kind: z.enum(['text', 'vitals', 'attachment']), body: nullableText,
  reply_to: nullableText, vitals: Vitals.nullable(), measured_at: z.date().nullable(), device_time: z.date(), author: nullableText,
  hospital_name: nullableText, media_type: ConsultationMediaType.nullable(), byte_size: z.number().nullable(), sha1: nullableText, file_name: nullableText,
});
export type FhirEntryRow = z.infer<typeof FhirEntryRow>;

const sql = sqlFile(new URL('./consultations.sql', import.meta.url), {
  task: { params: id, row: TaskRow },
  taskOfNotice: { params: id, row: z.object({ assignment_id: z.string() }) },
  taskOfEntry: { params: id, row: z.object({ assignment_id: z.string() }) },
  insert: {
    params: z.object({
      id: z.string(), incidentId: z.string(), assignmentId: z.string(), userId: nullableText, side: z.enum(['crew', 'hospital', 'dispatch']),
      hospitalId: nullableText, kind: z.enum(['text', 'vitals', 'attachment']), body: nullableText, replyTo: nullableText,
      vitals: Vitals.nullable(), measuredAt: nullableText, deviceTime: z.string(),
    }),
    row: id,
  },
  insertFile: {
    params: z.object({
      entryId: z.string(), mediaType: ConsultationMediaType, byteSize: z.number(), sha1: z.string(), fileName: nullableText, content: z.instanceof(Buffer),
    }),
  },
  list: { params: z.object({ assignmentId: nullableText, id: nullableText }), row: dtoRow(ConsultationEntryDto) },
  file: { params: id, row: z.object({ media_type: ConsultationMediaType, byte_size: z.number(), content: z.instanceof(Buffer) }) },
  ofNotice: { params: z.object({ noticeId: z.string() }), row: FhirEntryRow },
});

async function taskOf(db: DispatchContext['db'] | DbClient, assignmentId: string): Promise<TaskRow> {
  const task = isUuid(assignmentId) ? await sql.task.one(db, { id: assignmentId }) : undefined;
  if (!task) throw notFound(`assignment ${assignmentId}`);
  return task;
}

/**
 * Whose a consultation is: the task's vehicle and its receiving hospital now (a new destination takes the thread
 * over), and the centres of the incident and of a helping vehicle (issue 15: another centre's staff do not read it).
 */
const centresOf = (task: TaskRow) => (task.help_from_centre_id ? [task.centre_id, task.help_from_centre_id] : [task.centre_id]);
const partiesOf = (task: TaskRow) => ({ vehicleId: task.vehicle_id, hospitalId: task.hospital_id, centreId: centresOf(task) });

/** The rooms an entry is pushed to: the crew's vehicle, the receiving hospital, the consultation readers of its centres. */
const roomsOf = (task: TaskRow) => [
  ...rooms.consultations(...centresOf(task)),
  rooms.vehicle(task.vehicle_id),
  ...(task.hospital_id ? [rooms.hospital(task.hospital_id)] : []),
];

/** By the login's binding (who may write was the policy's to say): a vehicle's is the crew, a hospital's the hospital, others the centre. */
const sideOf = (principal: Principal | null): ConsultationSide => (principal?.vehicleId ? 'crew' : principal?.hospitalId ? 'hospital' : 'dispatch');

/** A task that ended (cancelled, re-offered, back at base) takes no more entries; its drive back still does. */
function requireOpen(task: TaskRow): void {
  if (task.ended_at && task.status !== 'back_in_service') {
    throw new HttpError(409, 'assignment: the task has ended; its consultation can be read but not added to', undefined, 'task_ended');
  }
}

function checkDeviceTime(deviceTime: string | undefined): string {
  if (!deviceTime) return new Date().toISOString();
  const problem = timeProblem(deviceTime, Date.now(), MAX_FIX_AGE_MS);
  if (problem) throw new HttpError(400, `deviceTime: ${problem}`);
  return deviceTime;
}

const present = (task: TaskRow, entries: ConsultationEntryDto[]): ConsultationDto => ({
  assignmentId: task.id,
  incidentId: task.incident_id,
  incidentNumber: task.number,
  vehicleCallSign: task.call_sign,
  hospitalId: task.hospital_id,
  hospitalName: task.hospital_name,
  open: !task.ended_at || task.status === 'back_in_service',
  entries,
});

/**
 * A patient's consultation, oldest first: the crew of the task, the receiving hospital and the dispatchers and
 * supervisors only. The receiving hospital is the task's destination when asked: after a change of destination
 * the new hospital reads the whole thread (its doctor needs what was said and measured before) and the old one
 * reads nothing more (the patient is no longer its own, and patient data goes only where it is needed); the old
 * hospital's answers stay in the thread under its name.
 */
export async function getConsultation(ctx: DispatchContext, principal: Principal, assignmentId: string): Promise<ConsultationDto> {
  const task = await taskOf(ctx.db, assignmentId);
  authorize(principal, 'consultation.read', partiesOf(task));
  return present(task, await sql.list.rows(ctx.db, { assignmentId: task.id, id: null }));
}

/** The consultation of a notice's patient, for the hospital board (which knows its notices, not their tasks). */
export async function getNoticeConsultation(ctx: DispatchContext, principal: Principal, noticeId: string): Promise<ConsultationDto> {
  const notice = isUuid(noticeId) ? await sql.taskOfNotice.one(ctx.db, { id: noticeId }) : undefined;
  if (!notice) throw notFound(`notice ${noticeId}`);
  return getConsultation(ctx, principal, notice.assignment_id);
}

async function stored(ctx: DispatchContext, entryId: string): Promise<ConsultationEntryDto | undefined> {
  return sql.list.one(ctx.db, { assignmentId: null, id: entryId });
}

/** An entry id already used on another task is the sender's mistake, not a replay. */
function sameTask(entry: ConsultationEntryDto, assignmentId: string): ConsultationEntryDto {
  if (entry.assignmentId !== assignmentId) throw new HttpError(409, 'entryId: already used for an entry of another consultation; send a new id');
  return entry;
}

/** Pushes a stored entry to the consultation's parties (never logged: it is clinical text). */
export async function publishEntry(ctx: DispatchContext, entryId: string): Promise<void> {
  const entry = await stored(ctx, entryId);
  if (!entry) return;
  const task = await taskOf(ctx.db, entry.assignmentId);
  ctx.events.publish(roomsOf(task), 'consultation.posted', entry);
}

/**
 * A message of the consultation, or a doctor's answer (replyTo: the entry it answers, of the same consultation).
 * The sender's entryId makes it idempotent: a replay answers the stored entry (created: false) and pushes nothing.
 */
export async function sendConsultationText(
  ctx: DispatchContext,
  principal: Principal,
  assignmentId: string,
  input: SendConsultationTextRequest,
): Promise<{ entry: ConsultationEntryDto; created: boolean }> {
  const task = await taskOf(ctx.db, assignmentId);
  authorize(principal, 'consultation.send', partiesOf(task));
  const request = SendConsultationTextRequest.parse(input);
  const deviceTime = checkDeviceTime(request.deviceTime);
  const earlier = await stored(ctx, request.entryId);
  if (earlier) return { entry: sameTask(earlier, task.id), created: false };
  requireOpen(task);
  if (request.replyTo) {
    const answered = await sql.taskOfEntry.one(ctx.db, { id: request.replyTo });
    if (answered?.assignment_id !== task.id) throw new HttpError(400, 'replyTo: no entry of this consultation has that id');
  }
  const side = sideOf(principal);
  const inserted = await sql.insert.one(ctx.db, {
    id: request.entryId, incidentId: task.incident_id, assignmentId: task.id, userId: principal.userId, side,
    hospitalId: side === 'hospital' ? task.hospital_id : null, kind: 'text', body: request.text, replyTo: request.replyTo ?? null,
    vitals: null, measuredAt: null, deviceTime,
  });
  const entry = await stored(ctx, request.entryId);
  if (!entry) throw new Error('a consultation entry was not found right after its insert');
  if (!inserted) return { entry: sameTask(entry, task.id), created: false };
  await publishEntry(ctx, entry.id);
  return { entry, created: true };
}

/** The upload as the route receives it: the declared type, and its bytes read only once the sender may write. */
export interface UploadedFile {
  declaredType: string;
  read(): Promise<Buffer>;
}

const TYPE_WORDS: Record<ConsultationMediaType, string> = { 'image/jpeg': 'a JPEG', 'image/png': 'a PNG', 'application/pdf': 'a PDF' };

/**
 * A photo (an ECG strip, a document) or a PDF for the consultation. Only JPEG, PNG and PDF are taken, and only
 * when the file's first bytes are what it was declared as (415 for another declared type, 400 when the bytes
 * disagree); the size limit is the route's. Stored with the entry in one transaction; pushed without its bytes.
 */
export async function addConsultationAttachment(
  ctx: DispatchContext,
  principal: Principal,
  assignmentId: string,
  query: ConsultationUploadQuery,
  file: UploadedFile,
): Promise<{ entry: ConsultationEntryDto; created: boolean }> {
  const task = await taskOf(ctx.db, assignmentId);
  authorize(principal, 'consultation.send', partiesOf(task));
  const declared = ConsultationMediaType.safeParse(file.declaredType);
  if (!declared.success) throw new HttpError(415, `content-type: ${file.declaredType.slice(0, 60) || 'none'} is not taken; send a JPEG or PNG photo or a PDF`);
  const bytes = await file.read();
  if (bytes.length === 0) throw new HttpError(400, 'body: the file is empty');
  const actual = sniffMediaType(bytes);
  if (actual !== declared.data) {
    throw new HttpError(400, `body: the file is not ${TYPE_WORDS[declared.data]} (${actual ? `its first bytes are ${TYPE_WORDS[actual]}'s` : 'its first bytes are no JPEG, PNG or PDF'})`);
  }
  const deviceTime = checkDeviceTime(query.deviceTime);
  const entryId = query.entryId ?? randomUUID();
  const earlier = await stored(ctx, entryId);
  if (earlier) return { entry: sameTask(earlier, task.id), created: false };
  requireOpen(task);
  const side = sideOf(principal);
  const created = await inTransaction(ctx.db, async (client) => {
    const inserted = await sql.insert.one(client, {
      id: entryId, incidentId: task.incident_id, assignmentId: task.id, userId: principal.userId, side,
      hospitalId: side === 'hospital' ? task.hospital_id : null, kind: 'attachment', body: query.caption ?? null, replyTo: null,
      vitals: null, measuredAt: null, deviceTime,
    });
    if (!inserted) return false;
    await sql.insertFile.run(client, {
      entryId, mediaType: declared.data, byteSize: bytes.length, sha1: createHash('sha1').update(bytes).digest('base64'),
      fileName: query.fileName ?? null, content: bytes,
    });
    return true;
  });
  const entry = await stored(ctx, entryId);
  if (!entry) throw new Error('a consultation entry was not found right after its insert');
  if (!created) return { entry: sameTask(entry, task.id), created: false };
  await publishEntry(ctx, entry.id);
  return { entry, created: true };
}

/** An attachment's file, for the consultation's readers only. */
export async function readConsultationAttachment(
  ctx: DispatchContext,
  principal: Principal,
  entryId: string,
): Promise<{ mediaType: ConsultationMediaType; content: Buffer }> {
  const entry = isUuid(entryId) ? await sql.taskOfEntry.one(ctx.db, { id: entryId }) : undefined;
  if (!entry) throw notFound(`attachment ${entryId}`);
  const task = await taskOf(ctx.db, entry.assignment_id);
  authorize(principal, 'consultation.read', partiesOf(task));
  const file = await sql.file.one(ctx.db, { id: entryId });
  if (!file) throw notFound(`attachment ${entryId}`);
  return { mediaType: file.media_type, content: file.content };
}

/**
 * Keeps a measurement of vital signs as a point of the consultation's series, in the caller's transaction (the
 * task's vitals route: the assignment keeps the latest for the notice, the series keeps them all). A reading with
 * the same measuredAt is one point. Returns the entry id to push once committed, or null when it was already kept.
 */
export async function appendVitals(
  client: DbClient,
  principal: Principal | null,
  task: { id: string; incident_id: string; destination_hospital_id: string | null },
  vitals: Vitals,
): Promise<string | null> {
  const side = sideOf(principal);
  const entryId = randomUUID();
  const inserted = await sql.insert.one(client, {
    id: entryId, incidentId: task.incident_id, assignmentId: task.id, userId: principal?.userId ?? null, side,
    hospitalId: side === 'hospital' ? task.destination_hospital_id : null, kind: 'vitals', body: null, replyTo: null,
    vitals, measuredAt: vitals.measuredAt, deviceTime: vitals.measuredAt,
  });
  return inserted ? entryId : null;
}

/** Every entry of a notice's consultation, for its FHIR bundle. */
export async function consultationOfNotice(ctx: DispatchContext, noticeId: string): Promise<FhirEntryRow[]> {
  return sql.ofNotice.rows(ctx.db, { noticeId });
}
