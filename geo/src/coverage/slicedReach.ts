import { secondsAlong, secondsFromSource, secondsFromTarget, secondsToSource, secondsToTarget } from '../routing/edgeParts';
import type { LonLat } from '../routing/geometry';
import type { RoadGraph } from '../routing/roadGraph';
import { DEFAULT_MAX_SNAP_M, trySnapToRoad, type RoadSnap } from '../routing/snap';
import { VertexHeap } from '../routing/vertexHeap';

/** How a sliced computation went: the event loop was held `longestSliceMs` at most, in `slices` turns. */
export interface SliceStats {
  slices: number;
  busyMs: number;
  longestSliceMs: number;
}

export interface SliceOptions {
  /** A slice returns to the event loop once past this many ms (default 4). */
  sliceMs?: number;
  /** Filled in as it runs: how long it held the loop. */
  stats?: SliceStats;
}

/**
 * Runs `step(deadline)` until it returns true, each call on a later turn of the event loop (setImmediate), as the
 * hierarchy's background build does (routing/contractionHierarchy.ts): live recommendations and position fan-out
 * share the loop with the live coverage.
 */
export async function runSliced(step: (deadline: number) => boolean, options: SliceOptions = {}): Promise<void> {
  const sliceMs = options.sliceMs ?? 4;
  const stats = options.stats;
  for (let done = false; !done; ) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const start = performance.now();
    done = step(start + sliceMs);
    const ms = performance.now() - start;
    if (stats) {
      stats.slices++;
      stats.busyMs += ms;
      stats.longestSliceMs = Math.max(stats.longestSliceMs, ms);
    }
  }
}

/** One direction's arcs of a graph in CSR form (graph.forward, graph.reverse). */
type Arcs = RoadGraph['forward'];

/**
 * A bounded search's own labels: a sliced search spans turns, so it cannot borrow the graph's shared workspace
 * (search.ts). Shared by the live circle's forward searches (below) and the move-up table's backward ones.
 */
export class SearchLabels {
  readonly time: Float64Array;
  readonly reached: Uint32Array;
  readonly settled: Uint32Array;
  readonly heap: VertexHeap;
  generation = 0;
  busy = false;

  constructor(graph: RoadGraph) {
    this.time = new Float64Array(graph.vertexCount);
    this.reached = new Uint32Array(graph.vertexCount);
    this.settled = new Uint32Array(graph.vertexCount);
    this.heap = new VertexHeap(graph.forward.head.length + 64);
  }

  begin(): void {
    if (++this.generation === 0xffffffff) {
      this.reached.fill(0);
      this.settled.fill(0);
      this.generation = 1;
    }
    this.heap.clear();
  }

  /** A source at vertex v, t seconds away (kept only if sooner than what v has). */
  seed(v: number, t: number): void {
    const gen = this.generation;
    if (this.reached[v] === gen && this.time[v]! <= t) return;
    this.reached[v] = gen;
    this.time[v] = t;
    this.heap.push(t, v);
  }

  /**
   * Dijkstra over `arcs` from the seeds, settling vertices in time order up to maxSeconds: true when done, false when
   * the deadline came first (call again to go on). `onSettled` hears each vertex as it is settled.
   */
  settleUntil(arcs: Arcs, maxSeconds: number, deadline: number, onSettled?: (v: number) => void): boolean {
    const { offsets, head, weight } = arcs;
    const { time, reached, settled, heap } = this;
    const gen = this.generation;
    let count = 0;
    while (heap.size > 0) {
      if ((++count & 63) === 0 && performance.now() > deadline) return false;
      const key = heap.topKey;
      const u = heap.pop();
      if (settled[u] === gen) continue;
      if (key > maxSeconds) break;
      settled[u] = gen;
      onSettled?.(u);
      const du = time[u]!;
      for (let i = offsets[u]!, end = offsets[u + 1]!; i < end; i++) {
        const v = head[i]!;
        const t = du + weight[i]!;
        if (reached[v] === gen) {
          if (t >= time[v]!) continue;
        } else if (t > maxSeconds) continue;
        reached[v] = gen;
        time[v] = t;
        heap.push(t, v);
      }
    }
    heap.clear();
    return true;
  }
}

const labelsByGraph = new WeakMap<RoadGraph, SearchLabels>();

function takeLabels(graph: RoadGraph): SearchLabels {
  let labels = labelsByGraph.get(graph);
  if (!labels) labelsByGraph.set(graph, (labels = new SearchLabels(graph)));
  // Two computations at once on one graph (two servers in one test process): the second gets its own.
  return labels.busy ? new SearchLabels(graph) : labels;
}

/** Drive time to a snapped place from the nearest source of a finished search, as timeAt gives it (Infinity past the limit). */
export type SecondsTo = (target: RoadSnap) => number;

/**
 * One multi-source search (as driveTimesFrom: each source from its place on its edge, in the directions the edge
 * allows, up to maxSeconds) in slices: the sources' snapping and the search each stop at the deadline and go on at
 * the next turn. `read` gets the drive times while the labels are still the search's (they are reused after).
 */
export async function searchSliced<T>(
  graph: RoadGraph,
  sources: readonly LonLat[],
  maxSeconds: number,
  options: SliceOptions & { maxSnapM?: number },
  read: (secondsTo: SecondsTo, snaps: readonly (RoadSnap | null)[]) => Promise<T>,
): Promise<T> {
  const maxSnapM = options.maxSnapM ?? DEFAULT_MAX_SNAP_M;
  const labels = takeLabels(graph);
  labels.busy = true;
  try {
    const snaps: (RoadSnap | null)[] = [];
    await runSliced((deadline) => {
      while (snaps.length < sources.length) {
        snaps.push(trySnapToRoad(graph, sources[snaps.length]!, maxSnapM));
        if ((snaps.length & 15) === 0 && performance.now() > deadline) break;
      }
      return snaps.length === sources.length;
    }, options);
    labels.begin();
    const onEdge = new Map<number, number[]>();
    // The seeding is one step of its own (a few µs a source), so that the slices' figures count it.
    await runSliced(() => {
      for (const snap of snaps) {
        if (!snap) continue;
        const e = snap.edgeIndex;
        const toTarget = secondsToTarget(graph, e, snap.fraction);
        const toSource = secondsToSource(graph, e, snap.fraction);
        if (toTarget < Infinity) labels.seed(graph.edgeTarget[e]!, toTarget);
        if (toSource < Infinity) labels.seed(graph.edgeSource[e]!, toSource);
        const list = onEdge.get(e);
        if (list) list.push(snap.fraction);
        else onEdge.set(e, [snap.fraction]);
      }
      return true;
    }, options);
    await runSliced((deadline) => labels.settleUntil(graph.forward, maxSeconds, deadline), options);
    const { time, settled, generation } = labels;
    const at = (v: number) => (settled[v] === generation ? time[v]! : Infinity);
    return await read((target) => {
      const seconds = secondsTo(graph, at, onEdge, target);
      return seconds <= maxSeconds ? seconds : Infinity;
    }, snaps);
  } finally {
    labels.busy = false;
  }
}

/** `items.map(f)` in slices. */
async function mapSliced<A, B>(items: readonly A[], f: (item: A, index: number) => B, options: SliceOptions): Promise<B[]> {
  const out: B[] = [];
  await runSliced((deadline) => {
    while (out.length < items.length) {
      out.push(f(items[out.length]!, out.length));
      if ((out.length & 255) === 0 && performance.now() > deadline) break;
    }
    return out.length === items.length;
  }, options);
  return out;
}

/**
 * Which of `targets` (snapped demand points, null: off the road, never reached) lie within `seconds` by road of
 * one of `sources`: the same answer as one multi-source search (driveTimesFrom with maxSeconds = seconds) and
 * timeAt(...).seconds <= seconds for each target, computed in slices.
 */
export async function reachedWithinSliced(
  graph: RoadGraph,
  targets: readonly (RoadSnap | null)[],
  sources: readonly LonLat[],
  seconds: number,
  options: SliceOptions & { maxSnapM?: number } = {},
): Promise<boolean[]> {
  if (sources.length === 0) return targets.map(() => false);
  return searchSliced(graph, sources, seconds, options, (secondsTo) => mapSliced(targets, (snap) => snap !== null && secondsTo(snap) <= seconds, options));
}

/** reachOracle.ts's answer (which demand points one place reaches in time, its drive time to each target) in slices. */
export function reachFromSliced(
  graph: RoadGraph,
  from: LonLat,
  demandSnaps: readonly (RoadSnap | null)[],
  seconds: number,
  targets: readonly (RoadSnap | null)[] = [],
  searchSeconds = seconds,
  options: SliceOptions = {},
): Promise<{ reach: number[]; secondsTo: number[]; onRoad: boolean }> {
  return searchSliced(graph, [from], Math.max(seconds, searchSeconds), options, async (secondsTo, snaps) => {
    const within = await mapSliced(demandSnaps, (snap) => snap !== null && secondsTo(snap) <= seconds, options);
    const reach = within.flatMap((inside, i) => (inside ? [i] : []));
    return { reach, secondsTo: targets.map((snap) => (snap ? secondsTo(snap) : Infinity)), onRoad: snaps[0] !== null };
  });
}

/** timeAt's seconds: via either end of the target's edge, or straight along it from a source on the same edge. */
function secondsTo(graph: RoadGraph, at: (v: number) => number, onEdge: Map<number, number[]>, target: RoadSnap): number {
  const e = target.edgeIndex;
  let best = Math.min(at(graph.edgeSource[e]!) + secondsFromSource(graph, e, target.fraction), at(graph.edgeTarget[e]!) + secondsFromTarget(graph, e, target.fraction));
  for (const fraction of onEdge.get(e) ?? []) best = Math.min(best, secondsAlong(graph, e, fraction, target.fraction));
  return best;
}
