import { secondsAlong, secondsFromSource, secondsFromTarget, secondsToSource, secondsToTarget } from '../routing/edgeParts';
import type { LonLat } from '../routing/geometry';
import { isReachable, rankToTarget, type RankResult } from '../routing/rankToTarget';
import type { RoadGraph } from '../routing/roadGraph';
import { workspaceFor } from '../routing/search';
import { DEFAULT_MAX_SNAP_M, trySnapToRoad, type RoadSnap } from '../routing/snap';

export interface Facility {
  id: string;
  lonLat: LonLat;
}

/**
 * The result of one multi-source search forward from a set of facilities (stations, hospitals): for every
 * vertex, the time the nearest facility needs to drive to it and which facility that is.
 */
export interface DriveTimes {
  graph: RoadGraph;
  facilities: readonly Facility[];
  /** Facilities' snaps; null for one too far from any road (it reaches nothing). */
  snaps: (RoadSnap | null)[];
  /** Seconds from the nearest facility, Infinity where none reaches within maxSeconds. */
  time: Float64Array;
  /** Index into facilities of the nearest one, -1 where none reaches. */
  nearest: Int32Array;
  maxSeconds: number;
}

/**
 * Labels every vertex with its nearest facility by drive time (one Dijkstra seeded at all facilities at once,
 * each from its position on its edge, in the directions the edge allows), up to maxSeconds.
 */
export function driveTimesFrom(graph: RoadGraph, facilities: readonly Facility[], options: { maxSeconds?: number; maxSnapM?: number } = {}): DriveTimes {
  const maxSeconds = options.maxSeconds ?? Infinity;
  const snaps = facilities.map((f) => trySnapToRoad(graph, f.lonLat, options.maxSnapM ?? DEFAULT_MAX_SNAP_M));
  const ws = workspaceFor(graph);
  ws.begin();
  snaps.forEach((snap, i) => {
    if (!snap) return;
    const e = snap.edgeIndex;
    const toTarget = secondsToTarget(graph, e, snap.fraction);
    const toSource = secondsToSource(graph, e, snap.fraction);
    if (toTarget < Infinity) ws.seed(graph.edgeTarget[e]!, toTarget, (1 - snap.fraction) * graph.edgeLength[e]!, i);
    if (toSource < Infinity) ws.seed(graph.edgeSource[e]!, toSource, snap.fraction * graph.edgeLength[e]!, i);
  });
  ws.run(graph.forward, maxSeconds);
  const time = new Float64Array(graph.vertexCount).fill(Infinity);
  const nearest = new Int32Array(graph.vertexCount).fill(-1);
  for (let v = 0; v < graph.vertexCount; v++) {
    if (ws.isSettled(v)) {
      time[v] = ws.time[v]!;
      nearest[v] = ws.origin[v]!;
    }
  }
  return { graph, facilities, snaps, time, nearest, maxSeconds };
}

/** Time from the nearest facility to a position on an edge, and which facility (-1: none within the limit). */
export function timeAt(d: DriveTimes, edge: number, fraction: number): { seconds: number; facility: number } {
  const g = d.graph;
  let seconds = Infinity;
  let facility = -1;
  const s = g.edgeSource[edge]!;
  const t = g.edgeTarget[edge]!;
  const viaSource = d.time[s]! + secondsFromSource(g, edge, fraction);
  if (viaSource < seconds) [seconds, facility] = [viaSource, d.nearest[s]!];
  const viaTarget = d.time[t]! + secondsFromTarget(g, edge, fraction);
  if (viaTarget < seconds) [seconds, facility] = [viaTarget, d.nearest[t]!];
  d.snaps.forEach((snap, i) => {
    if (snap?.edgeIndex !== edge) return;
    const direct = secondsAlong(g, edge, snap.fraction, fraction);
    if (direct < seconds) [seconds, facility] = [direct, i];
  });
  return seconds <= d.maxSeconds ? { seconds, facility } : { seconds: Infinity, facility: -1 };
}

/**
 * The parts of every edge within `seconds` of the nearest facility, as [from, to] fraction intervals
 * (sorted, disjoint). A position is reached if any way to it (from either end, or straight from a facility
 * on the same edge, always in a drivable direction) takes no longer than the threshold.
 */
export function reachedIntervals(d: DriveTimes, seconds: number): Map<number, [number, number][]> {
  if (seconds > d.maxSeconds) throw new RangeError(`threshold ${seconds} s is beyond the search limit of ${d.maxSeconds} s`);
  const g = d.graph;
  const onEdge = new Map<number, RoadSnap[]>();
  for (const snap of d.snaps) if (snap) onEdge.set(snap.edgeIndex, [...(onEdge.get(snap.edgeIndex) ?? []), snap]);
  const result = new Map<number, [number, number][]>();
  for (let e = 0; e < g.edgeCount; e++) {
    const cost = g.edgeCost[e]!;
    const reverseCost = g.edgeReverseCost[e]!;
    const pieces: [number, number][] = [];
    const ts = d.time[g.edgeSource[e]!]!;
    const tt = d.time[g.edgeTarget[e]!]!;
    if (ts <= seconds) pieces.push([0, cost > 0 ? Math.min(1, (seconds - ts) / cost) : cost === 0 ? 1 : 0]);
    if (tt <= seconds) pieces.push([reverseCost > 0 ? Math.max(0, 1 - (seconds - tt) / reverseCost) : reverseCost === 0 ? 0 : 1, 1]);
    for (const snap of onEdge.get(e) ?? []) {
      const x = snap.fraction;
      if (cost >= 0) pieces.push([x, cost > 0 ? Math.min(1, x + seconds / cost) : 1]);
      if (reverseCost >= 0) pieces.push([reverseCost > 0 ? Math.max(0, x - seconds / reverseCost) : 0, x]);
    }
    const merged = mergeIntervals(pieces);
    if (merged.length) result.set(e, merged);
  }
  return result;
}

function mergeIntervals(pieces: [number, number][]): [number, number][] {
  const valid = pieces.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of valid) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/**
 * The station responsible for a point: the one that reaches it first by road. One search on the reversed
 * graph from the point (not one per station). Null when no station reaches it (within maxSeconds).
 */
export function responsibleStation(
  graph: RoadGraph,
  point: LonLat,
  stations: readonly Facility[],
  options: { maxSeconds?: number } = {},
): { stationId: string; etaSeconds: number; distanceM: number; ranking: RankResult[] } | null {
  const ranking = rankToTarget(graph, point, stations, options).results;
  const first = ranking[0];
  if (!first || !isReachable(first)) return null;
  return { stationId: first.id, etaSeconds: first.etaSeconds, distanceM: first.distanceM, ranking };
}
