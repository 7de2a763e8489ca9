import { type Queryable, sqlFile } from '@dispatch/db';
import { z } from 'zod';
import { isValidLonLat, metresPerDegree, type LonLat } from './geometry';
import type { RoadGraph } from './roadGraph';

/** A point placed on the road network: the nearest position on the nearest drivable edge. */
export interface RoadSnap {
  edgeIndex: number;
  /** 0 at the edge's source, 1 at its target, proportional to length along the geometry. */
  fraction: number;
  snappedLonLat: LonLat;
  snapDistanceM: number;
  /**
   * Set when the nearest road was on a piece cut off from the main network (a one-way sink or source, a gated
   * or badly joined road) and the point was placed on the main network instead: the metres this snap is
   * farther than that nearest road. Absent for an ordinary snap.
   */
  fallbackExtraM?: number;
}

export const DEFAULT_MAX_SNAP_M = 500;
/** How far the search looks to tell the caller how far the nearest road actually is. */
const REPORT_RADIUS_M = 50_000;

/** A point farther from every drivable road than the limit: not a place a vehicle can be routed to or from. */
export class TooFarFromRoadError extends Error {
  override name = 'TooFarFromRoadError';
  constructor(
    readonly lonLat: LonLat,
    /** Distance to the nearest road, null when none lies within 50 km. */
    readonly distanceM: number | null,
    readonly maxDistanceM: number,
    what = 'point',
  ) {
    super(
      distanceM === null
        ? `${what} ${lonLat[0]},${lonLat[1]} is more than ${REPORT_RADIUS_M / 1000} km from any road of the network (limit ${maxDistanceM} m)`
        : `${what} ${lonLat[0]},${lonLat[1]} is ${Math.round(distanceM)} m from the nearest road, more than the limit of ${maxDistanceM} m`,
    );
  }
}

/**
 * The nearest position on any drivable edge within radiusM, or null. Distances are measured on a local
 * metric plane centred on the point (WGS-84 radii), exact enough at these ranges (the error is far below 0.1%).
 */
export function nearestOnRoad(graph: RoadGraph, lonLat: LonLat, radiusM: number, mainOnly = false): RoadSnap | null {
  const [lon0, lat0] = lonLat;
  const [kx, ky] = metresPerDegree(lat0);
  const { pointLon, pointLat, segmentPoint } = graph;
  let bestD2 = Infinity;
  let bestSegment = -1;
  let bestT = 0;
  let bestX = 0;
  let bestY = 0;
  const test = (s: number) => {
    if (mainOnly && !graph.isMainEdge(graph.segmentEdge[s]!)) return false;
    const q = segmentPoint[s]!;
    const ax = (pointLon[q]! - lon0) * kx;
    const ay = (pointLat[q]! - lat0) * ky;
    const dx = (pointLon[q + 1]! - lon0) * kx - ax;
    const dy = (pointLat[q + 1]! - lat0) * ky - ay;
    const len2 = dx * dx + dy * dy;
    let t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
    if (t < 0) t = 0;
    else if (t > 1) t = 1;
    const cx = ax + t * dx;
    const cy = ay + t * dy;
    const d2 = cx * cx + cy * cy;
    if (d2 < bestD2) {
      bestD2 = d2;
      bestSegment = s;
      bestT = t;
      bestX = cx;
      bestY = cy;
    }
    return false;
  };
  // Grow the box until the best candidate lies within it: then nothing outside can be nearer.
  for (let r = Math.min(radiusM, 64); ; r = Math.min(radiusM, r * 4)) {
    graph.segments.search(lon0 - r / kx, lat0 - r / ky, lon0 + r / kx, lat0 + r / ky, test);
    if (bestD2 <= r * r || r >= radiusM) break;
  }
  if (bestSegment < 0 || bestD2 > radiusM * radiusM) return null;
  const q = segmentPoint[bestSegment]!;
  const edge = graph.segmentEdge[bestSegment]!;
  const first = graph.pointOffset[edge]!;
  const last = graph.pointOffset[edge + 1]! - 1;
  const total = graph.pointDistM[last]! - graph.pointDistM[first]!;
  const along = graph.pointDistM[q]! + bestT * (graph.pointDistM[q + 1]! - graph.pointDistM[q]!);
  // Exactly at a vertex must give exactly 0 or 1: a vehicle there may leave in any direction.
  let fraction = total > 0 ? Math.min(1, Math.max(0, along / total)) : 0;
  if (bestT === 0 && q === first) fraction = 0;
  else if (bestT === 1 && q + 1 === last) fraction = 1;
  return { edgeIndex: edge, fraction, snappedLonLat: [lon0 + bestX / kx, lat0 + bestY / ky], snapDistanceM: Math.sqrt(bestD2) };
}

/** Snaps a point to the network; TooFarFromRoadError (with the actual distance) beyond maxDistanceM. */
export function snapToRoad(graph: RoadGraph, lonLat: LonLat, maxDistanceM = DEFAULT_MAX_SNAP_M, what = 'point'): RoadSnap {
  if (!isValidLonLat(lonLat)) throw new RangeError(`${what} must be [lon, lat] within -180..180, -90..90, got ${JSON.stringify(lonLat)}`);
  const snap = nearestOnRoad(graph, lonLat, maxDistanceM);
  if (snap) return snap;
  const farther = nearestOnRoad(graph, lonLat, REPORT_RADIUS_M);
  throw new TooFarFromRoadError(lonLat, farther ? farther.snapDistanceM : null, maxDistanceM, what);
}

/** How far the fallback looks for the main network around a point whose nearest road is cut off from it. */
export const MAIN_NETWORK_FALLBACK_M = 5000;

/**
 * A snap on a piece outside the largest strongly connected component (no car could get from there to most
 * of the network, or back) moved to the nearest point of that component, within MAIN_NETWORK_FALLBACK_M, with
 * the extra metres in fallbackExtraM; any other snap (or null) is returned as it is. So that a call or a vehicle
 * on such a piece never leaves a recommendation empty because of the data.
 */
export function toMainNetwork(graph: RoadGraph, lonLat: LonLat, snap: RoadSnap | null): RoadSnap | null {
  if (!snap || graph.isMainEdge(snap.edgeIndex) || graph.mainVertexCount === 0) return snap;
  const main = nearestOnRoad(graph, lonLat, Math.max(MAIN_NETWORK_FALLBACK_M, snap.snapDistanceM), true);
  if (!main) return snap;
  return { ...main, fallbackExtraM: Math.max(0, main.snapDistanceM - snap.snapDistanceM) };
}

/** Like snapToRoad, but a point too far from any road gives null (for many points at once). */
export function trySnapToRoad(graph: RoadGraph, lonLat: LonLat, maxDistanceM = DEFAULT_MAX_SNAP_M): RoadSnap | null {
  return isValidLonLat(lonLat) ? nearestOnRoad(graph, lonLat, maxDistanceM) : null;
}

const sql = sqlFile(new URL('./snapPostgis.sql', import.meta.url), {
  snap: {
    params: z.object({ networkId: z.number(), lon: z.number(), lat: z.number(), maxDistanceM: z.number() }),
    row: z.object({ edge_id: z.number(), fraction: z.number(), lon: z.number(), lat: z.number(), distance_m: z.number() }),
  },
});

/** The database's snap names the edge by its road_edges id. */
export type PostgisSnap = Omit<RoadSnap, 'edgeIndex'> & { edgeId: number };

/**
 * The database's answer to the same question (KNN on road_edges.geom, then ST_LineLocatePoint on a metric
 * projection): the reference the in-memory snapping is checked against. Null when no edge is within maxDistanceM.
 */
export async function snapWithPostgis(
  db: Queryable,
  networkId: number,
  [lon, lat]: LonLat,
  maxDistanceM = DEFAULT_MAX_SNAP_M,
): Promise<PostgisSnap | null> {
  const row = await sql.snap.one(db, { networkId, lon, lat, maxDistanceM });
  if (!row) return null;
  return { edgeId: row.edge_id, fraction: row.fraction, snappedLonLat: [row.lon, row.lat], snapDistanceM: row.distance_m };
}
