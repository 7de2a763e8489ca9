import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attachHierarchy, buildHierarchy, buildHierarchySync, hierarchyOf } from './contractionHierarchy';
import { isReachable, rankToTarget, type RankResult } from './rankToTarget';
import { rankFromSource } from './rankFromSource';
import { allPairs, at, graphOf, randomGrid, seededRandom, type EdgeSpec } from './testGraphs';

/** Float sums in another order: the same seconds to far below a microsecond. */
const SAME_SECONDS = 1e-9;

/** A random small network: any vertex pairs (parallel edges, self-loops, oneways both ways, zero costs). */
const arbitraryNetwork = fc
  .integer({ min: 2, max: 14 })
  .chain((size) =>
    fc.array(
      fc.record({
        from: fc.integer({ min: 0, max: size - 1 }),
        to: fc.integer({ min: 0, max: size - 1 }),
        cost: fc.oneof(fc.constant(-1), fc.constant(0), fc.double({ min: 0.5, max: 100, noNaN: true })),
        reverseCost: fc.oneof(fc.constant(-1), fc.double({ min: 0.5, max: 100, noNaN: true })),
      }),
      { minLength: 1, maxLength: 40 },
    ),
  )
  .map((edges): EdgeSpec[] =>
    edges.map((e) => ({
      // Vertices on a ring of grid positions; `via` keeps a self-loop's geometry at least two positions long.
      from: [e.from % 5, Math.floor(e.from / 5)],
      to: [e.to % 5, Math.floor(e.to / 5)],
      via: e.from === e.to ? [[e.from % 5, Math.floor(e.from / 5) + 7]] : undefined,
      cost: e.cost,
      reverseCost: e.reverseCost,
      lengthM: Math.abs(e.cost) * 9 + 1,
    })),
  );

function expectSameRanking(plain: RankResult[], fast: RankResult[]): void {
  const byId = new Map(fast.map((r) => [r.id, r]));
  for (const p of plain) {
    const h = byId.get(p.id)!;
    expect(isReachable(h), `reachability of ${p.id}`).toBe(isReachable(p));
    if (isReachable(p) && isReachable(h)) expect(Math.abs(h.etaSeconds - p.etaSeconds)).toBeLessThanOrEqual(SAME_SECONDS * Math.max(1, p.etaSeconds));
  }
}

describe('contraction hierarchy with a PHAST sweep', () => {
  it('gives the Dijkstra (all-pairs) time between every pair of vertices of random small networks', () => {
    fc.assert(
      fc.property(arbitraryNetwork, (specs) => {
        const graph = graphOf(specs);
        const ch = buildHierarchySync(graph, 3);
        const reference = allPairs(specs);
        for (let t = 0; t < graph.vertexCount; t++) {
          ch.toTarget(t, 0, 0, t, Infinity, 0);
          const j = reference.index.get(graph.vertexDbId[t]!)!;
          for (let s = 0; s < graph.vertexCount; s++) {
            const expected = reference.time[reference.index.get(graph.vertexDbId[s]!)!]![j]!;
            const got = ch.timeAt(s);
            if (expected === Infinity) expect(got).toBe(Infinity);
            else expect(Math.abs(got - expected)).toBeLessThanOrEqual(SAME_SECONDS * Math.max(1, expected));
          }
          ch.fromSource(t, 0, 0, t, Infinity, 0);
          for (let s = 0; s < graph.vertexCount; s++) {
            const expected = reference.time[j]![reference.index.get(graph.vertexDbId[s]!)!]!;
            const got = ch.timeAt(s);
            if (expected === Infinity) expect(got).toBe(Infinity);
            else expect(Math.abs(got - expected)).toBeLessThanOrEqual(SAME_SECONDS * Math.max(1, expected));
          }
        }
      }),
      { numRuns: 300, seed: 1202 },
    );
  });

  it('ranks mid-edge sources to a mid-edge target exactly as the plain search does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (seed, fraction) => {
        const specs = randomGrid(6, seed);
        if (specs.length === 0) return;
        const graph = graphOf(specs);
        attachHierarchy(buildHierarchySync(graph));
        const positions = specs.map((s, i) => ({ id: `s${i}`, lonLat: at(s.from[0] + (s.to[0] - s.from[0]) * fraction, s.from[1] + (s.to[1] - s.from[1]) * fraction) }));
        for (const target of positions.slice(0, 6)) {
          const plain = rankToTarget(graph, target.lonLat, positions, { method: 'plain' });
          const fast = rankToTarget(graph, target.lonLat, positions);
          expectSameRanking(plain.results, fast.results);
          expectSameRanking(rankFromSource(graph, target.lonLat, positions, { method: 'plain' }).results, rankFromSource(graph, target.lonLat, positions).results);
        }
      }),
      { numRuns: 60, seed: 77 },
    );
  });

  it('ranks a fleet that moves between rankings exactly as the plain search does (the sweep grows with the fleet)', () => {
    const specs = randomGrid(14, 11);
    const graph = graphOf(specs);
    attachHierarchy(buildHierarchySync(graph));
    const random = seededRandom(5);
    const somewhere = () => {
      const s = specs[Math.floor(random() * specs.length)]!;
      const f = random();
      return at(s.from[0] + (s.to[0] - s.from[0]) * f, s.from[1] + (s.to[1] - s.from[1]) * f);
    };
    const fleet = Array.from({ length: 25 }, (_, i) => ({ id: `v${i}`, lonLat: somewhere() }));
    for (let round = 0; round < 40; round++) {
      for (let k = 0; k < 3; k++) fleet[Math.floor(random() * fleet.length)]!.lonLat = somewhere();
      const place = somewhere();
      expectSameRanking(rankToTarget(graph, place, fleet, { method: 'plain' }).results, rankToTarget(graph, place, fleet).results);
      expectSameRanking(rankFromSource(graph, place, fleet, { method: 'plain' }).results, rankFromSource(graph, place, fleet).results);
    }
  });

  it('keeps the time limit and the reasons of the plain search for sources it cannot reach', () => {
    const specs = randomGrid(7, 3);
    const graph = graphOf(specs);
    attachHierarchy(buildHierarchySync(graph));
    const sources = specs.map((s, i) => ({ id: `s${i}`, lonLat: at(...s.from) }));
    const target = at(...specs[0]!.to);
    const fast = rankToTarget(graph, target, sources, { maxSeconds: 60 });
    const plain = rankToTarget(graph, target, sources, { maxSeconds: 60, method: 'plain' });
    expectSameRanking(plain.results, fast.results);
    expect(fast.results.some((r) => !isReachable(r) && r.unreachable === 'beyond_time_limit')).toBe(true);
    for (const r of fast.results) if (isReachable(r)) expect(r.etaSeconds).toBeLessThanOrEqual(60);
  });

  it('builds the same hierarchy in slices as in one call: the same ranks and the same upward arcs, bit for bit', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const graph = graphOf(randomGrid(12 + seed * 3, 40 + seed));
      const whole = buildHierarchySync(graph);
      // Slices of 0.01 ms: nearly every step of the build returns and resumes.
      const sliced = await buildHierarchy(graph, { sliceMs: 0.01 });
      expect(sliced.stats.slices).toBeGreaterThan(10);
      expect(sliced.stats.shortcuts).toBe(whole.stats.shortcuts);
      expect(sliced.rank).toEqual(whole.rank);
      expect(sliced.order).toEqual(whole.order);
      for (const side of ['forwardUp', 'backwardUp'] as const) {
        for (const field of ['offsets', 'head', 'weight', 'length'] as const) expect(sliced[side][field], `${side}.${field}`).toEqual(whole[side][field]);
      }
    }
  });

  it('builds in slices that give the event loop a turn, and can be abandoned', async () => {
    const graph = graphOf(randomGrid(30, 5));
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const ch = await buildHierarchy(graph, { sliceMs: 0.2 });
    clearInterval(ticker);
    expect(ch.stats.slices).toBeGreaterThan(1);
    expect(turns).toBeGreaterThan(0);
    // Built is not yet in use: the caller attaches it (the registry does, for the graph it still serves).
    expect(hierarchyOf(graph)).toBeNull();
    const abort = new AbortController();
    abort.abort(new Error('replaced'));
    await expect(buildHierarchy(graph, { signal: abort.signal })).rejects.toThrow('replaced');
  });
  it('answers a whole-graph query in slices with the times of the query in one go, while rankings use the hierarchy meanwhile', async () => {
    const graph = graphOf(randomGrid(60, 8));
    const ch = buildHierarchySync(graph);
    const random = seededRandom(3);
    for (const direction of ['fromSource', 'toTarget'] as const) {
      const v = Math.floor(random() * graph.vertexCount);
      let turns = 0;
      let ticking = true;
      const tick = () => {
        if (!ticking) return;
        turns++;
        // Another query in between uses the shared arrays: the sliced one keeps its own.
        ch.toTarget(0, 0, 0, 0, 0, 0);
        setImmediate(tick);
      };
      setImmediate(tick);
      const sliced = await ch.wholeQuerySliced(direction, v, { sliceMs: 0 });
      ticking = false;
      expect(turns).toBeGreaterThan(1);
      if (direction === 'fromSource') ch.fromSource(v, 0, 0, v, 0, 0);
      else ch.toTarget(v, 0, 0, v, 0, 0);
      expect(Array.from(sliced)).toEqual(Array.from(ch.time));
    }
  });
});
