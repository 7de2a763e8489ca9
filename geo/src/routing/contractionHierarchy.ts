import { ArcLists } from './arcLists';
import { VertexHeap } from './vertexHeap';
import type { Csr, RoadGraph } from './roadGraph';
import { grown } from './typedArrays';

/*
 * Contraction hierarchies (Geisberger, Sanders, Schultes, Delling 2008) with a PHAST sweep (Delling, Goldberg,
 * Nowatzyk, Werneck 2011) for the many-to-one ranking: one small upward search from the incident, then one
 * linear pass over every vertex in descending rank gives the time from every vertex to the incident, so the
 * vehicles need no search of their own and no state to keep up to date as they move.
 *
 * Vertices are renumbered by rank (index = rank) so that the sweep reads its arcs in memory order.
 */

/** Upward arcs in rank space: the arcs of rank r are offsets[r] .. offsets[r+1]-1, each to a higher rank. */
interface UpwardArcs {
  offsets: Int32Array;
  head: Int32Array;
  weight: Float64Array;
  length: Float64Array;
}

/**
 * One RPHAST selection of one direction: a set of vertices closed upwards (every vertex their answers depend on is
 * in it) and its sub-hierarchy, the selected vertices numbered in sweep order (descending rank), each with its
 * upward arcs renumbered the same way, so that a restricted sweep reads contiguous arrays a fraction of the whole
 * graph's size instead of skipping through all of it. Appended to as the selection grows, compacted when it has
 * grown too far (selectionGrowth). Several can be kept, one per group of sources ranked apart (a dispatch centre's
 * fleet): each holds only arrays of its own size; which ranks are in it and at which sweep index is told by the
 * hierarchy's vertex-indexed scratch of its direction, shared by all and loaded with the selection in use.
 */
export class SweepSelection {
  /** Vertices in the sweep (time[0 .. count-1]); the rank of each. */
  count = 0;
  ranks = new Int32Array(0);
  offsets = new Int32Array(1);
  head = new Int32Array(0);
  weight = new Float64Array(0);
  length = new Float64Array(0);
  time = new Float64Array(0);
  distance = new Float64Array(0);
  /** Size right after the last fresh start (what the vertices of that moment needed). */
  freshCount = 0;
  /** How often the sub-hierarchy was renumbered from scratch: sweep indices read before are void. */
  rebuilds = 0;

  constructor(readonly direction: 0 | 1) {}

  /** Bytes of its own arrays (what one more kept selection costs). */
  byteSize(): number {
    let bytes = 0;
    for (const a of [this.ranks, this.offsets, this.head, this.weight, this.length, this.time, this.distance]) bytes += a.byteLength;
    return bytes;
  }
}

/** A direction's default selection, or a selection of the caller's own (ContractionHierarchy.newSelection). */
export type SelectionRef = 'toTarget' | 'fromSource' | SweepSelection;

export interface HierarchyStats {
  vertices: number;
  originalArcs: number;
  shortcuts: number;
  upwardArcs: number;
  preprocessMs: number;
  /** Time spent in slices of work (the rest was the event loop doing other things between them). */
  busyMs: number;
  slices: number;
  /** The longest slice: how long the build held the event loop at most (a garbage collection pause aside). */
  longestSliceMs: number;
}

export class ContractionHierarchy {
  /** rank[v] of the road graph's vertex v; order[r] is the vertex of rank r. */
  readonly rank: Int32Array;
  readonly order: Int32Array;
  /** Arcs v→w with rank(w) > rank(v), stored at rank(v). */
  readonly forwardUp: UpwardArcs;
  /** Arcs u→v with rank(u) > rank(v), stored at rank(v) with head rank(u): searched from v against their direction. */
  readonly backwardUp: UpwardArcs;
  /** Seconds (and metres along the same path) of the last query, by rank. */
  readonly time: Float64Array;
  readonly distance: Float64Array;
  private readonly heap: VertexHeap;
  /** Settled by the current upward search (generation stamps), and reached by it (time[] holds a value of this search). */
  private readonly mark: Uint32Array;
  private readonly reached: Uint32Array;
  private generation = 0;
  /** Vertices the last query's upward search settled, and their ranks. */
  upwardSettled = 0;
  readonly settledRanks: Int32Array;
  /**
   * Per direction, vertex-indexed scratch of the selection loaded in it (`loaded`): whether a rank is selected, and
   * its sweep index. Shared by every selection of the direction and loaded in O(both selections' sizes) when another
   * is used (load()): a kept selection then costs only its own size (a province's ranks: 0.9 + 3.5 MB each).
   */
  private readonly inSelection: [Uint8Array, Uint8Array];
  private readonly sweepIndexOf: [Int32Array, Int32Array];
  private readonly loaded: [SweepSelection | null, SweepSelection | null] = [null, null];
  /** Each direction's own selection, for callers that rank one set of sources at a time. */
  private readonly defaults: [SweepSelection, SweepSelection] = [new SweepSelection(0), new SweepSelection(1)];
  private readonly stack: Int32Array;
  /** The ranks the last selectRanks added. */
  private readonly addedRanks: Int32Array;
  /**
   * A selection is started afresh once it holds more than factor × (what the vertices needed at its last fresh
   * start) + slack vertices: a larger factor rebuilds less often, a smaller one sweeps fewer vertices no longer needed.
   */
  selectionGrowth = { factor: 1.25, slack: 1024 };
  /** The last upward search of a restricted query (its answers are still in time[] while `generation` is its). */
  private readonly lastUpward = { search: null as UpwardArcs | null, generation: -1, seeds: new Float64Array(6) };
  /** Which selection holds the last query's answers, null: the whole-graph arrays. */
  private answeredBy: SweepSelection | null = null;
  /** The ranks of each road edge's source and target vertex: a fleet's edge ends in rank space in one read each. */
  readonly edgeSourceRank: Int32Array;
  readonly edgeTargetRank: Int32Array;

  constructor(
    readonly graph: RoadGraph,
    rank: Int32Array,
    forwardUp: UpwardArcs,
    backwardUp: UpwardArcs,
    readonly stats: HierarchyStats,
    /** order and the edge ends' ranks when the caller computed them already (the sliced build). */
    ranked?: { order: Int32Array; edgeSourceRank: Int32Array; edgeTargetRank: Int32Array },
  ) {
    const n = graph.vertexCount;
    this.rank = rank;
    const fromRank = ranked ?? rankSpace(graph, rank, Infinity, null)!;
    this.order = fromRank.order;
    this.edgeSourceRank = fromRank.edgeSourceRank;
    this.edgeTargetRank = fromRank.edgeTargetRank;
    this.forwardUp = forwardUp;
    this.backwardUp = backwardUp;
    this.time = new Float64Array(n);
    this.distance = new Float64Array(n);
    this.heap = new VertexHeap(Math.max(forwardUp.head.length, backwardUp.head.length) + 64);
    this.mark = new Uint32Array(n);
    this.reached = new Uint32Array(n);
    this.settledRanks = new Int32Array(n);
    this.inSelection = [new Uint8Array(n), new Uint8Array(n)];
    this.sweepIndexOf = [new Int32Array(n), new Int32Array(n)];
    this.stack = new Int32Array(n);
    this.addedRanks = new Int32Array(n);
  }

  /**
   * Seconds from vertex v to the last query's target (toTarget) or from its source (fromSource); Infinity if none
   * (and, after a restricted query, for a vertex outside its selection).
   */
  timeAt(v: number): number {
    const r = this.rank[v]!;
    const sel = this.answeredBy;
    if (!sel) return this.time[r]!;
    this.load(sel);
    return this.inSelection[sel.direction][r] ? sel.time[this.sweepIndexOf[sel.direction][r]!]! : Infinity;
  }

  distanceAt(v: number): number {
    const r = this.rank[v]!;
    const sel = this.answeredBy;
    if (!sel) return this.distance[r]!;
    this.load(sel);
    return this.inSelection[sel.direction][r] ? sel.distance[this.sweepIndexOf[sel.direction][r]!]! : Infinity;
  }

  /** timeAt and distanceAt of the vertices of ranks[0 .. count-1] into time[] and distance[] (one call for a whole fleet). */
  readAtRanks(ranks: Int32Array, count: number, time: Float64Array, distance: Float64Array): void {
    const sel = this.answeredBy;
    if (!sel) {
      for (let k = 0; k < count; k++) {
        const r = ranks[k]!;
        time[k] = this.time[r]!;
        distance[k] = this.distance[r]!;
      }
      return;
    }
    this.load(sel);
    const selected = this.inSelection[sel.direction];
    const indexOf = this.sweepIndexOf[sel.direction];
    const { time: swept, distance: sweptDistance } = sel;
    for (let k = 0; k < count; k++) {
      const r = ranks[k]!;
      if (selected[r]) {
        const j = indexOf[r]!;
        time[k] = swept[j]!;
        distance[k] = sweptDistance[j]!;
      } else {
        time[k] = Infinity;
        distance[k] = Infinity;
      }
    }
  }

  /**
   * Time and distance from EVERY vertex to a target given by up to two seeds (the ends of the target's edge
   * with the time from each to the target point; Infinity for an end that cannot reach it). `onlySelected`: only
   * the vertices of the direction's selection (true) or of the given one (a toTarget selection), see selectRanks.
   */
  toTarget(seedA: number, timeA: number, distanceA: number, seedB: number, timeB: number, distanceB: number, onlySelected: boolean | SweepSelection = false): void {
    if (onlySelected) this.restrictedQuery(this.selectionOf(onlySelected === true ? 'toTarget' : onlySelected), seedA, timeA, distanceA, seedB, timeB, distanceB);
    else this.query(this.backwardUp, this.forwardUp, seedA, timeA, distanceA, seedB, timeB, distanceB);
  }

  /** The mirror: time and distance from a source (its two seeds) to every vertex. */
  fromSource(seedA: number, timeA: number, distanceA: number, seedB: number, timeB: number, distanceB: number, onlySelected: boolean | SweepSelection = false): void {
    if (onlySelected) this.restrictedQuery(this.selectionOf(onlySelected === true ? 'fromSource' : onlySelected), seedA, timeA, distanceA, seedB, timeB, distanceB);
    else this.query(this.forwardUp, this.backwardUp, seedA, timeA, distanceA, seedB, timeB, distanceB);
  }

  /** A selection of the caller's own, kept apart from the direction's default one (e.g. one per dispatch centre). */
  newSelection(direction: 'toTarget' | 'fromSource'): SweepSelection {
    return new SweepSelection(direction === 'toTarget' ? 0 : 1);
  }

  /**
   * Restricted PHAST (Delling et al. 2011, RPHAST): a sweep `onlySelected` visits only the selected vertices,
   * exact for them because a selection is closed upwards (every vertex an answer depends on is in it). Selects
   * the vertices of ranks[0 .. count-1] (edgeSourceRank/edgeTargetRank give a fleet's) for the selection's next
   * sweeps; a selection is kept across queries (vehicles stay near where they were), grown by each new vertex's
   * upward closure, and started afresh when it has grown too far past what the current vertices need (selectionGrowth).
   * Its sub-hierarchy is up to date when this returns.
   */
  selectRanks(which: SelectionRef, ranks: Int32Array, count: number, mayRestart = true): void {
    const sel = this.selectionOf(which);
    const d = sel.direction;
    this.load(sel);
    const selected = this.inSelection[d];
    if (mayRestart && this.selectionRestarts(sel)) {
      // What is new is appended first; then the sub-hierarchy keeps only what these vertices need.
      this.selectRanks(sel, ranks, count, false);
      this.compactSweep(sel, ranks, count);
      return;
    }
    // What the vertices of a fresh start need: the measure of how far the selection has grown since.
    const fresh = sel.count === 0;
    const { offsets, head } = d === 0 ? this.forwardUp : this.backwardUp;
    // A whole fleet selected from nothing: one pass up the ranks, each selected vertex selecting its heads, which
    // rank higher and come later, then the sub-hierarchy built in one go. The search below visits the same vertices
    // in no order, one cache miss after another in arrays of millions: 25 ms against ~3 for the pass on a province
    // (883k vertices) with 10,000 vehicles.
    if (fresh && count * 64 > selected.length) {
      let lowest = selected.length;
      for (let k = 0; k < count; k++) {
        const r = ranks[k]!;
        selected[r] = 1;
        if (r < lowest) lowest = r;
      }
      let total = 0;
      for (let r = lowest; r < selected.length; r++) {
        if (selected[r] === 0) continue;
        total++;
        for (let i = offsets[r]!, end = offsets[r + 1]!; i < end; i++) selected[head[i]!] = 1;
      }
      this.rebuildSweep(sel, total);
      sel.freshCount = sel.count;
      return;
    }
    const stack = this.stack;
    let added = 0;
    for (let k = 0; k < count; k++) {
      const r0 = ranks[k]!;
      if (selected[r0]) continue;
      selected[r0] = 1;
      this.addedRanks[added++] = r0;
      let top = 0;
      stack[top++] = r0;
      while (top > 0) {
        const r = stack[--top]!;
        for (let i = offsets[r]!, end = offsets[r + 1]!; i < end; i++) {
          const h = head[i]!;
          if (selected[h]) continue;
          selected[h] = 1;
          this.addedRanks[added++] = h;
          stack[top++] = h;
        }
      }
    }
    // The new vertices go to the sub-hierarchy's end as a block (a full rebuild would cost as much as a sweep at
    // every ranking while vehicles move).
    if (added > 0) this.appendToSweep(sel, added);
    if (fresh) sel.freshCount = sel.count;
  }

  /** The next selectRanks of this selection starts it afresh (it has grown past selectionGrowth of what was needed). */
  selectionRestarts(which: SelectionRef): boolean {
    const sel = this.selectionOf(which);
    return sel.count > this.selectionGrowth.factor * sel.freshCount + this.selectionGrowth.slack;
  }

  /**
   * The selection's answers by sweep index as the last restricted query left them, and how many times it was renumbered
   * (null before its first selectRanks). Read without loading the selection into the direction's scratch.
   */
  sweptTimes(which: SelectionRef): { rebuilds: number; time: Float64Array; distance: Float64Array } | null {
    const sel = this.selectionOf(which);
    return sel.count === 0 && sel.rebuilds === 0 ? null : sel;
  }

  /**
   * The selection's sub-hierarchy as the last restricted query left it: a selected rank r's answers are at
   * time[indexOf[r]] and distance[indexOf[r]]. Such an index stays valid while `rebuilds` is unchanged (appending
   * the vertices a growing selection adds keeps every index), so a caller ranking the same fleet again can keep
   * its vehicles' indices and skip the lookups by rank. indexOf is the direction's shared scratch: read it before
   * another selection of the direction is used. Null before the selection's first selectRanks.
   */
  sweepAnswers(which: SelectionRef): { rebuilds: number; indexOf: Int32Array; time: Float64Array; distance: Float64Array } | null {
    if (!this.sweptTimes(which)) return null;
    const sel = this.selectionOf(which);
    this.load(sel);
    return { rebuilds: sel.rebuilds, indexOf: this.sweepIndexOf[sel.direction], time: sel.time, distance: sel.distance };
  }

  /** Vertices the next restricted sweep of the selection visits (for benchmarks). */
  selectedVertices(which: SelectionRef): number {
    return this.selectionOf(which).count;
  }

  private selectionOf(which: SelectionRef): SweepSelection {
    return which === 'toTarget' ? this.defaults[0] : which === 'fromSource' ? this.defaults[1] : which;
  }

  /**
   * Makes the direction's scratch tell the selection's ranks and sweep indices: the previous selection's marks
   * cleared, this one's set (O(both sizes); nothing when it is loaded already, the case of a single fleet).
   */
  private load(sel: SweepSelection): void {
    const d = sel.direction;
    const before = this.loaded[d];
    if (before === sel) return;
    const selected = this.inSelection[d];
    const indexOf = this.sweepIndexOf[d];
    if (before) for (let j = 0, { ranks, count } = before; j < count; j++) selected[ranks[j]!] = 0;
    const { ranks, count } = sel;
    for (let j = 0; j < count; j++) {
      const r = ranks[j]!;
      selected[r] = 1;
      indexOf[r] = j;
    }
    this.loaded[d] = sel;
  }

  /**
   * Only the upward search (forward from a source, or backward from a target): exact times by rank for the
   * settledRanks[0 .. upwardSettled-1], Infinity for ranks not reached. For bucket-based many-to-many queries.
   */
  upwardOnly(direction: 'fromSource' | 'toTarget', seedA: number, timeA: number, seedB: number, timeB: number): void {
    this.query(direction === 'fromSource' ? this.forwardUp : this.backwardUp, null, seedA, timeA, 0, seedB, timeB, 0);
  }

  /** The whole-graph query: upward search, then (with `sweep`) PHAST over every vertex. */
  private query(
    search: UpwardArcs,
    sweep: UpwardArcs | null,
    seedA: number,
    timeA: number,
    distanceA: number,
    seedB: number,
    timeB: number,
    distanceB: number,
  ): void {
    const time = this.time;
    const distance = this.distance;
    this.answeredBy = null;
    // The whole-graph sweep writes over the upward search's answers: they cannot serve another restricted sweep.
    this.lastUpward.search = null;
    time.fill(Infinity);
    this.upward(search, seedA, timeA, distanceA, seedB, timeB, distanceB);
    if (sweep) sweepDown(sweep, time, distance, 0, time.length);
  }

  /**
   * The whole-graph query (PHAST) from (fromSource) or to (toTarget) vertex v, its sweep in slices of at most sliceMs
   * on later turns of the event loop, into arrays of its own (rankings meanwhile use the shared ones): seconds by rank.
   * For work done once per graph while it serves (landmarks.ts): one sweep of a province held the event loop ~130 ms.
   */
  async wholeQuerySliced(direction: 'fromSource' | 'toTarget', v: number, options: { sliceMs?: number; signal?: AbortSignal } = {}): Promise<Float64Array> {
    this.upwardOnly(direction, v, 0, v, 0);
    const time = Float64Array.from(this.time);
    const distance = new Float64Array(time.length);
    const sweep = direction === 'fromSource' ? this.backwardUp : this.forwardUp;
    for (let high = time.length; high > 0; ) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      options.signal?.throwIfAborted();
      const deadline = performance.now() + (options.sliceMs ?? 8);
      do {
        const low = Math.max(0, high - 1024);
        sweepDown(sweep, time, distance, low, high);
        high = low;
      } while (high > 0 && performance.now() < deadline);
    }
    return time;
  }

  /**
   * Restricted PHAST: the upward search, its answers copied into the selection's sub-hierarchy, then the sweep over
   * the sub-hierarchy alone. The whole-graph time[] is not cleared first: the upward search marks what it reaches
   * by generation, and only settled vertices are copied.
   */
  private restrictedQuery(sel: SweepSelection, seedA: number, timeA: number, distanceA: number, seedB: number, timeB: number, distanceB: number): void {
    const d = sel.direction;
    this.answeredBy = sel;
    // Several selections swept for one target (a province's centres) share its upward search: it is run once.
    const search = d === 0 ? this.backwardUp : this.forwardUp;
    const last = this.lastUpward;
    const seeds = [seedA, timeA, distanceA, seedB, timeB, distanceB];
    if (last.search !== search || last.generation !== this.generation || seeds.some((v, k) => !Object.is(v, last.seeds[k]))) {
      this.upward(search, seedA, timeA, distanceA, seedB, timeB, distanceB);
      last.search = search;
      last.generation = this.generation;
      last.seeds.set(seeds);
    }
    // Each selected vertex starts from the upward search's answer when it settled it (its mark is this search's), then
    // takes the best of its arcs. Read by the selection's own ranks: no need to load it into the direction's scratch
    // (O(both selections) when a province's calls switch centres).
    const { count, ranks, offsets, head, weight, length, time, distance } = sel;
    const mark = this.mark;
    const gen = this.generation;
    const upTime = this.time;
    const upDistance = this.distance;
    // Sweep order is descending rank: every arc leads to a vertex already final.
    for (let j = 0; j < count; j++) {
      const r = ranks[j]!;
      const settled = mark[r] === gen;
      let best = settled ? upTime[r]! : Infinity;
      let bestArc = -1;
      for (let i = offsets[j]!, end = offsets[j + 1]!; i < end; i++) {
        const t = weight[i]! + time[head[i]!]!;
        if (t < best) {
          best = t;
          bestArc = i;
        }
      }
      time[j] = best;
      if (bestArc >= 0) distance[j] = length[bestArc]! + distance[head[bestArc]!]!;
      else if (settled) distance[j] = upDistance[r]!;
    }
  }

  /**
   * Search from the seeds over upward arcs only, to exhaustion (it is small: only higher ranks are ever reached).
   * Sets time/distance (by rank) of the vertices it reaches and lists the settled ones in settledRanks.
   */
  private upward(search: UpwardArcs, seedA: number, timeA: number, distanceA: number, seedB: number, timeB: number, distanceB: number): void {
    const time = this.time;
    const distance = this.distance;
    if (++this.generation === 0xffffffff) {
      this.mark.fill(0);
      this.reached.fill(0);
      this.generation = 1;
    }
    const gen = this.generation;
    const mark = this.mark;
    const reached = this.reached;
    const heap = this.heap;
    heap.clear();
    const seed = (v: number, t: number, d: number) => {
      if (!(t < Infinity)) return;
      const r = this.rank[v]!;
      if (reached[r] !== gen || t < time[r]!) {
        reached[r] = gen;
        time[r] = t;
        distance[r] = d;
        heap.push(t, r);
      }
    };
    seed(seedA, timeA, distanceA);
    seed(seedB, timeB, distanceB);

    const { offsets: so, head: sh, weight: sw, length: sl } = search;
    let settled = 0;
    while (heap.size > 0) {
      const key = heap.topKey;
      const r = heap.pop();
      if (mark[r] === gen || key > time[r]!) continue;
      mark[r] = gen;
      this.settledRanks[settled++] = r;
      const tr = time[r]!;
      const dr = distance[r]!;
      for (let i = so[r]!, end = so[r + 1]!; i < end; i++) {
        const h = sh[i]!;
        const t = tr + sw[i]!;
        if (reached[h] !== gen || t < time[h]!) {
          reached[h] = gen;
          time[h] = t;
          distance[h] = dr + sl[i]!;
          heap.push(t, h);
        }
      }
    }
    this.upwardSettled = settled;
  }

  /**
   * Appends the vertices selectRanks just added (addedRanks[0 .. added-1]) to the loaded selection's sub-hierarchy,
   * highest rank first. The sweep stays in a valid order: a vertex selected before has all its heads selected before
   * (a selection is closed upwards), and a new vertex's heads are either those or new ones of higher rank, earlier in
   * the block. Every vertex still takes the same minimum over the same arcs, so the answers are the ones a rebuild
   * would give (appended to an empty one, the block IS the rebuild's order).
   */
  private appendToSweep(sel: SweepSelection, added: number): void {
    const block = this.addedRanks.subarray(0, added).sort().reverse();
    const arcs = sel.direction === 0 ? this.forwardUp : this.backwardUp;
    let arcCount = 0;
    for (let k = 0; k < added; k++) arcCount += arcs.offsets[block[k]! + 1]! - arcs.offsets[block[k]!]!;
    let j = sel.count;
    let p = sel.offsets[j]!;
    if (sel.ranks.length < j + added) {
      const capacity = Math.min(this.rank.length, Math.max(j + added, sel.ranks.length * 2));
      sel.ranks = grown(sel.ranks, capacity, j);
      sel.offsets = grown(sel.offsets, capacity + 1, j + 1);
      sel.time = new Float64Array(capacity);
      sel.distance = new Float64Array(capacity);
    }
    if (sel.head.length < p + arcCount) {
      const capacity = Math.max(p + arcCount, sel.head.length * 2);
      sel.head = grown(sel.head, capacity, p);
      sel.weight = grown(sel.weight, capacity, p);
      sel.length = grown(sel.length, capacity, p);
    }
    const indexOf = this.sweepIndexOf[sel.direction];
    const { ranks, offsets, head, weight, length } = sel;
    for (let k = 0; k < added; k++) {
      const r = block[k]!;
      indexOf[r] = j;
      ranks[j] = r;
      for (let i = arcs.offsets[r]!, end = arcs.offsets[r + 1]!; i < end; i++) {
        head[p] = indexOf[arcs.head[i]!]!;
        weight[p] = arcs.weight[i]!;
        length[p] = arcs.length[i]!;
        p++;
      }
      offsets[++j] = p;
    }
    sel.count = j;
  }

  /**
   * Starts the loaded selection afresh from the vertices of ranks[0 .. count-1] (all selected already) without
   * going back to the whole hierarchy: their upward closure is a part of the sub-hierarchy, marked by one pass down
   * its sweep order, and the sub-hierarchy is compacted in place to that part, in the same order (still valid: a
   * vertex's heads stay before it), each vertex with the same arcs in the same order, so the same answers to the
   * bit. Reads only the sub-hierarchy's own arrays in order: a few milliseconds where re-selecting and rebuilding
   * from the whole hierarchy took ~30 on a province.
   */
  private compactSweep(sel: SweepSelection, ranks: Int32Array, count: number): void {
    const selected = this.inSelection[sel.direction];
    const indexOf = this.sweepIndexOf[sel.direction];
    const { count: n, ranks: subRanks, offsets, head, weight, length } = sel;
    // -1: dropped, 0: kept (then its new index, below).
    const next = this.addedRanks;
    next.fill(-1, 0, n);
    for (let k = 0; k < count; k++) next[indexOf[ranks[k]!]!] = 0;
    for (let j = n - 1; j >= 0; j--) {
      if (next[j] !== 0) continue;
      for (let i = offsets[j]!, end = offsets[j + 1]!; i < end; i++) next[head[i]!] = 0;
    }
    let kept = 0;
    let p = 0;
    let start = offsets[0]!;
    for (let j = 0; j < n; j++) {
      const end = offsets[j + 1]!;
      const r = subRanks[j]!;
      if (next[j]! < 0) selected[r] = 0;
      else {
        next[j] = kept;
        subRanks[kept] = r;
        indexOf[r] = kept;
        // Writes never pass reads (kept <= j, p <= i): the compaction runs in place.
        for (let i = start; i < end; i++) {
          head[p] = next[head[i]!]!;
          weight[p] = weight[i]!;
          length[p] = length[i]!;
          p++;
        }
        offsets[++kept] = p;
      }
      start = end;
    }
    sel.count = kept;
    sel.freshCount = kept;
    sel.rebuilds++;
  }

  /**
   * Numbers the `count` ranks the loaded selection's scratch marks in sweep order and copies their arcs (arrays
   * grown, never shrunk: reused across rebuilds).
   */
  private rebuildSweep(sel: SweepSelection, count: number): void {
    const selected = this.inSelection[sel.direction];
    const indexOf = this.sweepIndexOf[sel.direction];
    const arcs = sel.direction === 0 ? this.forwardUp : this.backwardUp;
    if (sel.ranks.length < count) {
      const capacity = Math.min(this.rank.length, Math.max(count, sel.ranks.length * 2));
      sel.ranks = new Int32Array(capacity);
      sel.offsets = new Int32Array(capacity + 1);
      sel.time = new Float64Array(capacity);
      sel.distance = new Float64Array(capacity);
    }
    const { ranks } = sel;
    let k = 0;
    let arcCount = 0;
    for (let r = selected.length - 1; r >= 0; r--) {
      if (selected[r] === 0) continue;
      indexOf[r] = k;
      ranks[k++] = r;
      arcCount += arcs.offsets[r + 1]! - arcs.offsets[r]!;
    }
    if (sel.head.length < arcCount) {
      const capacity = Math.max(arcCount, sel.head.length * 2);
      sel.head = new Int32Array(capacity);
      sel.weight = new Float64Array(capacity);
      sel.length = new Float64Array(capacity);
    }
    const { offsets, head, weight, length } = sel;
    let p = 0;
    for (let j = 0; j < k; j++) {
      const r = ranks[j]!;
      for (let i = arcs.offsets[r]!, end = arcs.offsets[r + 1]!; i < end; i++) {
        // A selection is closed upwards: every head is selected, so indexOf holds its sweep index.
        head[p] = indexOf[arcs.head[i]!]!;
        weight[p] = arcs.weight[i]!;
        length[p] = arcs.length[i]!;
        p++;
      }
      offsets[j + 1] = p;
    }
    sel.count = k;
    sel.rebuilds++;
  }

  /** Bytes of the hierarchy's arrays (what preprocessing adds to a region in memory), its two default selections included. */
  byteSize(): number {
    let bytes = this.rank.byteLength + this.order.byteLength + this.time.byteLength + this.distance.byteLength;
    bytes += this.heap.byteLength + this.mark.byteLength + this.reached.byteLength + this.settledRanks.byteLength;
    bytes += this.stack.byteLength + this.addedRanks.byteLength;
    for (const d of [0, 1] as const) bytes += this.inSelection[d].byteLength + this.sweepIndexOf[d].byteLength + this.defaults[d].byteSize();
    bytes += this.edgeSourceRank.byteLength + this.edgeTargetRank.byteLength;
    for (const arcs of [this.forwardUp, this.backwardUp]) for (const a of Object.values(arcs)) bytes += (a as ArrayBufferView).byteLength;
    return bytes;
  }
}

export interface BuildOptions {
  /** Longest stretch of work before giving the event loop a turn, ms. */
  sliceMs?: number;
  /** Stops the build (a newer network replaced the graph): the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Witness searches give up after settling this many vertices (a shortcut is then added: never wrong, maybe redundant). */
  witnessSettleLimit?: number;
}

/**
 * Preprocesses a graph in slices of at most sliceMs, yielding to the event loop between them (setImmediate),
 * so a server keeps answering while a region's hierarchy is built; the plain search serves meanwhile.
 */
export async function buildHierarchy(graph: RoadGraph, options: BuildOptions = {}): Promise<ContractionHierarchy> {
  const sliceMs = options.sliceMs ?? 8;
  const started = performance.now();
  const builder = new HierarchyBuilder(graph, options.witnessSettleLimit ?? 60);
  let busyMs = 0;
  let slices = 0;
  let longestSliceMs = 0;
  const slice = async (step: (deadline: number) => boolean) => {
    for (let done = false; !done; ) {
      // Every slice, the first included, starts on a later turn: whoever loaded the graph gets it first.
      await new Promise<void>((resolve) => setImmediate(resolve));
      options.signal?.throwIfAborted();
      const sliceStart = performance.now();
      done = step(sliceStart + sliceMs);
      const ms = performance.now() - sliceStart;
      busyMs += ms;
      if (ms > longestSliceMs) longestSliceMs = ms;
      slices++;
    }
  };
  await slice((deadline) => builder.work(deadline));
  // Putting the hierarchy's arrays together is sliced too: at a million vertices it held the event loop for seconds.
  const finishing = builder.finishing();
  await slice((deadline) => finishing.step(deadline));
  return finishing.hierarchy({ preprocessMs: performance.now() - started, busyMs, slices, longestSliceMs });
}

/** The same build in one synchronous call (tests, tools). */
export function buildHierarchySync(graph: RoadGraph, witnessSettleLimit = 60): ContractionHierarchy {
  const started = performance.now();
  const builder = new HierarchyBuilder(graph, witnessSettleLimit);
  builder.work(Infinity);
  const finishing = builder.finishing();
  finishing.step(Infinity);
  const ms = performance.now() - started;
  return finishing.hierarchy({ preprocessMs: ms, busyMs: ms, slices: 1, longestSliceMs: ms });
}

/**
 * The contraction itself. The remaining graph is kept as per-vertex lists of live neighbours in typed pools
 * (ArcLists; contracted vertices are removed from their neighbours' lists). Order: least (edge difference + contracted neighbours)
 * first, with lazy updates — a popped vertex's priority is recomputed and it goes back if it is no longer the least.
 */
class HierarchyBuilder {
  private readonly n: number;
  // The remaining graph's lists and the upward arcs are allocated by work(), one per turn (see there).
  private out!: ArcLists;
  private in!: ArcLists;
  private allocated = 0;
  private readonly contracted: Uint8Array;
  private readonly deleted: Int32Array;
  private readonly rank: Int32Array;
  private readonly priority: Float64Array;
  private next = 0;
  private arcsAdded = 0;
  private initialised = 0;
  private shortcuts = 0;
  private readonly originalArcs: number;
  // Upward arcs, recorded as each vertex is contracted: its live neighbours all rank above it, and vertices are
  // contracted in rank order, so the arcs arrive grouped by rank, in their final order. Forward: v→w kept at
  // rank(v); backward: u→v kept at rank(v). Heads are vertices until finish() turns them into ranks. Typed
  // arrays rather than four number[] packed at the end: at a million vertices that packing held the event loop
  // for over a second and doubled the arcs' memory.
  private upForward!: GrowingArcs;
  private upBackward!: GrowingArcs;
  // Priority queue of vertices (lazy: stale entries are skipped by comparing with priority[]).
  private pqKey: Float64Array;
  private pqVertex: Int32Array;
  private pqSize = 0;
  // Witness search buffers.
  private readonly wTime: Float64Array;
  private readonly wMark: Uint32Array;
  private readonly wDone: Uint32Array;
  private wGen = 0;
  private readonly wHeap = new VertexHeap(1024);
  // Shortcuts found by the last computeShortcuts(v).
  // Typed and kept: emptying a number[] (length = 0) drops its storage, a new one for every vertex looked at.
  private scFrom = new Int32Array(64);
  private scTo = new Int32Array(64);
  private scW = new Float64Array(64);
  private scL = new Float64Array(64);
  private scCount = 0;

  constructor(
    readonly graph: RoadGraph,
    private readonly witnessSettleLimit: number,
  ) {
    const n = graph.vertexCount;
    this.n = n;
    this.originalArcs = graph.forward.head.length;
    this.contracted = new Uint8Array(n);
    this.deleted = new Int32Array(n);
    this.rank = new Int32Array(n);
    this.priority = new Float64Array(n);
    this.pqKey = new Float64Array(n * 2 + 16);
    this.pqVertex = new Int32Array(n * 2 + 16);
    this.wTime = new Float64Array(n);
    this.wMark = new Uint32Array(n);
    this.wDone = new Uint32Array(n);
  }

  private allocate(step: number): void {
    const { n, originalArcs } = this;
    // The lists hold the original arcs, then shortcuts, in blocks of 4, 8, ...: 2.3 × the arcs at most on a province.
    if (step === 0) this.out = new ArcLists(n, 2 * originalArcs + 4 * n);
    else if (step === 1) this.in = new ArcLists(n, 2 * originalArcs + 4 * n);
    // Upward arcs come to about the original arcs in each direction (1.04 × on RNV): room for 1.5 × spares a copy
    // of them all when they outgrow it.
    else if (step === 2) this.upForward = growingArcs(n, Math.ceil(originalArcs * 1.5));
    else this.upBackward = growingArcs(n, Math.ceil(originalArcs * 1.5));
  }

  /** Keeps the cheaper of parallel arcs; self-loops never shorten a path. */
  private addArc(u: number, w: number, weight: number, length: number): boolean {
    if (u === w) return false;
    const { out, in: into } = this;
    const i = out.find(u, w);
    if (i >= 0) {
      if (weight >= out.weight[i]!) return false;
      out.weight[i] = weight;
      out.length[i] = length;
      const j = into.find(w, u);
      into.weight[j] = weight;
      into.length[j] = length;
      return true;
    }
    out.push(u, w, weight, length);
    into.push(w, u, weight, length);
    return true;
  }

  /** Runs until done (true) or until the deadline (performance.now()) has passed (false). */
  work(deadline: number): boolean {
    let count = 1;
    // Hundreds of megabytes on a province (pages never written cost no memory, but each allocation can set off
    // collections for "external memory pressure": ~90 ms in one turn when all were allocated at once).
    while (this.allocated < 4) {
      this.allocate(this.allocated++);
      if (performance.now() > deadline) return false;
    }
    const csr: Csr = this.graph.forward;
    while (this.arcsAdded < this.n) {
      const u = this.arcsAdded++;
      for (let i = csr.offsets[u]!; i < csr.offsets[u + 1]!; i++) this.addArc(u, csr.head[i]!, csr.weight[i]!, csr.length[i]!);
      if ((u & 1023) === 0 && performance.now() > deadline) return false;
    }
    while (this.initialised < this.n) {
      const v = this.initialised++;
      this.priority[v] = this.computePriority(v);
      this.pqPush(this.priority[v]!, v);
      if ((++count & 7) === 0 && performance.now() > deadline) return false;
    }
    while (this.pqSize > 0) {
      const key = this.pqKey[0]!;
      const v = this.pqPop();
      if (this.contracted[v] || key !== this.priority[v]) continue;
      const updated = this.computePriority(v);
      if (this.pqSize > 0 && updated > this.pqKey[0]!) {
        this.priority[v] = updated;
        this.pqPush(updated, v);
        // A run of lazy updates near the top (each a few witness searches) must not hold the loop either.
        if ((++count & 7) === 0 && performance.now() > deadline) return false;
        continue;
      }
      // computePriority(v) has just left v's shortcuts in sc*, and nothing has changed since.
      this.contract(v);
      // Late contractions (the dense top of the hierarchy) can each take a millisecond: check after every one.
      if (performance.now() > deadline) return false;
    }
    return true;
  }

  private computePriority(v: number): number {
    const added = this.computeShortcuts(v);
    return added - this.in.size[v]! - this.out.size[v]! + this.deleted[v]!;
  }

  /** Fills sc* with the shortcuts contracting v needs: u→v→w with no witness path u→w avoiding v as short. */
  private computeShortcuts(v: number): number {
    this.scCount = 0;
    const { out, in: into } = this;
    const inCount = into.size[v]!;
    const outCount = out.size[v]!;
    if (inCount === 0 || outCount === 0) return 0;
    const outStart = out.start[v]!;
    const inStart = into.start[v]!;
    let maxOut = 0;
    for (let j = outStart; j < outStart + outCount; j++) if (out.weight[j]! > maxOut) maxOut = out.weight[j]!;
    for (let i = inStart; i < inStart + inCount; i++) {
      const u = into.head[i]!;
      const a = into.weight[i]!;
      this.witnessSearch(u, v, a + maxOut);
      // The witness search only reads the lists: v's blocks stay where they are.
      for (let j = outStart; j < outStart + outCount; j++) {
        const w = out.head[j]!;
        if (w === u) continue;
        const via = a + out.weight[j]!;
        if (this.wMark[w] === this.wGen && this.wTime[w]! <= via) continue;
        this.addShortcut(u, w, via, into.length[i]! + out.length[j]!);
      }
    }
    return this.scCount;
  }

  private addShortcut(u: number, w: number, weight: number, length: number): void {
    const k = this.scCount++;
    if (k === this.scFrom.length) {
      this.scFrom = grown(this.scFrom, k * 2);
      this.scTo = grown(this.scTo, k * 2);
      this.scW = grown(this.scW, k * 2);
      this.scL = grown(this.scL, k * 2);
    }
    this.scFrom[k] = u;
    this.scTo[k] = w;
    this.scW[k] = weight;
    this.scL[k] = length;
  }

  /** Dijkstra from u in the remaining graph without v, up to `bound` seconds or the settle limit. */
  private witnessSearch(u: number, v: number, bound: number): void {
    if (++this.wGen === 0xffffffff) {
      this.wMark.fill(0);
      this.wDone.fill(0);
      this.wGen = 1;
    }
    const gen = this.wGen;
    const time = this.wTime;
    const mark = this.wMark;
    const done = this.wDone;
    const heap = this.wHeap;
    const { start, size, head, weight } = this.out;
    heap.clear();
    mark[u] = gen;
    time[u] = 0;
    heap.push(0, u);
    let settled = 0;
    while (heap.size > 0) {
      const key = heap.topKey;
      const x = heap.pop();
      if (done[x] === gen) continue;
      if (key > bound) break;
      done[x] = gen;
      if (++settled > this.witnessSettleLimit) break;
      for (let i = start[x]!, end = i + size[x]!; i < end; i++) {
        const y = head[i]!;
        if (y === v) continue;
        const t = key + weight[i]!;
        if (mark[y] === gen && time[y]! <= t) continue;
        mark[y] = gen;
        time[y] = t;
        heap.push(t, y);
      }
    }
  }

  /** Contracts v with the shortcuts in sc*: computeShortcuts(v) must be the last witness work done. */
  private contract(v: number): void {
    const r = this.next++;
    this.rank[v] = r;
    this.contracted[v] = 1;
    const { out, in: into } = this;
    // v's remaining arcs all lead to vertices ranked above it: they are its upward arcs.
    appendArcs(this.upForward, r, out, v);
    appendArcs(this.upBackward, r, into, v);
    // Adding shortcuts changes only other vertices' lists (never v's: they are u→w around it).
    for (let i = 0; i < this.scCount; i++) {
      if (this.addArc(this.scFrom[i]!, this.scTo[i]!, this.scW[i]!, this.scL[i]!)) this.shortcuts++;
    }
    for (let i = into.start[v]!, end = i + into.size[v]!; i < end; i++) {
      const u = into.head[i]!;
      out.remove(u, v);
      this.deleted[u]!++;
    }
    for (let i = out.start[v]!, end = i + out.size[v]!; i < end; i++) {
      const w = out.head[i]!;
      into.remove(w, v);
      this.deleted[w]!++;
    }
    out.clear(v);
    into.clear(v);
  }

  /**
   * The hierarchy's arrays put together in steps (each returns once past its deadline; true when all is done): the
   * upward arcs trimmed and their heads turned into ranks, then the vertices' order and the edge ends' ranks.
   */
  finishing(): { step: (deadline: number) => boolean; hierarchy: (timing: Pick<HierarchyStats, 'preprocessMs' | 'busyMs' | 'slices' | 'longestSliceMs'>) => ContractionHierarchy } {
    const { rank, graph } = this;
    const forward = packing(this.upForward, rank);
    const backward = packing(this.upBackward, rank);
    let filling: RankSpace | null = null;
    let space: RankSpace | null = null;
    return {
      step: (deadline) => {
        if (!forward.step(deadline) || !backward.step(deadline)) return false;
        filling ??= { order: new Int32Array(graph.vertexCount), edgeSourceRank: new Int32Array(graph.edgeCount), edgeTargetRank: new Int32Array(graph.edgeCount), done: 0 };
        space = rankSpace(graph, rank, deadline, filling);
        return space !== null;
      },
      hierarchy: (timing) => {
        if (!space) throw new Error('the hierarchy is not finished');
        return new ContractionHierarchy(graph, rank, forward.arcs(), backward.arcs(), {
          vertices: this.n,
          originalArcs: this.originalArcs,
          shortcuts: this.shortcuts,
          upwardArcs: this.upForward.size + this.upBackward.size,
          ...timing,
        }, space);
      },
    };
  }

  private pqPush(key: number, vertex: number): void {
    if (this.pqSize === this.pqKey.length) {
      const k = new Float64Array(this.pqSize * 2);
      k.set(this.pqKey);
      const x = new Int32Array(this.pqSize * 2);
      x.set(this.pqVertex);
      this.pqKey = k;
      this.pqVertex = x;
    }
    const keys = this.pqKey;
    const verts = this.pqVertex;
    let i = this.pqSize++;
    // Ties by vertex index, so the order (and the hierarchy) is the same on every run.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! < key || (keys[parent] === key && verts[parent]! < vertex)) break;
      keys[i] = keys[parent]!;
      verts[i] = verts[parent]!;
      i = parent;
    }
    keys[i] = key;
    verts[i] = vertex;
  }

  private pqPop(): number {
    const keys = this.pqKey;
    const verts = this.pqVertex;
    const top = verts[0]!;
    const last = --this.pqSize;
    if (last > 0) {
      const key = keys[last]!;
      const vertex = verts[last]!;
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= last) break;
        if (child + 1 < last && (keys[child + 1]! < keys[child]! || (keys[child + 1] === keys[child] && verts[child + 1]! < verts[child]!))) child++;
        if (keys[child]! > key || (keys[child] === key && verts[child]! > vertex)) break;
        keys[i] = keys[child]!;
        verts[i] = verts[child]!;
        i = child;
      }
      keys[i] = key;
      verts[i] = vertex;
    }
    return top;
  }
}

/** CSR over ranks from a list of arcs: at(i) is the rank arc i is stored at (-1: not in this direction). */
/** Upward arcs as they are recorded: rank r's are offsets[r] .. offsets[r+1]-1 once r is contracted. */
interface GrowingArcs extends UpwardArcs {
  size: number;
}

function growingArcs(n: number, capacity: number): GrowingArcs {
  return { offsets: new Int32Array(n + 1), head: new Int32Array(capacity), weight: new Float64Array(capacity), length: new Float64Array(capacity), size: 0 };
}

/** Appends rank r's arcs (vertex v's list, heads as vertices) and closes its range; capacity doubles when needed. */
function appendArcs(arcs: GrowingArcs, r: number, lists: ArcLists, v: number): void {
  const from = lists.start[v]!;
  const count = lists.size[v]!;
  const needed = arcs.size + count;
  if (needed > arcs.head.length) {
    const capacity = Math.max(needed, arcs.head.length * 2);
    arcs.head = grown(arcs.head, capacity, arcs.size);
    arcs.weight = grown(arcs.weight, capacity, arcs.size);
    arcs.length = grown(arcs.length, capacity, arcs.size);
  }
  for (let i = from; i < from + count; i++) {
    arcs.head[arcs.size] = lists.head[i]!;
    arcs.weight[arcs.size] = lists.weight[i]!;
    arcs.length[arcs.size] = lists.length[i]!;
    arcs.size++;
  }
  arcs.offsets[r + 1] = arcs.size;
}

/**
 * The recorded arcs copied to arrays of their exact size, their heads turned from vertices into ranks, 64k arcs at
 * a time between deadline checks: a whole copy in one step (millions of arcs on a province) held the event loop.
 */
function packing(arcs: GrowingArcs, rank: Int32Array): { step: (deadline: number) => boolean; arcs: () => UpwardArcs } {
  const size = arcs.size;
  let packed: { head: Int32Array; weight: Float64Array; length: Float64Array } | null = null;
  let done = 0;
  return {
    step(deadline) {
      // New arrays come zeroed from the system, page by page as they are written: allocating them costs little.
      packed ??= { head: new Int32Array(size), weight: new Float64Array(size), length: new Float64Array(size) };
      const { head, weight, length } = packed;
      while (done < size) {
        const end = Math.min(size, done + 65_536);
        for (let i = done; i < end; i++) head[i] = rank[arcs.head[i]!]!;
        weight.set(arcs.weight.subarray(done, end), done);
        length.set(arcs.length.subarray(done, end), done);
        done = end;
        if (done < size && performance.now() > deadline) return false;
      }
      return true;
    },
    arcs() {
      if (!packed || done < size) throw new Error('the arcs are not packed');
      return { offsets: arcs.offsets, ...packed };
    },
  };
}

interface RankSpace {
  order: Int32Array;
  edgeSourceRank: Int32Array;
  edgeTargetRank: Int32Array;
  /** Vertices then edges filled so far (a sliced fill). */
  done: number;
}

/**
 * The vertices' order by rank and each edge's ends' ranks, filled into `into` (new arrays when null) up to the
 * deadline: the filled arrays once complete, null while not.
 */
function rankSpace(graph: RoadGraph, rank: Int32Array, deadline: number, into: RankSpace | null): RankSpace | null {
  const n = graph.vertexCount;
  const m = graph.edgeCount;
  const space = into ?? { order: new Int32Array(n), edgeSourceRank: new Int32Array(m), edgeTargetRank: new Int32Array(m), done: 0 };
  const { order, edgeSourceRank, edgeTargetRank } = space;
  while (space.done < n + m) {
    const end = Math.min(n + m, space.done + 65_536);
    for (let i = space.done; i < end; i++) {
      if (i < n) order[rank[i]!] = i;
      else {
        const e = i - n;
        edgeSourceRank[e] = rank[graph.edgeSource[e]!]!;
        edgeTargetRank[e] = rank[graph.edgeTarget[e]!]!;
      }
    }
    space.done = end;
    if (space.done < n + m && performance.now() > deadline) return null;
  }
  return space;
}

const ready = new WeakMap<RoadGraph, ContractionHierarchy>();

/**
 * PHAST's downward sweep over ranks low .. high-1, highest first: every vertex takes the best of its upward neighbours
 * (already final: they rank higher, and ranks above high were swept before).
 */
function sweepDown(sweep: UpwardArcs, time: Float64Array, distance: Float64Array, low: number, high: number): void {
  const { offsets, head, weight, length } = sweep;
  for (let r = high - 1; r >= low; r--) {
    let best = time[r]!;
    let bestArc = -1;
    for (let i = offsets[r]!, end = offsets[r + 1]!; i < end; i++) {
      const t = weight[i]! + time[head[i]!]!;
      if (t < best) {
        best = t;
        bestArc = i;
      }
    }
    if (bestArc >= 0) {
      time[r] = best;
      distance[r] = length[bestArc]! + distance[head[bestArc]!]!;
    }
  }
}

/** The graph's hierarchy once its build has finished (null before: the plain search serves). */
export function hierarchyOf(graph: RoadGraph): ContractionHierarchy | null {
  return ready.get(graph) ?? null;
}

/** Makes a finished hierarchy the one rankings of its graph use. */
export function attachHierarchy(hierarchy: ContractionHierarchy): void {
  ready.set(hierarchy.graph, hierarchy);
}
