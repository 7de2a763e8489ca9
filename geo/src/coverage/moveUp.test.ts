import { describe, expect, it } from 'vitest';
import { at, graphOf, seededRandom, type EdgeSpec } from '../routing/testGraphs';
import { bestPost, coverCounts, expectedCoverage, snapAll, suggestMoveUps, suggestMoveUpsSliced } from './moveUp';
import { reachOracle } from './reachOracle';
import { runSliced } from './slicedReach';

/**
 * A road of seven villages x = 0..6, 10 s apart both ways; the target time is 15 s, so a vehicle at x reaches
 * x−1, x and x+1. Posts: A at x = 1, B at x = 5. Demand d = [1, 2, 1, 2, 1, 3, 1], busy fraction q = 0.5.
 */
const specs: EdgeSpec[] = Array.from({ length: 6 }, (_, x) => ({ from: [x, 0], to: [x + 1, 0], cost: 10, reverseCost: 10 }));
const graph = graphOf(specs);
const demand = [1, 2, 1, 2, 1, 3, 1];
const villages = snapAll(graph, demand.map((_, x) => at(x, 0)));
const T = 15;
const posts = [
  { id: 'A', at: at(1, 0) },
  { id: 'B', at: at(5, 0) },
];
const postSnaps = snapAll(graph, posts.map((p) => p.at));
const place = (x: number) => reachOracle(graph, at(x, 0), villages, T, postSnaps, 3600);

describe('DMEXCLP move-up (hand-checked on a road of seven villages)', () => {
  it('finds which villages a place reaches within the target time by road, and its drive time to each post', () => {
    expect(place(1).reach).toEqual([0, 1, 2]);
    expect(place(2).reach).toEqual([1, 2, 3]);
    expect(place(2).secondsTo).toEqual([10, 30]);
  });

  it('computes the expected covered demand Σ d_i (1 − q^k_i)', () => {
    // V1 at x = 1, V2 at x = 2: k = [1, 2, 2, 1, 0, 0, 0] → 1·.5 + 2·.75 + 1·.75 + 2·.5 = 3.75.
    const counts = coverCounts(7, [place(1).reach, place(2).reach]);
    expect([...counts]).toEqual([1, 2, 2, 1, 0, 0, 0]);
    expect(expectedCoverage(demand, counts, 0.5)).toBeCloseTo(3.75, 12);
  });

  it('sends a vehicle that becomes free to the post with the largest marginal gain (the paper’s decision)', () => {
    // Another vehicle at x = 2: A adds 1·.5 + 2·.25 + 1·.25 = 1.25, B adds (1 + 3 + 1)·.5 = 2.5.
    const best = bestPost(demand, [place(2).reach], [place(1).reach, place(5).reach], 0.5);
    expect(best).toEqual({ post: 1, gain: 2.5 });
  });

  it('suggests the move that gains most, and none once nothing gains', () => {
    const vehicles = [
      { id: 'V1', reach: place(1).reach, secondsToPost: place(1).secondsTo },
      { id: 'V2', reach: place(2).reach, secondsToPost: place(2).secondsTo },
    ];
    const postReach = posts.map((p, i) => ({ id: p.id, reach: place(i === 0 ? 1 : 5).reach }));
    // V1 → B: loses 1·.5 + 2·.25 + 1·.25 = 1.25, gains 2.5: +1.25 (3.75 → 5.0).
    // V2 → B: loses 2·.25 + 1·.25 + 2·.5 = 1.75, gains 2.5: +0.75. Moves to A gain nothing or lose.
    const moves = suggestMoveUps(demand, vehicles, postReach, { q: 0.5, maxMoves: 2 });
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({ vehicleId: 'V1', postId: 'B', driveSeconds: 40 });
    expect(moves[0]!.before).toBeCloseTo(3.75, 12);
    expect(moves[0]!.after).toBeCloseTo(5.0, 12);
  });

  it('leaves out vehicles that may not move, moves longer than allowed and gains below the threshold', () => {
    const vehicles = [
      { id: 'V1', reach: place(1).reach, secondsToPost: place(1).secondsTo, movable: false },
      { id: 'V2', reach: place(2).reach, secondsToPost: place(2).secondsTo },
    ];
    const postReach = [{ id: 'A', reach: place(1).reach }, { id: 'B', reach: place(5).reach }];
    expect(suggestMoveUps(demand, vehicles, postReach, { q: 0.5 })[0]).toMatchObject({ vehicleId: 'V2', postId: 'B' });
    expect(suggestMoveUps(demand, vehicles, postReach, { q: 0.5, maxMoveSeconds: 25 })).toEqual([]);
    // 0.75 of a total demand of 11 is 6.8%: a 10% threshold keeps the vehicle where it is.
    expect(suggestMoveUps(demand, vehicles, postReach, { q: 0.5, minGainShare: 0.1 })).toEqual([]);
    expect(() => suggestMoveUps(demand, vehicles, postReach, { q: 1 })).toThrow(RangeError);
  });

  it('reports a tie of gains decided on drive times closer than their stated error (onUnsure)', () => {
    // V1 and V2 stand at the same place: moving either to B gains the same; V2's time is 0.5 s shorter, by its error 1 s.
    const reach = place(1).reach;
    const postReach = [{ id: 'A', reach: place(1).reach }, { id: 'B', reach: place(5).reach }];
    const fleet = (error: number) => [
      { id: 'V1', reach, secondsToPost: [0, 40], secondsError: error },
      { id: 'V2', reach, secondsToPost: [0, 39.5], secondsError: error },
    ];
    const unsure: number[] = [];
    const moves = suggestMoveUps(demand, fleet(1), postReach, { q: 0.5, onUnsure: (v) => unsure.push(v) });
    expect(moves[0]).toMatchObject({ vehicleId: 'V2', postId: 'B', driveSeconds: 39.5 });
    expect(new Set(unsure)).toEqual(new Set([0, 1]));
    // Exact times (no error), or times further apart than their errors: nothing to report.
    unsure.length = 0;
    suggestMoveUps(demand, fleet(0), postReach, { q: 0.5, onUnsure: (v) => unsure.push(v) });
    suggestMoveUps(demand, fleet(0.2), postReach, { q: 0.5, onUnsure: (v) => unsure.push(v) });
    expect(unsure).toEqual([]);
  });

  it('plans the same moves in slices as in one piece, yielding between them (random fleets)', async () => {
    const random = seededRandom(77);
    let withMoves = 0;
    const pick = (n: number, k: number) => Array.from({ length: n }, (_, i) => i).filter(() => random() < k / n);
    for (let round = 0; round < 20; round++) {
      const points = 30;
      const weights = Array.from({ length: points }, () => Math.round(random() * 100));
      const fleet = Array.from({ length: 5 + Math.floor(random() * 40) }, (_, v) => ({
        id: `v${v}`, reach: pick(points, 6), secondsToPost: Array.from({ length: 6 }, () => random() * 3600), movable: random() > 0.2,
      }));
      const stations = Array.from({ length: 6 }, (_, p) => ({ id: `p${p}`, reach: pick(points, 8) }));
      const options = { q: random() * 0.9, maxMoves: 3 };
      let slices = 0;
      const sliced = await suggestMoveUpsSliced(weights, fleet, stations, options, (step) => runSliced((deadline) => (slices++, step(deadline - 1e9))));
      expect(sliced).toEqual(suggestMoveUps(weights, fleet, stations, options));
      // A deadline always past: one vehicle weighed per slice.
      expect(slices).toBeGreaterThan(fleet.filter((v) => v.movable).length);
      if (sliced.length > 0) withMoves++;
    }
    expect(withMoves).toBeGreaterThan(10);
  });
});
