import type { RoadGraph } from './roadGraph';

/*
 * A lower bound of drive times from the straight line, proven with the graph's own costs, so that a ranking can
 * leave out whole groups of sources (other dispatch centres' fleets) it can prove are no nearer than what it found.
 *
 * The graph's plane: x = lon × shrink, y = lat (degrees), shrink = cos of the graph's middle latitude (any fixed value
 * keeps the proof; a near one keeps the bound tight). `speed` is the largest plane length of an edge's chord (the
 * segment between its end vertices) per second of its cost, over every edge and every direction it can be driven.
 * A drive from vertex a to vertex b passes vertices a = v0, v1, …, vk = b, each step an edge driven whole, so
 *   its time = Σ cost(v_i → v_i+1) ≥ Σ |v_i v_i+1| / speed ≥ |a b| / speed   (the triangle inequality in the plane).
 * A source's ETA to a target on edge t is the part of its own edge e it drives (≥ 0), a drive from an end of e to
 * an end of t, and the part of t it drives (≥ 0); on t itself (e = t) the ends are t's own, at distance 0. So the ETA
 * is at least the plane distance from t's nearer end to any box holding e's ends, over speed, and the same holds for
 * every source of a group from the box of all their edges' ends. The contraction hierarchy's times are the same sums
 * of the same costs; the bound is lowered by a relative 1e-9 against the rounding of either side.
 */

export interface GraphPlane {
  /** x = lon × shrink. */
  shrink: number;
  /** Plane degrees per second: no edge is driven faster along its chord. */
  speed: number;
}

const planes = new WeakMap<RoadGraph, GraphPlane>();

/** The graph's plane and top speed in it (computed once per graph: one pass over its edges). */
export function planeOf(graph: RoadGraph): GraphPlane {
  let plane = planes.get(graph);
  if (plane) return plane;
  const { vertexLon, vertexLat, edgeSource, edgeTarget, edgeCost, edgeReverseCost } = graph;
  let low = Infinity;
  let high = -Infinity;
  for (let v = 0; v < graph.vertexCount; v++) {
    if (vertexLat[v]! < low) low = vertexLat[v]!;
    if (vertexLat[v]! > high) high = vertexLat[v]!;
  }
  const shrink = graph.vertexCount > 0 ? Math.cos((((low + high) / 2) * Math.PI) / 180) : 1;
  let speed = 0;
  for (let e = 0; e < graph.edgeCount; e++) {
    const a = edgeSource[e]!;
    const b = edgeTarget[e]!;
    const chord = Math.hypot(vertexLon[a]! * shrink - vertexLon[b]! * shrink, vertexLat[a]! - vertexLat[b]!);
    for (const cost of [edgeCost[e]!, edgeReverseCost[e]!]) {
      // A negative cost: not drivable that way. A zero cost over a chord: no bound at all (speed Infinity).
      if (cost < 0 || chord === 0) continue;
      const s = chord / cost;
      if (s > speed) speed = s;
    }
  }
  planes.set(graph, (plane = { shrink, speed }));
  return plane;
}

/**
 * Seconds that no drive to the target on edge `targetEdge` takes from a source whose edge ends lie in the plane box
 * [lowX, highX] × [lowY, highY] (see above); Infinity for an empty box (low > high: no source on the road).
 */
export function secondsAtLeast(graph: RoadGraph, targetEdge: number, lowX: number, highX: number, lowY: number, highY: number): number {
  if (!(lowX <= highX && lowY <= highY)) return Infinity;
  const { shrink, speed } = planeOf(graph);
  let nearest = Infinity;
  for (const v of [graph.edgeSource[targetEdge]!, graph.edgeTarget[targetEdge]!]) {
    const x = graph.vertexLon[v]! * shrink;
    const y = graph.vertexLat[v]!;
    const d = Math.hypot(Math.max(lowX - x, 0, x - highX), Math.max(lowY - y, 0, y - highY));
    if (d < nearest) nearest = d;
  }
  if (nearest === 0 || !(speed < Infinity)) return 0;
  return speed > 0 ? (nearest / speed) * (1 - 1e-9) : Infinity;
}
