import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attachHierarchy, buildHierarchySync } from './contractionHierarchy';
import { etasToTargetByGroup, groupSelectionRestarts, groupSelections, refreshGroupSelections, type SourceGroup } from './fleetGroups';
import { attachLandmarks, buildLandmarks, LandmarkAggregates } from './landmarks';
import { secondsAtLeast, planeOf } from './lowerBounds';
import { etasToTarget, REACHABLE, type EtaColumns } from './rankToTarget';
import type { RoadGraph } from './roadGraph';
import { snapToRoad, trySnapToRoad, type RoadSnap } from './snap';
import { at, graphOf, randomGrid, seededRandom } from './testGraphs';

const columns = (count: number): EtaColumns => ({ seconds: new Float64Array(count), metres: new Float64Array(count), reason: new Uint8Array(count) });

const SIZE = 48;
const specs = randomGrid(SIZE, 14);
const graph = graphOf(specs);
const ch = buildHierarchySync(graph);
attachHierarchy(ch);

/** A position on a random edge near (x, y) (within `spread` grid steps), or now and then none (far from any road). */
function placer(random: () => number) {
  return (x: number, y: number, spread: number): RoadSnap | null => {
    if (random() < 0.03) return trySnapToRoad(graph, at(500, 500));
    const px = Math.min(SIZE - 1, Math.max(0, x + (random() - 0.5) * 2 * spread));
    const py = Math.min(SIZE - 1, Math.max(0, y + (random() - 0.5) * 2 * spread));
    return trySnapToRoad(graph, at(px, py));
  };
}

/** The straight-line bound (lowerBounds.ts) for sources on these snaps: the plane box of their edges' ends. */
function lineBound(g: RoadGraph, snaps: readonly (RoadSnap | null)[], targetEdge: number): number {
  const { shrink } = planeOf(g);
  const ends = snaps.flatMap((snap) => (snap ? [g.edgeSource[snap.edgeIndex]!, g.edgeTarget[snap.edgeIndex]!] : []));
  const xs = ends.map((v) => g.vertexLon[v]! * shrink);
  const ys = ends.map((v) => g.vertexLat[v]!);
  return secondsAtLeast(g, targetEdge, Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys));
}

/**
 * Calls alternating centres while vehicles move, each ranked by group and as one whole fleet: the own centre's every
 * answer and the others' nearest few must agree. Returns how many calls left a centre unsearched, and centres searched.
 */
function checkGroupedAnswers() {
  let pruned = 0;
  let calls = 0;
  let searched = 0;
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 2, max: 7 }), fc.integer({ min: 1, max: 4 }), (seed, centreCount, nearest) => {
      const random = seededRandom(seed);
      const place = placer(random);
      // Each centre's vehicles around its own middle, some straying far (the boxes then overlap).
      const middles = Array.from({ length: centreCount }, () => [random() * SIZE, random() * SIZE] as const);
      const fleets = middles.map(([x, y]) => Array.from({ length: 3 + Math.floor(random() * 12) }, () => (random() < 0.1 ? place(random() * SIZE, random() * SIZE, 1) : place(x, y, 5))));
      const stations = middles.map(([x, y]) => Array.from({ length: 1 + Math.floor(random() * 2) }, () => place(x, y, 3)));
      for (let round = 0; round < 12; round++) {
        // A few vehicles move (a few metres or to another road); the call falls in a random centre.
        for (let k = 0; k < 3; k++) {
          const c = Math.floor(random() * centreCount);
          const fleet = fleets[c]!;
          fleet[Math.floor(random() * fleet.length)] = place(middles[c]![0], middles[c]![1], 5);
        }
        const own = Math.floor(random() * centreCount);
        // The server's layout: the other centres' vehicles by centre, then the own centre's vehicles and its stations.
        const snaps: (RoadSnap | null)[] = [];
        const others: SourceGroup[] = [];
        // Not every vehicle is searched at every call (busy, lacking a capability the call needs): a random part of each fleet.
        const listed = fleets.map((fleet) => fleet.filter(() => random() < 0.8));
        for (let c = 0; c < centreCount; c++) {
          if (c === own) continue;
          others.push({ key: `centre-${c}`, start: snaps.length, end: snaps.length + listed[c]!.length });
          snaps.push(...listed[c]!);
        }
        const ownGroup = { key: `centre-${own}`, start: snaps.length, end: 0 };
        snaps.push(...listed[own]!, ...stations[own]!);
        ownGroup.end = snaps.length;
        const s = specs[Math.floor(random() * specs.length)]!;
        const target = snapToRoad(graph, at(s.from[0] + (s.to[0] - s.from[0]) * random(), s.from[1] + (s.to[1] - s.from[1]) * random()));
        const maxSeconds = random() < 0.2 ? 100 + random() * 400 : Infinity;

        const whole = columns(snaps.length);
        etasToTarget(graph, target, snaps, snaps.length, whole, { maxSeconds });
        const grouped = columns(snaps.length);
        const answer = etasToTargetByGroup(graph, target, snaps, { own: ownGroup, others, nearest }, grouped, { maxSeconds });
        calls++;
        if (answer.othersSearched < others.length) pruned++;
        searched += answer.othersSearched;

        for (let i = ownGroup.start; i < ownGroup.end; i++) {
          expect(grouped.reason[i], `own source ${i}`).toBe(whole.reason[i]);
          if (whole.reason[i] === REACHABLE) expect([grouped.seconds[i], grouped.metres[i]]).toEqual([whole.seconds[i], whole.metres[i]]);
        }
        // Every other centre's source searched: the whole search's answer; the nearest `nearest` of them: the same sources.
        const nearestOf = (cols: EtaColumns) => {
          const found: [number, number, number][] = [];
          for (const g of others) for (let i = g.start; i < g.end; i++) if (cols.reason[i] === REACHABLE) found.push([cols.seconds[i]!, i, cols.metres[i]!]);
          return found.sort((a, b) => a[0] - b[0] || a[1] - b[1]).slice(0, nearest);
        };
        for (const g of others) {
          for (let i = g.start; i < g.end; i++) {
            if (grouped.reason[i] === REACHABLE) expect([grouped.seconds[i], grouped.metres[i]]).toEqual([whole.seconds[i], whole.metres[i]]);
          }
        }
        expect(nearestOf(grouped)).toEqual(nearestOf(whole));
      }
    }),
    { numRuns: 60, seed: 20261203 },
  );
  return { pruned, calls, searched };
}

describe('a fleet ranked by dispatch centre (fleetGroups)', () => {
  it('gives the whole-fleet search\'s answers to the bit: every one of the own centre\'s, and the same nearest few of the others, as vehicles move and calls alternate centres', () => {
    const { pruned, calls } = checkGroupedAnswers();
    // The bound left some centres unsearched (else the test would not check it).
    expect(pruned).toBeGreaterThan(calls / 10);
  });

  it('keeps a selection per centre: calls alternating between two centres restart neither, and an overgrown one is started afresh between calls', () => {
    const random = seededRandom(5);
    const place = placer(random);
    const a = Array.from({ length: 30 }, () => place(10, 10, 6));
    const b = Array.from({ length: 30 }, () => place(38, 38, 6));
    const searchOf = (own: 'a' | 'b') =>
      own === 'a'
        ? { own: { key: 'alt-a', start: 30, end: 60 }, others: [{ key: 'alt-b', start: 0, end: 30 }], nearest: 3 }
        : { own: { key: 'alt-b', start: 30, end: 60 }, others: [{ key: 'alt-a', start: 0, end: 30 }], nearest: 3 };
    const target = snapToRoad(graph, at(24, 24));
    const kept: string[] = [];
    for (let round = 0; round < 20; round++) {
      const own = round % 2 ? 'b' : 'a';
      const snaps = own === 'a' ? [...b, ...a] : [...a, ...b];
      etasToTargetByGroup(graph, target, snaps, searchOf(own), columns(60));
      const stats = groupSelections(graph);
      if (round >= 2) kept.push(JSON.stringify([stats.get('alt-a'), stats.get('alt-b')]));
    }
    // Each centre's selection neither renumbered nor grown once both have been ranked (nothing moved).
    expect(new Set(kept).size).toBe(1);
    // Many moves grow centre a's selection past its allowance: refreshed between calls, with the same answers after.
    const growth = ch.selectionGrowth;
    ch.selectionGrowth = { factor: 1.05, slack: 0 };
    try {
      let refreshed = 0;
      for (let round = 0; round < 30; round++) {
        for (let k = 0; k < 6; k++) a[Math.floor(random() * a.length)] = place(random() * SIZE, random() * SIZE, 1);
        const snaps = [...b, ...a];
        if (groupSelectionRestarts(graph, searchOf('a'))) {
          refreshed += refreshGroupSelections(graph, snaps, searchOf('a'));
          expect(groupSelectionRestarts(graph, searchOf('a'))).toBe(false);
        }
        const grouped = columns(60);
        etasToTargetByGroup(graph, target, snaps, searchOf('a'), grouped);
        const whole = columns(60);
        etasToTarget(graph, target, snaps, 60, whole);
        for (let i = 30; i < 60; i++) {
          expect(grouped.reason[i]).toBe(whole.reason[i]);
          if (whole.reason[i] === REACHABLE) expect(grouped.seconds[i]).toBe(whole.seconds[i]);
        }
      }
      expect(refreshed).toBeGreaterThan(0);
    } finally {
      ch.selectionGrowth = growth;
    }
  });

  it('bounds every ETA from below: no source is nearer than the straight line from its edge ends at the graph\'s top speed', () => {
    const random = seededRandom(9);
    for (let round = 0; round < 40; round++) {
      const sources = Array.from({ length: 50 }, () => trySnapToRoad(graph, at(random() * SIZE, random() * SIZE)));
      const s = specs[Math.floor(random() * specs.length)]!;
      const target = snapToRoad(graph, at(...s.to));
      const out = columns(50);
      etasToTarget(graph, target, sources, 50, out, { method: 'plain' });
      for (let i = 0; i < 50; i++) {
        const snap = sources[i];
        if (!snap || out.reason[i] !== REACHABLE) continue;
        expect(lineBound(graph, [snap], target.edgeIndex)).toBeLessThanOrEqual(out.seconds[i]!);
      }
    }
    // A straight road at one speed: the bound is the ETA itself (less the rounding margin), so any looser proof fails here.
    const line = graphOf(Array.from({ length: 20 }, (_, x) => ({ from: [x, 0] as [number, number], to: [x + 1, 0] as [number, number], cost: 10, reverseCost: 10, lengthM: 110 })), 'line');
    for (let x = 0; x <= 20; x++) {
      const out = columns(1);
      const target = snapToRoad(line, at(0, 0));
      const source = snapToRoad(line, at(x, 0));
      etasToTarget(line, target, [source], 1, out, { method: 'plain' });
      const bound = lineBound(line, [source], target.edgeIndex);
      expect(bound).toBeLessThanOrEqual(out.seconds[0]!);
      // Short of it by the part of the source's edge and of the target's at most (10 s each).
      expect(bound).toBeGreaterThanOrEqual(out.seconds[0]! - 20 - 1e-6);
    }
  });
  // Last: the landmarks stay attached to the file's hierarchy from here on.
  it('with landmarks: the same answers with fewer centres searched, and no landmark bound above a real ETA', async () => {
    const without = checkGroupedAnswers();
    const landmarks = await buildLandmarks(ch);
    expect(landmarks.vertices.length).toBe(8);
    attachLandmarks(ch, landmarks);
    const withLandmarks = checkGroupedAnswers();
    expect(withLandmarks.calls).toBe(without.calls);
    expect(withLandmarks.searched).toBeLessThan(without.searched);

    const random = seededRandom(11);
    let landmarkSum = 0;
    let lineSum = 0;
    for (let round = 0; round < 60; round++) {
      const size = 1 + Math.floor(random() * 6);
      const sources = Array.from({ length: size }, () => trySnapToRoad(graph, at(random() * SIZE, random() * SIZE)));
      const s = specs[Math.floor(random() * specs.length)]!;
      const target = snapToRoad(graph, at(...s.to));
      const out = columns(size);
      etasToTarget(graph, target, sources, size, out, { method: 'plain' });
      let nearest = Infinity;
      for (let i = 0; i < size; i++) if (out.reason[i] === REACHABLE) nearest = Math.min(nearest, out.seconds[i]!);
      const aggregates = new LandmarkAggregates(landmarks);
      aggregates.update(ch, Int32Array.from(sources, (snap) => snap?.edgeIndex ?? -1), size);
      const bound = aggregates.secondsAtLeast(ch, target.edgeIndex);
      expect(bound, `round ${round}`).toBeLessThanOrEqual(nearest);
      if (nearest < Infinity) {
        landmarkSum += bound;
        lineSum += lineBound(graph, sources, target.edgeIndex);
      }
    }
    // Tighter than the straight line on the whole (what lets a province's ranking skip centres).
    expect(landmarkSum).toBeGreaterThan(lineSum);
  });
});
