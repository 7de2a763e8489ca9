import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';

/** Writes test inputs into a fresh temporary folder. */
export function writeTempFile(name: string, content: string | Buffer): string {
  const file = join(mkdtempSync(join(tmpdir(), 'road-import-')), name);
  writeFileSync(file, content);
  return file;
}

/** pgRouting's shortest path cost over a region's active network, or null when there is no path. */
export async function pgrCost(db: pg.Pool, region: string, from: number, to: number): Promise<{ cost: number; edges: number[] } | null> {
  const { rows } = await db.query<{ edge: number; agg_cost: number }>(
    `SELECT d.edge, d.agg_cost
       FROM road_regions r,
            pgr_dijkstra(format('SELECT id, source, target, cost, reverse_cost FROM road_edges WHERE network_id = %s', r.network_id),
                         $2::bigint, $3::bigint, directed => true) AS d
      WHERE r.name = $1 ORDER BY d.seq`,
    [region, from, to],
  );
  if (rows.length === 0) return null;
  return { cost: Number(rows[rows.length - 1]!.agg_cost), edges: rows.map((r) => Number(r.edge)).filter((e) => e > 0) };
}
