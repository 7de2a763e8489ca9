import { describe, expect, it } from 'vitest';
import { rankFromSource } from './rankFromSource';
import { isReachable, rankToTarget, type RankResult } from './rankToTarget';
import { route } from './route';
import { TooFarFromRoadError } from './snap';
import { allPairs, at, graphOf, randomGrid, vertexId, type EdgeSpec } from './testGraphs';

function byId(results: RankResult[]): Map<string, RankResult> {
  return new Map(results.map((r) => [r.id, r]));
}

function eta(results: RankResult[], id: string): number {
  const r = byId(results).get(id);
  if (!r || !isReachable(r)) throw new Error(`${id} not reachable: ${JSON.stringify(r)}`);
  return r.etaSeconds;
}

// A -> B oneway (10 s), B <-> C (10 s), and the long way A <-> D <-> C (50 s each).
const triangle: EdgeSpec[] = [
  { from: [0, 0], to: [2, 0], cost: 10, reverseCost: -1, name: 'Oneway St' },
  { from: [2, 0], to: [4, 0], cost: 10, reverseCost: 10, name: 'Main St' },
  { from: [0, 0], to: [0, 4], cost: 50, reverseCost: 50, name: 'Long Rd' },
  { from: [0, 4], to: [4, 4], cost: 50, reverseCost: 50, name: 'Long Rd' },
  { from: [4, 4], to: [4, 0], cost: 50, reverseCost: 50, name: 'Long Rd' },
];

describe('rankToTarget on hand-made graphs', () => {
  it('follows a oneway in its direction and goes around it the other way', () => {
    const graph = graphOf(triangle);
    const toC = rankToTarget(graph, at(4, 0), [{ id: 'atA', lonLat: at(0, 0) }]);
    expect(eta(toC.results, 'atA')).toBeCloseTo(20, 9);
    const toA = rankToTarget(graph, at(0, 0), [{ id: 'atC', lonLat: at(4, 0) }]);
    expect(eta(toA.results, 'atC')).toBeCloseTo(150, 9);
  });

  it('counts only the drivable part of a oneway edge a vehicle stands on', () => {
    const graph = graphOf(triangle);
    // A quarter of the way along A -> B: it must drive on to B (7.5 s), not back to A.
    const ranking = rankToTarget(graph, at(0, 0), [{ id: 'onOneway', lonLat: at(0.5, 0) }]);
    expect(eta(ranking.results, 'onOneway')).toBeCloseTo(7.5 + 10 + 150, 6);
  });

  it('handles a source and a target on the same edge in both directions and against a oneway', () => {
    const graph = graphOf(triangle);
    // Main St is two-way: straight along the edge either way.
    expect(eta(rankToTarget(graph, at(3.5, 0), [{ id: 'v', lonLat: at(2.5, 0) }]).results, 'v')).toBeCloseTo(5, 6);
    expect(eta(rankToTarget(graph, at(2.5, 0), [{ id: 'v', lonLat: at(3.5, 0) }]).results, 'v')).toBeCloseTo(5, 6);
    // On the oneway, behind the target: straight on. Ahead of it: all the way round (B, C, long road, A, then 2.5 s).
    expect(eta(rankToTarget(graph, at(1.5, 0), [{ id: 'v', lonLat: at(0.5, 0) }]).results, 'v')).toBeCloseTo(5, 6);
    expect(eta(rankToTarget(graph, at(0.5, 0), [{ id: 'v', lonLat: at(1.5, 0) }]).results, 'v')).toBeCloseTo(2.5 + 10 + 150 + 2.5, 6);
  });

  it('reports the distance along the fastest path, not the shortest one', () => {
    // Two ways from S to T: fast and long (motorway) or slow and short.
    const specs: EdgeSpec[] = [
      { from: [0, 0], to: [5, 0], cost: 100, reverseCost: 100, lengthM: 500 },
      { from: [0, 0], to: [0, 3], cost: 20, reverseCost: 20, lengthM: 1200 },
      { from: [0, 3], to: [5, 0], cost: 20, reverseCost: 20, lengthM: 1200 },
    ];
    const r = byId(rankToTarget(graphOf(specs), at(5, 0), [{ id: 's', lonLat: at(0, 0) }]).results).get('s')!;
    expect(r).toMatchObject({ etaSeconds: 40, distanceM: 2400 });
  });

  it('sorts by ETA and reports sources off the road, in another component, and beyond the time limit', () => {
    const specs: EdgeSpec[] = [
      ...triangle,
      // An island: roads that touch nothing of the rest.
      { from: [10, 10], to: [12, 10], cost: 10, reverseCost: 10 },
    ];
    const graph = graphOf(specs);
    const ranking = rankToTarget(
      graph,
      at(4, 0),
      [
        { id: 'far', lonLat: at(0, 4) },
        { id: 'near', lonLat: at(2, 0) },
        { id: 'island', lonLat: at(11, 10) },
        { id: 'offroad', lonLat: at(30, 30) },
      ],
      { maxSeconds: 80 },
    );
    expect(ranking.results.map((r) => r.id)).toEqual(['near', 'far', 'island', 'offroad']);
    const results = byId(ranking.results);
    expect(results.get('near')).toMatchObject({ etaSeconds: 10 });
    expect(results.get('far')).toMatchObject({ etaSeconds: 70 }); // down the long road to A, then A -> B -> C
    expect(results.get('island')).toMatchObject({ unreachable: 'no_path' });
    expect(results.get('offroad')).toMatchObject({ unreachable: 'too_far_from_road', snapDistanceM: null });

    const bounded = byId(rankToTarget(graph, at(4, 0), [{ id: 'far', lonLat: at(0, 4) }, { id: 'near', lonLat: at(2, 0) }], { maxSeconds: 30 }).results);
    expect(bounded.get('far')).toMatchObject({ unreachable: 'beyond_time_limit' });
    expect(bounded.get('near')).toMatchObject({ etaSeconds: 10 });
  });

  it('tells no_path from beyond_time_limit when only a oneway separates them', () => {
    // X -> Y oneway and nothing leads back: Y can never reach X, although they are connected.
    const graph = graphOf([{ from: [0, 0], to: [3, 0], cost: 30, reverseCost: -1 }]);
    const r = byId(rankToTarget(graph, at(0, 0), [{ id: 'y', lonLat: at(3, 0) }]).results).get('y');
    expect(r).toMatchObject({ unreachable: 'no_path' });
  });

  it('refuses a target too far from any road with the distance in the message', () => {
    const graph = graphOf(triangle);
    const farTarget = at(4, 20); // about 1.8 km north of the nearest road
    expect(() => rankToTarget(graph, farTarget, [])).toThrowError(TooFarFromRoadError);
    expect(() => rankToTarget(graph, farTarget, [])).toThrowError(/target .* is 1[78]\d\d m from the nearest road, more than the limit of 500 m/);
  });

  it('uses a snap the caller cached instead of snapping again', () => {
    const graph = graphOf(triangle);
    const ranking = rankToTarget(graph, at(4, 0), [{ id: 'cached', lonLat: [0, 0], snap: { edgeIndex: 1, fraction: 0, snappedLonLat: at(2, 0), snapDistanceM: 3 } }]);
    expect(ranking.results[0]).toMatchObject({ id: 'cached', etaSeconds: 10, snapDistanceM: 3 });
  });

  it('gives the same times as an all-pairs reference and as forward routes on random oneway grids', () => {
    for (const seed of [1, 2, 3]) {
      const specs = randomGrid(7, seed);
      const graph = graphOf(specs);
      const reference = allPairs(specs);
      const positions = [...reference.index.keys()].map((id) => [Math.floor(id / 1000) - 100, (id % 1000) - 100] as [number, number]);
      for (const targetPos of positions.slice(0, 12)) {
        const ranking = rankToTarget(
          graph,
          at(...targetPos),
          positions.map((p) => ({ id: String(vertexId(p)), lonLat: at(...p) })),
        );
        const t = reference.index.get(vertexId(targetPos))!;
        for (const result of ranking.results) {
          const expected = reference.time[reference.index.get(Number(result.id))!]![t]!;
          if (expected === Infinity) {
            expect(result).toMatchObject({ unreachable: 'no_path' });
            continue;
          }
          expect(isReachable(result), `seed ${seed} ${result.id} → ${vertexId(targetPos)}`).toBe(true);
          if (!isReachable(result)) continue;
          expect(result.etaSeconds).toBeCloseTo(expected, 9);
          expect(result.distanceM).toBeCloseTo(reference.length[reference.index.get(Number(result.id))!]![t]!, 6);
        }
        // The forward search from a few sources agrees with the reversed one.
        for (const result of ranking.results.slice(0, 4)) {
          if (!isReachable(result)) continue;
          const id = Number(result.id);
          const r = route(graph, at(Math.floor(id / 1000) - 100, (id % 1000) - 100), at(...targetPos));
          expect(r.durationS).toBeCloseTo(result.etaSeconds, 9);
        }
      }
    }
  });

  it('stops early: a nearby ranking settles only part of the network', () => {
    const specs = randomGrid(12, 9).map((s) => ({ ...s, cost: Math.abs(s.cost) + 1, reverseCost: Math.abs(s.cost) + 1 }));
    const graph = graphOf(specs);
    const near = rankToTarget(graph, at(0, 0), [{ id: 'n', lonLat: at(1, 0) }]);
    const all = rankToTarget(graph, at(0, 0), [{ id: 'far', lonLat: at(11, 11) }]);
    expect(near.settledVertices).toBeLessThan(all.settledVertices / 4);
  });
});

describe('rankFromSource (one source, many targets) on hand-made graphs', () => {
  it('gives the forward times of the all-pairs reference, the mirror of rankToTarget', () => {
    for (const seed of [4, 5]) {
      const specs = randomGrid(7, seed);
      const graph = graphOf(specs);
      const reference = allPairs(specs);
      const positions = [...reference.index.keys()].map((id) => [Math.floor(id / 1000) - 100, (id % 1000) - 100] as [number, number]);
      for (const sourcePos of positions.slice(0, 8)) {
        const s = reference.index.get(vertexId(sourcePos))!;
        const ranking = rankFromSource(graph, at(...sourcePos), positions.map((p) => ({ id: String(vertexId(p)), lonLat: at(...p) })));
        for (const result of ranking.results) {
          const expected = reference.time[s]![reference.index.get(Number(result.id))!]!;
          if (expected === Infinity) expect(result).toMatchObject({ unreachable: 'no_path' });
          else expect(isReachable(result) && result.etaSeconds).toBeCloseTo(expected, 9);
        }
      }
    }
  });

  it('handles a target on the source edge against a oneway and reports beyond_time_limit', () => {
    const graph = graphOf(triangle);
    const ranking = rankFromSource(graph, at(0.5, 0), [
      { id: 'ahead', lonLat: at(1.5, 0) },
      { id: 'behind', lonLat: at(0.2, 0) },
      { id: 'far', lonLat: at(0, 4) },
    ], { maxSeconds: 120 });
    const results = byId(ranking.results);
    expect(eta(ranking.results, 'ahead')).toBeCloseTo(5, 6);
    // Behind on a oneway: on to B, C, round the long road to A, then 1 s along the oneway.
    expect(results.get('behind')).toMatchObject({ unreachable: 'beyond_time_limit' });
    expect(eta(rankFromSource(graph, at(0.5, 0), [{ id: 'behind', lonLat: at(0.2, 0) }]).results, 'behind')).toBeCloseTo(7.5 + 10 + 150 + 1, 6);
    expect(eta(ranking.results, 'far')).toBeCloseTo(7.5 + 10 + 50 + 50, 6);
  });
});
