import { describe, expect, it } from 'vitest';
import { at, graphOf, type EdgeSpec } from '../routing/testGraphs';
import { generateCalls, simNetworkFrom, simulate, type SimCall, type SimNetwork } from './moveUpSimulation';

/**
 * Seven villages on a road, 10 minutes apart (travel 600 s × steps); the target is 15 minutes, so a vehicle at x
 * reaches x−1, x, x+1. Posts A (x = 1) and B (x = 5); both vehicles live at A; the hospital is at x = 3.
 */
const line: SimNetwork = {
  size: 7,
  travel: Float64Array.from({ length: 49 }, (_, k) => 600 * Math.abs(Math.floor(k / 7) - (k % 7))),
  demand: [1, 2, 1, 2, 1, 3, 1].map((weight, place) => ({ place, weight })),
  posts: [1, 5],
  hospitals: [3],
  homes: [0, 0],
};
const params = { callsPerDay: 10, seed: 7, targetS: 900, turnoutS: 90, q: 0.5, minGainShare: 0.01 };
const call = (at: number, place: number): SimCall => ({ at, place, onSceneS: 600, transported: false, handoverS: 0 });

describe('move-up simulation (discrete events, simulated clock)', () => {
  it('closest vehicle, home afterwards: the second call is reached by the vehicle driving home, turning back (hand-checked)', () => {
    // Call 1 at x = 5: V1 from A, 90 s turnout + 4 × 600 = 2,490 s; free at 3,090 s, home at 5,490 s.
    // Call 2 at x = 5 at 4,000 s: V1 is 910 s out of x = 5 — turning back beats V2's 90 + 2,400 s.
    const result = simulate(line, params, 'closest-home', [call(0, 5), call(4000, 5)]);
    expect(result.responses).toEqual([2490, 910]);
    expect(result.moveUps).toBe(0);
  });

  it('DMEXCLP moves the idle vehicle to the uncovered post after a dispatch and sends the freed one where it adds most (hand-checked)', () => {
    // After call 1, V2 alone at A: A covers 1 + 2 + 1 = 4, B covers 1 + 3 + 1 = 5: V2 moves to B (arrives 2,400 s).
    // V1, free at x = 5 at 3,090 s with V2 at B: A adds .5 × 4 = 2, B adds .5 × .5 × 5 = 1.25: V1 goes home to A.
    // Call 2 at x = 5: V2 stands there (90 s turnout).
    const result = simulate(line, params, 'dmexclp', [call(0, 5), call(4000, 5)]);
    expect(result.responses).toEqual([2490, 90]);
    expect(result.moveUps).toBe(1);
  });

  it('is deterministic for a seed: the same calls and the same figures every run, different for another seed', () => {
    const a = generateCalls(line, { ...params, callsPerDay: 40 });
    expect(generateCalls(line, { ...params, callsPerDay: 40 })).toEqual(a);
    expect(generateCalls(line, { ...params, callsPerDay: 40, seed: 8 })).not.toEqual(a);
    // Poisson over a day: about 40 calls.
    expect(a.length).toBeGreaterThan(25);
    expect(a.length).toBeLessThan(60);
    const first = simulate(line, { ...params, callsPerDay: 40 }, 'dmexclp');
    const again = simulate(line, { ...params, callsPerDay: 40 }, 'dmexclp');
    expect(again).toEqual(first);
    expect(first.responses).toHaveLength(first.calls);
    expect(first.p90S).toBeGreaterThanOrEqual(first.medianS);
  });

  it('builds its travel table from the road graph', () => {
    const specs: EdgeSpec[] = Array.from({ length: 6 }, (_, x) => ({ from: [x, 0], to: [x + 1, 0], cost: 600, reverseCost: 600 }));
    const network = simNetworkFrom(graphOf(specs), {
      posts: [at(1, 0), at(5, 0)],
      hospitals: [at(3, 0)],
      demand: [0, 1, 2, 3, 4, 5, 6].map((x) => ({ lonLat: at(x, 0), weight: 1 })),
      homes: [0, 0],
    });
    expect(network.size).toBe(10);
    // Post A (place 0) to the village at x = 6 (place 3 + 6): 5 × 600 s.
    expect(network.travel[0 * 10 + 9]).toBeCloseTo(3000, 6);
    expect(network.demand[6]).toEqual({ place: 9, weight: 1 });
  });
});
