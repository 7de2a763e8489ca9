import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@dispatch/db/testDatabase';
import { importRoads } from '../import/importRoads';
import { pgrDijkstraCostToTarget } from './pgrReference';
import { isReachable, rankToTarget } from './rankToTarget';
import { roadDataFile, roadDataSuite } from './roadData';
import { EDGE_ROUNDABOUT, EDGE_TUNNEL, loadRoadGraph, type RoadGraph } from './roadGraph';
import { route } from './route';
import { seededRandom, vertexSnap } from './testGraphs';

const file = roadDataFile('monaco.osm.pbf');

describe.skipIf(!file)(roadDataSuite('routing on the real Monaco network: all road classes, tunnels', 'monaco.osm.pbf'), () => {
  let database: TestDatabase;
  let graph: RoadGraph;
  const random = seededRandom(377);

  beforeAll(async () => {
    database = await createTestDatabase();
    await importRoads(database.db, { file: file!, region: 'monaco' });
    graph = await loadRoadGraph(database.db, 'monaco');
  });
  afterAll(() => database?.drop());

  it('loads motorways, service roads, tunnels and roundabouts', () => {
    expect(graph.highways).toEqual(expect.arrayContaining(['motorway', 'motorway_link', 'primary', 'service', 'residential']));
    const flagged = (flag: number) => graph.edgeFlags.reduce((n, f) => n + ((f & flag) !== 0 ? 1 : 0), 0);
    expect(flagged(EDGE_TUNNEL)).toBeGreaterThan(20);
    expect(flagged(EDGE_ROUNDABOUT)).toBeGreaterThan(20);
  });

  it('drives through tunnels and along motorways with pgRouting\'s travel times', async () => {
    const picks: number[] = [];
    for (let e = 0; e < graph.edgeCount && picks.length < 12; e++) {
      const kind = graph.highwayOf(e);
      if (((graph.edgeFlags[e]! & EDGE_TUNNEL) !== 0 || kind === 'motorway') && graph.edgeCost[e]! >= 0 && random() < 0.5) picks.push(e);
    }
    expect(picks.length).toBe(12);
    let throughTunnel = 0;
    for (const e of picks) {
      // From the middle of the edge to a random vertex: the route must leave along the edge's direction.
      const target = Math.floor(random() * graph.vertexCount);
      const from: [number, number] = [0, 0];
      const ranking = rankToTarget(graph, from, [{ id: 'v', lonLat: from, snap: vertexSnap(graph, graph.edgeSource[e]!) }], { targetSnap: vertexSnap(graph, target) });
      const reference = await pgrDijkstraCostToTarget(database.db, graph.networkId, [graph.vertexDbId[graph.edgeSource[e]!]!], graph.vertexDbId[target]!);
      const result = ranking.results[0]!;
      const expected = graph.edgeSource[e] === target ? 0 : reference.get(graph.vertexDbId[graph.edgeSource[e]!]!);
      if (expected === undefined) {
        expect(result).toMatchObject({ unreachable: 'no_path' });
        continue;
      }
      expect(isReachable(result) && Math.abs(result.etaSeconds - expected)).toBeLessThan(1e-6);
      const s = graph.edgeSource[e]!;
      const t = graph.edgeTarget[e]!;
      const along = route(graph, [graph.vertexLon[s]!, graph.vertexLat[s]!], [graph.vertexLon[t]!, graph.vertexLat[t]!]);
      expect(along.durationS).toBeLessThanOrEqual(graph.edgeCost[e]! + 1e-9);
      if ((graph.edgeFlags[e]! & EDGE_TUNNEL) !== 0 && along.edgeIds.includes(graph.edgeDbId[e]!)) throughTunnel++;
    }
    expect(throughTunnel).toBeGreaterThan(0);
  });

  it('announces a roundabout on a route through one', () => {
    let announced = 0;
    for (let e = 0; e < graph.edgeCount && announced < 3; e++) {
      if ((graph.edgeFlags[e]! & EDGE_ROUNDABOUT) === 0) continue;
      // Enter the ring from an approach road ending at the ring edge's source, leave beyond the ring edge.
      const entry = graph.edgeSource[e]!;
      let approach = -1;
      for (let a = 0; a < graph.edgeCount; a++) {
        if ((graph.edgeFlags[a]! & EDGE_ROUNDABOUT) === 0 && graph.edgeTarget[a] === entry && graph.edgeCost[a]! >= 0 && graph.edgeLength[a]! > 40) approach = a;
      }
      if (approach < 0) continue;
      const a0 = graph.pointOffset[approach]!;
      const from: [number, number] = [(graph.pointLon[a0]! + graph.pointLon[a0 + 1]!) / 2, (graph.pointLat[a0]! + graph.pointLat[a0 + 1]!) / 2];
      const t = graph.edgeTarget[e]!;
      try {
        const r = route(graph, from, [graph.vertexLon[t]!, graph.vertexLat[t]!]);
        if (r.edgeIds.includes(graph.edgeDbId[e]!)) {
          expect(r.steps.map((s) => s.maneuver)).toContain('roundabout');
          announced++;
        }
      } catch {
        continue;
      }
    }
    expect(announced).toBe(3);
  });
});
