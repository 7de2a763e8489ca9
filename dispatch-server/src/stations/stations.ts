import { PointInput, StationDto, StationInput } from '@dispatch/protocol';
import { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import { dtoRow, inTransaction, isUuid, sqlFile, type Queryable } from '@dispatch/db';
import { noteFleetChange } from '../fleet/fleetChanges';
import { notFound, translatePgError } from '../http/errors';

/** A station's input with its point as :lon and :lat. */
const fields = StationInput.omit({ location: true }).extend(PointInput.shape);
const row = dtoRow(StationDto);
const sql = sqlFile(new URL('./stations.sql', import.meta.url), {
  list: { params: z.object({ id: z.string().nullable() }), row },
  insert: { params: fields, row },
  update: { params: fields.extend({ id: z.string() }), row },
});
const conflicts = { stations_code_key: 'code: a station with this code exists', stations_centre_id_fkey: 'centreId: no such centre' };

export async function listStations(db: Queryable): Promise<StationDto[]> {
  return sql.list.rows(db, { id: null });
}

export async function getStation(db: Queryable, id: string): Promise<StationDto> {
  const station = isUuid(id) ? await sql.list.one(db, { id }) : undefined;
  if (!station) throw notFound(`station ${id}`);
  return station;
}

/**
 * Creates a station (emergency centre or substation).
 * @param input validated by StationInput
 */
export async function createStation(db: Queryable, actor: Actor, input: z.input<typeof StationInput>): Promise<StationDto> {
  const s = StationInput.parse(input);
  return inTransaction(db, async (client) => {
    const station = (await sql.insert.one(client, { ...s, ...s.location }).catch((e) => translatePgError(e, conflicts)))!;
    await noteFleetChange(client, { stations: [station.id] });
    await appendAudit(client, actor, 'station.created', { type: 'station', id: station.id }, { code: s.code, centreId: station.centreId });
    return station;
  });
}

/** Replaces a station's fields. */
export async function updateStation(db: Queryable, actor: Actor, id: string, input: z.input<typeof StationInput>): Promise<StationDto> {
  const s = StationInput.parse(input);
  if (!isUuid(id)) throw notFound(`station ${id}`);
  return inTransaction(db, async (client) => {
    const station = await sql.update.one(client, { id, ...s, ...s.location }).catch((e) => translatePgError(e, conflicts));
    if (!station) throw notFound(`station ${id}`);
    await noteFleetChange(client, { stations: [id] });
    await appendAudit(client, actor, 'station.updated', { type: 'station', id }, { code: s.code, centreId: station.centreId });
    return station;
  });
}
