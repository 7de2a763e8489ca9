import { describe, expect, it } from 'vitest';
import { demandWeights, weightedShare } from './demandWeights';

describe('village demand weights', () => {
  it('weighs each village by its population, one without by the median of the known ones', () => {
    expect(demandWeights([300, null, 2000, 500])).toEqual({ weights: [300, 500, 2000, 500], known: 3, fallback: 500 });
    expect(demandWeights([300, 2000, null, 500, 900])).toEqual({ weights: [300, 2000, 700, 500, 900], known: 4, fallback: 700 });
    // A large town tagged as a village does not lift the untagged ones as a mean would.
    expect(demandWeights([400, 600, 90_000, null]).weights[3]).toBe(600);
  });

  it('weighs every village 1 when no population is known (the village share)', () => {
    expect(demandWeights([null, null, null])).toEqual({ weights: [1, 1, 1], known: 0, fallback: 1 });
    expect(demandWeights([])).toEqual({ weights: [], known: 0, fallback: 1 });
  });

  it('keeps an empty village (population 0) at 0', () => {
    expect(demandWeights([0, 1000, null]).weights).toEqual([0, 1000, 500]);
  });

  it('gives the share of the weight covered', () => {
    expect(weightedShare([300, 2000, 700], [true, false, true])).toBeCloseTo(1000 / 3000, 12);
    expect(weightedShare([1, 1, 1, 1], [true, false, true, true])).toBe(0.75);
    expect(weightedShare([], [])).toBe(0);
    expect(weightedShare([0, 0], [true, false])).toBe(0);
  });
});
