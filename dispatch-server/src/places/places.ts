import type { PlaceDto } from '@dispatch/protocol';
import type pg from 'pg';
import { readQueries } from '@dispatch/geo/sqlFile';

const sql = readQueries(new URL('./places.sql', import.meta.url), ['search', 'upsert']);

const present = (r: Record<string, unknown>): PlaceDto => ({
  id: r.id as string,
  name: r.name as string,
  nameEn: (r.name_en as string | null) ?? null,
  kind: r.kind as string,
  lon: r.lon as number,
  lat: r.lat as number,
  synthetic: r.synthetic as boolean,
});

/** Finds places by Chinese or English name, best match first. */
export async function searchPlaces(db: pg.Pool | pg.PoolClient, query: string, limit = 10): Promise<PlaceDto[]> {
  return (await db.query(sql.search, [query.trim(), limit])).rows.map(present);
}

export async function upsertPlace(
  db: pg.Pool | pg.PoolClient,
  place: { name: string; nameEn?: string | null; kind: string; lon: number; lat: number; synthetic: boolean },
): Promise<string> {
  const { rows } = await db.query(sql.upsert, [place.name, place.nameEn ?? null, place.kind, place.lon, place.lat, place.synthetic]);
  return rows[0].id as string;
}
