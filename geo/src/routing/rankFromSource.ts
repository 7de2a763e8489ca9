import { secondsAlong, secondsFromSource, secondsFromTarget, secondsToSource, secondsToTarget } from './edgeParts';
import type { LonLat } from './geometry';
import { hierarchyOf } from './contractionHierarchy';
import { rankingBuffers } from './etaOrder';
import { edgeEnds, rankedResults, unreachableReason, type RankOptions, type RankResult, type RankSource, type UnreachableCandidate } from './rankToTarget';
import type { RoadGraph } from './roadGraph';
import { workspaceFor } from './search';
import { DEFAULT_MAX_SNAP_M, snapToRoad, trySnapToRoad, type RoadSnap } from './snap';

export interface RankingFromSource {
  source: RoadSnap;
  /** Reachable targets by ETA (ties by id), then the unreachable ones in the order given. */
  results: RankResult[];
  settledVertices: number;
}

/**
 * The mirror of rankToTarget: travel time and distance from ONE source to many targets (the scene to the
 * hospitals) in one forward Dijkstra from the source's position on its edge, bounded by maxSeconds and
 * stopped when every edge end leading to a target is settled. Targets use the `id`/`lonLat`/`snap` shape of
 * rankToTarget's sources; with the graph's contraction hierarchy built, its PHAST sweep from the source.
 * Throws TooFarFromRoadError when the source is too far from any road.
 */
export function rankFromSource(
  graph: RoadGraph,
  source: LonLat,
  targets: readonly RankSource[],
  options: RankOptions & { sourceSnap?: RoadSnap } = {},
): RankingFromSource {
  const maxSeconds = options.maxSeconds ?? Infinity;
  const maxSnapM = options.maxSnapM ?? DEFAULT_MAX_SNAP_M;
  if (!(maxSeconds >= 0)) throw new RangeError(`maxSeconds must be a number >= 0, got ${maxSeconds}`);
  const sourceSnap = options.sourceSnap ?? snapToRoad(graph, source, maxSnapM, 'source');
  const { edgeLength: length, edgeSource, edgeTarget } = graph;
  const snaps = targets.map((t) => (t.snap !== undefined ? t.snap : trySnapToRoad(graph, t.lonLat, maxSnapM)));

  const se = sourceSnap.edgeIndex;
  const g = sourceSnap.fraction;
  const toTarget = secondsToTarget(graph, se, g);
  const toSource = secondsToSource(graph, se, g);
  const anyTarget = snaps.some((snap) => snap !== null);
  const ch = options.method === 'plain' ? null : hierarchyOf(graph);
  const count = targets.length;
  // Time and metres from the source to each target's edge ends (2i: its edge's source vertex, 2i+1: its target).
  const { order, seconds, metres, endTime, endDistance } = rankingBuffers(count);
  let settledVertices: number;
  let boundHit = false;
  if (ch) {
    if (anyTarget) {
      const endRanks = edgeEnds(snaps, ch.edgeSourceRank, ch.edgeTargetRank);
      ch.selectRanks('fromSource', endRanks, count * 2);
      ch.fromSource(edgeTarget[se]!, toTarget, (1 - g) * length[se]!, edgeSource[se]!, toSource, g * length[se]!, true);
      ch.readAtRanks(endRanks, count * 2, endTime, endDistance);
    } else endTime.fill(Infinity, 0, count * 2);
    settledVertices = anyTarget ? ch.upwardSettled : 0;
  } else {
    const ws = workspaceFor(graph);
    const ends = edgeEnds(snaps, edgeSource, edgeTarget);
    ws.begin();
    if (toTarget < Infinity) ws.seed(edgeTarget[se]!, toTarget, (1 - g) * length[se]!, 0);
    if (toSource < Infinity) ws.seed(edgeSource[se]!, toSource, g * length[se]!, 0);
    for (const snap of snaps) {
      if (!snap) continue;
      if (secondsFromSource(graph, snap.edgeIndex, snap.fraction) < Infinity) ws.want(edgeSource[snap.edgeIndex]!);
      if (secondsFromTarget(graph, snap.edgeIndex, snap.fraction) < Infinity) ws.want(edgeTarget[snap.edgeIndex]!);
    }
    // Nothing to find (no target on the road): no search at all.
    if (anyTarget) ws.run(graph.forward, maxSeconds);
    for (let k = 0; k < count * 2; k++) {
      const v = ends[k]!;
      const settled = anyTarget && ws.isSettled(v);
      endTime[k] = settled ? ws.time[v]! : Infinity;
      endDistance[k] = settled ? ws.distance[v]! : 0;
    }
    settledVertices = ws.settledCount;
    boundHit = ws.boundHit;
  }

  let reachableCount = 0;
  const unreachable: UnreachableCandidate[] = [];
  const sourceComponent = graph.vertexComponent[edgeSource[se]!]!;
  for (let i = 0; i < count; i++) {
    const snap = snaps[i]!;
    if (!snap) {
      unreachable.push({ id: targets[i]!.id, unreachable: 'too_far_from_road', snapDistanceM: null });
      continue;
    }
    const e = snap.edgeIndex;
    const f = snap.fraction;
    // Unreached ends hold Infinity, so no test is needed.
    let best = endTime[2 * i]! + secondsFromSource(graph, e, f);
    let bestDistance = best < Infinity ? endDistance[2 * i]! + f * length[e]! : 0;
    const viaTarget = endTime[2 * i + 1]! + secondsFromTarget(graph, e, f);
    if (viaTarget < best) {
      best = viaTarget;
      bestDistance = endDistance[2 * i + 1]! + (1 - f) * length[e]!;
    }
    if (e === se) {
      const t = secondsAlong(graph, e, g, f);
      if (t < best) {
        best = t;
        bestDistance = Math.abs(f - g) * length[e]!;
      }
    }
    if (best < Infinity && best <= maxSeconds) {
      seconds[i] = best;
      metres[i] = bestDistance;
      order[reachableCount++] = i;
    } else {
      const reason = unreachableReason(best, graph.vertexComponent[edgeSource[e]!] !== sourceComponent, boundHit);
      unreachable.push({ id: targets[i]!.id, unreachable: reason, snapDistanceM: snap.snapDistanceM });
    }
  }
  return { source: sourceSnap, results: rankedResults(targets, snaps, reachableCount, unreachable), settledVertices };
}
