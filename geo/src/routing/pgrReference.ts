import type pg from 'pg';
import { readQueries } from '@dispatch/db';

/*
 * pgRouting over the same road_edges rows: the reference the in-memory searches are checked against, and the
 * baseline the benchmark measures. Not for the hot path: every call fetches the whole network and builds
 * pgRouting's graph again.
 */

const q = readQueries(new URL('./pgrReference.sql', import.meta.url), ['dijkstraCostManyToOne', 'drivingDistanceReversed']);

/** Seconds from each source vertex (road_vertices ids) to the target vertex; sources with no path are absent. */
export async function pgrDijkstraCostToTarget(db: pg.Pool, networkId: number, sourceVertexIds: readonly number[], targetVertexId: number): Promise<Map<number, number>> {
  const { rows } = await db.query<{ source: string | number; seconds: number }>(q.dijkstraCostManyToOne, [networkId, sourceVertexIds, targetVertexId]);
  return new Map(rows.map((r) => [Number(r.source), r.seconds]));
}

/** Seconds from every vertex within maxSeconds to the target vertex: one search on the reversed graph. */
export async function pgrDrivingDistanceToTarget(db: pg.Pool, networkId: number, targetVertexId: number, maxSeconds: number): Promise<Map<number, number>> {
  const { rows } = await db.query<{ vertex: string | number; seconds: number }>(q.drivingDistanceReversed, [networkId, targetVertexId, maxSeconds]);
  return new Map(rows.map((r) => [Number(r.vertex), r.seconds]));
}
