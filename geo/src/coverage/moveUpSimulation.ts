import { seededRandom } from '../demo/prng';
import type { LonLat } from '../routing/geometry';
import type { RoadGraph } from '../routing/roadGraph';
import { driveTimesFrom, timeAt } from './driveTimes';
import { bestPost, snapAll, suggestMoveUps, type Reach } from './moveUp';

/**
 * A discrete-event simulation of a day of calls (pure: simulated seconds, no wall clock) to compare dispatch
 * policies on one network: (a) the closest free vehicle by road, back to its home station afterwards, against
 * (b) the same with DMEXCLP (./moveUp.ts): a vehicle that becomes free goes to the post with the largest
 * marginal coverage, and after every dispatch one free vehicle standing at a post may be moved up.
 *
 * Places are indices into a travel-time matrix built once from the road graph (villages, posts, hospitals), so
 * every drive of the simulation is a lookup. A vehicle on the road is somewhere between two places: for a new
 * call it may drive on and then to the call, or turn back (whichever is faster, an upper bound of the truth).
 */
export interface SimNetwork {
  /** Places: travel[a * size + b] seconds from a to b by road (Infinity: no road). */
  size: number;
  travel: Float64Array;
  /** Where calls come from, with their weight (population). */
  demand: readonly { place: number; weight: number }[];
  /** Candidate posts (stations, standby points): places. */
  posts: readonly number[];
  hospitals: readonly number[];
  /** Each vehicle's home post (index into posts). */
  homes: readonly number[];
}

export interface SimParams {
  callsPerDay: number;
  seed: number;
  /** Simulated hours of calls (the last calls are still served to the end). Default 24. */
  hours?: number;
  /** Crew from the station into the vehicle (出车): seconds, for a vehicle standing at a post. Default 90. */
  turnoutS?: number;
  /** On scene, uniform between these seconds. Default 10–25 min. */
  onSceneS?: [number, number];
  /** Share of calls transported to the nearest hospital (the others are released on scene). Default 0.8. */
  transportShare?: number;
  /** Handover at the hospital, uniform. Default 10–20 min. */
  handoverS?: [number, number];
  /** The response target (30-minute circle). Default 1800 s. */
  targetS?: number;
  /** Busy fraction q of DMEXCLP; default the offered load (calls × mean service time ÷ vehicles), within 0.05–0.9. */
  q?: number;
  /** A move-up must gain this share of the demand (default 0.01). */
  minGainShare?: number;
}

export type SimPolicy = 'closest-home' | 'dmexclp';

export interface SimResult {
  policy: SimPolicy;
  calls: number;
  /** SimCall → first vehicle on scene, seconds: queueing + turnout + drive. */
  responses: number[];
  medianS: number;
  p90S: number;
  withinTargetShare: number;
  moveUps: number;
  q: number;
}

export interface SimCall {
  /** Seconds from the start of the day. */
  at: number;
  place: number;
  onSceneS: number;
  transported: boolean;
  handoverS: number;
}

interface Vehicle {
  busy: boolean;
  from: number;
  to: number;
  depart: number;
  arrive: number;
  /** Bumped on every new move, so a stale arrival event is ignored. */
  move: number;
}

type Event =
  | { t: number; seq: number; kind: 'call'; call: SimCall }
  | { t: number; seq: number; kind: 'scene' | 'hospital' | 'free'; vehicle: number; call: SimCall; move: number }
  | { t: number; seq: number; kind: 'post'; vehicle: number; move: number };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A binary min-heap of events by time, then by insertion order (deterministic). */
class EventQueue {
  private readonly heap: Event[] = [];
  private seq = 0;
  get size() {
    return this.heap.length;
  }
  push(event: DistributiveOmit<Event, 'seq'>): void {
    const e = { ...event, seq: this.seq++ } as Event;
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }
  pop(): Event {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
const before = (a: Event, b: Event) => a.t < b.t || (a.t === b.t && a.seq < b.seq);

const uniform = (random: () => number, [a, b]: [number, number]) => a + random() * (b - a);

/** The day's calls for a seed: Poisson arrivals, places drawn by weight; the same list for every policy. */
export function generateCalls(network: SimNetwork, params: SimParams): SimCall[] {
  const random = seededRandom(params.seed);
  const horizon = (params.hours ?? 24) * 3600;
  const rate = params.callsPerDay / 86_400;
  const total = network.demand.reduce((a, d) => a + d.weight, 0);
  const calls: SimCall[] = [];
  for (let t = -Math.log(1 - random()) / rate; t < horizon; t += -Math.log(1 - random()) / rate) {
    let pick = random() * total;
    let place = network.demand[network.demand.length - 1]!.place;
    for (const d of network.demand) {
      pick -= d.weight;
      if (pick < 0) {
        place = d.place;
        break;
      }
    }
    calls.push({
      at: t,
      place,
      onSceneS: uniform(random, params.onSceneS ?? [600, 1500]),
      transported: random() < (params.transportShare ?? 0.8),
      handoverS: uniform(random, params.handoverS ?? [600, 1200]),
    });
  }
  return calls;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** Runs one policy over the day's calls. */
export function simulate(network: SimNetwork, params: SimParams, policy: SimPolicy, calls = generateCalls(network, params)): SimResult {
  const { size, travel, posts, hospitals } = network;
  const T = params.targetS ?? 1800;
  const turnout = params.turnoutS ?? 90;
  const time = (a: number, b: number) => travel[a * size + b]!;
  const weights = network.demand.map((d) => d.weight);
  const reachOf = new Map<number, Reach>();
  const reach = (place: number): Reach => {
    let r = reachOf.get(place);
    if (!r) {
      r = network.demand.flatMap((d, i) => (time(place, d.place) <= T ? [i] : []));
      reachOf.set(place, r);
    }
    return r;
  };
  const nearestHospital = (place: number) => hospitals.reduce((best, h) => (time(place, h) < time(place, best) ? h : best), hospitals[0]!);
  const q = params.q ?? offeredLoad(network, params);

  const vehicles: Vehicle[] = network.homes.map((home) => ({ busy: false, from: posts[home]!, to: posts[home]!, depart: 0, arrive: 0, move: 0 }));
  const stationary = (v: Vehicle, t: number) => v.arrive <= t && v.from === v.to;
  /** Seconds for a free vehicle to reach a place now: turnout at a post, or on the road from where it is. */
  const etaOf = (v: Vehicle, place: number, t: number) => {
    if (t >= v.arrive) return (v.from === v.to ? turnout : 0) + time(v.to, place);
    return Math.min(v.arrive - t + time(v.to, place), t - v.depart + time(v.from, place));
  };
  /** Where a vehicle is for a new move: the end of its drive it is nearer to (in time), and how far from it. */
  const whereNow = (v: Vehicle, t: number): { place: number; offset: number } =>
    t >= v.arrive ? { place: v.to, offset: 0 } : v.arrive - t <= t - v.depart ? { place: v.to, offset: v.arrive - t } : { place: v.from, offset: t - v.depart };

  const events = new EventQueue();
  for (const call of calls) events.push({ t: call.at, kind: 'call', call });
  const waiting: SimCall[] = [];
  const responses: number[] = [];
  let moveUps = 0;

  const drive = (i: number, to: number, t: number) => {
    const v = vehicles[i]!;
    const { place, offset } = whereNow(v, t);
    v.move++;
    v.from = place;
    v.to = to;
    v.depart = t - offset;
    v.arrive = t + offset + time(place, to);
    if (place === to) v.arrive = t;
    return v.arrive;
  };
  const dispatch = (i: number, call: SimCall, t: number, eta: number) => {
    const v = vehicles[i]!;
    v.busy = true;
    v.move++;
    responses.push(t - call.at + eta);
    events.push({ t: t + eta, kind: 'scene', vehicle: i, call, move: v.move });
  };
  /** Posts for a vehicle, its home first (ties go home). */
  const postOrder = (i: number) => [network.homes[i]!, ...posts.map((_, p) => p).filter((p) => p !== network.homes[i])];
  /** The other free vehicles, each counted where it stands or is heading (as the paper counts them). */
  const othersReach = (except: number) => vehicles.flatMap((v, j) => (j !== except && !v.busy ? [reach(v.to)] : []));

  const release = (i: number, t: number) => {
    const v = vehicles[i]!;
    v.busy = false;
    const queued = waiting.shift();
    if (queued) {
      dispatch(i, queued, t, time(v.to, queued.place));
      return;
    }
    let post = network.homes[i]!;
    if (policy === 'dmexclp') {
      const order = postOrder(i);
      const best = bestPost(weights, othersReach(i), order.map((p) => reach(posts[p]!)), q);
      post = order[best.post]!;
    }
    const arrive = drive(i, posts[post]!, t);
    events.push({ t: arrive, kind: 'post', vehicle: i, move: v.move });
  };

  const moveUp = (t: number) => {
    const free = vehicles.flatMap((v, i) => (v.busy ? [] : [i]));
    const moves = suggestMoveUps(
      weights,
      free.map((i) => {
        const v = vehicles[i]!;
        return { id: String(i), reach: reach(v.to), secondsToPost: posts.map((p) => time(v.to, p)), movable: stationary(v, t) };
      }),
      posts.map((p) => ({ id: String(p), reach: reach(p) })),
      { q, minGainShare: params.minGainShare ?? 0.01, maxMoves: 1 },
    );
    for (const m of moves) {
      const i = free[m.vehicleIndex]!;
      const arrive = drive(i, posts[m.postIndex]!, t);
      events.push({ t: arrive, kind: 'post', vehicle: i, move: vehicles[i]!.move });
      moveUps++;
    }
  };

  while (events.size > 0) {
    const e = events.pop();
    const t = e.t;
    if (e.kind === 'call') {
      let best = -1;
      let bestEta = Infinity;
      vehicles.forEach((v, i) => {
        if (v.busy) return;
        const eta = etaOf(v, e.call.place, t);
        if (eta < bestEta) [best, bestEta] = [i, eta];
      });
      if (best < 0 || bestEta === Infinity) waiting.push(e.call);
      else {
        dispatch(best, e.call, t, bestEta);
        if (policy === 'dmexclp') moveUp(t);
      }
      continue;
    }
    const v = vehicles[e.vehicle]!;
    if (e.move !== v.move) continue;
    if (e.kind === 'post') {
      // At the post the crew waits in the station: a turnout again before the next call.
      v.from = v.to;
      continue;
    }
    if (e.kind === 'scene') {
      v.from = v.to = e.call.place;
      v.depart = v.arrive = t;
      if (e.call.transported) {
        const h = nearestHospital(e.call.place);
        v.to = h;
        v.arrive = t + e.call.onSceneS + time(e.call.place, h);
        v.from = h;
        events.push({ t: v.arrive, kind: 'hospital', vehicle: e.vehicle, call: e.call, move: v.move });
      } else events.push({ t: t + e.call.onSceneS, kind: 'free', vehicle: e.vehicle, call: e.call, move: v.move });
    } else if (e.kind === 'hospital') events.push({ t: t + e.call.handoverS, kind: 'free', vehicle: e.vehicle, call: e.call, move: v.move });
    else release(e.vehicle, t);
  }

  const sorted = [...responses].sort((a, b) => a - b);
  return {
    policy,
    calls: calls.length,
    responses,
    medianS: percentile(sorted, 0.5),
    p90S: percentile(sorted, 0.9),
    withinTargetShare: sorted.length ? sorted.filter((r) => r <= T).length / sorted.length : NaN,
    moveUps,
    q,
  };
}

/**
 * DMEXCLP's q as the paper estimates it: the fleet's expected busy fraction, calls per second × mean time a call
 * holds a vehicle ÷ vehicles; the mean drives are the nearest post's and hospital's, weighted by demand.
 */
export function offeredLoad(network: SimNetwork, params: SimParams): number {
  const { size, travel, posts, hospitals } = network;
  const time = (a: number, b: number) => travel[a * size + b]!;
  const total = network.demand.reduce((a, d) => a + d.weight, 0);
  let drive = 0;
  for (const d of network.demand) {
    const toScene = Math.min(...posts.map((p) => time(p, d.place)));
    const toHospital = Math.min(...hospitals.map((h) => time(d.place, h)));
    const finite = (x: number) => (Number.isFinite(x) ? x : 0);
    drive += (d.weight / total) * (finite(toScene) * 2 + (params.transportShare ?? 0.8) * finite(toHospital));
  }
  const [s0, s1] = params.onSceneS ?? [600, 1500];
  const [h0, h1] = params.handoverS ?? [600, 1200];
  const service = (params.turnoutS ?? 90) + drive + (s0 + s1) / 2 + (params.transportShare ?? 0.8) * ((h0 + h1) / 2);
  const q = ((params.callsPerDay / 86_400) * service) / network.homes.length;
  return Math.min(0.9, Math.max(0.05, q));
}

/**
 * The simulation's places from a road graph: demand points, posts and hospitals, with the drive time between
 * every two of them (one forward search per place). Posts are listed first, then hospitals, then demand.
 */
export function simNetworkFrom(
  graph: RoadGraph,
  input: { demand: readonly { lonLat: LonLat; weight: number }[]; posts: readonly LonLat[]; hospitals: readonly LonLat[]; homes: readonly number[] },
): SimNetwork {
  const places = [...input.posts, ...input.hospitals, ...input.demand.map((d) => d.lonLat)];
  const size = places.length;
  const snaps = snapAll(graph, places);
  const travel = new Float64Array(size * size).fill(Infinity);
  places.forEach((from, a) => {
    if (!snaps[a]) return;
    const times = driveTimesFrom(graph, [{ id: 'from', lonLat: from }]);
    snaps.forEach((snap, b) => {
      if (snap) travel[a * size + b] = a === b ? 0 : timeAt(times, snap.edgeIndex, snap.fraction).seconds;
    });
  });
  const h0 = input.posts.length;
  const d0 = h0 + input.hospitals.length;
  return {
    size,
    travel,
    posts: input.posts.map((_, i) => i),
    hospitals: input.hospitals.map((_, i) => h0 + i),
    demand: input.demand.map((d, i) => ({ place: d0 + i, weight: d.weight })),
    homes: input.homes,
  };
}
