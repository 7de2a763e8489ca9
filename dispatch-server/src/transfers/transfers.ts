import { IncidentCategory, rooms, TransferDto, TransferStatus, type Principal } from '@dispatch/protocol';
import { type Db, dtoRow, isUuid, type Queryable, sqlFile } from '@dispatch/db';
import { z } from 'zod';
import { staffRoomsOfHospitals } from '../centres/centres';
import { notFound } from '../http/errors';
import { authorize, readScope, type Resource } from '../policies/policies';
import type { Publisher } from '../realtime/publisher';

const id = z.object({ id: z.string() });
const nullableText = z.string().nullable();
export const transferSql = sqlFile(new URL('./transfers.sql', import.meta.url), {
  insert: {
    params: z.object({
      fromHospitalId: z.string(), toHospitalId: z.string(), direction: z.string(), category: IncidentCategory, priority: z.number(),
      patientSummary: z.string(), needs: z.array(z.string()), greenChannel: z.boolean(), scheduledAt: nullableText, userId: nullableText,
    }),
    row: id,
  },
  hospitals: { params: z.object({ ids: z.array(z.string()) }), row: z.object({ id: z.string(), kind: z.string() }) },
  centres: { params: z.object({ ids: z.array(z.string()) }), row: z.object({ centre_id: z.string() }) },
  lock: {
    params: id,
    row: z.object({
      id: z.string(), number: z.coerce.number(), from_hospital_id: z.string(), to_hospital_id: z.string(), status: TransferStatus,
      scheduled_at: z.date().nullable(), incident_id: nullableText, category: IncidentCategory, priority: z.number(), patient_summary: z.string(),
      needs: z.array(z.string()), incident_status: nullableText, dispatched: z.boolean(), centres: z.array(z.string()),
    }),
  },
  respond: { params: id.extend({ status: z.enum(['accepted', 'declined']), reason: nullableText, userId: nullableText }) },
  cancel: { params: id.extend({ reason: z.string(), userId: nullableText }) },
  setIncident: { params: id.extend({ incidentId: z.string() }) },
  sender: { params: id, row: z.object({ name: z.string(), phone: nullableText, lon: z.number(), lat: z.number() }) },
  fixedDestination: { params: z.object({ incidentId: z.string() }), row: z.object({ to_hospital_id: z.string(), name: z.string() }) },
  pendingDue: { row: z.object({ id: z.string(), scheduled_at: z.date().nullable() }) },
  present: { params: z.object({ ids: z.array(z.string()) }), row: dtoRow(TransferDto) },
  listIds: { params: z.object({ hospitalId: nullableText, centreId: nullableText }), row: id },
  demoSeed: { row: id },
});

/** npm start's demo county gets two transfers to look at (one awaiting an answer, one scheduled), once. */
export async function seedDemoTransfers(db: Db): Promise<number> {
  return (await transferSql.demoSeed.rows(db)).length;
}

/** The transfers as both hospitals and the dispatchers see them, in the order of the ids given. */
export async function presentTransfers(db: Queryable, ids: string[]): Promise<TransferDto[]> {
  return ids.length === 0 ? [] : transferSql.present.rows(db, { ids });
}

export async function presentTransfer(db: Queryable, transferId: string): Promise<TransferDto> {
  const [transfer] = isUuid(transferId) ? await presentTransfers(db, [transferId]) : [];
  if (!transfer) throw notFound(`transfer ${transferId}`);
  return transfer;
}

/**
 * A hospital reads the transfers it sends or receives; a centre's dispatchers and supervisors those from or to a
 * hospital of their centre; the province all of them.
 */
export async function listTransfers(db: Db, principal: Principal): Promise<TransferDto[]> {
  const scope = readScope(principal, 'transfer.read');
  const centreId = typeof scope.centreId === 'string' ? scope.centreId : null;
  const ids = (await transferSql.listIds.rows(db, { hospitalId: scope.hospitalId ?? null, centreId })).map((r) => r.id);
  return presentTransfers(db, ids);
}

/** One transfer, for the staff of either hospital's centre (and the province) or one of its two hospitals. */
export async function getTransfer(db: Db, principal: Principal, transferId: string): Promise<TransferDto> {
  const transfer = await presentTransfer(db, transferId);
  authorize(principal, 'transfer.read', await transferResource(db, sideOf(principal, transfer), [transfer.from.id, transfer.to.id]));
  return transfer;
}

/**
 * What a transfer is checked against: for a hospital login `hospitalId` (the side it acts as), for a centre's staff the
 * centres of both hospitals (a transfer across the border is both centres' business). Unknown hospitals leave the
 * centre open: the command answers 404 for them.
 */
export async function transferResource(db: Queryable, hospitalId: string, both: [string, string]): Promise<Resource> {
  const ids = both.filter(isUuid);
  const centres = ids.length > 0 ? (await transferSql.centres.rows(db, { ids })).map((r) => r.centre_id) : [];
  return { hospitalId, centreId: centres.length > 0 ? centres : null };
}

/** The hospital of the transfer the principal is checked against: its own side when it is one of the two. */
export function sideOf(principal: Principal, transfer: { from: { id: string }; to: { id: string } }): string {
  return principal.hospitalId === transfer.to.id ? transfer.to.id : transfer.from.id;
}

/**
 * Pushes the transfer as it is now to both hospitals' boards and to the dispatchers (`transfer.updated`): called after
 * each change of the transfer and, through publishIncident, of the incident it became (its task's steps and ETA).
 */
export async function announceTransfer(deps: { db: Db; events: Publisher }, transferId: string): Promise<TransferDto> {
  const transfer = await presentTransfer(deps.db, transferId);
  deps.events.publish(rooms.hospital(transfer.from.id), 'transfer.updated', transfer);
  deps.events.publish(rooms.hospital(transfer.to.id), 'transfer.updated', transfer);
  deps.events.publish(await staffRoomsOfHospitals(deps.db, [transfer.from.id, transfer.to.id]), 'transfer.updated', transfer);
  return transfer;
}
