import { type Db, sqlFile } from '@dispatch/db';
import type { RoadFeatureCollection, RoadRegionDto, RoadsQuery } from '@dispatch/protocol';
import { z } from 'zod';
import { HttpError } from '../http/errors';

const n = z.number();
const sql = sqlFile(new URL('./roads.sql', import.meta.url), {
  region: {
    params: z.object({ region: z.string().nullable() }),
    row: z.object({ name: z.string(), network_id: n, synthetic: z.boolean(), source_name: z.string(), bbox: z.tuple([n, n, n, n]).nullable() }),
  },
  edgesInBbox: {
    params: z.object({ networkId: n, minLon: n, minLat: n, maxLon: n, maxLat: n, tolerance: n, classes: z.array(z.string()).nullable(), limit: n }),
    row: z.object({ id: n, highway: z.string(), name: z.string().nullable(), geometry: z.string() }),
  },
});

/** More edges than a map view needs: beyond this the smallest roads are left out (the client zooms in). */
const MAX_FEATURES = 20_000;

const MAJOR = ['motorway', 'trunk', 'primary'];
const MIDDLE = [...MAJOR, 'secondary', 'tertiary'];
const withLinks = (classes: string[]) => classes.flatMap((c) => [c, `${c}_link`]);

/** Road classes worth drawing at a zoom level; null means every class. */
export function classesForZoom(zoom: number): string[] | null {
  if (zoom < 10) return withLinks(MAJOR);
  if (zoom < 12) return withLinks(MIDDLE);
  if (zoom < 14) return [...withLinks(MIDDLE), 'unclassified', 'residential', 'road'];
  return null;
}

/** Half a screen pixel at this zoom, in degrees: simplification nobody can see. */
export function toleranceForZoom(zoom: number): number {
  return 360 / (256 * 2 ** zoom) / 2;
}

/** The region the server routes on (the configured one, else the most recently updated); 404 without one. */
export async function activeRoadRegion(db: Db, region?: string): Promise<RoadRegionDto & { networkId: number }> {
  const row = await sql.region.one(db, { region: region ?? null });
  if (!row) {
    throw new HttpError(404, region ? `road region ${region} does not exist` : 'no road network has been imported yet');
  }
  return { name: row.name, synthetic: row.synthetic, sourceName: row.source_name, bbox: row.bbox, networkId: row.network_id };
}

/** The active region's road edges inside a bbox as GeoJSON, thinned for the zoom level. */
export async function roadsInBbox(db: Db, query: RoadsQuery, region?: string): Promise<RoadFeatureCollection> {
  const active = await activeRoadRegion(db, region);
  const [minLon, minLat, maxLon, maxLat] = query.bbox;
  const rows = await sql.edgesInBbox.rows(db, {
    networkId: active.networkId,
    minLon,
    minLat,
    maxLon,
    maxLat,
    tolerance: toleranceForZoom(query.zoom),
    classes: classesForZoom(query.zoom),
    limit: MAX_FEATURES + 1,
  });
  return {
    type: 'FeatureCollection',
    region: active.name,
    synthetic: active.synthetic,
    truncated: rows.length > MAX_FEATURES,
    features: rows.slice(0, MAX_FEATURES).map((r) => ({
      type: 'Feature',
      id: r.id,
      properties: { highway: r.highway, name: r.name },
      geometry: JSON.parse(r.geometry),
    })),
  };
}
