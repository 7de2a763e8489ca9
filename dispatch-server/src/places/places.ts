import type { PlaceCandidateDto, PlaceDto } from '@dispatch/protocol';
import type pg from 'pg';
import { readQueries } from '@dispatch/db';

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

const presentCandidate = (r: Record<string, unknown>): PlaceCandidateDto => ({
  ...present(r),
  score: r.exact ? 1 : Math.round((r.similarity as number) * 100) / 100,
  town: r.town_name ? { name: r.town_name as string, nameEn: (r.town_name_en as string | null) ?? null } : null,
});

/** Finds places by Chinese or English name, best match first. */
export async function searchPlaces(db: pg.Pool | pg.PoolClient, query: string, limit = 10): Promise<PlaceDto[]> {
  return (await db.query(sql.search, [query.trim(), limit])).rows.map(present);
}

/**
 * A name that starts a place's name (张兰 → 张兰镇) is taken only when it shares at least this much of it
 * (pg_trgm similarity): one or two letters or a single character are too little to locate a patient by.
 */
export const PREFIX_SIMILARITY_BOUND = 0.35;

/** A sure match, or the places the name may mean (best first, possibly none) for the dispatcher to choose from. */
export type PlaceMatch = { sure: PlaceCandidateDto; candidates: PlaceCandidateDto[] } | { sure: null; candidates: PlaceCandidateDto[] };

/**
 * Locates a typed place name for call intake, or says it cannot be sure. Sure: the only place with exactly that
 * name (Chinese, or English in any case), or, with no exact name, the only place whose name starts with it and
 * shares at least PREFIX_SIMILARITY_BOUND of it. Anything weaker (two 中王-villages, a fragment inside a name,
 * a near spelling) is not taken: a call located at the wrong village sends the ambulance there.
 */
export async function matchPlace(db: pg.Pool | pg.PoolClient, name: string, limit = 8): Promise<PlaceMatch> {
  const rows = (await db.query(sql.search, [name.trim(), limit])).rows;
  const candidates = rows.map(presentCandidate);
  const exact = rows.filter((r) => r.exact);
  const prefix = rows.filter((r) => r.prefix);
  const sure =
    exact.length === 1 ? rows.indexOf(exact[0]!)
    : exact.length === 0 && prefix.length === 1 && (prefix[0]!.similarity as number) >= PREFIX_SIMILARITY_BOUND ? rows.indexOf(prefix[0]!)
    : -1;
  return sure < 0 ? { sure: null, candidates } : { sure: candidates[sure]!, candidates };
}

export async function upsertPlace(
  db: pg.Pool | pg.PoolClient,
  place: { name: string; nameEn?: string | null; kind: string; lon: number; lat: number; synthetic: boolean },
): Promise<string> {
  const { rows } = await db.query(sql.upsert, [place.name, place.nameEn ?? null, place.kind, place.lon, place.lat, place.synthetic]);
  return rows[0].id as string;
}
