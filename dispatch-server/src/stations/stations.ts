import { StationInput, StationKind, type StationDto } from '@dispatch/protocol';
import { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import { type Db, inTransaction, isUuid, sqlFile } from '@dispatch/db';
import { notFound, translatePgError } from '../http/errors';
import { presentStation, StationRow } from './presentStation';

const fields = z.object({
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  kind: StationKind,
  address: z.string().nullable(),
  lon: z.number(),
  lat: z.number(),
});
const sql = sqlFile(new URL('./stations.sql', import.meta.url), {
  list: { row: StationRow },
  get: { params: z.object({ id: z.string() }), row: StationRow },
  insert: { params: fields, row: StationRow },
  update: { params: fields.extend({ id: z.string() }), row: StationRow },
});
const conflicts = { stations_code_key: 'a station with this code exists' };

export async function listStations(db: Db): Promise<StationDto[]> {
  return (await sql.list.rows(db)).map(presentStation);
}

export async function getStation(db: Db, id: string): Promise<StationDto> {
  const row = isUuid(id) ? await sql.get.one(db, { id }) : undefined;
  if (!row) throw notFound(`station ${id}`);
  return presentStation(row);
}

const fieldsOf = (s: z.output<typeof StationInput>) => ({
  code: s.code,
  name: s.name,
  nameEn: s.nameEn ?? null,
  kind: s.kind,
  address: s.address ?? null,
  lon: s.location.lon,
  lat: s.location.lat,
});

/**
 * Creates a station (emergency centre or substation).
 * @param input validated by StationInput
 */
export async function createStation(db: Db, actor: Actor, input: z.input<typeof StationInput>): Promise<StationDto> {
  const s = StationInput.parse(input);
  return inTransaction(db, async (client) => {
    const row = await sql.insert.one(client, fieldsOf(s)).catch((e) => translatePgError(e, conflicts));
    const station = presentStation(row!);
    await appendAudit(client, actor, 'station.created', { type: 'station', id: station.id }, { code: s.code });
    return station;
  });
}

/** Replaces a station's fields. */
export async function updateStation(db: Db, actor: Actor, id: string, input: z.input<typeof StationInput>): Promise<StationDto> {
  const s = StationInput.parse(input);
  if (!isUuid(id)) throw notFound(`station ${id}`);
  return inTransaction(db, async (client) => {
    const row = await sql.update.one(client, { id, ...fieldsOf(s) }).catch((e) => translatePgError(e, conflicts));
    if (!row) throw notFound(`station ${id}`);
    await appendAudit(client, actor, 'station.updated', { type: 'station', id }, { code: s.code });
    return presentStation(row);
  });
}
