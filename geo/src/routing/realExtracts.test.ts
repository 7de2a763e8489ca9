import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@dispatch/db/testDatabase';
import { importRoads } from '../import/importRoads';
import { attachHierarchy, buildHierarchySync } from './contractionHierarchy';
import type { LonLat } from './geometry';
import { isReachable, rankToTarget, type RankSource } from './rankToTarget';
import { roadDataFile, roadDataSuite } from './roadData';
import { loadRoadGraph, type RoadGraph } from './roadGraph';
import { sliceEdge } from './route';
import { toMainNetwork, trySnapToRoad } from './snap';
import { seededRandom } from './testGraphs';

const SAME_SECONDS = 1e-9;

/** Random positions on random drivable edges of ANY piece of the network, up to ~20 m off the road (GPS). */
function anywhere(graph: RoadGraph, count: number, random: () => number): LonLat[] {
  const out: LonLat[] = [];
  while (out.length < count) {
    const e = Math.floor(random() * graph.edgeCount);
    if (graph.edgeCost[e]! < 0 && graph.edgeReverseCost[e]! < 0) continue;
    const [lon, lat] = sliceEdge(graph, e, random(), 1)[0]!;
    out.push([lon + (random() - 0.5) * 0.0004, lat + (random() - 0.5) * 0.0003]);
  }
  return out;
}

for (const [name, seed] of [['shanghai_center.osm.pbf', 11], ['monaco.osm.pbf', 12], ['rnv.osm.pbf', 13]] as const) {
  const file = roadDataFile(name);
  describe.skipIf(!file)(roadDataSuite(`every call gets a vehicle on the real ${name} network, with the hierarchy's exact ETAs`, name), () => {
    let database: TestDatabase;
    let graph: RoadGraph;

    beforeAll(async () => {
      database = await createTestDatabase();
      await importRoads(database.db, { file: file!, region: 'real' });
      graph = await loadRoadGraph(database.db, 'real');
    }, 300_000);
    afterAll(() => database?.drop());

    it('places calls and vehicles of cut-off pieces on the main network: no empty ranking, the same ETAs with or without the hierarchy', () => {
      expect(graph.mainVertexCount).toBeGreaterThan(graph.vertexCount * 0.5);
      const random = seededRandom(seed);
      const place = (lonLat: LonLat) => toMainNetwork(graph, lonLat, trySnapToRoad(graph, lonLat));
      const vehicles: RankSource[] = anywhere(graph, 200, random).map((lonLat, i) => ({ id: `v${i}`, lonLat, snap: place(lonLat) }));
      const calls = anywhere(graph, 150, random);
      attachHierarchy(buildHierarchySync(graph));
      let fallbacks = 0;
      for (const [i, call] of calls.entries()) {
        const targetSnap = place(call);
        expect(targetSnap, `call ${i} at ${call.join(',')} is near a road`).not.toBeNull();
        if (targetSnap!.fallbackExtraM !== undefined) fallbacks++;
        const fast = rankToTarget(graph, call, vehicles, { targetSnap: targetSnap! });
        const reachable = fast.results.filter(isReachable);
        // Every vehicle placed on the main network reaches every call placed on it.
        expect(reachable.length, `call ${i} at ${call.join(',')}`).toBe(vehicles.filter((v) => v.snap).length);
        if (i % 5 !== 0) continue;
        const plain = rankToTarget(graph, call, vehicles, { targetSnap: targetSnap!, method: 'plain' });
        const byId = new Map(reachable.map((r) => [r.id, r.etaSeconds]));
        for (const r of plain.results) {
          expect(isReachable(r)).toBe(true);
          if (isReachable(r)) expect(Math.abs(byId.get(r.id)! - r.etaSeconds)).toBeLessThanOrEqual(SAME_SECONDS * Math.max(1, r.etaSeconds));
        }
      }
      console.info(`${name}: ${graph.mainVertexCount}/${graph.vertexCount} vertices in the main network; ${fallbacks}/${calls.length} calls and ${vehicles.filter((v) => v.snap?.fallbackExtraM !== undefined).length}/${vehicles.length} vehicles placed on it by the fallback`);
    }, 300_000);
  });
}
