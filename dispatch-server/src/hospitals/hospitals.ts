import { HospitalInput, HospitalLoadInput, rooms, type HospitalDto } from '@dispatch/protocol';
import type { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import { type Db, inTransaction, isUuid, readQueries } from '@dispatch/db';
import { notFound, translatePgError } from '../http/errors';
import { authorize } from '../policies/policies';
import type { Publisher } from '../realtime/publisher';
import { presentHospital } from './presentHospital';

const sql = readQueries(new URL('./hospitals.sql', import.meta.url), ['list', 'insert', 'update', 'setLoad', 'appendLoadHistory']);
const conflicts = { hospitals_code_key: 'a hospital with this code exists' };

export async function listHospitals(db: Db): Promise<HospitalDto[]> {
  return (await db.query(sql.list, [null])).rows.map(presentHospital);
}

export async function getHospital(db: Db, id: string): Promise<HospitalDto> {
  const row = isUuid(id) ? (await db.query(sql.list, [id])).rows[0] : undefined;
  if (!row) throw notFound(`hospital ${id}`);
  return presentHospital(row);
}

function values(h: z.infer<typeof HospitalInput>) {
  return [h.code, h.name, h.nameEn ?? null, h.kind, h.capabilities, h.address ?? null, h.phone ?? null, h.location.lon, h.location.lat];
}

export async function createHospital(db: Db, actor: Actor, input: z.input<typeof HospitalInput>): Promise<HospitalDto> {
  const h = HospitalInput.parse(input);
  const id = await inTransaction(db, async (client) => {
    const { rows } = await client.query(sql.insert, values(h)).catch((e) => translatePgError(e, conflicts));
    await appendAudit(client, actor, 'hospital.created', { type: 'hospital', id: rows[0].id }, { code: h.code });
    return rows[0].id as string;
  });
  return getHospital(db, id);
}

export async function updateHospital(db: Db, actor: Actor, id: string, input: z.input<typeof HospitalInput>): Promise<HospitalDto> {
  const h = HospitalInput.parse(input);
  if (!isUuid(id)) throw notFound(`hospital ${id}`);
  await inTransaction(db, async (client) => {
    const { rows } = await client.query(sql.update, [id, ...values(h)]).catch((e) => translatePgError(e, conflicts));
    if (!rows[0]) throw notFound(`hospital ${id}`);
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
  await inTransaction(db, async (client) => {
    const { rows } = await client.query(sql.setLoad, [id, loadStatus, principal?.userId ?? null]);
    if (!rows[0]) throw notFound(`hospital ${id}`);
    await client.query(sql.appendLoadHistory, [id, loadStatus, principal?.userId ?? null, note ?? null]);
    await appendAudit(client, actor, 'hospital.loadChanged', { type: 'hospital', id }, { loadStatus, note });
  });
  const hospital = await getHospital(db, id);
  events.publish([rooms.dispatchers, rooms.hospital(id)], 'hospital.loadChanged', hospital);
  return hospital;
}
