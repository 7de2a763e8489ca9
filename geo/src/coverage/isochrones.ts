import { type Queryable, sqlFile } from '@dispatch/db';
import { z } from 'zod';
import type { LonLat } from '../routing/geometry';
import type { RoadGraph } from '../routing/roadGraph';
import { sliceEdge } from '../routing/route';
import { type FeatureCollection, PolygonGeometry } from './catchments';
import { driveTimesFrom, reachedIntervals, type Facility } from './driveTimes';

const sql = sqlFile(new URL('./isochrones.sql', import.meta.url), {
  isochrones: {
    params: z.object({ minutes: z.array(z.number()), lines: z.array(z.string()), bufferM: z.number(), centreLon: z.number(), centreLat: z.number() }),
    row: z.object({ minutes: z.number(), geometry: PolygonGeometry, area_m2: z.number() }),
  },
});

export interface IsochroneFeature {
  type: 'Feature';
  properties: { minutes: number; areaKm2: number; reachedRoadKm: number };
  geometry: PolygonGeometry;
}

export interface IsochroneOptions {
  /** Default 10, 20 and 30 minutes. */
  minutes?: number[];
  /** Half-width of the band around reached roads, metres (default 100). */
  bufferM?: number;
}

/**
 * The areas within each drive time of the nearest of the given sources (stations, hospitals), as GeoJSON
 * polygons: one multi-source search, then the reached road pieces (partial edges cut where the time runs
 * out) buffered and dissolved in PostGIS. Smaller thresholds lie inside larger ones.
 */
export async function isochrones(db: Queryable, graph: RoadGraph, sources: readonly Facility[], options: IsochroneOptions = {}): Promise<FeatureCollection<IsochroneFeature>> {
  const minutes = [...(options.minutes ?? [10, 20, 30])].sort((a, b) => a - b);
  const bufferM = options.bufferM ?? 100;
  for (const m of minutes) if (!(m > 0 && m <= 24 * 60)) throw new RangeError(`isochrone minutes must be within 0..1440, got ${m}`);
  if (!(bufferM > 0 && bufferM <= 5000)) throw new RangeError(`bufferM must be within 0..5000, got ${bufferM}`);
  if (minutes.length === 0) return { type: 'FeatureCollection', features: [] };
  const times = driveTimesFrom(graph, sources, { maxSeconds: minutes[minutes.length - 1]! * 60 });
  const lines: string[] = [];
  const roadKm: number[] = [];
  for (const m of minutes) {
    const coordinates: LonLat[][] = [];
    let metres = 0;
    for (const [e, intervals] of reachedIntervals(times, m * 60)) {
      for (const [a, b] of intervals) {
        coordinates.push(sliceEdge(graph, e, a, b));
        metres += (b - a) * graph.edgeLength[e]!;
      }
    }
    lines.push(JSON.stringify({ type: 'MultiLineString', coordinates }));
    roadKm.push(metres / 1000);
  }
  const centreLon = (graph.bbox[0] + graph.bbox[2]) / 2;
  const centreLat = (graph.bbox[1] + graph.bbox[3]) / 2;
  const rows = await sql.isochrones.rows(db, { minutes, lines, bufferM, centreLon, centreLat });
  return {
    type: 'FeatureCollection',
    features: rows.map((row) => ({
      type: 'Feature',
      properties: { minutes: row.minutes, areaKm2: row.area_m2 / 1e6, reachedRoadKm: roadKm[minutes.indexOf(row.minutes)]! },
      geometry: row.geometry,
    })),
  };
}
