import { VehicleInput, type VehicleDto } from '@dispatch/protocol';
import type { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import { type Db, inTransaction, isUuid, readQueries } from '@dispatch/db';
import { HttpError, notFound, translatePgError } from '../http/errors';
import { presentVehicle } from './presentVehicle';

const sql = readQueries(new URL('./vehicles.sql', import.meta.url), ['list', 'insert', 'update', 'isBusy']);
const conflicts = {
  vehicles_call_sign_key: 'a vehicle with this call sign exists',
  vehicles_home_station_id_fkey: 'homeStationId: no such station',
};

export async function listVehicles(db: Db, staleAfterSeconds: number): Promise<VehicleDto[]> {
  return (await db.query(sql.list, [null])).rows.map((r) => presentVehicle(r, staleAfterSeconds));
}

export async function getVehicle(db: Db, id: string, staleAfterSeconds: number): Promise<VehicleDto> {
  const row = isUuid(id) ? (await db.query(sql.list, [id])).rows[0] : undefined;
  if (!row) throw notFound(`vehicle ${id}`);
  return presentVehicle(row, staleAfterSeconds);
}

/** Adds a vehicle to the fleet at its home station. */
export async function createVehicle(db: Db, actor: Actor, input: z.input<typeof VehicleInput>, staleAfterSeconds: number) {
  const v = VehicleInput.parse(input);
  const id = await inTransaction(db, async (client) => {
    const { rows } = await client
      .query(sql.insert, [v.callSign, v.kind, v.capabilities, v.homeStationId, v.inService])
      .catch((e) => translatePgError(e, conflicts));
    await appendAudit(client, actor, 'vehicle.created', { type: 'vehicle', id: rows[0].id }, { callSign: v.callSign });
    return rows[0].id as string;
  });
  return getVehicle(db, id, staleAfterSeconds);
}

/**
 * Replaces a vehicle's fields; taking it out of service while it is on a task is refused (409):
 * release or re-assign the task first.
 */
export async function updateVehicle(db: Db, actor: Actor, id: string, input: z.input<typeof VehicleInput>, staleAfterSeconds: number) {
  const v = VehicleInput.parse(input);
  if (!isUuid(id)) throw notFound(`vehicle ${id}`);
  await inTransaction(db, async (client) => {
    await client.query('SELECT 1 FROM vehicles WHERE id = $1 FOR UPDATE', [id]);
    if (!v.inService && (await client.query(sql.isBusy, [id])).rowCount) {
      throw new HttpError(409, 'inService: the vehicle is on a task; finish or re-assign it first');
    }
    const { rows } = await client
      .query(sql.update, [id, v.callSign, v.kind, v.capabilities, v.homeStationId, v.inService])
      .catch((e) => translatePgError(e, conflicts));
    if (!rows[0]) throw notFound(`vehicle ${id}`);
    await appendAudit(client, actor, 'vehicle.updated', { type: 'vehicle', id }, { callSign: v.callSign, inService: v.inService });
  });
  return getVehicle(db, id, staleAfterSeconds);
}
