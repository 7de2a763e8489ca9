import { VertexHeap } from './vertexHeap';
import type { Csr, RoadGraph } from './roadGraph';

/**
 * Plain Dijkstra over the CSR arrays, with every buffer allocated once per graph and reused: a vertex's
 * label is valid only when its stamp equals the current generation, so a new search costs no clearing.
 * Not re-entrant, which is fine: searches are synchronous and JavaScript runs one at a time.
 */
export class SearchWorkspace {
  /** Seconds from the seeds (forward) or to the seeds (reversed). Valid where reached[v] === generation. */
  readonly time: Float64Array;
  /** Metres along the same path. */
  readonly distance: Float64Array;
  /** Arc code (edge * 2 + direction) the vertex was reached by, -1 for a seed. */
  readonly via: Int32Array;
  /** Index of the seed whose path reached the vertex. */
  readonly origin: Int32Array;
  readonly reached: Uint32Array;
  readonly settled: Uint32Array;
  private readonly wanted: Uint32Array;
  private readonly heap: VertexHeap;
  generation = 0;
  /** Set by the last run: some vertex was left unexplored because it lay beyond maxSeconds. */
  boundHit = false;
  /** Vertices settled by the last run (a measure of the work done). */
  settledCount = 0;
  private wantedLeft = 0;

  constructor(readonly graph: RoadGraph) {
    const n = graph.vertexCount;
    this.time = new Float64Array(n);
    this.distance = new Float64Array(n);
    this.via = new Int32Array(n);
    this.origin = new Int32Array(n);
    this.reached = new Uint32Array(n);
    this.settled = new Uint32Array(n);
    this.wanted = new Uint32Array(n);
    // Lazy deletion pushes at most once per arc relaxation plus the seeds.
    const capacity = graph.forward.head.length + 64;
    this.heap = new VertexHeap(capacity);
  }

  /** Starts a new search: all labels become invalid at once. */
  begin(): void {
    this.generation++;
    if (this.generation === 0xffffffff) {
      this.reached.fill(0);
      this.settled.fill(0);
      this.wanted.fill(0);
      this.generation = 1;
    }
    this.heap.clear();
    this.wantedLeft = 0;
    this.boundHit = false;
    this.settledCount = 0;
  }

  isReached(v: number): boolean {
    return this.reached[v] === this.generation;
  }

  isSettled(v: number): boolean {
    return this.settled[v] === this.generation;
  }

  /** Seeds a vertex with a starting time and distance (keeps the better of two seeds of one vertex). */
  seed(v: number, time: number, distance: number, origin: number): void {
    if (this.reached[v] === this.generation && this.time[v]! <= time) return;
    this.reached[v] = this.generation;
    this.time[v] = time;
    this.distance[v] = distance;
    this.via[v] = -1;
    this.origin[v] = origin;
    this.heap.push(time, v);
  }

  /** The search may stop once every wanted vertex is settled. */
  want(v: number): void {
    if (this.wanted[v] === this.generation) return;
    this.wanted[v] = this.generation;
    this.wantedLeft++;
  }

  /**
   * Runs to exhaustion, to maxSeconds, or until every wanted vertex is settled (when any was wanted).
   * Returns true when it stopped because all wanted vertices were settled.
   */
  run(csr: Csr, maxSeconds: number): boolean {
    const { offsets, head, arc, weight, length } = csr;
    const time = this.time;
    const distance = this.distance;
    const reached = this.reached;
    const settled = this.settled;
    const wanted = this.wanted;
    const via = this.via;
    const origin = this.origin;
    const gen = this.generation;
    const stopOnWanted = this.wantedLeft > 0;
    let settledCount = 0;
    const heap = this.heap;
    while (heap.size > 0) {
      const key = heap.topKey;
      const u = heap.pop();
      if (settled[u] === gen) continue;
      if (key > maxSeconds) {
        this.boundHit = true;
        break;
      }
      settled[u] = gen;
      settledCount++;
      if (stopOnWanted && wanted[u] === gen && --this.wantedLeft === 0) {
        this.settledCount = settledCount;
        return true;
      }
      const du = time[u]!;
      const lu = distance[u]!;
      const ou = origin[u]!;
      for (let i = offsets[u]!, end = offsets[u + 1]!; i < end; i++) {
        const v = head[i]!;
        const t = du + weight[i]!;
        if (reached[v] === gen) {
          if (t >= time[v]!) continue;
        } else if (t > maxSeconds) {
          this.boundHit = true;
          continue;
        }
        reached[v] = gen;
        time[v] = t;
        distance[v] = lu + length[i]!;
        via[v] = arc[i]!;
        origin[v] = ou;
        heap.push(t, v);
      }
    }
    this.settledCount = settledCount;
    return false;
  }
}

const workspaces = new WeakMap<RoadGraph, SearchWorkspace>();

/** The graph's one reusable workspace. */
export function workspaceFor(graph: RoadGraph): SearchWorkspace {
  let ws = workspaces.get(graph);
  if (!ws) {
    ws = new SearchWorkspace(graph);
    workspaces.set(graph, ws);
  }
  return ws;
}
