import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@dispatch/db/testDatabase';
import { importRoads, type ImportReport } from '../import/importRoads';
import { pgrDijkstraCostToTarget } from './pgrReference';
import { isReachable, rankToTarget } from './rankToTarget';
import { roadDataFile, roadDataSuite } from './roadData';
import { loadRoadGraph, type RoadGraph } from './roadGraph';
import { route } from './route';
import { snapToRoad, snapWithPostgis, TooFarFromRoadError, type RoadSnap } from './snap';
import { seededRandom, vertexSnap } from './testGraphs';

const file = roadDataFile('shanghai_center.osm.pbf');

function largestComponentVertices(graph: RoadGraph): number[] {
  const size = new Map<number, number>();
  for (const c of graph.vertexComponent) size.set(c, (size.get(c) ?? 0) + 1);
  const biggest = [...size.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  return [...graph.vertexComponent.keys()].filter((v) => graph.vertexComponent[v] === biggest);
}

describe.skipIf(!file)(roadDataSuite('routing on the real Shanghai centre network', 'shanghai_center.osm.pbf'), () => {
  let database: TestDatabase;
  let report: ImportReport;
  let graph: RoadGraph;
  const random = seededRandom(20250801);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;

  beforeAll(async () => {
    database = await createTestDatabase();
    report = await importRoads(database.db, { file: file!, region: 'shanghai' });
    graph = await loadRoadGraph(database.db, 'shanghai');
  });
  afterAll(() => database?.drop());

  it('loads every imported edge and vertex into the in-memory graph', () => {
    expect(graph.edgeCount).toBe(report.edges);
    expect(graph.vertexCount).toBe(report.vertices);
    expect(graph.networkId).toBe(report.networkId);
    // Both adjacencies hold one arc per drivable direction of every edge.
    let directions = 0;
    for (let e = 0; e < graph.edgeCount; e++) directions += (graph.edgeCost[e]! >= 0 ? 1 : 0) + (graph.edgeReverseCost[e]! >= 0 ? 1 : 0);
    expect(graph.forward.head.length).toBe(directions);
    expect(graph.reverse.head.length).toBe(directions);
  });

  it('ranks with exactly the travel times of pgr_dijkstraCost, vertex to vertex, on sampled pairs', async () => {
    const vertices = [...graph.vertexComponent.keys()];
    for (let round = 0; round < 4; round++) {
      const target = pick(vertices);
      const sources = Array.from({ length: 60 }, () => pick(vertices));
      const ranking = rankToTarget(
        graph,
        [graph.vertexLon[target]!, graph.vertexLat[target]!],
        sources.map((v) => ({ id: String(v), lonLat: [graph.vertexLon[v]!, graph.vertexLat[v]!] as [number, number], snap: vertexSnap(graph, v) })),
        { targetSnap: vertexSnap(graph, target) },
      );
      const reference = await pgrDijkstraCostToTarget(
        database.db,
        graph.networkId,
        sources.map((v) => graph.vertexDbId[v]!),
        graph.vertexDbId[target]!,
      );
      let compared = 0;
      for (const result of ranking.results) {
        const dbId = graph.vertexDbId[Number(result.id)]!;
        const expected = dbId === graph.vertexDbId[target] ? 0 : reference.get(dbId);
        if (expected === undefined) {
          expect(result).toMatchObject({ unreachable: 'no_path' });
        } else {
          expect(isReachable(result) && Math.abs(result.etaSeconds - expected)).toBeLessThan(1e-6);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(30);
    }
  });

  it('routes around a oneway street instead of driving it the wrong way', () => {
    const main = new Set(largestComponentVertices(graph));
    let checked = 0;
    for (let e = 0; e < graph.edgeCount && checked < 5; e++) {
      if (!(graph.edgeCost[e]! >= 0 && graph.edgeReverseCost[e]! < 0)) continue;
      const s = graph.edgeSource[e]!;
      const t = graph.edgeTarget[e]!;
      if (!main.has(s) || graph.edgeLength[e]! < 50 || random() < 0.7) continue;
      // From just after the oneway's end back to just before its start: the wrong way.
      const r = route(graph, [graph.vertexLon[t]!, graph.vertexLat[t]!], [graph.vertexLon[s]!, graph.vertexLat[s]!]);
      expect(r.edgeIds).not.toContain(graph.edgeDbId[e]);
      expect(r.distanceM).toBeGreaterThan(graph.edgeLength[e]!);
      // And the right way it is driven, straight along it.
      const along = route(graph, [graph.vertexLon[s]!, graph.vertexLat[s]!], [graph.vertexLon[t]!, graph.vertexLat[t]!]);
      expect(along.durationS).toBeLessThanOrEqual(graph.edgeCost[e]! + 1e-9);
      checked++;
    }
    expect(checked).toBe(5);
  });

  it('gives routes whose time equals the ranking ETA, with named streets and a geometry from point to point', () => {
    // Points up to ~150 m off random vertices: the extract's bbox has large areas without roads.
    const near = (): [number, number] => {
      const v = Math.floor(random() * graph.vertexCount);
      return [graph.vertexLon[v]! + (random() - 0.5) * 0.003, graph.vertexLat[v]! + (random() - 0.5) * 0.003];
    };
    let routed = 0;
    const outcomes: string[] = [];
    for (let i = 0; i < 20; i++) {
      const from = near();
      const to = near();
      let ranking;
      try {
        ranking = rankToTarget(graph, to, [{ id: 'v', lonLat: from }]);
      } catch (error) {
        expect(error).toBeInstanceOf(TooFarFromRoadError);
        outcomes.push('far');
        continue;
      }
      const result = ranking.results[0]!;
      outcomes.push(isReachable(result) ? 'ok' : result.unreachable);
      if (!isReachable(result)) continue;
      const r = route(graph, from, to);
      expect(r.durationS).toBeCloseTo(result.etaSeconds, 6);
      expect(r.distanceM).toBeCloseTo(result.distanceM, 3);
      expect(r.geometry.coordinates[0]).toEqual(snapToRoad(graph, from).snappedLonLat);
      expect(r.steps[0]!.maneuver).toBe('depart');
      expect(r.steps[r.steps.length - 1]!.maneuver).toBe('arrive');
      expect(r.steps.some((s) => s.streetName !== null)).toBe(true);
      routed++;
    }
    expect(routed, outcomes.join()).toBeGreaterThan(10);
  });

  it('refuses a point far from any road, saying how far it is', () => {
    // 3 km west of the extract's western edge.
    const outside: [number, number] = [graph.bbox[0] - 0.03, (graph.bbox[1] + graph.bbox[3]) / 2];
    expect(() => snapToRoad(graph, outside)).toThrowError(TooFarFromRoadError);
    expect(() => snapToRoad(graph, outside)).toThrowError(/is \d+ m from the nearest road, more than the limit of 500 m/);
    try {
      snapToRoad(graph, outside);
    } catch (error) {
      expect((error as TooFarFromRoadError).distanceM).toBeGreaterThan(2500);
    }
  });

  it('snaps like PostGIS (KNN and ST_LineLocatePoint): same edge, position and distance', async () => {
    const [minX, minY, maxX, maxY] = graph.bbox;
    let compared = 0;
    for (let i = 0; i < 80; i++) {
      const point: [number, number] = [minX + random() * (maxX - minX), minY + random() * (maxY - minY)];
      const mine = trySnap(graph, point);
      const reference = await snapWithPostgis(database.db, graph.networkId, point);
      if (!mine || !reference) {
        expect(mine === null && reference === null, `${point}: ${JSON.stringify({ mine, reference })}`).toBe(true);
        continue;
      }
      expect(Math.abs(mine.snapDistanceM - reference.snapDistanceM)).toBeLessThan(0.05 + reference.snapDistanceM * 5e-4);
      // Two edges equally near (a shared vertex, a dual carriageway) may be chosen either way: then only the
      // distance must agree.
      if (graph.edgeDbId[mine.edgeIndex] !== reference.edgeId) continue;
      const context = JSON.stringify({ point, mine, reference, lengthM: graph.edgeLength[mine.edgeIndex] });
      // UTM's scale factor (about 0.9999 here) against the local plane: a few decimetres per kilometre of edge.
      const lengthM = graph.edgeLength[mine.edgeIndex]!;
      expect(Math.abs(mine.fraction - reference.fraction) * lengthM, context).toBeLessThan(0.5 + lengthM * 5e-4);
      const dx = (mine.snappedLonLat[0] - reference.snappedLonLat[0]) * 95_000;
      const dy = (mine.snappedLonLat[1] - reference.snappedLonLat[1]) * 111_000;
      expect(Math.hypot(dx, dy), context).toBeLessThan(0.1 + reference.snapDistanceM * 5e-4);
      compared++;
    }
    expect(compared).toBeGreaterThan(40);
  });

  it('bounds the search: every ETA is within the limit and pgRouting confirms the ones beyond it', async () => {
    const vertices = [...graph.vertexComponent.keys()];
    const target = pick(largestComponentVertices(graph));
    const sources = Array.from({ length: 100 }, () => pick(vertices));
    const ranking = rankToTarget(
      graph,
      [0, 0],
      sources.map((v) => ({ id: String(v), lonLat: [0, 0] as [number, number], snap: vertexSnap(graph, v) })),
      { targetSnap: vertexSnap(graph, target), maxSeconds: 180 },
    );
    const reference = await pgrDijkstraCostToTarget(database.db, graph.networkId, sources.map((v) => graph.vertexDbId[v]!), graph.vertexDbId[target]!);
    const beyond = ranking.results.filter((r) => !isReachable(r) && r.unreachable === 'beyond_time_limit');
    expect(beyond.length).toBeGreaterThan(10);
    for (const r of ranking.results) {
      const expected = reference.get(graph.vertexDbId[Number(r.id)]!) ?? (Number(r.id) === target ? 0 : Infinity);
      if (isReachable(r)) expect(r.etaSeconds).toBeLessThanOrEqual(180);
      else expect(expected).toBeGreaterThan(180);
    }
  });
});

function trySnap(graph: RoadGraph, point: [number, number]): RoadSnap | null {
  try {
    return snapToRoad(graph, point);
  } catch (error) {
    if (error instanceof TooFarFromRoadError) return null;
    throw error;
  }
}
