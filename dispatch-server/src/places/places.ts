import { normalisePinyin } from '@dispatch/geo/gazetteer/pinyinKeys';
import { type PlaceCandidateDto, type PlaceDto, PlaceKind, type PlaceMatchDto, type ReverseGeocodeDto } from '@dispatch/protocol';
import { z } from 'zod';
import { type Queryable, sqlFile } from '@dispatch/db';

const QUALITY = { 4: 'exact', 3: 'prefix', 2: 'contains', 1: 'similar' } as const satisfies Record<number, PlaceMatchDto['quality']>;

/** A place a typed text may mean, with how it matched (quality 4 exact … 1 similar) and its town. */
const CandidateRow = z.object({
  id: z.string(), name: z.string(), name_en: z.string().nullable(), kind: PlaceKind, lon: z.number(), lat: z.number(), synthetic: z.boolean(),
  quality: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]), field: z.enum(['name', 'nameEn', 'pinyin', 'initials']),
  similarity: z.number(), distance_m: z.number().nullable(),
  town_name: z.string().nullable(), town_name_en: z.string().nullable(),
});
type CandidateRow = z.infer<typeof CandidateRow>;

const NearestRow = z.object({
  role: z.enum(['place', 'road', 'town']),
  id: z.string(), name: z.string(), name_en: z.string().nullable(), kind: PlaceKind, lon: z.number(), lat: z.number(), synthetic: z.boolean(),
  closest_lon: z.number(), closest_lat: z.number(), distance_m: z.number(),
  town_name: z.string().nullable(), town_name_en: z.string().nullable(),
});

const sql = sqlFile(new URL('./places.sql', import.meta.url), {
  search: {
    params: z.object({ q: z.string(), pattern: z.string(), pinyin: z.string(), limit: z.number(), nearLon: z.number().nullable(), nearLat: z.number().nullable() }),
    row: CandidateRow,
  },
  nearest: { params: z.object({ lon: z.number(), lat: z.number() }), row: NearestRow },
});

/**
 * A name that starts a place's name (张兰镇卫 → 张兰镇卫生院) is taken only when it shares at least this much of it
 * (pg_trgm similarity): one or two letters or a single character are too little to locate a patient by.
 */
export const PREFIX_SIMILARITY_BOUND = 0.35;

/**
 * Which row call intake would take without asking, or -1. Sure: the only exact match by the Chinese name (or a
 * town's or village's name without 镇/乡/村), the English name or the full pinyin; or, with no exact match, the
 * only place whose name or pinyin starts with the text and shares at least PREFIX_SIMILARITY_BOUND of it.
 * Initials are never sure ("zl" is 张兰 and 中李 alike), nor is anything weaker (two 中王-villages, a fragment
 * inside a name, a near spelling): a call located at the wrong village sends the ambulance there.
 */
function sureIndex(rows: CandidateRow[]): number {
  const strong = (r: CandidateRow, quality: number) => r.quality === quality && r.field !== 'initials';
  const exact = rows.filter((r) => strong(r, 4));
  if (exact.length) return exact.length === 1 ? rows.indexOf(exact[0]!) : -1;
  const prefix = rows.filter((r) => strong(r, 3));
  return prefix.length === 1 && prefix[0]!.similarity >= PREFIX_SIMILARITY_BOUND ? rows.indexOf(prefix[0]!) : -1;
}

const town = (name: string | null, nameEn: string | null) => (name === null ? null : { name, nameEn });

const present = (r: CandidateRow, sure: boolean): PlaceDto => ({
  id: r.id, name: r.name, nameEn: r.name_en, kind: r.kind, lon: r.lon, lat: r.lat, synthetic: r.synthetic,
  town: town(r.town_name, r.town_name_en),
  match: { field: r.field, quality: QUALITY[r.quality] },
  distanceM: r.distance_m === null ? null : Math.round(r.distance_m),
  sure,
});

const presentCandidate = (r: CandidateRow, sure: boolean): PlaceCandidateDto => ({
  ...present(r, sure),
  score: r.quality === 4 ? 1 : Math.round(r.similarity * 100) / 100,
});

async function search(db: Queryable, text: string, limit: number, near?: readonly [number, number]): Promise<CandidateRow[]> {
  const q = text.trim();
  // LIKE's wildcards typed are matched literally: "%" matches only "%".
  const pattern = q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql.search.rows(db, { q, pattern, pinyin: normalisePinyin(q), limit, nearLon: near?.[0] ?? null, nearLat: near?.[1] ?? null });
}

/**
 * Finds places by Chinese name, English name, full pinyin or pinyin initials: the best matches first, and
 * among equal ones those nearer `near` (the centre of the dispatcher's map view, [lon, lat]).
 */
export async function searchPlaces(db: Queryable, query: string, limit = 10, near?: readonly [number, number]): Promise<PlaceDto[]> {
  const rows = await search(db, query, limit, near);
  const sure = sureIndex(rows);
  return rows.map((r, i) => present(r, i === sure));
}

/** A sure match, or the places the name may mean (best first, possibly none) for the dispatcher to choose from. */
export type PlaceMatch = { sure: PlaceCandidateDto; candidates: PlaceCandidateDto[] } | { sure: null; candidates: PlaceCandidateDto[] };

/** Locates a typed place name for call intake, or says it cannot be sure (see sureIndex for what is sure). */
export async function matchPlace(db: Queryable, name: string, limit = 8): Promise<PlaceMatch> {
  const rows = await search(db, name, limit);
  const sure = sureIndex(rows);
  const candidates = rows.map((r, i) => presentCandidate(r, i === sure));
  return sure < 0 ? { sure: null, candidates } : { sure: candidates[sure]!, candidates };
}

/**
 * What a point is near, for a map click: the nearest place that is not a street and the nearest named street
 * (each within 5 km, with where it comes closest to the point), and the town or district nearest the point.
 * @param at [lon, lat]
 */
export async function reverseGeocode(db: Queryable, at: readonly [number, number]): Promise<ReverseGeocodeDto> {
  const rows = await sql.nearest.rows(db, { lon: at[0], lat: at[1] });
  const nearby = (role: 'place' | 'road') => {
    const r = rows.find((row) => row.role === role);
    return r
      ? {
          id: r.id, name: r.name, nameEn: r.name_en, kind: r.kind, lon: r.lon, lat: r.lat, synthetic: r.synthetic,
          town: town(r.town_name, r.town_name_en), match: null, distanceM: Math.round(r.distance_m), sure: false,
          closest: { lon: r.closest_lon, lat: r.closest_lat },
        }
      : null;
  };
  const t = rows.find((row) => row.role === 'town');
  return { at: { lon: at[0], lat: at[1] }, place: nearby('place'), road: nearby('road'), town: t ? town(t.name, t.name_en) : null };
}
