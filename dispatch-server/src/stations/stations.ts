import { StationInput, type StationDto } from '@dispatch/protocol';
import type { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import { type Db, inTransaction, isUuid, readQueries } from '@dispatch/db';
import { notFound, translatePgError } from '../http/errors';
import { presentStation } from './presentStation';

const sql = readQueries(new URL('./stations.sql', import.meta.url), ['list', 'get', 'insert', 'update']);
const conflicts = { stations_code_key: 'a station with this code exists' };

export async function listStations(db: Db): Promise<StationDto[]> {
  return (await db.query(sql.list)).rows.map(presentStation);
}

export async function getStation(db: Db, id: string): Promise<StationDto> {
  const row = isUuid(id) ? (await db.query(sql.get, [id])).rows[0] : undefined;
  if (!row) throw notFound(`station ${id}`);
  return presentStation(row);
}

/**
 * Creates a station (emergency centre or substation).
 * @param input validated by StationInput
 */
export async function createStation(db: Db, actor: Actor, input: z.input<typeof StationInput>): Promise<StationDto> {
  const s = StationInput.parse(input);
  return inTransaction(db, async (client) => {
    const { rows } = await client
      .query(sql.insert, [s.code, s.name, s.nameEn ?? null, s.kind, s.address ?? null, s.location.lon, s.location.lat])
      .catch((e) => translatePgError(e, conflicts));
    const station = presentStation(rows[0]);
    await appendAudit(client, actor, 'station.created', { type: 'station', id: station.id }, { code: s.code });
    return station;
  });
}

/** Replaces a station's fields. */
export async function updateStation(db: Db, actor: Actor, id: string, input: z.input<typeof StationInput>): Promise<StationDto> {
  const s = StationInput.parse(input);
  if (!isUuid(id)) throw notFound(`station ${id}`);
  return inTransaction(db, async (client) => {
    const { rows } = await client
      .query(sql.update, [id, s.code, s.name, s.nameEn ?? null, s.kind, s.address ?? null, s.location.lon, s.location.lat])
      .catch((e) => translatePgError(e, conflicts));
    if (!rows[0]) throw notFound(`station ${id}`);
    await appendAudit(client, actor, 'station.updated', { type: 'station', id }, { code: s.code });
    return presentStation(rows[0]);
  });
}
