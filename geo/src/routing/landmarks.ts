import type { ContractionHierarchy } from './contractionHierarchy';

/*
 * Landmark lower bounds (ALT: Goldberg & Harrelson, "Computing the shortest path: A* search meets graph theory", 2005),
 * for leaving out whole groups of sources (other centres' fleets, fleetGroups.ts) that a ranking can prove no nearer
 * than what it found. The straight-line bound (lowerBounds.ts) assumes the graph's top speed along a straight line; on a
 * province that is 2–3 times below real drive times, so a call searched ~6 of 20 centres. The drive times to and from a
 * few landmarks at the network's rim bound drive times by the triangle inequality over the graph's own costs:
 *   d(x→y) ≥ d(L→y) − d(L→x)   and   d(x→y) ≥ d(x→L) − d(y→L)   for any landmark L.
 * A source's ETA drives part of its edge (≥ 0) to one of the edge's ends x, then to an end y of the target's edge, then
 * part of that edge (≥ 0) (a source on the target's own edge: x and y range over the same two vertices, and both bounds
 * give ≤ 0). Over a group's sources and the target's ends:
 *   ETA ≥ min_y d(L→y) − max_x d(L→x)   and   ETA ≥ min_x d(x→L) − max_y d(y→L).
 * An unreachable landmark gives Infinity: Infinity − Infinity is NaN, never taken; Infinity − finite is a true Infinity
 * (if y is unreachable from L but x is reachable, y is unreachable from x). Times are kept as float32 (a province: 8
 * landmarks × 2 directions × 882k vertices × 4 bytes = 56 MB); each stored value is within 2^-24 of the double, so every
 * bound is lowered by `margin` (twice that of the largest finite time, and a microsecond for the hierarchy's own sums).
 */

export interface Landmarks {
  /** Vertex ids of the landmarks. */
  vertices: number[];
  /** Seconds from each landmark to every vertex, by the hierarchy's rank (Infinity: not reachable). */
  from: Float32Array[];
  /** Seconds from every vertex to each landmark, by rank. */
  to: Float32Array[];
  /** Taken off every bound: the float32 rounding of the two times it subtracts. */
  margin: number;
  /** The build: wall time (in slices of the hierarchy's sweeps, contractionHierarchy.ts wholeQuerySliced) and bytes kept. */
  stats: { buildMs: number; bytes: number };
}

const attached = new WeakMap<ContractionHierarchy, Landmarks>();

/** The hierarchy's landmarks once built and attached (null before: group bounds are the straight line's only). */
export function landmarksOf(ch: ContractionHierarchy): Landmarks | null {
  return attached.get(ch) ?? null;
}

export function attachLandmarks(ch: ContractionHierarchy, landmarks: Landmarks): void {
  attached.set(ch, landmarks);
}

/**
 * Landmarks at the rim of the main network (planar selection: in each of `count` equal angles around the middle of its
 * box, the main-network vertex farthest from it), and the times to and from each by a whole-graph sweep of the hierarchy
 * (PHAST: ~0.1 s each on a province), in slices between turns of the event loop.
 */
export async function buildLandmarks(ch: ContractionHierarchy, options: { count?: number; signal?: AbortSignal } = {}): Promise<Landmarks> {
  const started = performance.now();
  const count = options.count ?? 8;
  const { graph } = ch;
  const { vertexLon, vertexLat, vertexInMain, vertexCount } = graph;
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let v = 0; v < vertexCount; v++) {
    if (vertexInMain[v] !== 1) continue;
    minX = Math.min(minX, vertexLon[v]!);
    maxX = Math.max(maxX, vertexLon[v]!);
    minY = Math.min(minY, vertexLat[v]!);
    maxY = Math.max(maxY, vertexLat[v]!);
  }
  const midX = (minX + maxX) / 2;
  const midY = (minY + maxY) / 2;
  const shrink = Math.cos((midY * Math.PI) / 180);
  const farthest = new Array<number>(count).fill(-1);
  const reach = new Float64Array(count).fill(-1);
  for (let v = 0; v < vertexCount; v++) {
    if (vertexInMain[v] !== 1) continue;
    const dx = (vertexLon[v]! - midX) * shrink;
    const dy = vertexLat[v]! - midY;
    const sector = Math.min(count - 1, Math.floor(((Math.atan2(dy, dx) + Math.PI) / (2 * Math.PI)) * count));
    const d = dx * dx + dy * dy;
    if (d > reach[sector]!) {
      reach[sector] = d;
      farthest[sector] = v;
    }
  }
  const vertices = [...new Set(farthest.filter((v) => v >= 0))];
  const from: Float32Array[] = [];
  const to: Float32Array[] = [];
  let largest = 0;
  for (const v of vertices) {
    for (const direction of ['fromSource', 'toTarget'] as const) {
      const time = await ch.wholeQuerySliced(direction, v, { signal: options.signal });
      for (const t of time) if (t < Infinity && t > largest) largest = t;
      (direction === 'fromSource' ? from : to).push(Float32Array.from(time));
    }
  }
  const bytes = [...from, ...to].reduce((sum, a) => sum + a.byteLength, 0);
  return { vertices, from, to, margin: 2 * largest * 2 ** -24 + 1e-6, stats: { buildMs: performance.now() - started, bytes } };
}

/** Per landmark, the two aggregates of a group of sources' edge ends that its bound needs (see above). */
export class LandmarkAggregates {
  /** max over the sources' edge ends x of d(L→x), per landmark. */
  readonly maxFrom: Float64Array;
  /** min over x of d(x→L). */
  readonly minTo: Float64Array;
  /** Per source, the edge its values are of (-2: none yet) and its two values per landmark: a moved source is recomputed alone. */
  private edgeSeen = new Int32Array(0);
  private values = new Float32Array(0);
  private count = 0;

  constructor(readonly landmarks: Landmarks) {
    this.maxFrom = new Float64Array(landmarks.vertices.length);
    this.minTo = new Float64Array(landmarks.vertices.length);
  }

  /** Takes the group's sources 0 .. count-1, source i on edge edge[i] (-1: none); the aggregates are recomputed if any changed. */
  update(ch: ContractionHierarchy, edge: Int32Array, count: number): void {
    const { from, to } = this.landmarks;
    const n = from.length;
    if (this.edgeSeen.length < count) {
      const capacity = Math.max(count, this.edgeSeen.length * 2, 16);
      const seen = new Int32Array(capacity).fill(-2);
      seen.set(this.edgeSeen);
      const values = new Float32Array(capacity * 2 * n);
      values.set(this.values);
      this.edgeSeen = seen;
      this.values = values;
    }
    const { edgeSeen, values } = this;
    const { edgeSourceRank, edgeTargetRank } = ch;
    let changed = count !== this.count;
    for (let i = 0; i < count; i++) {
      const e = edge[i]!;
      if (edgeSeen[i] === e) continue;
      edgeSeen[i] = e;
      changed = true;
      for (let l = 0; l < n; l++) {
        const at = (i * n + l) * 2;
        if (e < 0) {
          values[at] = -Infinity;
          values[at + 1] = Infinity;
          continue;
        }
        const a = edgeSourceRank[e]!;
        const b = edgeTargetRank[e]!;
        values[at] = Math.max(from[l]![a]!, from[l]![b]!);
        values[at + 1] = Math.min(to[l]![a]!, to[l]![b]!);
      }
    }
    this.count = count;
    if (!changed) return;
    this.maxFrom.fill(-Infinity);
    this.minTo.fill(Infinity);
    for (let i = 0; i < count; i++) {
      for (let l = 0; l < n; l++) {
        const at = (i * n + l) * 2;
        if (values[at]! > this.maxFrom[l]!) this.maxFrom[l] = values[at]!;
        if (values[at + 1]! < this.minTo[l]!) this.minTo[l] = values[at + 1]!;
      }
    }
  }

  /** Seconds no source of the group takes to the target on edge `targetEdge` (0 when nothing is proven). */
  secondsAtLeast(ch: ContractionHierarchy, targetEdge: number): number {
    const { from, to, margin } = this.landmarks;
    const a = ch.edgeSourceRank[targetEdge]!;
    const b = ch.edgeTargetRank[targetEdge]!;
    let bound = 0;
    for (let l = 0; l < from.length; l++) {
      const forward = Math.min(from[l]![a]!, from[l]![b]!) - this.maxFrom[l]!;
      const backward = this.minTo[l]! - Math.max(to[l]![a]!, to[l]![b]!);
      if (forward > bound) bound = forward;
      if (backward > bound) bound = backward;
    }
    return bound === Infinity ? Infinity : Math.max(0, bound - margin);
  }
}
