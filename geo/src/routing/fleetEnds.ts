import type { ContractionHierarchy } from './contractionHierarchy';
import { secondsToSource, secondsToTarget } from './edgeParts';
import { planeOf } from './lowerBounds';
import type { RoadGraph } from './roadGraph';
import type { RoadSnap } from './snap';

/*
 * A fleet's per-source constants, kept across rankings of the same graph. Ranking 10,000 vehicles on a province
 * (1.14M edges) spent more time fetching each vehicle's edge data and its edge ends' ranks and sweep indices,
 * each a cache miss in arrays of a million entries, than sweeping the hierarchy. Vehicles mostly stand still
 * between two calls and their callers keep their snaps (the same object while the position is the same), so what
 * depends only on a snap is computed once per snap, in columns by source index read in order.
 */

/** Where source i stands, as the rankings read it (by source index; RoadSnap objects are never changed in place). */
export class FleetEnds {
  /** The snap each column was computed from (compared by identity). */
  private snaps: (RoadSnap | null)[] = [];
  /** Edge of source i, -1 when it has no snap (too far from any road). */
  edge = new Int32Array(0);
  /** Seconds and metres from the position to its edge's target vertex, and back to its source vertex (Infinity: against a oneway). */
  secondsToTarget = new Float64Array(0);
  metresToTarget = new Float64Array(0);
  secondsToSource = new Float64Array(0);
  metresToSource = new Float64Array(0);
  /** Sources whose snap changed in the last update(): changed[0 .. changedCount-1]. */
  changed = new Int32Array(0);
  changedCount = 0;
  /** Index in `hierarchy`'s toTarget sub-sweep of each source's edge ends (2i: the edge's source vertex, 2i+1: its target), -1: none. */
  sweepIndex = new Int32Array(0);
  /**
   * The box each source's edge ends lie in, in the graph's plane (lowerBounds.ts): x = lon × cos(its latitude),
   * y = lat. Empty (low > high) for a source with no snap.
   */
  lowX = new Float64Array(0);
  highX = new Float64Array(0);
  lowY = new Float64Array(0);
  highY = new Float64Array(0);
  /** The hierarchy and its sub-sweep rebuild the sweep indices belong to (null: none kept). */
  hierarchy: ContractionHierarchy | null = null;
  rebuilds = -1;

  constructor(readonly graph: RoadGraph) {}

  /**
   * Takes this call's snaps (source i's is snaps[from + i]): the columns of every source whose snap is not the one
   * seen last at its index are recomputed and listed in `changed`.
   */
  update(snaps: readonly (RoadSnap | null)[], count: number, from = 0): void {
    if (this.edge.length < count) this.grow(count);
    const graph = this.graph;
    const { edgeLength, edgeSource, edgeTarget, vertexLon, vertexLat } = graph;
    const shrink = planeOf(graph).shrink;
    const kept = this.snaps;
    let changedCount = 0;
    for (let i = 0; i < count; i++) {
      const snap = snaps[from + i] ?? null;
      if (i < kept.length && kept[i] === snap) continue;
      kept[i] = snap;
      this.changed[changedCount++] = i;
      if (!snap) {
        this.edge[i] = -1;
        this.lowX[i] = this.lowY[i] = Infinity;
        this.highX[i] = this.highY[i] = -Infinity;
        continue;
      }
      const e = snap.edgeIndex;
      const g = snap.fraction;
      this.edge[i] = e;
      this.secondsToTarget[i] = secondsToTarget(graph, e, g);
      this.metresToTarget[i] = (1 - g) * edgeLength[e]!;
      this.secondsToSource[i] = secondsToSource(graph, e, g);
      this.metresToSource[i] = g * edgeLength[e]!;
      const a = edgeSource[e]!;
      const b = edgeTarget[e]!;
      this.lowX[i] = Math.min(vertexLon[a]!, vertexLon[b]!) * shrink;
      this.highX[i] = Math.max(vertexLon[a]!, vertexLon[b]!) * shrink;
      this.lowY[i] = Math.min(vertexLat[a]!, vertexLat[b]!);
      this.highY[i] = Math.max(vertexLat[a]!, vertexLat[b]!);
    }
    this.changedCount = changedCount;
    // What is kept past this call's sources is forgotten: a caller may skip looking up (and selecting) every source
    // of one call (fleetGroups.ts: a centre left unsearched); a later call with more sources must see those as changed.
    if (kept.length > count) kept.length = count;
  }

  /** The snap source i's columns hold. */
  snapAt(i: number): RoadSnap | null {
    return this.snaps[i] ?? null;
  }

  private grow(count: number): void {
    const capacity = Math.max(count, this.edge.length * 2);
    const copy = <T extends Int32Array | Float64Array>(a: T, size: number): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.edge = copy(this.edge, capacity);
    this.secondsToTarget = copy(this.secondsToTarget, capacity);
    this.metresToTarget = copy(this.metresToTarget, capacity);
    this.secondsToSource = copy(this.secondsToSource, capacity);
    this.metresToSource = copy(this.metresToSource, capacity);
    this.lowX = copy(this.lowX, capacity);
    this.highX = copy(this.highX, capacity);
    this.lowY = copy(this.lowY, capacity);
    this.highY = copy(this.highY, capacity);
    this.changed = new Int32Array(capacity);
    this.sweepIndex = copy(this.sweepIndex, capacity * 2);
  }
}

const fleets = new WeakMap<RoadGraph, FleetEnds>();

/** The graph's fleet columns (one set per graph: the server ranks one fleet on it; another caller only costs recomputation). */
export function fleetEndsOf(graph: RoadGraph): FleetEnds {
  let fleet = fleets.get(graph);
  if (!fleet) fleets.set(graph, (fleet = new FleetEnds(graph)));
  return fleet;
}
