import { type Queryable, sqlFile } from '@dispatch/db';
import { z } from 'zod';
import type { RoadSource } from '../import/roadSource';
import { wayAttributes } from '../import/roadTags';
import { pinyinKeys } from './pinyinKeys';
import type { OsmPlace } from './readPlaces';

const byNetwork = z.object({ networkId: z.number() });
const texts = z.array(z.string());
const optionalTexts = z.array(z.string().nullable());
const sql = sqlFile(new URL('./gazetteer.sql', import.meta.url), {
  insertPlaces: {
    params: byNetwork.extend({
      osmIds: texts, names: texts, nameEns: optionalTexts, kinds: texts, geometries: texts, pinyins: texts, initials: texts, synthetic: z.boolean(),
      populations: z.array(z.number().int().nonnegative().nullable()),
    }),
  },
  insertStreets: { params: byNetwork.extend({ names: texts, nameEns: optionalTexts, pinyins: texts, initials: texts, synthetic: z.boolean() }) },
  count: { params: byNetwork, row: z.object({ streets: z.number(), places: z.number() }) },
  dropReplaced: { params: byNetwork },
  regionHasGazetteer: { params: z.object({ region: z.string() }), row: z.object({ has: z.boolean() }) },
});

const BATCH = 2000;

export interface GazetteerReport {
  /** Named streets (one per name and stretch, merged across their edges). */
  streets: number;
  /** Towns, villages, hospitals, stations and other points of interest. */
  places: number;
}

/**
 * Builds the gazetteer of a network being imported, on the import's transaction: the named places read from
 * the file and one place per named street of its edges (written before this runs), each with its pinyin and
 * initials.
 */
export async function buildGazetteer(
  client: Queryable,
  networkId: number,
  source: RoadSource,
  places: readonly OsmPlace[],
  synthetic: boolean,
): Promise<GazetteerReport> {
  for (let start = 0; start < places.length; start += BATCH) {
    const batch = places.slice(start, start + BATCH);
    const keys = batch.map((p) => pinyinKeys(p.name));
    await sql.insertPlaces.run(client, {
      networkId,
      synthetic,
      osmIds: batch.map((p) => p.osmId),
      names: batch.map((p) => p.name),
      nameEns: batch.map((p) => p.nameEn),
      kinds: batch.map((p) => p.kind),
      geometries: batch.map((p) => p.geometry),
      pinyins: keys.map((k) => k.pinyin),
      initials: keys.map((k) => k.initials),
      populations: batch.map((p) => p.population),
    });
  }
  // A street's English name is the one most of its ways carry (some ways name a stretch: "… Road at … Road").
  const english = new Map<string, Map<string, number>>();
  for (const way of source.ways) {
    const name = wayAttributes(way.tags).name;
    if (name === null) continue;
    const counts = english.get(name) ?? new Map<string, number>();
    english.set(name, counts);
    const en = way.tags['name:en']?.trim();
    if (en) counts.set(en, (counts.get(en) ?? 0) + 1);
  }
  const nameEn = new Map([...english].map(([name, counts]) => [name, [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null]));
  const names = [...nameEn.keys()];
  const keys = names.map(pinyinKeys);
  await sql.insertStreets.run(client, {
    networkId,
    synthetic,
    names,
    nameEns: names.map((n) => nameEn.get(n) ?? null),
    pinyins: keys.map((k) => k.pinyin),
    initials: keys.map((k) => k.initials),
  });
  return (await sql.count.one(client, { networkId }))!;
}

/** Drops the places of a network that was replaced, but those an incident refers to. */
export async function dropReplacedGazetteer(client: Queryable, networkId: number): Promise<void> {
  await sql.dropReplaced.run(client, { networkId });
}

/** Whether a region's current network has its gazetteer (one imported before the gazetteer existed has not). */
export async function hasGazetteer(db: Queryable, region: string): Promise<boolean> {
  return (await sql.regionHasGazetteer.one(db, { region }))?.has === true;
}
