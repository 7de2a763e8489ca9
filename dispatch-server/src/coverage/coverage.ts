import { catchmentPolygons } from '@dispatch/geo/coverage/catchments';
import { demandCoverage, roadCoverage } from '@dispatch/geo/coverage/coverage';
import { demandWeights, weightedShare } from '@dispatch/geo/coverage/demandWeights';
import { driveTimesFrom, type Facility } from '@dispatch/geo/coverage/driveTimes';
import { isochrones } from '@dispatch/geo/coverage/isochrones';
import type { GraphRegistry } from '@dispatch/geo/routing/graphRegistry';
import { NoRoadNetworkError } from '@dispatch/geo/routing/roadGraph';
import type { CatchmentsDto, CoverageQuery, CoverageSummaryDto, IsochronesDto } from '@dispatch/protocol';
import { type Db, sqlFile } from '@dispatch/db';
import { z } from 'zod';
import { HttpError } from '../http/errors';

const Place = z.object({ id: z.string(), name: z.string(), lon: z.number(), lat: z.number() });
const Site = Place.extend({ code: z.string() });
type Site = z.infer<typeof Site>;
const sql = sqlFile(new URL('./coverage.sql', import.meta.url), {
  stations: { row: Site },
  hospitals: { row: Site },
  villages: { row: Place.extend({ population: z.number().nullable() }) },
});

const facilities = (list: Site[]): Facility[] => list.map((s) => ({ id: s.id, lonLat: [s.lon, s.lat] }));

/**
 * Computing polygons takes PostGIS a moment, and they change only with the network or the sites:
 * keep the last answer per network, sites and request.
 */
const cache = new Map<string, { at: number; value: unknown }>();
const CACHE_MS = 5 * 60_000;
async function cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value as T;
  const value = await compute();
  cache.set(key, { at: Date.now(), value });
  if (cache.size > 50) cache.delete(cache.keys().next().value!);
  return value;
}

/** A region the caller named and nobody imported is a 404 (as for /api/route), not the server's 503. */
async function graphOf(graphs: GraphRegistry, region: string | undefined) {
  try {
    return await graphs.get(region);
  } catch (error) {
    if (region !== undefined && error instanceof NoRoadNetworkError) throw new HttpError(404, `region: ${error.message}`);
    throw error;
  }
}

const keyOf = (networkId: number, list: Site[], ...rest: unknown[]) =>
  JSON.stringify([networkId, list.map((s) => [s.id, s.lon, s.lat]), ...rest]);

/** For each station (or hospital), the area it reaches before any other: the responsible substation's area. */
export async function catchments(db: Db, graphs: GraphRegistry, query: CoverageQuery): Promise<CatchmentsDto> {
  const graph = await graphOf(graphs, query.region);
  const list = await sql[query.from].rows(db);
  return cached(keyOf(graph.networkId, list, 'catchments', query.from), async () => {
    const polygons = await catchmentPolygons(db, driveTimesFrom(graph, facilities(list)));
    const byId = new Map(list.map((s) => [s.id, s]));
    return {
      type: 'FeatureCollection' as const,
      region: graph.region,
      features: polygons.features.map((f) => {
        const site = f.properties.facilityId ? byId.get(f.properties.facilityId) : undefined;
        return { ...f, properties: { ...f.properties, siteId: site?.id ?? null, siteCode: site?.code ?? null, siteName: site?.name ?? null } };
      }),
    };
  });
}

/** Areas within each drive time of the nearest station (or hospital), smaller inside larger. */
export async function isochroneLayer(db: Db, graphs: GraphRegistry, query: CoverageQuery): Promise<IsochronesDto> {
  const graph = await graphOf(graphs, query.region);
  const list = await sql[query.from].rows(db);
  return cached(keyOf(graph.networkId, list, 'isochrones', query.minutes), async () => ({
    ...(await isochrones(db, graph, facilities(list), { minutes: query.minutes })),
    region: graph.region,
  }));
}

/**
 * The 30-minute medical circle (30分钟就医圈) as figures: share of road length, of villages and of their population
 * within each time of the nearest station or hospital, and the villages left outside.
 */
export async function coverageSummary(db: Db, graphs: GraphRegistry, query: CoverageQuery): Promise<CoverageSummaryDto> {
  const graph = await graphOf(graphs, query.region);
  const list = await sql[query.from].rows(db);
  const villages = await sql.villages.rows(db);
  const maxMinutes = Math.max(...query.minutes);
  const times = driveTimesFrom(graph, facilities(list), { maxSeconds: maxMinutes * 60 });
  const names = new Map(villages.map((v) => [v.id, v.name]));
  const weight = new Map(demandWeights(villages.map((v) => v.population)).weights.map((w, i) => [villages[i]!.id, w]));
  return {
    region: graph.region,
    from: query.from,
    sites: list.length,
    villages: villages.length,
    thresholds: query.minutes.map((minutes) => {
      const demand = demandCoverage(times, villages.map((v) => ({ id: v.id, lonLat: [v.lon, v.lat] as [number, number] })), minutes);
      return {
        minutes,
        roadShare: roadCoverage(times, minutes).share,
        villageShare: demand.share,
        populationShare: weightedShare(
          demand.points.map((p) => weight.get(p.id) ?? 0),
          demand.points.map((p) => p.seconds !== null && p.seconds <= minutes * 60),
        ),
        villagesOutside: demand.points.filter((p) => p.seconds === null || p.seconds > minutes * 60).map((p) => names.get(p.id) ?? p.id),
      };
    }),
  };
}
