import { secondsAlong, secondsFromSource, secondsFromTarget } from './edgeParts';
import { hierarchyOf, type ContractionHierarchy, type SelectionRef, type SweepSelection } from './contractionHierarchy';
import { fleetEndsOf, type FleetEnds } from './fleetEnds';
import type { LonLat } from './geometry';
import type { RoadGraph } from './roadGraph';
import { rankingBuffers, sortByKey } from './etaOrder';
import { workspaceFor } from './search';
import { DEFAULT_MAX_SNAP_M, snapToRoad, trySnapToRoad, type RoadSnap } from './snap';

export interface RankSource {
  id: string;
  lonLat: LonLat;
  /**
   * The source already snapped on this same graph (callers cache it per vehicle position): null means it was
   * found too far from any road. Absent: snapped here.
   */
  snap?: RoadSnap | null;
}

export type UnreachableReason = 'too_far_from_road' | 'no_path' | 'beyond_time_limit';

export interface ReachableCandidate {
  id: string;
  etaSeconds: number;
  distanceM: number;
  snapDistanceM: number;
  /** The source's snap fell back to the main network (RoadSnap.fallbackExtraM): the extra metres. */
  fallbackExtraM?: number;
}

export interface UnreachableCandidate {
  id: string;
  unreachable: UnreachableReason;
  /** Null when the source could not be snapped at all. */
  snapDistanceM: number | null;
}

export type RankResult = ReachableCandidate | UnreachableCandidate;

export interface Ranking {
  target: RoadSnap;
  /** Reachable candidates by ETA (ties by id), then the unreachable ones in the order given. */
  results: RankResult[];
  /** Vertices the search settled: how much of the network one ranking touched. */
  settledVertices: number;
}

export interface RankOptions {
  /** Sources farther than this from the incident are reported beyond_time_limit. Default: no limit. */
  maxSeconds?: number;
  /** Snap limit for the target and the sources, metres. */
  maxSnapM?: number;
  /** The target already snapped on this graph (then `target` is not snapped again). */
  targetSnap?: RoadSnap;
  /**
   * 'auto' (default): the graph's contraction hierarchy once it is built, the plain search until then;
   * 'plain' forces the plain search (benchmarks and tests compare the two).
   */
  method?: 'auto' | 'plain';
}

export function isReachable(result: RankResult): result is ReachableCandidate {
  return 'etaSeconds' in result;
}

/**
 * Travel time and distance from every source to one target in ONE search: Dijkstra on the reversed graph,
 * from the target's position on its edge, bounded by maxSeconds and stopped as soon as every edge end a
 * source can leave by is settled. Each source's ETA is the part of its own edge it must drive (in a direction
 * the edge allows) plus the time from that edge end; a source on the target's own edge may also drive
 * straight to it. Once the graph's contraction hierarchy is built (contractionHierarchy.ts), the same edge ends
 * are read from its PHAST sweep instead, which gives every vertex's exact time in well under a millisecond.
 * Throws TooFarFromRoadError when the target itself is too far from any road.
 */
export function rankToTarget(graph: RoadGraph, target: LonLat, sources: readonly RankSource[], options: RankOptions = {}): Ranking {
  const maxSeconds = options.maxSeconds ?? Infinity;
  const maxSnapM = options.maxSnapM ?? DEFAULT_MAX_SNAP_M;
  if (!(maxSeconds >= 0)) throw new RangeError(`maxSeconds must be a number >= 0, got ${maxSeconds}`);
  const targetSnap = options.targetSnap ?? snapToRoad(graph, target, maxSnapM, 'target');
  const snaps = sources.map((s) => (s.snap !== undefined ? s.snap : trySnapToRoad(graph, s.lonLat, maxSnapM)));
  const count = sources.length;
  const { order, seconds, metres } = rankingBuffers(count);
  if (reasonBuffer.length < count) reasonBuffer = new Uint8Array(Math.max(count, reasonBuffer.length * 2));
  const { settledVertices } = etasToTarget(graph, targetSnap, snaps, count, { seconds, metres, reason: reasonBuffer }, { maxSeconds, method: options.method });
  let reachableCount = 0;
  const unreachable: UnreachableCandidate[] = [];
  for (let i = 0; i < count; i++) {
    const reason = reasonBuffer[i]!;
    if (reason === REACHABLE) order[reachableCount++] = i;
    else unreachable.push({ id: sources[i]!.id, unreachable: UNREACHABLE_REASONS[reason - 1]!, snapDistanceM: snaps[i]?.snapDistanceM ?? null });
  }
  return { target: targetSnap, results: rankedResults(sources, snaps, reachableCount, unreachable), settledVertices };
}

/**
 * Selects the fleet's edge ends in the hierarchy's toTarget selection `which` (the default one, or a group's) and
 * brings its sweep places up to date. The places are kept from the last call while the sub-hierarchy is only
 * appended to: then only the sources that moved (fleet.update() listed them) are selected and looked up; otherwise
 * every one is. Source i's snap is snaps[from + i].
 */
export function selectFleet(ch: ContractionHierarchy, fleet: FleetEnds, snaps: readonly (RoadSnap | null)[], count: number, which: SelectionRef = 'toTarget', from = 0): void {
  const kept = ch.sweptTimes(which);
  const all = fleet.hierarchy !== ch || !kept || kept.rebuilds !== fleet.rebuilds || ch.selectionRestarts(which);
  if (all) ch.selectRanks(which, edgeEnds(snaps, ch.edgeSourceRank, ch.edgeTargetRank, count, from), count * 2);
  else if (fleet.changedCount > 0) ch.selectRanks(which, changedEnds(fleet, ch), fleet.changedCount * 2);
  fleet.hierarchy = ch;
  // Nothing moved and nothing renumbered: every place kept holds, and the selection need not be loaded to look any up.
  if (!all && fleet.changedCount === 0) return;
  const { rebuilds, indexOf } = ch.sweepAnswers(which)!;
  // Only a selection started afresh renumbers the sweep (checked above); a changed count is looked at anyway.
  const every = all || rebuilds !== fleet.rebuilds;
  const { sweepIndex, edge, changed } = fleet;
  const { edgeSourceRank, edgeTargetRank } = ch;
  for (let k = 0, n = every ? count : fleet.changedCount; k < n; k++) {
    const i = every ? k : changed[k]!;
    const e = edge[i]!;
    sweepIndex[2 * i] = e >= 0 ? indexOf[edgeSourceRank[e]!]! : -1;
    sweepIndex[2 * i + 1] = e >= 0 ? indexOf[edgeTargetRank[e]!]! : -1;
  }
  fleet.rebuilds = rebuilds;
}

/**
 * When the next hierarchy ranking of this fleet would start its selection afresh (moving vehicles have grown it
 * too far), does so now: the re-selection and the sub-hierarchy's rebuild (~30 ms on a province with 10,000
 * vehicles) then happen when a server has time, between requests, instead of inside a ranking. The snaps are
 * those the next etasToTarget will be given. Returns whether it did.
 */
export function refreshFleetSelection(graph: RoadGraph, snaps: readonly (RoadSnap | null)[], count: number): boolean {
  const ch = hierarchyOf(graph);
  if (!ch || !ch.selectionRestarts('toTarget')) return false;
  const fleet = fleetEndsOf(graph);
  fleet.update(snaps, count);
  selectFleet(ch, fleet, snaps, count);
  return true;
}

/** etasToTarget's reason codes: 0 reachable, then UNREACHABLE_REASONS[code - 1]. */
export const REACHABLE = 0;
export const UNREACHABLE_REASONS: readonly UnreachableReason[] = ['too_far_from_road', 'no_path', 'beyond_time_limit'];
let reasonBuffer = new Uint8Array(1024);

/** Per-source answers of etasToTarget, by source index, in the caller's own buffers (at least `count` long). */
export interface EtaColumns {
  seconds: Float64Array;
  metres: Float64Array;
  /** REACHABLE, or 1 + the index of the reason in UNREACHABLE_REASONS (seconds and metres are then not set). */
  reason: Uint8Array;
}

/**
 * rankToTarget's search without its result objects: each source's seconds and metres to the target (or why not)
 * written by index into `out`, in no order, so that a caller ranking ten thousand vehicles builds objects only for
 * the few it shows. `snaps[i]` is source i's snap on this graph (null: too far from any road). Same arithmetic as
 * rankToTarget, which is built on it: the same ETAs to the bit.
 */
export function etasToTarget(
  graph: RoadGraph,
  targetSnap: RoadSnap,
  snaps: readonly (RoadSnap | null)[],
  count: number,
  out: EtaColumns,
  options: { maxSeconds?: number; method?: 'auto' | 'plain' } = {},
): { settledVertices: number; sweptVertices: number } {
  return etasOfFleet(graph, targetSnap, snaps, 0, count, out, options, fleetEndsOf(graph), 'toTarget');
}

/**
 * etasToTarget for the sources snaps[from .. from+count-1], answers at the same indices of `out`, with the fleet
 * columns and the hierarchy selection given (fleetGroups.ts keeps one of each per group of sources). `updated`:
 * the caller has given these snaps to fleet.update() already in this call (its `changed` list is this call's).
 */
export function etasOfFleet(
  graph: RoadGraph,
  targetSnap: RoadSnap,
  snaps: readonly (RoadSnap | null)[],
  from: number,
  count: number,
  out: EtaColumns,
  options: { maxSeconds?: number; method?: 'auto' | 'plain'; updated?: boolean },
  fleet: FleetEnds,
  which: 'toTarget' | SweepSelection,
): { settledVertices: number; sweptVertices: number } {
  const maxSeconds = options.maxSeconds ?? Infinity;
  const { edgeLength: length, edgeSource, edgeTarget } = graph;
  const te = targetSnap.edgeIndex;
  const f = targetSnap.fraction;
  // Reversed search: a vertex's time is how long it takes to drive from it to the target point.
  const fromSource = secondsFromSource(graph, te, f);
  const fromTarget = secondsFromTarget(graph, te, f);
  if (!options.updated) fleet.update(snaps, count, from);
  const { edge, changedCount } = fleet;
  let anySource = false;
  for (let i = 0; i < count; i++) if (edge[i]! >= 0) anySource = true;
  const ch = options.method === 'plain' ? null : hierarchyOf(graph);
  // Time and metres from each source's edge ends (2i: its edge's source vertex, 2i+1: its target) to the target.
  const { endTime, endDistance } = rankingBuffers(count);
  let settledVertices: number;
  let sweptVertices = 0;
  let boundHit = false;
  if (ch) {
    // Exact times from every vertex (PHAST): no bound to hit, so "unreachable" is always a proven no_path.
    if (anySource) {
      // Only the sources' edge ends are read: the sweep visits just what they depend on (RPHAST).
      selectFleet(ch, fleet, snaps, count, which, from);
      ch.toTarget(edgeSource[te]!, fromSource, f * length[te]!, edgeTarget[te]!, fromTarget, (1 - f) * length[te]!, which === 'toTarget' ? true : which);
      const { time, distance } = ch.sweptTimes(which)!;
      const { sweepIndex } = fleet;
      for (let k = 0; k < count * 2; k++) {
        const j = sweepIndex[k]!;
        endTime[k] = j >= 0 ? time[j]! : Infinity;
        endDistance[k] = j >= 0 ? distance[j]! : Infinity;
      }
    } else endTime.fill(Infinity, 0, count * 2);
    settledVertices = anySource ? ch.upwardSettled : 0;
    sweptVertices = anySource ? ch.selectedVertices(which) : 0;
  } else {
    // The sweep indices are not brought up to date here: the next hierarchy ranking looks every source up again.
    if (changedCount > 0) fleet.hierarchy = null;
    const ws = workspaceFor(graph);
    const ends = edgeEnds(snaps, edgeSource, edgeTarget, count, from);
    ws.begin();
    if (fromSource < Infinity) ws.seed(edgeSource[te]!, fromSource, f * length[te]!, 0);
    if (fromTarget < Infinity) ws.seed(edgeTarget[te]!, fromTarget, (1 - f) * length[te]!, 0);
    for (let i = 0; i < count; i++) {
      const e = edge[i]!;
      if (e < 0) continue;
      if (fleet.secondsToTarget[i]! < Infinity) ws.want(edgeTarget[e]!);
      if (fleet.secondsToSource[i]! < Infinity) ws.want(edgeSource[e]!);
    }
    // Nothing to find (no source on the road): no search at all.
    if (anySource) ws.run(graph.reverse, maxSeconds);
    for (let k = 0; k < count * 2; k++) {
      const v = ends[k]!;
      const settled = anySource && ws.isSettled(v);
      endTime[k] = settled ? ws.time[v]! : Infinity;
      endDistance[k] = settled ? ws.distance[v]! : 0;
    }
    settledVertices = ws.settledCount;
    boundHit = ws.boundHit;
  }

  const { seconds: outSeconds, metres: outMetres, reason: outReason } = out;
  const seconds = from === 0 ? outSeconds : outSeconds.subarray(from);
  const metres = from === 0 ? outMetres : outMetres.subarray(from);
  const reason = from === 0 ? outReason : outReason.subarray(from);
  const { secondsToTarget: toTargetS, metresToTarget: toTargetM, secondsToSource: toSourceS, metresToSource: toSourceM } = fleet;
  const targetComponent = graph.vertexComponent[edgeSource[te]!]!;
  for (let i = 0; i < count; i++) {
    const e = edge[i]!;
    if (e < 0) {
      reason[i] = 1;
      continue;
    }
    // Unreached ends hold Infinity, so no test is needed.
    let best = toTargetS[i]! + endTime[2 * i + 1]!;
    let bestDistance = best < Infinity ? toTargetM[i]! + endDistance[2 * i + 1]! : 0;
    const viaSource = toSourceS[i]! + endTime[2 * i]!;
    if (viaSource < best) {
      best = viaSource;
      bestDistance = toSourceM[i]! + endDistance[2 * i]!;
    }
    if (e === te) {
      const g = fleet.snapAt(i)!.fraction;
      const t = secondsAlong(graph, e, g, f);
      if (t < best) {
        best = t;
        bestDistance = Math.abs(f - g) * length[e]!;
      }
    }
    if (best < Infinity && best <= maxSeconds) {
      seconds[i] = best;
      metres[i] = bestDistance;
      reason[i] = REACHABLE;
    } else {
      const otherComponent = graph.vertexComponent[edgeSource[e]!] !== targetComponent;
      reason[i] = 1 + UNREACHABLE_REASONS.indexOf(unreachableReason(best, otherComponent, boundHit));
    }
  }
  return { settledVertices, sweptVertices };
}

/**
 * The reachable sources (their indices in rankingBuffers().order[0 .. reachableCount-1], their seconds and metres
 * there) by ETA, ties by id, as result objects, then the unreachable ones in the order given.
 */
export function rankedResults(sources: readonly RankSource[], snaps: readonly (RoadSnap | null)[], reachableCount: number, unreachable: readonly UnreachableCandidate[]): RankResult[] {
  const { order, seconds, metres } = rankingBuffers(reachableCount);
  sortByKey(order, reachableCount, seconds, sources);
  const results: RankResult[] = new Array<RankResult>(reachableCount + unreachable.length);
  for (let k = 0; k < reachableCount; k++) {
    const i = order[k]!;
    const snap = snaps[i]!;
    const candidate: ReachableCandidate = { id: sources[i]!.id, etaSeconds: seconds[i]!, distanceM: metres[i]!, snapDistanceM: snap.snapDistanceM };
    if (snap.fallbackExtraM !== undefined) candidate.fallbackExtraM = snap.fallbackExtraM;
    results[k] = candidate;
  }
  for (let k = 0; k < unreachable.length; k++) results[reachableCount + k] = unreachable[k]!;
  return results;
}

let endsBuffer = new Int32Array(4096);

/** The ranks of the edge ends of the sources fleet.update() found changed, in the same buffer as edgeEnds'. */
function changedEnds(fleet: FleetEnds, ch: ContractionHierarchy): Int32Array {
  const { changed, changedCount, edge } = fleet;
  if (endsBuffer.length < changedCount * 2) endsBuffer = new Int32Array(changedCount * 4);
  for (let k = 0; k < changedCount; k++) {
    const e = edge[changed[k]!]!;
    // A source with no snap repeats rank 0, harmless (as in edgeEnds).
    endsBuffer[2 * k] = e >= 0 ? ch.edgeSourceRank[e]! : 0;
    endsBuffer[2 * k + 1] = e >= 0 ? ch.edgeTargetRank[e]! : 0;
  }
  return endsBuffer;
}

/**
 * Both ends of each snap's edge (snaps[from .. from+count-1]) as edgeSource/edgeTarget give them (vertices, or the hierarchy's ranks of them;
 * a null snap repeats 0, harmless) in a buffer reused across calls.
 */
export function edgeEnds(snaps: readonly (RoadSnap | null)[], edgeSource: Int32Array, edgeTarget: Int32Array, count = snaps.length, from = 0): Int32Array {
  if (endsBuffer.length < count * 2) endsBuffer = new Int32Array(count * 4);
  for (let i = 0; i < count; i++) {
    const snap = snaps[from + i];
    endsBuffer[2 * i] = snap ? edgeSource[snap.edgeIndex]! : 0;
    endsBuffer[2 * i + 1] = snap ? edgeTarget[snap.edgeIndex]! : 0;
  }
  return endsBuffer;
}

/**
 * Not reachable within the limit: a path was found but is too long, or the search stopped at the limit before
 * it could tell. Only a search that ran out of road (or another component) proves there is no path.
 */
export function unreachableReason(best: number, otherComponent: boolean, boundHit: boolean): UnreachableReason {
  if (best < Infinity) return 'beyond_time_limit';
  if (otherComponent) return 'no_path';
  return boundHit ? 'beyond_time_limit' : 'no_path';
}
