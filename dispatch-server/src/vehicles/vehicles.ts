import { VehicleDto, VehicleInput } from '@dispatch/protocol';
import { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import { dtoRow, inTransaction, isUuid, sqlFile, type Queryable } from '@dispatch/db';
import { noteFleetChange } from '../fleet/fleetChanges';
import { HttpError, notFound, translatePgError } from '../http/errors';

const Id = z.object({ id: z.string() });
const sql = sqlFile(new URL('./vehicles.sql', import.meta.url), {
  list: { params: z.object({ id: z.string().nullable(), centreId: z.string().nullable(), staleAfterSeconds: z.number() }), row: dtoRow(VehicleDto) },
  insert: { params: VehicleInput, row: Id },
  lock: { params: Id },
  update: { params: VehicleInput.extend(Id.shape), row: Id },
  isBusy: { params: Id },
});
const conflicts = {
  vehicles_call_sign_key: 'callSign: a vehicle with this call sign exists',
  vehicles_home_station_id_fkey: 'homeStationId: no such station',
};

/** @param centreId one centre's fleet (a dispatcher's), or null for every centre's */
export async function listVehicles(db: Queryable, staleAfterSeconds: number, centreId: string | null = null): Promise<VehicleDto[]> {
  return sql.list.rows(db, { id: null, centreId, staleAfterSeconds });
}

export async function getVehicle(db: Queryable, id: string, staleAfterSeconds: number): Promise<VehicleDto> {
  const vehicle = isUuid(id) ? await sql.list.one(db, { id, centreId: null, staleAfterSeconds }) : undefined;
  if (!vehicle) throw notFound(`vehicle ${id}`);
  return vehicle;
}

/** Adds a vehicle to the fleet at its home station. */
export async function createVehicle(db: Queryable, actor: Actor, input: z.input<typeof VehicleInput>, staleAfterSeconds: number) {
  const v = VehicleInput.parse(input);
  const id = await inTransaction(db, async (client) => {
    const row = await sql.insert.one(client, v).catch((e) => translatePgError(e, conflicts));
    await noteFleetChange(client, { vehicles: [row!.id] });
    await appendAudit(client, actor, 'vehicle.created', { type: 'vehicle', id: row!.id }, { callSign: v.callSign });
    return row!.id;
  });
  return getVehicle(db, id, staleAfterSeconds);
}

/**
 * Replaces a vehicle's fields; taking it out of service while it is on a task is refused (409):
 * release or re-assign the task first.
 */
export async function updateVehicle(db: Queryable, actor: Actor, id: string, input: z.input<typeof VehicleInput>, staleAfterSeconds: number) {
  const v = VehicleInput.parse(input);
  if (!isUuid(id)) throw notFound(`vehicle ${id}`);
  await inTransaction(db, async (client) => {
    await sql.lock.run(client, { id });
    if (!v.inService && (await sql.isBusy.run(client, { id }))) {
      throw new HttpError(409, 'inService: the vehicle is on a task; finish or re-assign it first');
    }
    const row = await sql.update.one(client, { id, ...v }).catch((e) => translatePgError(e, conflicts));
    if (!row) throw notFound(`vehicle ${id}`);
    await noteFleetChange(client, { vehicles: [id] });
    await appendAudit(client, actor, 'vehicle.updated', { type: 'vehicle', id }, { callSign: v.callSign, inService: v.inService });
  });
  return getVehicle(db, id, staleAfterSeconds);
}
