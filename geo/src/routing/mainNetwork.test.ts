import { describe, expect, it } from 'vitest';
import { isReachable, rankToTarget } from './rankToTarget';
import { route } from './route';
import { toMainNetwork, trySnapToRoad } from './snap';
import { at, graphOf, type EdgeSpec } from './testGraphs';

// A two-way square (the main network) with two one-way stubs off its corner (0,0): a sink one can drive into
// and never leave, and a source one can leave and never enter.
const square: EdgeSpec[] = [
  { from: [0, 0], to: [4, 0], cost: 40, reverseCost: 40 },
  { from: [4, 0], to: [4, 4], cost: 40, reverseCost: 40 },
  { from: [4, 4], to: [0, 4], cost: 40, reverseCost: 40 },
  { from: [0, 4], to: [0, 0], cost: 40, reverseCost: 40 },
  { from: [0, 0], to: [-3, 0], cost: 30, reverseCost: -1, name: 'Sink' },
  { from: [0, -3], to: [0, 0], cost: 30, reverseCost: -1, name: 'Source' },
];

describe('the largest strongly connected component and the fallback onto it', () => {
  const graph = graphOf(square);

  it('finds the main network and leaves the one-way sink and source out of it', () => {
    expect(graph.mainVertexCount).toBe(4);
    expect([0, 1, 2, 3].every((e) => graph.isMainEdge(e))).toBe(true);
    expect(graph.isMainEdge(4)).toBe(false);
    expect(graph.isMainEdge(5)).toBe(false);
  });

  it('moves a point on a cut-off piece to the nearest point of the main network, with the extra metres', () => {
    const point = at(-2, 0.1);
    const nearest = trySnapToRoad(graph, point)!;
    expect(graph.nameOf(nearest.edgeIndex)).toBe('Sink');
    const main = toMainNetwork(graph, point, nearest)!;
    expect(graph.isMainEdge(main.edgeIndex)).toBe(true);
    expect(main.snapDistanceM).toBeGreaterThan(nearest.snapDistanceM);
    expect(main.fallbackExtraM).toBeCloseTo(main.snapDistanceM - nearest.snapDistanceM, 9);
    // An ordinary snap stays as it is, and so does no snap at all.
    const onMain = trySnapToRoad(graph, at(2, 0.1))!;
    expect(toMainNetwork(graph, at(2, 0.1), onMain)).toBe(onMain);
    expect(toMainNetwork(graph, at(2, 0.1), null)).toBeNull();
  });

  it('turns an empty ranking into one: a call on the source stub and a vehicle in the sink', () => {
    const call = at(0.1, -2);
    const vehicles = [{ id: 'sunk', lonLat: at(-2, 0.1) }, { id: 'far', lonLat: at(4, 3.9) }];
    const without = rankToTarget(graph, call, vehicles);
    expect(without.results.filter(isReachable)).toEqual([]);

    const placed = (lonLat: [number, number]) => toMainNetwork(graph, lonLat, trySnapToRoad(graph, lonLat))!;
    const withFallback = rankToTarget(graph, call, vehicles.map((v) => ({ ...v, snap: placed(v.lonLat) })), { targetSnap: placed(call) });
    expect(withFallback.target.fallbackExtraM).toBeGreaterThan(0);
    const reachable = withFallback.results.filter(isReachable);
    expect(reachable.map((r) => r.id)).toEqual(['sunk', 'far']);
    expect(reachable[0]!.fallbackExtraM).toBeGreaterThan(0);
    expect(reachable[1]!.fallbackExtraM).toBeUndefined();
    // The crew's route starts and ends where the ETA was measured.
    expect(() => route(graph, at(-2, 0.1), call)).toThrow();
    expect(route(graph, at(-2, 0.1), call, { mainNetworkFallback: true }).durationS).toBeCloseTo(reachable[0]!.etaSeconds, 9);
  });
});
