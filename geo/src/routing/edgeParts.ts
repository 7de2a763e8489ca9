import type { RoadGraph } from './roadGraph';

/*
 * Time to drive the part of edge e between a position (fraction 0..1 from its source) and one of its ends,
 * Infinity where the edge is oneway the other way. A position exactly at an end IS that vertex, from which
 * every direction is open, so it costs 0 whatever the edge's direction.
 */

/** From the position to the edge's target vertex. */
export function secondsToTarget(graph: RoadGraph, e: number, fraction: number): number {
  if (fraction === 1) return 0;
  const cost = graph.edgeCost[e]!;
  return cost >= 0 ? (1 - fraction) * cost : Infinity;
}

/** From the position back to the edge's source vertex. */
export function secondsToSource(graph: RoadGraph, e: number, fraction: number): number {
  if (fraction === 0) return 0;
  const reverseCost = graph.edgeReverseCost[e]!;
  return reverseCost >= 0 ? fraction * reverseCost : Infinity;
}

/** From the edge's source vertex to the position. */
export function secondsFromSource(graph: RoadGraph, e: number, fraction: number): number {
  if (fraction === 0) return 0;
  const cost = graph.edgeCost[e]!;
  return cost >= 0 ? fraction * cost : Infinity;
}

/** From the edge's target vertex back to the position. */
export function secondsFromTarget(graph: RoadGraph, e: number, fraction: number): number {
  if (fraction === 1) return 0;
  const reverseCost = graph.edgeReverseCost[e]!;
  return reverseCost >= 0 ? (1 - fraction) * reverseCost : Infinity;
}

/** Along one edge from fraction g to fraction f without leaving it; Infinity if that is against a oneway. */
export function secondsAlong(graph: RoadGraph, e: number, g: number, f: number): number {
  if (g === f) return 0;
  if (g < f) return graph.edgeCost[e]! >= 0 ? (f - g) * graph.edgeCost[e]! : Infinity;
  return graph.edgeReverseCost[e]! >= 0 ? (g - f) * graph.edgeReverseCost[e]! : Infinity;
}
