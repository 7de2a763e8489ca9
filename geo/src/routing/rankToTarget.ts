import { secondsAlong, secondsFromSource, secondsFromTarget, secondsToSource, secondsToTarget } from './edgeParts';
import { hierarchyOf } from './contractionHierarchy';
import type { LonLat } from './geometry';
import type { RoadGraph } from './roadGraph';
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
  const { edgeLength: length, edgeSource, edgeTarget } = graph;

  const snaps = sources.map((s) => (s.snap !== undefined ? s.snap : trySnapToRoad(graph, s.lonLat, maxSnapM)));

  const te = targetSnap.edgeIndex;
  const f = targetSnap.fraction;
  // Reversed search: a vertex's time is how long it takes to drive from it to the target point.
  const fromSource = secondsFromSource(graph, te, f);
  const fromTarget = secondsFromTarget(graph, te, f);
  const anySource = snaps.some((snap) => snap !== null);
  const ch = options.method === 'plain' ? null : hierarchyOf(graph);
  let labels: VertexLabels;
  let settledVertices: number;
  let boundHit = false;
  // The hierarchy's answers read directly (by rank) in the loop below: it runs once per source.
  let chTime: Float64Array | null = null;
  let chDistance: Float64Array | null = null;
  let chRank: Int32Array | null = null;
  if (ch) {
    // Exact times from every vertex (PHAST): no bound to hit, so "unreachable" is always a proven no_path.
    if (anySource) {
      // Only the sources' edge ends are read: the sweep visits just what they depend on (RPHAST).
      const ends = edgeEnds(snaps, edgeSource, edgeTarget);
      ch.select('toTarget', ends, snaps.length * 2);
      ch.toTarget(edgeSource[te]!, fromSource, f * length[te]!, edgeTarget[te]!, fromTarget, (1 - f) * length[te]!, true);
    }
    labels = { reached: (v) => anySource && ch.timeAt(v) < Infinity, time: (v) => ch.timeAt(v), distance: (v) => ch.distanceAt(v) };
    settledVertices = anySource ? ch.upwardSettled : 0;
    chTime = ch.time;
    chDistance = ch.distance;
    chRank = ch.rank;
  } else {
    const ws = workspaceFor(graph);
    ws.begin();
    if (fromSource < Infinity) ws.seed(edgeSource[te]!, fromSource, f * length[te]!, 0);
    if (fromTarget < Infinity) ws.seed(edgeTarget[te]!, fromTarget, (1 - f) * length[te]!, 0);
    for (const snap of snaps) {
      if (!snap) continue;
      const e = snap.edgeIndex;
      if (secondsToTarget(graph, e, snap.fraction) < Infinity) ws.want(edgeTarget[e]!);
      if (secondsToSource(graph, e, snap.fraction) < Infinity) ws.want(edgeSource[e]!);
    }
    // Nothing to find (no source on the road): no search at all.
    if (anySource) ws.run(graph.reverse, maxSeconds);
    labels = { reached: (v) => ws.isSettled(v), time: (v) => ws.time[v]!, distance: (v) => ws.distance[v]! };
    settledVertices = ws.settledCount;
    boundHit = ws.boundHit;
  }

  const reachable: ReachableCandidate[] = [];
  const unreachable: UnreachableCandidate[] = [];
  const targetComponent = graph.vertexComponent[edgeSource[te]!]!;
  for (let i = 0; i < sources.length; i++) {
    const id = sources[i]!.id;
    const snap = snaps[i]!;
    if (!snap) {
      unreachable.push({ id, unreachable: 'too_far_from_road', snapDistanceM: null });
      continue;
    }
    const e = snap.edgeIndex;
    const g = snap.fraction;
    let best = Infinity;
    let bestDistance = 0;
    const v = edgeTarget[e]!;
    const u = edgeSource[e]!;
    if (chTime && chRank && chDistance) {
      // Unreached vertices hold Infinity, so no test is needed.
      const rv = chRank[v]!;
      const tv = secondsToTarget(graph, e, g) + chTime[rv]!;
      if (tv < best) {
        best = tv;
        bestDistance = (1 - g) * length[e]! + chDistance[rv]!;
      }
      const ru = chRank[u]!;
      const tu = secondsToSource(graph, e, g) + chTime[ru]!;
      if (tu < best) {
        best = tu;
        bestDistance = g * length[e]! + chDistance[ru]!;
      }
    } else {
      if (labels.reached(v)) {
        const t = secondsToTarget(graph, e, g) + labels.time(v);
        if (t < best) {
          best = t;
          bestDistance = (1 - g) * length[e]! + labels.distance(v);
        }
      }
      if (labels.reached(u)) {
        const t = secondsToSource(graph, e, g) + labels.time(u);
        if (t < best) {
          best = t;
          bestDistance = g * length[e]! + labels.distance(u);
        }
      }
    }
    if (e === te) {
      const t = secondsAlong(graph, e, g, f);
      if (t < best) {
        best = t;
        bestDistance = Math.abs(f - g) * length[e]!;
      }
    }
    if (best < Infinity && best <= maxSeconds) {
      const candidate: ReachableCandidate = { id, etaSeconds: best, distanceM: bestDistance, snapDistanceM: snap.snapDistanceM };
      if (snap.fallbackExtraM !== undefined) candidate.fallbackExtraM = snap.fallbackExtraM;
      reachable.push(candidate);
    } else {
      const otherComponent = graph.vertexComponent[u] !== targetComponent;
      unreachable.push({ id, unreachable: unreachableReason(best, otherComponent, boundHit), snapDistanceM: snap.snapDistanceM });
    }
  }
  reachable.sort((a, b) => a.etaSeconds - b.etaSeconds || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { target: targetSnap, results: [...reachable, ...unreachable], settledVertices };
}

let endsBuffer = new Int32Array(4096);

/** Both end vertices of each snap's edge (a null snap repeats vertex 0, harmless) in a buffer reused across calls. */
export function edgeEnds(snaps: readonly (RoadSnap | null)[], edgeSource: Int32Array, edgeTarget: Int32Array): Int32Array {
  if (endsBuffer.length < snaps.length * 2) endsBuffer = new Int32Array(snaps.length * 4);
  for (let i = 0; i < snaps.length; i++) {
    const snap = snaps[i];
    endsBuffer[2 * i] = snap ? edgeSource[snap.edgeIndex]! : 0;
    endsBuffer[2 * i + 1] = snap ? edgeTarget[snap.edgeIndex]! : 0;
  }
  return endsBuffer;
}

/** A search's answer per vertex: whether its time is final, the time and the metres along the same path. */
export interface VertexLabels {
  reached(v: number): boolean;
  time(v: number): number;
  distance(v: number): number;
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
