import { HospitalCapability, HospitalInput, HospitalKind, HospitalLoad, HospitalLoadInput, rooms, type HospitalDto } from '@dispatch/protocol';
import { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import { type Db, inTransaction, isUuid, sqlFile } from '@dispatch/db';
import { notFound, translatePgError } from '../http/errors';
import { authorize } from '../policies/policies';
import type { Publisher } from '../realtime/publisher';
import { HospitalRow, presentHospital } from './presentHospital';

const Id = z.object({ id: z.string() });
const fields = z.object({
  code: z.string(), name: z.string(), nameEn: z.string().nullable(), kind: HospitalKind, capabilities: z.array(HospitalCapability),
  address: z.string().nullable(), phone: z.string().nullable(), lon: z.number(), lat: z.number(),
});
const load = Id.extend({ loadStatus: HospitalLoad, setBy: z.string().nullable() });
const sql = sqlFile(new URL('./hospitals.sql', import.meta.url), {
  list: { params: z.object({ id: z.string().nullable() }), row: HospitalRow },
  insert: { params: fields, row: Id },
  update: { params: fields.extend(Id.shape), row: Id },
  setLoad: { params: load, row: Id },
  appendLoadHistory: { params: load.extend({ note: z.string().nullable() }) },
});
const conflicts = { hospitals_code_key: 'a hospital with this code exists' };

export async function listHospitals(db: Db): Promise<HospitalDto[]> {
  return (await sql.list.rows(db, { id: null })).map(presentHospital);
}

export async function getHospital(db: Db, id: string): Promise<HospitalDto> {
  const row = isUuid(id) ? await sql.list.one(db, { id }) : undefined;
  if (!row) throw notFound(`hospital ${id}`);
  return presentHospital(row);
}

const fieldsOf = ({ location, ...h }: z.output<typeof HospitalInput>) => ({
  ...h, nameEn: h.nameEn ?? null, address: h.address ?? null, phone: h.phone ?? null, lon: location.lon, lat: location.lat,
});

export async function createHospital(db: Db, actor: Actor, input: z.input<typeof HospitalInput>): Promise<HospitalDto> {
  const h = HospitalInput.parse(input);
  const id = await inTransaction(db, async (client) => {
    const row = await sql.insert.one(client, fieldsOf(h)).catch((e) => translatePgError(e, conflicts));
    await appendAudit(client, actor, 'hospital.created', { type: 'hospital', id: row!.id }, { code: h.code });
    return row!.id;
  });
  return getHospital(db, id);
}

export async function updateHospital(db: Db, actor: Actor, id: string, input: z.input<typeof HospitalInput>): Promise<HospitalDto> {
  const h = HospitalInput.parse(input);
  if (!isUuid(id)) throw notFound(`hospital ${id}`);
  await inTransaction(db, async (client) => {
    const row = await sql.update.one(client, { id, ...fieldsOf(h) }).catch((e) => translatePgError(e, conflicts));
    if (!row) throw notFound(`hospital ${id}`);
    await appendAudit(client, actor, 'hospital.updated', { type: 'hospital', id }, { code: h.code });
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
  const setBy = principal?.userId ?? null;
  await inTransaction(db, async (client) => {
    if (!(await sql.setLoad.one(client, { id, loadStatus, setBy }))) throw notFound(`hospital ${id}`);
    await sql.appendLoadHistory.run(client, { id, loadStatus, setBy, note: note ?? null });
    await appendAudit(client, actor, 'hospital.loadChanged', { type: 'hospital', id }, { loadStatus, note });
  });
  const hospital = await getHospital(db, id);
  events.publish([rooms.dispatchers, rooms.hospital(id)], 'hospital.loadChanged', hospital);
  return hospital;
}
