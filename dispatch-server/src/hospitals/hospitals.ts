import { HospitalDto, HospitalInput, HospitalLoad, HospitalLoadInput, PointInput, rooms } from '@dispatch/protocol';
import { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import { type Db, dtoRow, inTransaction, isUuid, sqlFile, type Queryable } from '@dispatch/db';
import { noteFleetChange } from '../fleet/fleetChanges';
import { notFound, translatePgError } from '../http/errors';
import { authorize } from '../policies/policies';
import type { Publisher } from '../realtime/publisher';

const Id = z.object({ id: z.string() });
/** A hospital's input with its point as :lon and :lat. */
const fields = HospitalInput.omit({ location: true }).extend(PointInput.shape);
const load = Id.extend({ loadStatus: HospitalLoad, setBy: z.string().nullable() });
const sql = sqlFile(new URL('./hospitals.sql', import.meta.url), {
  list: { params: z.object({ id: z.string().nullable(), centreId: z.string().nullable() }), row: dtoRow(HospitalDto) },
  insert: { params: fields, row: Id.extend({ centreId: z.string() }) },
  update: { params: fields.extend(Id.shape), row: Id.extend({ centreId: z.string() }) },
  setLoad: { params: load, row: Id },
  appendLoadHistory: { params: load.extend({ note: z.string().nullable() }) },
});
const conflicts = { hospitals_code_key: 'code: a hospital with this code exists', hospitals_centre_id_fkey: 'centreId: no such centre' };

/** @param centreId one centre's hospitals (a dispatcher's), or null for every centre's */
export async function listHospitals(db: Queryable, centreId: string | null = null): Promise<HospitalDto[]> {
  return sql.list.rows(db, { id: null, centreId });
}

export async function getHospital(db: Queryable, id: string): Promise<HospitalDto> {
  const hospital = isUuid(id) ? await sql.list.one(db, { id, centreId: null }) : undefined;
  if (!hospital) throw notFound(`hospital ${id}`);
  return hospital;
}

export async function createHospital(db: Queryable, actor: Actor, input: z.input<typeof HospitalInput>): Promise<HospitalDto> {
  const h = HospitalInput.parse(input);
  const id = await inTransaction(db, async (client) => {
    const row = await sql.insert.one(client, { ...h, ...h.location }).catch((e) => translatePgError(e, conflicts));
    await noteFleetChange(client, { hospitals: [row!.id] });
    await appendAudit(client, actor, 'hospital.created', { type: 'hospital', id: row!.id }, { code: h.code, centreId: row!.centreId });
    return row!.id;
  });
  return getHospital(db, id);
}

export async function updateHospital(db: Queryable, actor: Actor, id: string, input: z.input<typeof HospitalInput>): Promise<HospitalDto> {
  const h = HospitalInput.parse(input);
  if (!isUuid(id)) throw notFound(`hospital ${id}`);
  await inTransaction(db, async (client) => {
    const row = await sql.update.one(client, { id, ...h, ...h.location }).catch((e) => translatePgError(e, conflicts));
    if (!row) throw notFound(`hospital ${id}`);
    await noteFleetChange(client, { hospitals: [id] });
    await appendAudit(client, actor, 'hospital.updated', { type: 'hospital', id }, { code: h.code, centreId: row.centreId });
  });
  return getHospital(db, id);
}

/**
 * Publishes a hospital's emergency-department load (blue/yellow/red/closed). A hospital login may set
 * only its own; dispatchers, supervisors and admins may set any (e.g. after a phone call).
 */
export async function setHospitalLoad(
  db: Db,
  events: Publisher,
  actor: Actor,
  id: string,
  input: z.input<typeof HospitalLoadInput>,
): Promise<HospitalDto> {
  const { loadStatus, note } = HospitalLoadInput.parse(input);
  const principal = actor.principal;
  authorize(principal, 'hospital.setLoad', { hospitalId: id });
  if (!isUuid(id)) throw notFound(`hospital ${id}`);
  authorize(principal, 'hospital.setLoad', { hospitalId: id, centreId: (await getHospital(db, id)).centreId });
  const setBy = principal?.userId ?? null;
  await inTransaction(db, async (client) => {
    if (!(await sql.setLoad.one(client, { id, loadStatus, setBy }))) throw notFound(`hospital ${id}`);
    await noteFleetChange(client, { hospitals: [id] });
    await sql.appendLoadHistory.run(client, { id, loadStatus, setBy, note: note ?? null });
    await appendAudit(client, actor, 'hospital.loadChanged', { type: 'hospital', id }, { loadStatus, note });
  });
  const hospital = await getHospital(db, id);
  events.publish([...rooms.centreStaff(hospital.centreId), rooms.hospital(id)], 'hospital.loadChanged', hospital);
  return hospital;
}
