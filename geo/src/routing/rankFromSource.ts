import { secondsAlong, secondsFromSource, secondsFromTarget, secondsToSource, secondsToTarget } from './edgeParts';
import type { LonLat } from './geometry';
import { hierarchyOf } from './contractionHierarchy';
import { edgeEnds, unreachableReason, type VertexLabels, type RankOptions, type RankResult, type RankSource, type ReachableCandidate, type UnreachableCandidate } from './rankToTarget';
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
  let labels: VertexLabels;
  let settledVertices: number;
  let boundHit = false;
  if (ch) {
    if (anyTarget) {
      ch.select('fromSource', edgeEnds(snaps, edgeSource, edgeTarget), snaps.length * 2);
      ch.fromSource(edgeTarget[se]!, toTarget, (1 - g) * length[se]!, edgeSource[se]!, toSource, g * length[se]!, true);
    }
    labels = { reached: (v) => anyTarget && ch.timeAt(v) < Infinity, time: (v) => ch.timeAt(v), distance: (v) => ch.distanceAt(v) };
    settledVertices = anyTarget ? ch.upwardSettled : 0;
  } else {
    const ws = workspaceFor(graph);
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
    labels = { reached: (v) => ws.isSettled(v), time: (v) => ws.time[v]!, distance: (v) => ws.distance[v]! };
    settledVertices = ws.settledCount;
    boundHit = ws.boundHit;
  }

  const reachable: ReachableCandidate[] = [];
  const unreachable: UnreachableCandidate[] = [];
  const sourceComponent = graph.vertexComponent[edgeSource[se]!]!;
  targets.forEach((target, i) => {
    const snap = snaps[i]!;
    if (!snap) {
      unreachable.push({ id: target.id, unreachable: 'too_far_from_road', snapDistanceM: null });
      return;
    }
    const e = snap.edgeIndex;
    const f = snap.fraction;
    let best = Infinity;
    let bestDistance = 0;
    const u = edgeSource[e]!;
    if (labels.reached(u)) {
      const t = labels.time(u) + secondsFromSource(graph, e, f);
      if (t < best) [best, bestDistance] = [t, labels.distance(u) + f * length[e]!];
    }
    const v = edgeTarget[e]!;
    if (labels.reached(v)) {
      const t = labels.time(v) + secondsFromTarget(graph, e, f);
      if (t < best) [best, bestDistance] = [t, labels.distance(v) + (1 - f) * length[e]!];
    }
    if (e === se) {
      const t = secondsAlong(graph, e, g, f);
      if (t < best) [best, bestDistance] = [t, Math.abs(f - g) * length[e]!];
    }
    if (best < Infinity && best <= maxSeconds) {
      const candidate: ReachableCandidate = { id: target.id, etaSeconds: best, distanceM: bestDistance, snapDistanceM: snap.snapDistanceM };
      if (snap.fallbackExtraM !== undefined) candidate.fallbackExtraM = snap.fallbackExtraM;
      reachable.push(candidate);
    } else {
      const reason = unreachableReason(best, graph.vertexComponent[u] !== sourceComponent, boundHit);
      unreachable.push({ id: target.id, unreachable: reason, snapDistanceM: snap.snapDistanceM });
    }
  });
  reachable.sort((a, b) => a.etaSeconds - b.etaSeconds || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { source: sourceSnap, results: [...reachable, ...unreachable], settledVertices };
}
