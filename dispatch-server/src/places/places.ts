import type { PlaceCandidateDto, PlaceDto } from '@dispatch/protocol';
import { z } from 'zod';
import { type Queryable, sqlFile } from '@dispatch/db';

/** A place a typed name may mean, with how it matched (exact and prefix are null when the place has no English name). */
const CandidateRow = z.object({
  id: z.string(), name: z.string(), name_en: z.string().nullable(), kind: z.string(), lon: z.number(), lat: z.number(), synthetic: z.boolean(),
  exact: z.boolean().nullable(), prefix: z.boolean().nullable(), similarity: z.number(),
  town_name: z.string().nullable(), town_name_en: z.string().nullable(),
});
type CandidateRow = z.infer<typeof CandidateRow>;

const place = z.object({ name: z.string(), nameEn: z.string().nullable(), kind: z.string(), lon: z.number(), lat: z.number(), synthetic: z.boolean() });
const sql = sqlFile(new URL('./places.sql', import.meta.url), {
  search: { params: z.object({ q: z.string(), limit: z.number() }), row: CandidateRow },
  upsert: { params: place, row: z.object({ id: z.string() }) },
});

const present = (r: CandidateRow): PlaceDto => ({
  id: r.id, name: r.name, nameEn: r.name_en, kind: r.kind, lon: r.lon, lat: r.lat, synthetic: r.synthetic,
});

const presentCandidate = (r: CandidateRow): PlaceCandidateDto => ({
  ...present(r),
  score: r.exact ? 1 : Math.round(r.similarity * 100) / 100,
  town: r.town_name ? { name: r.town_name, nameEn: r.town_name_en } : null,
});

/** Finds places by Chinese or English name, best match first. */
export async function searchPlaces(db: Queryable, query: string, limit = 10): Promise<PlaceDto[]> {
  return (await sql.search.rows(db, { q: query.trim(), limit })).map(present);
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
export async function matchPlace(db: Queryable, name: string, limit = 8): Promise<PlaceMatch> {
  const rows = await sql.search.rows(db, { q: name.trim(), limit });
  const candidates = rows.map(presentCandidate);
  const exact = rows.filter((r) => r.exact);
  const prefix = rows.filter((r) => r.prefix);
  const sure =
    exact.length === 1 ? rows.indexOf(exact[0]!)
    : exact.length === 0 && prefix.length === 1 && prefix[0]!.similarity >= PREFIX_SIMILARITY_BOUND ? rows.indexOf(prefix[0]!)
    : -1;
  return sure < 0 ? { sure: null, candidates } : { sure: candidates[sure]!, candidates };
}

export async function upsertPlace(db: Queryable, p: z.input<typeof place>): Promise<string> {
  return (await sql.upsert.one(db, p))!.id;
}
