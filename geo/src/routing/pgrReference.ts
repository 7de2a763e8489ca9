import { type Queryable, sqlFile } from '@dispatch/db';
import { z } from 'zod';

/*
 * pgRouting over the same road_edges rows: the reference the in-memory searches are checked against, and the
 * baseline the benchmark measures. Not for the hot path: every call fetches the whole network and builds
 * pgRouting's graph again.
 */

const sql = sqlFile(new URL('./pgrReference.sql', import.meta.url), {
  dijkstraCostManyToOne: {
    params: z.object({ networkId: z.number(), sources: z.array(z.number()).readonly(), target: z.number() }),
    row: z.object({ source: z.number(), seconds: z.number() }),
  },
  drivingDistanceReversed: {
    params: z.object({ networkId: z.number(), target: z.number(), maxSeconds: z.number() }),
    row: z.object({ vertex: z.number(), seconds: z.number() }),
  },
  dijkstraPath: {
    params: z.object({ region: z.string(), from: z.number(), to: z.number() }),
    row: z.object({ edge: z.number(), agg_cost: z.number() }),
  },
});

/** Seconds from each source vertex (road_vertices ids) to the target vertex; sources with no path are absent. */
export async function pgrDijkstraCostToTarget(db: Queryable, networkId: number, sourceVertexIds: readonly number[], targetVertexId: number): Promise<Map<number, number>> {
  const rows = await sql.dijkstraCostManyToOne.rows(db, { networkId, sources: sourceVertexIds, target: targetVertexId });
  return new Map(rows.map((r) => [r.source, r.seconds]));
}

/** Seconds from every vertex within maxSeconds to the target vertex: one search on the reversed graph. */
export async function pgrDrivingDistanceToTarget(db: Queryable, networkId: number, targetVertexId: number, maxSeconds: number): Promise<Map<number, number>> {
  const rows = await sql.drivingDistanceReversed.rows(db, { networkId, target: targetVertexId, maxSeconds });
  return new Map(rows.map((r) => [r.vertex, r.seconds]));
}

/** pgRouting's shortest path cost over a region's active network and its edges, or null when there is no path. */
export async function pgrShortestPath(db: Queryable, region: string, from: number, to: number): Promise<{ cost: number; edges: number[] } | null> {
  const rows = await sql.dijkstraPath.rows(db, { region, from, to });
  if (rows.length === 0) return null;
  return { cost: rows[rows.length - 1]!.agg_cost, edges: rows.map((r) => r.edge).filter((e) => e > 0) };
}
