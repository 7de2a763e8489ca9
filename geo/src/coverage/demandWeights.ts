/**
 * Demand weights of villages for MEXCLP/DMEXCLP and the population share of coverage: each village weighs its
 * population. A village the gazetteer has no population for weighs the median of the known ones: it is most
 * likely an ordinary village (the median is that, and is not pulled up by the few large ones as the mean is),
 * and weighing it 0 would let move-up leave its people uncovered. With no population known at all every
 * village weighs 1, which is the equal weighting the figures had before: the population share is then the
 * village share.
 */
export interface DemandWeights {
  /** One weight per village, in people (or 1 each when no population is known). */
  weights: number[];
  /** Villages whose population is known. */
  known: number;
  /** The weight a village without a population got: the median of the known ones, or 1. */
  fallback: number;
}

export function demandWeights(populations: readonly (number | null)[]): DemandWeights {
  const known = populations.filter((p): p is number => p !== null && Number.isFinite(p) && p >= 0).sort((a, b) => a - b);
  const fallback = known.length === 0 ? 1 : median(known);
  return {
    weights: populations.map((p) => (p !== null && Number.isFinite(p) && p >= 0 ? (known.length === 0 ? 1 : p) : fallback)),
    known: known.length,
    fallback,
  };
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The share (0..1) of the total weight on the covered villages; 0 when there is no weight at all. */
export function weightedShare(weights: readonly number[], covered: readonly boolean[]): number {
  let total = 0;
  let inside = 0;
  weights.forEach((w, i) => {
    total += w;
    if (covered[i]) inside += w;
  });
  return total > 0 ? inside / total : 0;
}
