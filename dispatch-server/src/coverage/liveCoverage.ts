import { driveTimesFrom, timeAt } from '@dispatch/geo/coverage/driveTimes';
import { demandWeights, weightedShare } from '@dispatch/geo/coverage/demandWeights';
import { coverCounts, reachFrom, snapAll, suggestMoveUps, type MoveUpVehicle, type Reach } from '@dispatch/geo/coverage/moveUp';
import type { GraphRegistry } from '@dispatch/geo/routing/graphRegistry';
import type { LonLat } from '@dispatch/geo/routing/geometry';
import { NoRoadNetworkError, type RoadGraph } from '@dispatch/geo/routing/roadGraph';
import type { RoadSnap } from '@dispatch/geo/routing/snap';
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
      id: z.string(), callSign: z.string(), state: z.string(), lon: z.number().nullable(), lat: z.number().nullable(),
      postLon: z.number(), postLat: z.number(), postId: z.string(), repositionStationId: z.string().nullable(),
    }),
  },
  stations: { row: Point.extend({ name: z.string() }) },
  villages: { row: Point.extend({ name: z.string(), population: z.number().nullable() }) },
  facilities: { row: Point },
});
type FleetRow = Awaited<ReturnType<typeof sql.fleet.rows>>[number];
type Village = Awaited<ReturnType<typeof sql.villages.rows>>[number];

export interface LiveCoverageOptions {
  /** The circle's time, minutes (30分钟就医圈). */
  minutes?: number;
  /** A fleet change is recomputed this long after it, changes in between folded into one computation. */
  debounceMs?: number;
  /** Positions stream in without a vehicle event: the figure is recomputed this often as well (0: never). */
  refreshMs?: number;
  /** Move-ups longer than this are not suggested. */
  maxMoveSeconds?: number;
}

/** The busy fraction q of DMEXCLP from the fleet now, kept within 0.05–0.9 (a quiet or overwhelmed night alike). */
export function busyFraction(fleet: readonly { state: string }[]): number {
  if (fleet.length === 0) return 0.5;
  const busy = fleet.filter((v) => v.state !== 'available').length / fleet.length;
  return Math.min(0.9, Math.max(0.05, busy));
}

/**
 * The 30-minute circle right now and the move-ups that would restore it: one multi-source search over the
 * in-memory road graph from every free vehicle's live position (a stale one at its post), villages labelled by
 * it; the health facilities' part is cached per graph. Computed a few seconds after the free fleet changes
 * (`touch`, debounced), on a slow refresh for positions, and on request when a change is pending; pushed to the
 * dispatchers and supervisors as `coverage.updated` when it changed.
 */
export class LiveCoverage {
  private last: LiveCoverageDto | null = null;
  private dirty = true;
  private timer: NodeJS.Timeout | undefined;
  private readonly interval: NodeJS.Timeout | undefined;
  private running: Promise<LiveCoverageDto> | null = null;
  private rerun = false;
  private closed = false;
  private readonly seconds: number;
  private readonly snaps = new WeakMap<RoadGraph, { key: string; villages: (RoadSnap | null)[]; facilities?: { key: string; covered: boolean[] } }>();
  private readonly stationReach = new WeakMap<RoadGraph, { key: string; reach: Reach[]; snaps: (RoadSnap | null)[] }>();

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

  /** The figure now: the last one, or a new one when a change is pending. */
  async current(): Promise<LiveCoverageDto> {
    if (this.dirty || !this.last) return this.refresh();
    return this.last;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.interval);
  }

  /** Computes (one at a time; a request during a computation waits for the next one) and pushes when changed. */
  refresh(): Promise<LiveCoverageDto> {
    if (this.running) {
      this.rerun = true;
      return this.running.then(() => this.refresh());
    }
    this.dirty = false;
    this.running = this.compute()
      .then((next) => {
        const changed = !this.last || signature(this.last) !== signature(next);
        this.last = next;
        if (changed && !this.closed) this.ctx.events.publish(rooms.dispatchers, 'coverage.updated', next);
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

  private villageSnaps(graph: RoadGraph, villages: Village[]) {
    const key = villages.map((v) => `${v.id}@${v.lon},${v.lat}`).join(';');
    let hit = this.snaps.get(graph);
    if (!hit || hit.key !== key) {
      hit = { key, villages: snapAll(graph, villages.map((v) => [v.lon, v.lat] as LonLat)) };
      this.snaps.set(graph, hit);
    }
    return hit;
  }

  private async compute(): Promise<LiveCoverageDto> {
    const { db } = this.ctx;
    const ended = await sweepRepositions(db);
    await Promise.all(ended.map((id) => publishReposition(this.ctx, id)));
    const [graph, villages, fleet, facilities] = await Promise.all([
      this.graph(),
      sql.villages.rows(db),
      sql.fleet.rows(db, { staleAfterSeconds: this.ctx.policy.staleAfterSeconds }),
      sql.facilities.rows(db),
    ]);
    const free = fleet.filter((v) => v.state === 'available');
    const demand = demandWeights(villages.map((v) => v.population));
    const base = {
      computedAt: new Date().toISOString(), minutes: this.seconds / 60, villages: villages.length, freeVehicles: free.length,
      populationKnown: demand.known, populationFallback: demand.fallback,
    };
    if (!graph) {
      return {
        ...base, region: null, ambulanceShare: 0, facilityShare: 0, ambulancePopulationShare: 0, facilityPopulationShare: 0,
        uncovered: villages.map((v) => ({ ...v, byAmbulance: true, byFacility: true })),
      };
    }
    const snaps = this.villageSnaps(graph, villages);
    const facilityKey = facilities.map((f) => `${f.id}@${f.lon},${f.lat}`).join(';');
    if (snaps.facilities?.key !== facilityKey) {
      const times = driveTimesFrom(graph, facilities.map((f) => ({ id: f.id, lonLat: [f.lon, f.lat] as LonLat })), { maxSeconds: this.seconds });
      snaps.facilities = { key: facilityKey, covered: snaps.villages.map((s) => s !== null && timeAt(times, s.edgeIndex, s.fraction).seconds <= this.seconds) };
    }
    const byFacility = snaps.facilities.covered;
    const ambulances = driveTimesFrom(graph, free.map((v) => ({ id: v.id, lonLat: placeOf(v) })), { maxSeconds: this.seconds });
    const byAmbulance = snaps.villages.map((s) => s !== null && timeAt(ambulances, s.edgeIndex, s.fraction).seconds <= this.seconds);
    const share = (covered: boolean[]) => (covered.length ? covered.filter(Boolean).length / covered.length : 0);
    return {
      ...base,
      region: graph.region,
      ambulanceShare: share(byAmbulance),
      facilityShare: share(byFacility),
      ambulancePopulationShare: weightedShare(demand.weights, byAmbulance),
      facilityPopulationShare: weightedShare(demand.weights, byFacility),
      uncovered: villages.flatMap((v, i) => (byAmbulance[i] && byFacility[i] ? [] : [{ ...v, byAmbulance: !byAmbulance[i], byFacility: !byFacility[i] }])),
    };
  }

  /**
   * DMEXCLP move-ups now: every free vehicle where it is (one on its way to a post counted there and not moved
   * again), the stations as posts, villages as demand weighed by their population (one without: the median of the
   * known ones; all 1 when none is known, see demandWeights), q the busy share of the fleet. Up to three moves, each on the configuration the previous one leaves.
   */
  async suggestions(): Promise<MoveUpSuggestionsDto> {
    const { db } = this.ctx;
    const [graph, villages, fleet, stations] = await Promise.all([
      this.graph(),
      sql.villages.rows(db),
      sql.fleet.rows(db, { staleAfterSeconds: this.ctx.policy.staleAfterSeconds }),
      sql.stations.rows(db),
    ]);
    const q = busyFraction(fleet);
    const answer: MoveUpSuggestionsDto = { method: 'DMEXCLP', q, minutes: this.seconds / 60, suggestions: [] };
    if (!graph || villages.length === 0 || stations.length === 0) return answer;
    const villageSnaps = this.villageSnaps(graph, villages).villages;
    const maxMove = this.options.maxMoveSeconds ?? 45 * 60;
    const stationKey = stations.map((s) => `${s.id}@${s.lon},${s.lat}`).join(';') + `|${villages.length}`;
    let posts = this.stationReach.get(graph);
    if (!posts || posts.key !== stationKey) {
      const stationSnaps = snapAll(graph, stations.map((s) => [s.lon, s.lat] as LonLat));
      posts = { key: stationKey, snaps: stationSnaps, reach: stations.map((s) => reachFrom(graph, [s.lon, s.lat], villageSnaps, this.seconds).reach) };
      this.stationReach.set(graph, posts);
    }
    const free = fleet.filter((v) => v.state === 'available');
    const vehicles: MoveUpVehicle[] = free.map((v) => {
      const heading = v.repositionStationId !== null;
      const from = heading ? ([v.postLon, v.postLat] as LonLat) : placeOf(v);
      const r = reachFrom(graph, from, villageSnaps, this.seconds, posts.snaps, maxMove);
      return { id: v.id, reach: r.reach, secondsToPost: r.secondsTo, movable: !heading && r.onRoad };
    });
    const demand = demandWeights(villages.map((v) => v.population)).weights;
    const moves = suggestMoveUps(demand, vehicles, stations.map((s, i) => ({ id: s.id, reach: posts.reach[i]! })), { q, maxMoves: 3, maxMoveSeconds: maxMove });
    const reaches = vehicles.map((v) => v.reach);
    const covered = () => [...coverCounts(villages.length, reaches)].map((k) => k > 0);
    const share = (c: boolean[]) => c.filter(Boolean).length / villages.length;
    for (const m of moves) {
      const before = covered();
      reaches[m.vehicleIndex] = posts.reach[m.postIndex]!;
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
