import { demandWeights, weightedShare } from '@dispatch/geo/coverage/demandWeights';
import { coverCounts, snapAll } from '@dispatch/geo/coverage/moveUp';
import { MoveUpTable, MoveUpTables, planMoveUps } from '@dispatch/geo/coverage/moveUpTable';
import { reachedWithinSliced, runSliced, type SliceStats } from '@dispatch/geo/coverage/slicedReach';
import type { GraphRegistry } from '@dispatch/geo/routing/graphRegistry';
import type { LonLat } from '@dispatch/geo/routing/geometry';
import { NoRoadNetworkError, type RoadGraph } from '@dispatch/geo/routing/roadGraph';
import { DEFAULT_MAX_SNAP_M, trySnapToRoad, type RoadSnap } from '@dispatch/geo/routing/snap';
import { sqlFile } from '@dispatch/db';
import { rooms, type LiveCoverageDto, type MoveUpSuggestionsDto } from '@dispatch/protocol';
import { z } from 'zod';
import type { DispatchContext } from '../dispatchContext';
import { publishReposition, sweepRepositions } from '../repositions/repositions';

const Point = z.object({ id: z.string(), lon: z.number(), lat: z.number() });
const sql = sqlFile(new URL('./liveCoverage.sql', import.meta.url), {
  fleet: {
    params: z.object({ staleAfterSeconds: z.number() }),
    row: z.object({
      id: z.string(), callSign: z.string(), state: z.string(), centreId: z.string(), lon: z.number().nullable(), lat: z.number().nullable(),
      postLon: z.number(), postLat: z.number(), postId: z.string(), repositionStationId: z.string().nullable(),
    }),
  },
  stations: { row: Point.extend({ name: z.string(), centreId: z.string() }) },
  villages: { row: Point.extend({ name: z.string(), population: z.number().nullable(), centreId: z.string().nullable() }) },
  facilities: { row: Point.extend({ centreId: z.string() }) },
  centres: { row: z.object({ id: z.string() }) },
});
type FleetRow = Awaited<ReturnType<typeof sql.fleet.rows>>[number];
type Village = Awaited<ReturnType<typeof sql.villages.rows>>[number];
type Station = Awaited<ReturnType<typeof sql.stations.rows>>[number];
/** The villages' snaps on one graph, and what the facilities of each centre reach of them. */
type VillageSnaps = { key: string; villages: (RoadSnap | null)[]; facilities?: { key: string; covered: Map<string, boolean[]> } };

/** The key of the whole province's figure beside the centres' (a centre's key is its id). */
const PROVINCE = 'province';
const keyOf = (centreId: string | null) => centreId ?? PROVINCE;

export interface LiveCoverageOptions {
  /** The circle's time, minutes (30分钟就医圈). */
  minutes?: number;
  /** A fleet change is recomputed this long after it, changes in between folded into one computation. */
  debounceMs?: number;
  /** Positions stream in without a vehicle event: the figure is recomputed this often as well (0: never). */
  refreshMs?: number;
  /** Move-ups longer than this are not suggested. */
  maxMoveSeconds?: number;
  /** The computation returns to the event loop after this many ms of work (default 4). */
  sliceMs?: number;
}

/** The busy fraction q of DMEXCLP from the fleet now, kept within 0.05–0.9 (a quiet or overwhelmed night alike). */
export function busyFraction(fleet: readonly { state: string }[]): number {
  if (fleet.length === 0) return 0.5;
  const busy = fleet.filter((v) => v.state !== 'available').length / fleet.length;
  return Math.min(0.9, Math.max(0.05, busy));
}

/**
 * The 30-minute circle right now and the move-ups that would restore it, per dispatch centre (issue 15): a centre's
 * figure counts the villages of its area (a village is of its nearest station's centre, as a call there taken by a
 * province login is: liveCoverage.sql), reached by its own free ambulances and its own health facilities, as its
 * recommendations rank only its own vehicles and hospitals. The province's figure is the whole province: every village,
 * reached by any centre's ambulance or facility, so a village near a border counts as covered there by the neighbour's.
 * One multi-source search over the in-memory road graph per centre from its free vehicles' live positions (a stale one
 * at its post) serves both (the province's is their union); the facilities' part is cached per graph. Computed a few
 * seconds after the free fleet changes (`touch`, debounced), on a slow refresh for positions, and on request when a
 * change is pending; pushed as `coverage.updated` when it changed: a centre's to its staff's room, the province's to the
 * province room (one figure for the province's console, not one per centre that would overwrite each other).
 */
export class LiveCoverage {
  private last = new Map<string, LiveCoverageDto>();
  private dirty = true;
  private timer: NodeJS.Timeout | undefined;
  private readonly interval: NodeJS.Timeout | undefined;
  private running: Promise<Map<string, LiveCoverageDto>> | null = null;
  private rerun = false;
  private closed = false;
  /** How the computations so far held the event loop (slices, their longest), for benchmarks and tests. */
  readonly sliceStats: SliceStats = { slices: 0, busyMs: 0, longestSliceMs: 0 };
  private readonly seconds: number;
  private readonly snaps = new WeakMap<RoadGraph, VillageSnaps>();
  private readonly plans = new Map<string, { graph: RoadGraph | null; inputs: string; answer: Promise<MoveUpSuggestionsDto> }>();
  /** The move-up table of each graph (one, for its villages and every station): rebuilt for a new graph or places. */
  private readonly tables = new MoveUpTables();

  constructor(
    private readonly ctx: DispatchContext,
    private readonly graphs: GraphRegistry,
    private readonly region: string | undefined,
    private readonly options: LiveCoverageOptions = {},
  ) {
    this.seconds = (options.minutes ?? 30) * 60;
    const refreshMs = options.refreshMs ?? 15_000;
    if (refreshMs > 0) {
      this.interval = setInterval(() => this.touch(), refreshMs);
      this.interval.unref();
    }
  }

  /** Something about the free fleet changed: recompute soon (once for a burst of changes). */
  touch(): void {
    this.dirty = true;
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh().catch((err: Error) => this.ctx.log.warn({ err: err.message }, 'live coverage failed'));
    }, this.options.debounceMs ?? 2000);
    this.timer.unref();
  }

  /**
   * The figure now of one centre (null: the whole province): the last one, the one being computed (it began after the
   * last change it was told of, so the last one may be older than a change the caller just made), or a new one when a
   * change is pending or the centre is new since.
   */
  async current(centreId: string | null): Promise<LiveCoverageDto> {
    const key = keyOf(centreId);
    const figures = this.dirty || !this.last.has(key) ? await this.refresh() : this.running ? await this.running : this.last;
    // A centre with no figure has no village, ambulance or facility (none in the centres table either).
    return figures.get(key) ?? { ...emptyFigure(this.seconds / 60), centreId };
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.interval);
  }

  /** Computes (one at a time; a request during a computation waits for the next one) and pushes those that changed. */
  refresh(): Promise<Map<string, LiveCoverageDto>> {
    if (this.running) {
      this.rerun = true;
      return this.running.then(() => this.refresh());
    }
    this.dirty = false;
    this.running = this.compute()
      .then((next) => {
        for (const [key, figure] of next) {
          const before = this.last.get(key);
          if (this.closed || (before && signature(before) === signature(figure))) continue;
          this.ctx.events.publish(key === PROVINCE ? rooms.province : rooms.centre(key), 'coverage.updated', figure);
        }
        this.last = next;
        return next;
      })
      .finally(() => {
        this.running = null;
        if (this.rerun) {
          this.rerun = false;
          this.dirty = true;
        }
      });
    return this.running;
  }

  private async graph(): Promise<RoadGraph | null> {
    try {
      return await this.graphs.get(this.region);
    } catch (error) {
      if (error instanceof NoRoadNetworkError) return null;
      throw error;
    }
  }

  /** The villages' snaps, cached per graph; snapped in slices (a province's villages at once held the loop). */
  private async villageSnaps(graph: RoadGraph, villages: Village[]) {
    const key = villages.map((v) => `${v.id}@${v.lon},${v.lat}`).join(';');
    const hit = this.snaps.get(graph);
    if (hit && hit.key === key) return hit;
    const snapped: (RoadSnap | null)[] = [];
    await runSliced((deadline) => {
      while (snapped.length < villages.length) {
        const v = villages[snapped.length]!;
        snapped.push(trySnapToRoad(graph, [v.lon, v.lat], DEFAULT_MAX_SNAP_M));
        if ((snapped.length & 15) === 0 && performance.now() > deadline) break;
      }
      return snapped.length === villages.length;
    }, this.sliceOptions());
    const fresh: VillageSnaps = { key, villages: snapped };
    this.snaps.set(graph, fresh);
    return fresh;
  }

  private sliceOptions() {
    return { sliceMs: this.options.sliceMs, stats: this.sliceStats };
  }

  /** Every centre's figure and the province's, by keyOf. */
  private async compute(): Promise<Map<string, LiveCoverageDto>> {
    const { db } = this.ctx;
    const ended = await sweepRepositions(db);
    await Promise.all(ended.map((id) => publishReposition(this.ctx, id)));
    const [graph, villages, fleet, facilities, centres] = await Promise.all([
      this.graph(),
      sql.villages.rows(db),
      sql.fleet.rows(db, { staleAfterSeconds: this.ctx.policy.staleAfterSeconds }),
      sql.facilities.rows(db),
      sql.centres.rows(db),
    ]);
    const free = fleet.filter((v) => v.state === 'available');
    const centreIds = centres.map((c) => c.id);
    const none = villages.map(() => false);
    // Per centre, over every village: reached by the centre's free ambulances, by its facilities.
    const byAmbulance = new Map<string, boolean[]>();
    let byFacility = new Map<string, boolean[]>();
    if (graph) {
      const snaps = await this.villageSnaps(graph, villages);
      const facilityKey = facilities.map((f) => `${f.id}@${f.lon},${f.lat}@${f.centreId}`).join(';');
      if (snaps.facilities?.key !== facilityKey) {
        const covered = new Map<string, boolean[]>();
        for (const c of centreIds) covered.set(c, await this.reached(graph, snaps.villages, facilities.filter((f) => f.centreId === c).map((f) => [f.lon, f.lat] as LonLat)));
        snaps.facilities = { key: facilityKey, covered };
      }
      byFacility = snaps.facilities.covered;
      for (const c of centreIds) byAmbulance.set(c, await this.reached(graph, snaps.villages, free.filter((v) => v.centreId === c).map(placeOf)));
      // The rest (shares, uncovered lists) is one pass over the villages per centre, on a turn of its own.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const anyOf = (per: Map<string, boolean[]>) => villages.map((_, i) => [...per.values()].some((covered) => covered[i]));
    const figures = new Map<string, LiveCoverageDto>();
    const figure = (centreId: string | null, indices: number[], amb: boolean[], fac: boolean[], freeVehicles: number): LiveCoverageDto => {
      const own = indices.map((i) => villages[i]!);
      const demand = demandWeights(own.map((v) => v.population));
      const a = indices.map((i) => amb[i]!);
      const f = indices.map((i) => fac[i]!);
      const share = (covered: boolean[]) => (covered.length ? covered.filter(Boolean).length / covered.length : 0);
      return {
        centreId, computedAt: new Date().toISOString(), minutes: this.seconds / 60, villages: own.length, freeVehicles,
        populationKnown: demand.known, populationFallback: demand.fallback, region: graph?.region ?? null,
        ambulanceShare: share(a), facilityShare: share(f),
        ambulancePopulationShare: weightedShare(demand.weights, a), facilityPopulationShare: weightedShare(demand.weights, f),
        uncovered: own.flatMap((v, k) => (a[k] && f[k] ? [] : [{ id: v.id, name: v.name, lon: v.lon, lat: v.lat, population: v.population, byAmbulance: !a[k], byFacility: !f[k] }])),
      };
    };
    for (const c of centreIds) {
      const indices = villages.flatMap((v, i) => (v.centreId === c ? [i] : []));
      figures.set(c, figure(c, indices, byAmbulance.get(c) ?? none, byFacility.get(c) ?? none, free.filter((v) => v.centreId === c).length));
    }
    figures.set(PROVINCE, figure(null, villages.map((_, i) => i), anyOf(byAmbulance), anyOf(byFacility), free.length));
    return figures;
  }

  /**
   * Which villages (by their snaps) are within the circle's time of one of `sources` by road: one multi-source search,
   * in slices of a few ms (RNV with 1,000 vehicles held the event loop ~40–480 ms in one piece, and the worst
   * recommendation latencies overlapped it).
   */
  private reached(graph: RoadGraph, snaps: readonly (RoadSnap | null)[], sources: LonLat[]): Promise<boolean[]> {
    return reachedWithinSliced(graph, snaps, sources, this.seconds, this.sliceOptions());
  }

  /**
   * DMEXCLP move-ups now for one centre (null: the whole province): every free vehicle of it where it is (one on its
   * way to a post counted there and not moved again), its stations as posts, its villages as demand weighed by their
   * population (one without: the median of the known ones; all 1 when none is known, see demandWeights), q the busy
   * share of its fleet. A centre's vehicles are moved within its own area only (a move to a neighbour's station is
   * cross-centre help, asked for per call); the province's plan may move a vehicle across a border. Up to three moves,
   * each on the configuration the previous one leaves.
   */
  async suggestions(centreId: string | null): Promise<MoveUpSuggestionsDto> {
    const { db } = this.ctx;
    const [graph, allVillages, allFleet, allStations] = await Promise.all([
      this.graph(),
      sql.villages.rows(db),
      sql.fleet.rows(db, { staleAfterSeconds: this.ctx.policy.staleAfterSeconds }),
      sql.stations.rows(db),
    ]);
    const ours = (row: { centreId: string | null }) => centreId === null || row.centreId === centreId;
    const fleet = allFleet.filter(ours);
    const stations = allStations.filter(ours);
    // Every console asks after each coverage.updated, and each plan is one search per free vehicle: consoles asking
    // on the same villages, fleet and stations share one plan (the same answer they would each have computed).
    const inputs = JSON.stringify([allVillages, fleet, stations, this.seconds]);
    const memo = this.plans.get(keyOf(centreId));
    if (memo && memo.graph === graph && memo.inputs === inputs) return memo.answer;
    const answer = this.plan(graph, centreId, allVillages, fleet, stations, allStations);
    const entry = { graph, inputs, answer };
    this.plans.set(keyOf(centreId), entry);
    answer.catch(() => {
      if (this.plans.get(keyOf(centreId)) === entry) this.plans.delete(keyOf(centreId));
    });
    return answer;
  }

  /**
   * The drive times from every vertex to each village and station (moveUpTable.ts), built once per graph and set of
   * villages and stations (in slices, ~2 s of CPU on RNV) instead of a forward search per vehicle in every plan.
   */
  private moveUpTable(graph: RoadGraph, villages: Village[], villageSnaps: (RoadSnap | null)[], stations: Station[], maxMove: number): Promise<MoveUpTable> {
    const key = JSON.stringify([villages.map((v) => [v.id, v.lon, v.lat]), stations.map((s) => [s.id, s.lon, s.lat]), this.seconds, maxMove]);
    return this.tables.get(graph, key, () => MoveUpTable.build(graph, villageSnaps, snapAll(graph, stations.map((s) => [s.lon, s.lat] as LonLat)), {
      seconds: this.seconds, maxMoveSeconds: maxMove, ...this.sliceOptions(),
    }).then((built) => {
      this.ctx.log.info({ region: graph.region, villages: villages.length, stations: stations.length, bytes: built.bytes, ms: Math.round(built.build.ms), busyMs: Math.round(built.build.busyMs) }, 'move-up table built');
      return built;
    }));
  }

  private async plan(graph: RoadGraph | null, centreId: string | null, allVillages: Village[], fleet: FleetRow[], stations: Station[], allStations: Station[]): Promise<MoveUpSuggestionsDto> {
    const ours = (row: { centreId: string | null }) => centreId === null || row.centreId === centreId;
    const q = busyFraction(fleet);
    const answer: MoveUpSuggestionsDto = { method: 'DMEXCLP', centreId, q, minutes: this.seconds / 60, suggestions: [] };
    const indices = allVillages.flatMap((v, i) => (ours(v) ? [i] : []));
    if (!graph || indices.length === 0 || stations.length === 0) return answer;
    const villages = indices.map((i) => allVillages[i]!);
    const allSnaps = (await this.villageSnaps(graph, allVillages)).villages;
    const maxMove = this.options.maxMoveSeconds ?? 45 * 60;
    const table = await this.moveUpTable(graph, allVillages, allSnaps, allStations, maxMove);
    const stationIndex = new Map(allStations.map((s, i) => [s.id, i]));
    const free = fleet.filter((v) => v.state === 'available');
    const demand = demandWeights(villages.map((v) => v.population)).weights;
    // Every free vehicle where it is (one on its way to a post counted there and not moved again): two rows of the
    // table each, the exact search only for a decision too close to call and for the moves chosen (same plan).
    const { vehicles, posts, moves } = await planMoveUps(
      table,
      {
        villages: indices,
        demand,
        stations: stations.map((s) => ({ id: s.id, index: stationIndex.get(s.id)!, at: [s.lon, s.lat] as LonLat })),
        vehicles: free.map((v) => {
          const heading = v.repositionStationId !== null;
          return { id: v.id, at: heading ? ([v.postLon, v.postLat] as LonLat) : placeOf(v), movable: !heading };
        }),
        q,
        maxMoves: 3,
      },
      this.sliceOptions(),
    );
    const postReach = posts.map((p) => p.reach);
    const reaches = vehicles.map((v) => v.reach);
    const covered = () => [...coverCounts(villages.length, reaches)].map((k) => k > 0);
    const share = (c: boolean[]) => c.filter(Boolean).length / villages.length;
    for (const m of moves) {
      // Two counts over every vehicle's reach per move: a turn of their own each.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const before = covered();
      reaches[m.vehicleIndex] = postReach[m.postIndex]!;
      const after = covered();
      answer.suggestions.push({
        vehicleId: m.vehicleId,
        callSign: free[m.vehicleIndex]!.callSign,
        stationId: m.postId,
        stationName: stations[m.postIndex]!.name,
        driveSeconds: m.driveSeconds,
        shareBefore: share(before),
        shareAfter: share(after),
        populationShareBefore: weightedShare(demand, before),
        populationShareAfter: weightedShare(demand, after),
        expectedBefore: m.before,
        expectedAfter: m.after,
      });
    }
    return answer;
  }
}

/** A figure of nothing: no village, no free ambulance. */
function emptyFigure(minutes: number): Omit<LiveCoverageDto, 'centreId'> {
  return {
    region: null, computedAt: new Date().toISOString(), minutes, villages: 0, freeVehicles: 0, ambulanceShare: 0, facilityShare: 0,
    ambulancePopulationShare: 0, facilityPopulationShare: 0, populationKnown: 0, populationFallback: 1, uncovered: [],
  };
}

/** Where a vehicle counts: its fresh position, or its post. */
function placeOf(v: FleetRow): LonLat {
  return v.lon !== null && v.lat !== null ? [v.lon, v.lat] : [v.postLon, v.postLat];
}

/** What the consoles would see change (not the time it was computed). */
function signature(c: LiveCoverageDto): string {
  return JSON.stringify([
    c.region, c.villages, c.freeVehicles, c.ambulanceShare, c.facilityShare, c.ambulancePopulationShare, c.facilityPopulationShare, c.populationKnown,
    c.uncovered.map((u) => [u.id, u.byAmbulance, u.byFacility, u.population]),
  ]);
}
