import { secondsAlong, secondsFromSource, secondsFromTarget, secondsToSource, secondsToTarget } from '../routing/edgeParts';
import type { LonLat } from '../routing/geometry';
import type { RoadGraph } from '../routing/roadGraph';
import { DEFAULT_MAX_SNAP_M, trySnapToRoad, type RoadSnap } from '../routing/snap';
import { suggestMoveUpsSliced, type MoveUp, type MoveUpPost, type MoveUpVehicle } from './moveUp';
import { reachFromSliced, runSliced, SearchLabels, type SliceOptions } from './slicedReach';

/*
 * The move-up plan's road side without a search per vehicle. A plan needs, for every free vehicle and every station,
 * which villages it reaches within the circle's time and (vehicles) its drive time to each station: one bounded
 * forward search each, ~10 ms on RNV, ~10 s of CPU per plan with 1,000 vehicles. The villages and stations are fixed
 * while the graph is: one bounded backward search from each of them (on the reversed arcs, from its place on its
 * edge) labels every vertex with its drive time TO that village or station, once per graph and set of places. A
 * place anywhere on the road (edge e at fraction f) then reads two rows of that table: its time to target j is
 * min(to-target(e, f) + T[target(e)][j], to-source(e, f) + T[source(e)][j], straight along e when j is on e), the
 * reverse many-to-many scheme of the one-to-all searches (as in the bucket many-to-many of Knopp, Sanders, Schultes,
 * Schulz, Wagner 2007, with the whole backward space kept instead of a hierarchy's upward part).
 *
 * Same answers as today's forward searches, exactly: the two sum the same arc costs in another order and the table
 * keeps float32, so a time read differs from the forward search's by at most `error` (a bound on both rounding
 * errors, ~0.3 ms on RNV). Every decision taken on a time read is taken only when it is that far from its threshold
 * (within the circle's time or not, within the longest move or not, a tie between two moves' drive times: moveUp.ts
 * reports those, onUnsure); otherwise that place gets its exact forward search (reachFromSliced, today's code), as do
 * the vehicles of the chosen moves for the drive time shown. A floating-point filter in the sense of exact geometric
 * predicates (Shewchuk 1997; Brönnimann, Burnikel, Pion 2001): fast when the answer is clear, exact when not.
 */

/** Bytes the table may take before the plans fall back to a forward search per place (default 128 MiB). */
export const DEFAULT_MOVE_UP_TABLE_BYTES = 128 * 1024 * 1024;

export interface MoveUpTableOptions extends SliceOptions {
  /** The circle's time: a village is reached within this many seconds. */
  seconds: number;
  /** Moves longer than this are never suggested: drive times to the stations are needed up to here. */
  maxMoveSeconds: number;
  /** Table size allowed (default DEFAULT_MOVE_UP_TABLE_BYTES); above it every place is searched (no table). */
  maxBytes?: number;
  /** Exact rows kept, by snapped place (default 4,096). */
  exactRows?: number;
  /** Tests: widen the error bound to at least this (more places searched, more plans redone; same answers). */
  minError?: number;
  /** Tests: move every time in the table by up to this many seconds either way (keep it below minError). */
  jitter?: number;
}

/** One place's answer over the table's villages (reached or not) and stations (seconds, Infinity past the limit). */
interface ExactRow {
  within: Uint8Array;
  secondsTo: Float64Array;
}

/** A place's row for one plan: over the plan's villages (positions in its list) and stations. */
export interface PlaceRow {
  reach: number[];
  secondsTo: number[];
  onRoad: boolean;
  /** 0: the seconds are the forward search's own; otherwise they are within this of them. */
  secondsError: number;
}

export interface MoveUpTableStats {
  /** Rows read from the table, and places searched instead (a decision too close to call, a chosen move, no table). */
  tableRows: number;
  exactSearches: number;
  exactHits: number;
  /** Greedy runs redone after a tie was decided on inexact drive times. */
  replans: number;
}

export class MoveUpTable {
  /** Seconds from every vertex to each village then each station, vertex-major (columns = villages + stations). */
  private readonly times: Float32Array | null;
  private readonly columns: number;
  private readonly exact = new Map<string, Promise<ExactRow>>();
  private readonly limit: number;
  /** A bound on |time read − forward search's time|. */
  readonly error: number;
  readonly stats: MoveUpTableStats = { tableRows: 0, exactSearches: 0, exactHits: 0, replans: 0 };

  private constructor(
    readonly graph: RoadGraph,
    readonly villages: readonly (RoadSnap | null)[],
    readonly stations: readonly (RoadSnap | null)[],
    private readonly options: MoveUpTableOptions,
    times: Float32Array | null,
    /** How the build went: its table's bytes (0: over the budget, none), wall and busy time. */
    readonly build: { bytes: number; ms: number; busyMs: number; searches: number },
  ) {
    this.times = times;
    this.columns = villages.length + stations.length;
    this.limit = Math.max(options.seconds, options.maxMoveSeconds);
    // float32 storage (2^-24 relative, doubled) and two float64 sums of up to vertexCount + 2 terms (n·2^-53 each).
    this.error = Math.max(options.minError ?? 0, (this.limit + 2) * (2 ** -23 + (graph.vertexCount + 4) * 2 ** -51));
  }

  /** The longest move: drive times to the stations are known up to it. */
  get maxMoveSeconds(): number {
    return this.options.maxMoveSeconds;
  }

  /** The table's bytes (0 when over the budget: every place is then searched). */
  get bytes(): number {
    return this.build.bytes;
  }

  /**
   * One bounded backward search per village (to the circle's time) and per station (to the longest move), in slices
   * of the event loop; none when the table would exceed maxBytes.
   */
  static async build(graph: RoadGraph, villages: readonly (RoadSnap | null)[], stations: readonly (RoadSnap | null)[], options: MoveUpTableOptions): Promise<MoveUpTable> {
    const started = performance.now();
    const columns = villages.length + stations.length;
    const bytes = graph.vertexCount * columns * Float32Array.BYTES_PER_ELEMENT;
    const stats = { slices: 0, busyMs: 0, longestSliceMs: 0 };
    const sliced: SliceOptions = { sliceMs: options.sliceMs, stats };
    if (bytes > (options.maxBytes ?? DEFAULT_MOVE_UP_TABLE_BYTES) || columns === 0) {
      return new MoveUpTable(graph, villages, stations, options, null, { bytes: 0, ms: performance.now() - started, busyMs: 0, searches: 0 });
    }
    const times = new Float32Array(graph.vertexCount * columns);
    // Infinity everywhere first (tens of MB: in slices too), then each search writes what it reaches.
    let filled = 0;
    await runSliced((deadline) => {
      while (filled < times.length) {
        const end = Math.min(times.length, filled + (1 << 20));
        times.fill(Infinity, filled, end);
        filled = end;
        if (performance.now() > deadline) break;
      }
      return filled === times.length;
    }, sliced);
    const search = new BackwardSearch(graph);
    const targets = [...villages, ...stations];
    const limit = Math.max(options.seconds, options.maxMoveSeconds);
    let j = 0;
    let running = false;
    await runSliced((deadline) => {
      for (; j < targets.length; j++) {
        const snap = targets[j]!;
        if (!snap) continue;
        // One second past the thresholds: a place whose row reads Infinity is clearly beyond them.
        if (!running) search.start(snap, (j < villages.length ? options.seconds : limit) + 1);
        running = true;
        if (!search.run(deadline)) return false;
        running = false;
        search.write(times, columns, j, options.jitter ?? 0);
        if (performance.now() > deadline) {
          j++;
          return j === targets.length;
        }
      }
      return true;
    }, sliced);
    if (options.stats) {
      options.stats.slices += stats.slices;
      options.stats.busyMs += stats.busyMs;
      options.stats.longestSliceMs = Math.max(options.stats.longestSliceMs, stats.longestSliceMs);
    }
    return new MoveUpTable(graph, villages, stations, options, times, { bytes, ms: performance.now() - started, busyMs: stats.busyMs, searches: targets.filter(Boolean).length });
  }

  /**
   * A place's row over the plan's villages and stations (indices into the table's lists, ascending): from the table
   * when every decision is clear of its threshold by more than `error`, else from its exact forward search.
   */
  async row(from: LonLat, villages: readonly number[], stations: readonly number[], options: SliceOptions = {}): Promise<PlaceRow> {
    const snap = trySnapToRoad(this.graph, from, DEFAULT_MAX_SNAP_M);
    return (snap && this.fromTable(snap, villages, stations)) ?? this.exactRow(from, snap, villages, stations, options);
  }

  /** The exact row (today's forward search, cached by the place's snap): for a place too close to call, and a chosen move's drive time. */
  async exactRow(from: LonLat, snap: RoadSnap | null | undefined, villages: readonly number[], stations: readonly number[], options: SliceOptions = {}): Promise<PlaceRow> {
    if (snap === undefined) snap = trySnapToRoad(this.graph, from, DEFAULT_MAX_SNAP_M);
    if (!snap) return { reach: [], secondsTo: stations.map(() => Infinity), onRoad: false, secondsError: 0 };
    const key = `${snap.edgeIndex}:${snap.fraction}`;
    let row = this.exact.get(key);
    if (row) {
      this.stats.exactHits++;
      // Most recently used last (Map order), so the oldest goes first.
      this.exact.delete(key);
    } else {
      this.stats.exactSearches++;
      row = reachFromSliced(this.graph, from, this.villages, this.options.seconds, this.stations, this.options.maxMoveSeconds, options).then((r) => {
        const within = new Uint8Array(this.villages.length);
        for (const i of r.reach) within[i] = 1;
        return { within, secondsTo: Float64Array.from(r.secondsTo) };
      });
      row.catch(() => this.exact.delete(key));
    }
    this.exact.set(key, row);
    if (this.exact.size > (this.options.exactRows ?? 4096)) this.exact.delete(this.exact.keys().next().value!);
    const { within, secondsTo } = await row;
    const reach: number[] = [];
    villages.forEach((i, k) => {
      if (within[i]) reach.push(k);
    });
    return { reach, secondsTo: stations.map((p) => secondsTo[p]!), onRoad: true, secondsError: 0 };
  }

  /** The row read from the table, or null when a decision on it is too close to call (or there is no table). */
  fromTable(snap: RoadSnap, villages: readonly number[], stations: readonly number[]): PlaceRow | null {
    const times = this.times;
    if (!times) return null;
    const g = this.graph;
    const e = snap.edgeIndex;
    const toTarget = secondsToTarget(g, e, snap.fraction);
    const toSource = secondsToSource(g, e, snap.fraction);
    const t = g.edgeTarget[e]! * this.columns;
    const s = g.edgeSource[e]! * this.columns;
    const error = this.error;
    const timeTo = (j: number, target: RoadSnap | null): number => {
      if (!target) return Infinity;
      let best = Math.min(toTarget + times[t + j]!, toSource + times[s + j]!);
      if (target.edgeIndex === e) best = Math.min(best, secondsAlong(g, e, snap.fraction, target.fraction));
      return best;
    };
    const reach: number[] = [];
    const seconds = this.options.seconds;
    for (let k = 0; k < villages.length; k++) {
      const i = villages[k]!;
      const time = timeTo(i, this.villages[i]!);
      if (time <= seconds - error) reach.push(k);
      else if (!(time > seconds + error)) return null;
    }
    const secondsTo: number[] = [];
    const limit = this.limit;
    const maxMove = this.options.maxMoveSeconds;
    const base = this.villages.length;
    for (const p of stations) {
      const time = timeTo(base + p, this.stations[p]!);
      if (time > limit + error) secondsTo.push(Infinity);
      else if (time <= limit - error && Math.abs(time - maxMove) > error) secondsTo.push(time);
      else return null;
    }
    this.stats.tableRows++;
    return { reach, secondsTo, onRoad: true, secondsError: error };
  }
}

/** A bounded Dijkstra on the reversed arcs from one place on its edge, in slices, with labels of its own. */
class BackwardSearch {
  private readonly labels: SearchLabels;
  private readonly done: Int32Array;
  private doneCount = 0;
  private maxSeconds = 0;

  constructor(private readonly graph: RoadGraph) {
    this.labels = new SearchLabels(graph);
    this.done = new Int32Array(graph.vertexCount);
  }

  start(target: RoadSnap, maxSeconds: number): void {
    this.labels.begin();
    this.doneCount = 0;
    this.maxSeconds = maxSeconds;
    const g = this.graph;
    const e = target.edgeIndex;
    // From a vertex to the place: along the edge from its source, or back along it from its target.
    const viaSource = secondsFromSource(g, e, target.fraction);
    const viaTarget = secondsFromTarget(g, e, target.fraction);
    if (viaSource < Infinity) this.labels.seed(g.edgeSource[e]!, viaSource);
    if (viaTarget < Infinity) this.labels.seed(g.edgeTarget[e]!, viaTarget);
  }

  /** Settles until the limit (true) or the deadline (false: call again). */
  run(deadline: number): boolean {
    return this.labels.settleUntil(this.graph.reverse, this.maxSeconds, deadline, (u) => (this.done[this.doneCount++] = u));
  }

  /** The settled vertices' times into column j of a vertex-major table (tests: each moved by up to ±jitter). */
  write(table: Float32Array, columns: number, j: number, jitter: number): void {
    for (let k = 0; k < this.doneCount; k++) {
      const v = this.done[k]!;
      const noise = jitter ? jitter * (2 * (Math.sin(v * 12.9898 + j * 78.233) * 43758.5453 % 1) ** 2 - 1) : 0;
      table[v * columns + j] = this.labels.time[v]! + noise;
    }
  }
}

/**
 * The tables in use: one per graph, for one set of places (a new key replaces it, so memory holds one table per graph
 * served). Keyed by the graph object itself: the registry loads a new one when a region is imported again or re-costed
 * (graphRegistry.ts), so its table is built anew and the old one goes with the old graph.
 */
export class MoveUpTables {
  private readonly byGraph = new WeakMap<RoadGraph, { key: string; table: Promise<MoveUpTable> }>();

  get(graph: RoadGraph, key: string, build: () => Promise<MoveUpTable>): Promise<MoveUpTable> {
    const hit = this.byGraph.get(graph);
    if (hit && hit.key === key) return hit.table;
    const entry = { key, table: build() };
    this.byGraph.set(graph, entry);
    // A failed build must not stick: the next plan tries again.
    entry.table.catch(() => {
      if (this.byGraph.get(graph) === entry) this.byGraph.delete(graph);
    });
    return entry.table;
  }
}

/** A station as a post of the plan: its index in the table's stations, and where it is. */
export interface PlanStation {
  id: string;
  index: number;
  at: LonLat;
}

/** A free vehicle: where it counts (its position, or the post it is heading to) and whether it may be moved. */
export interface PlanVehicle {
  id: string;
  at: LonLat;
  movable: boolean;
}

/**
 * The DMEXCLP plan (moveUp.ts, suggestMoveUps) of a fleet, its rows from the table: the same vehicles' reaches and
 * post times, posts' reaches and moves as one forward search per vehicle and station gives (moveUpTable.test.ts).
 * A tie decided on inexact drive times gives those vehicles their exact rows and plans again; the chosen moves'
 * vehicles get theirs for the drive time shown.
 */
export async function planMoveUps(
  table: MoveUpTable,
  plan: {
    /** The plan's villages (indices into the table's, ascending) and their demand weights. */
    villages: readonly number[];
    demand: readonly number[];
    stations: readonly PlanStation[];
    vehicles: readonly PlanVehicle[];
    q: number;
    maxMoves?: number;
  },
  options: SliceOptions = {},
): Promise<{ vehicles: MoveUpVehicle[]; posts: MoveUpPost[]; moves: MoveUp[] }> {
  const stationIndices = plan.stations.map((s) => s.index);
  const posts: MoveUpPost[] = [];
  for (const s of plan.stations) posts.push({ id: s.id, reach: (await table.row(s.at, plan.villages, [], options)).reach });
  const vehicles: MoveUpVehicle[] = [];
  const vehicleOf = (v: PlanVehicle, row: PlaceRow): MoveUpVehicle => ({
    id: v.id, reach: row.reach, secondsToPost: row.secondsTo, movable: v.movable && row.onRoad, secondsError: row.secondsError,
  });
  // A thousand rows of two table reads per village: in slices; a place too close to call is searched after.
  // Vehicles at one place (a station's post, mostly) share one row: read once, and their times compare equal.
  const pending: number[] = [];
  const rows = new Map<string, PlaceRow | null>();
  const keys: string[] = [];
  let next = 0;
  await runSliced((deadline) => {
    for (; next < plan.vehicles.length; next++) {
      if ((next & 15) === 15 && performance.now() > deadline) return false;
      const v = plan.vehicles[next]!;
      const snap = trySnapToRoad(table.graph, v.at, DEFAULT_MAX_SNAP_M);
      const key = snap ? `${snap.edgeIndex}:${snap.fraction}` : 'off';
      keys[next] = key;
      let row = rows.get(key);
      if (row === undefined) {
        row = snap ? table.fromTable(snap, plan.villages, stationIndices) : { reach: [], secondsTo: stationIndices.map(() => Infinity), onRoad: false, secondsError: 0 };
        rows.set(key, row);
      }
      if (row) vehicles[next] = vehicleOf(v, row);
      else pending.push(next);
    }
    return true;
  }, options);
  // A vehicle's exact row is its place's: every vehicle there gets the same one (so they still compare equal).
  const exactRows = new Map<string, PlaceRow>();
  const exact = async (k: number) => {
    const key = keys[k]!;
    let row = exactRows.get(key);
    if (!row) exactRows.set(key, (row = await table.exactRow(plan.vehicles[k]!.at, undefined, plan.villages, stationIndices, options)));
    plan.vehicles.forEach((v, j) => {
      if (keys[j] === key) vehicles[j] = vehicleOf(v, row);
    });
  };
  for (const k of pending) await exact(k);
  const maxMove = table.maxMoveSeconds;
  for (;;) {
    const unsure = new Set<number>();
    const moves = await suggestMoveUpsSliced(plan.demand, vehicles, posts, { q: plan.q, maxMoves: plan.maxMoves, maxMoveSeconds: maxMove, onUnsure: (v) => unsure.add(v) }, (step) =>
      runSliced(step, options),
    );
    const inexact = [...unsure].filter((v) => vehicles[v]!.secondsError);
    if (inexact.length === 0) {
      // Every decision was clear of the table's error: the same moves; the drive times shown are the searches' own.
      for (const m of moves) if (vehicles[m.vehicleIndex]!.secondsError) await exact(m.vehicleIndex);
      for (const m of moves) m.driveSeconds = vehicles[m.vehicleIndex]!.secondsToPost[m.postIndex]!;
      return { vehicles, posts, moves };
    }
    table.stats.replans++;
    for (const v of inexact) await exact(v);
  }
}
