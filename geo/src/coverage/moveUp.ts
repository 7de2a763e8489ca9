import type { LonLat } from '../routing/geometry';
import type { RoadGraph } from '../routing/roadGraph';
import { DEFAULT_MAX_SNAP_M, trySnapToRoad, type RoadSnap } from '../routing/snap';

/**
 * Move-up by DMEXCLP (Jagtenberg, Bhulai, van der Mei 2015, "An efficient heuristic for real-time ambulance
 * redeployment", Operations Research for Health Care 4): the expected covered demand of a configuration is
 * Σ_i d_i (1 − q^k_i), where k_i is the number of free vehicles that reach demand point i within the target time
 * and q the busy fraction (the chance that any one vehicle is busy when a call comes). Adding a k-th vehicle to
 * point i adds d_i (1 − q) q^(k−1): a second vehicle near a village is worth q times the first. The paper
 * sends a vehicle that becomes free to the post with the largest marginal gain; a move-up (this project's
 * dispatcher suggestion) is the same greedy step applied to a vehicle already free: take it out of the
 * configuration, put it back at the best post, and suggest it when that gains enough.
 */

/** A set of demand points (indices) reached within the target time from one place. */
export type Reach = readonly number[];

/** Expected covered demand Σ_i d_i (1 − q^k_i) for the counts k_i of vehicles reaching each point. */
export function expectedCoverage(demand: readonly number[], counts: ArrayLike<number>, q: number): number {
  let sum = 0;
  for (let i = 0; i < demand.length; i++) sum += demand[i]! * (1 - q ** counts[i]!);
  return sum;
}

/** What a vehicle adds at a place whose reach is `reach`, given the counts of the others: Σ_{i∈reach} d_i (1 − q) q^k_i. */
export function marginalGain(demand: readonly number[], counts: ArrayLike<number>, reach: Reach, q: number): number {
  let gain = 0;
  for (const i of reach) gain += demand[i]! * (1 - q) * q ** counts[i]!;
  return gain;
}

/** How many of the given reaches contain each demand point. */
export function coverCounts(points: number, reaches: readonly Reach[]): Int32Array {
  const counts = new Int32Array(points);
  for (const reach of reaches) for (const i of reach) counts[i]!++;
  return counts;
}

function checkQ(q: number): void {
  if (!(q >= 0 && q < 1)) throw new RangeError(`busy fraction q must be in [0, 1), got ${q}`);
}

/**
 * The paper's decision for ONE vehicle (one that just became free): the post with the largest marginal gain
 * over the others' configuration; ties go to the first post given (list the home station first to prefer it).
 */
export function bestPost(demand: readonly number[], others: readonly Reach[], posts: readonly Reach[], q: number): { post: number; gain: number } {
  checkQ(q);
  const counts = coverCounts(demand.length, others);
  let post = -1;
  let gain = -Infinity;
  posts.forEach((reach, p) => {
    const g = marginalGain(demand, counts, reach, q);
    if (g > gain + 1e-12) [post, gain] = [p, g];
  });
  return { post, gain };
}

export interface MoveUpVehicle {
  id: string;
  /** Demand points the vehicle reaches in time from where it is now (or is heading to). */
  reach: Reach;
  /** Seconds from the vehicle to each post (Infinity: no road), to leave out moves longer than maxMoveSeconds. */
  secondsToPost: readonly number[];
  /** False for a vehicle that must not be suggested to move (already repositioning, just dispatched...). */
  movable?: boolean;
  /**
   * The secondsToPost are within this many seconds of the road's exact times (default 0: they are exact). A tie
   * between two moves' gains broken on drive times closer than their errors is reported (MoveUpOptions.onUnsure),
   * so the caller can give the vehicle its exact times and plan again (moveUpTable.ts); vehicles given the same
   * array (one place) have the same times to a post, exactly too.
   */
  secondsError?: number;
}

export interface MoveUpPost {
  id: string;
  reach: Reach;
}

export interface MoveUpOptions {
  /** Busy fraction q of DMEXCLP, 0 ≤ q < 1. */
  q: number;
  /** A move must gain at least this share of the total demand (default 0.5%): no driving about for crumbs. */
  minGainShare?: number;
  /** Moves longer than this are not suggested (default 45 min). */
  maxMoveSeconds?: number;
  /** Moves suggested one after another, each on the configuration the previous ones left (default 1). */
  maxMoves?: number;
  /** Told of each vehicle whose inexact drive times (secondsError) decided a tie: the plan may differ with exact ones. */
  onUnsure?: (vehicleIndex: number) => void;
}

export interface MoveUp {
  vehicleId: string;
  postId: string;
  vehicleIndex: number;
  postIndex: number;
  /** Expected covered demand before and after this move (same unit as the demand weights). */
  before: number;
  after: number;
  /** Seconds the vehicle drives to the post. */
  driveSeconds: number;
}

/**
 * Greedy DMEXCLP move-ups: for every movable free vehicle and every post, the gain of taking the vehicle from
 * where it is to the post (its own reach out, the post's in), best first, repeated up to maxMoves times on the
 * configuration after the previous move; a vehicle moves at most once. Ties: the shorter drive, then input order.
 */
export function suggestMoveUps(demand: readonly number[], vehicles: readonly MoveUpVehicle[], posts: readonly MoveUpPost[], options: MoveUpOptions): MoveUp[] {
  const steps = moveUpSteps(demand, vehicles, posts, options);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * suggestMoveUps in slices (the same moves): a thousand vehicles × posts × villages held the event loop in one piece.
 * `slice` runs a step function until it returns true, yielding between calls (slicedReach.ts's runSliced).
 */
export async function suggestMoveUpsSliced(
  demand: readonly number[],
  vehicles: readonly MoveUpVehicle[],
  posts: readonly MoveUpPost[],
  options: MoveUpOptions,
  slice: (step: (deadline: number) => boolean) => Promise<void>,
): Promise<MoveUp[]> {
  const steps = moveUpSteps(demand, vehicles, posts, options);
  let moves: MoveUp[] = [];
  await slice((deadline) => {
    for (;;) {
      const next = steps.next();
      if (next.done) {
        moves = next.value;
        return true;
      }
      if (performance.now() > deadline) return false;
    }
  });
  return moves;
}

/** suggestMoveUps's work, pausing (yield) after each vehicle weighed. */
function* moveUpSteps(demand: readonly number[], vehicles: readonly MoveUpVehicle[], posts: readonly MoveUpPost[], options: MoveUpOptions): Generator<void, MoveUp[]> {
  checkQ(options.q);
  const q = options.q;
  const total = demand.reduce((a, b) => a + b, 0);
  const minGain = (options.minGainShare ?? 0.005) * total;
  const maxMoveSeconds = options.maxMoveSeconds ?? 45 * 60;
  const reaches: Reach[] = vehicles.map((v) => v.reach);
  const counts = coverCounts(demand.length, reaches);
  const moved = new Set<number>();
  const moves: MoveUp[] = [];
  // marginalGain's terms d_i (1 − q) · q^k with both factors looked up (the same floats: q ** k is computed once per k).
  const demandShare = demand.map((d) => d * (1 - q));
  const power = Float64Array.from({ length: vehicles.length + 2 }, (_, k) => q ** k);
  const gainOf = (reach: Reach) => {
    let gain = 0;
    for (const i of reach) gain += demandShare[i]! * power[counts[i]!]!;
    return gain;
  };
  for (let round = 0; round < (options.maxMoves ?? 1); round++) {
    const before = expectedCoverage(demand, counts, q);
    let best: { v: number; p: number; gain: number; seconds: number } | null = null;
    // Ties decided on inexact drive times, and the largest gain of the round: when even that gains too little the
    // round moves nothing whichever way the ties went, and they are not reported.
    const unsure: number[] = [];
    let largest = -Infinity;
    for (let v = 0; v < vehicles.length; v++) {
      const vehicle = vehicles[v]!;
      if (vehicle.movable === false || moved.has(v)) continue;
      // The configuration without this vehicle, and what it covers there now.
      for (const i of reaches[v]!) counts[i]!--;
      const here = gainOf(reaches[v]!);
      posts.forEach((post, p) => {
        const seconds = vehicle.secondsToPost[p] ?? Infinity;
        if (!(seconds <= maxMoveSeconds)) return;
        const gain = gainOf(post.reach) - here;
        largest = Math.max(largest, gain);
        const tie = best !== null && Math.abs(gain - best.gain) <= 1e-9;
        if (tie && options.onUnsure) {
          const other = vehicles[best!.v]!;
          const error = (vehicle.secondsError ?? 0) + (other.secondsError ?? 0);
          // Two vehicles with one row of times (one place) to the same post: equal, exactly as well.
          const sameTime = p === best!.p && vehicle.secondsToPost === other.secondsToPost;
          if (error > 0 && !sameTime && Math.abs(seconds - best!.seconds) <= error) {
            unsure.push(v, best!.v);
          }
        }
        if (!best || gain > best.gain + 1e-9 || (tie && seconds < best.seconds)) best = { v, p, gain, seconds };
      });
      for (const i of reaches[v]!) counts[i]!++;
      yield;
    }
    if (largest < minGain || largest <= 1e-9) break;
    for (const v of unsure) options.onUnsure?.(v);
    const chosen = best as { v: number; p: number; gain: number; seconds: number } | null;
    if (!chosen || chosen.gain < minGain || chosen.gain <= 1e-9) break;
    for (const i of reaches[chosen.v]!) counts[i]!--;
    reaches[chosen.v] = posts[chosen.p]!.reach;
    for (const i of reaches[chosen.v]!) counts[i]!++;
    moved.add(chosen.v);
    moves.push({
      vehicleId: vehicles[chosen.v]!.id,
      postId: posts[chosen.p]!.id,
      vehicleIndex: chosen.v,
      postIndex: chosen.p,
      before,
      after: expectedCoverage(demand, counts, q),
      driveSeconds: chosen.seconds,
    });
  }
  return moves;
}

/** Snaps demand points (villages) once for many reach searches. */
export function snapAll(graph: RoadGraph, points: readonly LonLat[], maxSnapM = DEFAULT_MAX_SNAP_M): (RoadSnap | null)[] {
  return points.map((p) => trySnapToRoad(graph, p, maxSnapM));
}
