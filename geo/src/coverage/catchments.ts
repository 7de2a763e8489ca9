import { type Db, inTransaction, sqlFile } from '@dispatch/db';
import { z } from 'zod';
import { timeAt, type DriveTimes } from './driveTimes';

/** A GeoJSON polygon as PostGIS writes it; the coordinates go to the map as they are. */
export const PolygonGeometry = z.object({ type: z.enum(['Polygon', 'MultiPolygon']), coordinates: z.unknown() });
export type PolygonGeometry = z.infer<typeof PolygonGeometry>;

export interface CatchmentFeature {
  type: 'Feature';
  /** The facility's id, or null for the part of the area no facility reaches (within the search limit). */
  properties: { facilityId: string | null; areaKm2: number };
  geometry: PolygonGeometry;
}

export interface FeatureCollection<F> {
  type: 'FeatureCollection';
  features: F[];
}

const sql = sqlFile(new URL('./catchments.sql', import.meta.url), {
  createPoints: {},
  insertPoints: { params: z.object({ facilities: z.array(z.number()), lons: z.array(z.number()), lats: z.array(z.number()) }) },
  indexPoints: {},
  analyzePoints: {},
  polygons: { row: z.object({ facility: z.number(), geometry: PolygonGeometry, area_m2: z.number() }) },
});

/** Sample spacing along long edges, so that a boundary falls where drive times meet, not half way between vertices. */
const SAMPLE_SPACING_M = 150;

/**
 * Drive-time catchments: for each facility the area it reaches before any other, as GeoJSON polygons that
 * partition the network's convex hull. Every vertex (and points every 150 m along longer edges) is labelled
 * with its nearest facility by the multi-source search; PostGIS turns the labelled points into Voronoi cells
 * and dissolves them per facility.
 */
export async function catchmentPolygons(db: Db, d: DriveTimes): Promise<FeatureCollection<CatchmentFeature>> {
  const g = d.graph;
  const facility: number[] = [];
  const lon: number[] = [];
  const lat: number[] = [];
  for (let v = 0; v < g.vertexCount; v++) {
    facility.push(d.nearest[v]!);
    lon.push(g.vertexLon[v]!);
    lat.push(g.vertexLat[v]!);
  }
  for (let e = 0; e < g.edgeCount; e++) {
    const first = g.pointOffset[e]!;
    const last = g.pointOffset[e + 1]! - 1;
    const total = g.pointDistM[last]!;
    const samples = Math.floor(total / SAMPLE_SPACING_M);
    let q0 = first;
    for (let k = 1; k <= samples; k++) {
      const along = (k * total) / (samples + 1);
      while (q0 < last - 1 && g.pointDistM[q0 + 1]! < along) q0++;
      const d0 = g.pointDistM[q0]!;
      const d1 = g.pointDistM[q0 + 1]!;
      const t = d1 > d0 ? (along - d0) / (d1 - d0) : 0;
      facility.push(timeAt(d, e, along / total).facility);
      lon.push(g.pointLon[q0]! + t * (g.pointLon[q0 + 1]! - g.pointLon[q0]!));
      lat.push(g.pointLat[q0]! + t * (g.pointLat[q0 + 1]! - g.pointLat[q0]!));
    }
  }
  const rows = await inTransaction(db, async (client) => {
    await sql.createPoints.run(client);
    await sql.insertPoints.run(client, { facilities: facility, lons: lon, lats: lat });
    await sql.indexPoints.run(client);
    await sql.analyzePoints.run(client);
    return sql.polygons.rows(client);
  });
  return {
    type: 'FeatureCollection',
    features: rows.map((row) => ({
      type: 'Feature',
      properties: { facilityId: row.facility >= 0 ? d.facilities[row.facility]!.id : null, areaKm2: row.area_m2 / 1e6 },
      geometry: row.geometry,
    })),
  };
}
