import type { CandidateDto, ExcludedVehicleDto, ExclusionReason, RecommendationDto, TaskStatus, VehicleCapability } from '@dispatch/protocol';
import { capabilityMask, type FleetStation, type RankingVehicle } from '../fleet/fleetTables';
import { CROSS_CENTRE_LIMIT } from '../centres/centres';
import { FLEET_REACHABLE, FLEET_UNREACHABLE, type FleetEtas, type LonLat, type SourceGroup, type TravelService } from '../travel/travelService';

/*
 * The per-vehicle part of a recommendation for a fleet of any size: one pass over the vehicles into typed columns,
 * one search for all of them (TravelService.etasToTarget), one pass over the answers that keeps, for each vehicle,
 * only numbers — and candidate objects only for the few a recommendation carries (the head of CANDIDATES_SENT, the
 * nearest other centres' help, the next best, the nearest few left out for each reason). At 10,000 vehicles an object
 * (or a spread, a closure, a Map entry) per vehicle per step was most of a ranking's time (bench:dispatch --network
 * province); so was listing every vehicle left out (a third of the bench fleet lacks ALS: ~3,300 objects built, sorted,
 * serialised and sent per call), so those past EXCLUDED_LISTED of a reason are counted (moreExcluded).
 */

export interface FleetSearchInput {
  vehicles: readonly RankingVehicle[];
  /** The incident's centre's stations (the responsible substation is the nearest by road). */
  stations: readonly FleetStation[];
  centreId: string;
  required: readonly string[];
  /** Now, epoch ms: a fix older than staleAfterSeconds by its device time is stale. */
  nowMs: number;
  staleAfterSeconds: number;
  maxSeconds: number;
}

/** A fleet searched for one incident (searchFleet): every vehicle's ETA in columns, ranked by rankSearchedFleet. */
export interface SearchedFleet {
  readonly input: FleetSearchInput;
  readonly scene: LonLat;
  readonly workspace: Workspace;
  /** Sources 0 .. vehicleSources-1 are vehicles, then the stations. */
  readonly vehicleSources: number;
  readonly count: number;
  readonly incidentSnapDistanceM: number;
  readonly incidentFallbackExtraM: number | null;
  /** Ranked already: its columns may serve another search. */
  ranked: boolean;
}

export interface FleetRanking {
  incidentSnapDistanceM: number;
  incidentFallbackExtraM: number | null;
  responsibleStation: RecommendationDto['responsibleStation'];
  /** The centre's best CANDIDATES_SENT free vehicles, ranked; moreCandidates counts the rest. */
  candidates: CandidateDto[];
  moreCandidates: number;
  /** The centre's vehicles left out, with the reason, by call sign: at most EXCLUDED_LISTED of each reason, the nearest. */
  excluded: ExcludedVehicleDto[];
  /** Per reason, how many more were left out than `excluded` lists (reasons with none unlisted are absent). */
  moreExcluded: { reason: ExclusionReason; count: number }[];
  queued: boolean;
  nextBest: RecommendationDto['nextBest'];
  /** The other centres' nearest free vehicles (at most CROSS_CENTRE_LIMIT), nearest first, with their centres. */
  otherCentres: { candidate: CandidateDto; centreId: string }[];
}

/** Task steps after which a busy vehicle will soon be free: the next-best proposal prefers them. */
const FINISHING = ['handover', 'at_hospital', 'transporting'];

const UNREACHABLE_DETAIL = {
  too_far_from_road: 'position is too far from any road',
  no_path: 'no road path to the incident',
  beyond_time_limit: 'farther than the search limit',
} as const;

// Per-source flags.
const OWN = 1;
const BUSY = 2;
const STALE = 4;

/** Columns of one ranking, kept for the next (several rankings may be in flight: each takes its own from the pool). */
class Workspace {
  capacity = 0;
  lon = new Float64Array(0);
  lat = new Float64Array(0);
  flags = new Uint8Array(0);
  /** By vehicle: SEARCHED, OUT_OF_SERVICE, or MISSING + the mask of the required capabilities it lacks. */
  status = new Int32Array(0);
  /** By vehicle: the centre group it is searched in (see searchFleet), NOT_SEARCHED; and its flags. */
  groupOf = new Int32Array(0);
  vehicleFlags = new Uint8Array(0);
  vehicleOf = new Int32Array(0);
  free0 = new Int32Array(0);
  free1 = new Int32Array(0);
  etas: FleetEtas = { seconds: new Float64Array(0), metres: new Float64Array(0), reason: new Uint8Array(0), fallbackExtraM: new Float64Array(0) };
  readonly ids: string[] = [];

  reserve(count: number): this {
    if (count <= this.capacity) return this;
    const capacity = (this.capacity = Math.max(count, this.capacity * 2, 1024));
    this.lon = new Float64Array(capacity);
    this.lat = new Float64Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.status = new Int32Array(capacity);
    this.groupOf = new Int32Array(capacity);
    this.vehicleFlags = new Uint8Array(capacity);
    this.vehicleOf = new Int32Array(capacity);
    this.free0 = new Int32Array(capacity);
    this.free1 = new Int32Array(capacity);
    this.etas = { seconds: new Float64Array(capacity), metres: new Float64Array(capacity), reason: new Uint8Array(capacity), fallbackExtraM: new Float64Array(capacity) };
    return this;
  }
}
const workspaces: Workspace[] = [];

/**
 * One search from every vehicle of the fleet that may matter (in service, capable; another centre's only when free,
 * as help) and the centre's stations to the scene, the answers kept in columns. Vehicles left out are not looked at
 * again until rankSearchedFleet, which writes their exclusions. The sources are given by centre: the travel search
 * answers every one of the own centre's and, of the other centres', at least the CROSS_CENTRE_LIMIT nearest (the
 * help listed), leaving out the centres it proves farther (geo fleetGroups.ts).
 */
export async function searchFleet(travel: TravelService, scene: LonLat, input: FleetSearchInput): Promise<SearchedFleet> {
  const { vehicles, stations, centreId, required } = input;
  // A search dropped unranked (its fleet changed meanwhile) leaves its workspace to the collector.
  const ws = (workspaces.pop() ?? new Workspace()).reserve(vehicles.length + stations.length);
  const { lon, lat, flags, status, vehicleOf, etas, ids, groupOf, vehicleFlags } = ws;
  // Which vehicles are searched, and in which centre's group: OWN_GROUP, or the index of another centre among those met.
  const requiredMask = capabilityMask(required, { required: true });
  const otherCentres = new Map<string, number>();
  const otherSizes: number[] = [];
  let ownVehicles = 0;
  for (let i = 0; i < vehicles.length; i++) {
    const row = vehicles[i]!;
    groupOf[i] = NOT_SEARCHED;
    const own = row.centre_id === centreId;
    if (!row.in_service) {
      status[i] = OUT_OF_SERVICE;
      continue;
    }
    const missing = (row.capability_mask & requiredMask) === requiredMask ? 0 : missingMask(row.capabilities, required);
    status[i] = missing ? MISSING + missing : SEARCHED;
    if (missing) continue;
    const busy = row.task_status != null && row.task_status !== 'back_in_service';
    // Another centre's busy vehicle is never a candidate, an exclusion, the next best or help: not searched.
    if (!own && busy) continue;
    vehicleFlags[i] = (own ? OWN : 0) | (busy ? BUSY : 0) | (hasFreshFix(row, input) ? 0 : STALE);
    if (own) {
      groupOf[i] = OWN_GROUP;
      ownVehicles++;
      continue;
    }
    let k = otherCentres.get(row.centre_id);
    if (k === undefined) {
      otherCentres.set(row.centre_id, (k = otherSizes.length));
      otherSizes.push(0);
    }
    groupOf[i] = k;
    otherSizes[k]!++;
  }
  // The sources by centre, as the travel search keeps them (a selection per centre): the other centres' vehicles
  // centre by centre, then the own centre's vehicles, then its stations (the own group: every answer needed).
  const others: SourceGroup[] = [];
  const cursor: number[] = [];
  let count = 0;
  for (const [key, k] of otherCentres) {
    others.push({ key, start: count, end: count + otherSizes[k]! });
    cursor.push(count);
    count += otherSizes[k]!;
  }
  const ownStart = count;
  let ownNext = ownStart;
  // Filled out of order below: grown in order first, so that the list stays a packed array (a write far past its end
  // turns it into a dictionary, slow for every read after: graphTravelService and the ranking read each id).
  for (let k = ids.length, total = ownStart + ownVehicles + stations.length; k < total; k++) ids.push('');
  for (let i = 0; i < vehicles.length; i++) {
    const g = groupOf[i]!;
    if (g === NOT_SEARCHED) continue;
    const k = g === OWN_GROUP ? ownNext++ : cursor[g]!++;
    const row = vehicles[i]!;
    const f = vehicleFlags[i]!;
    lon[k] = f & STALE ? row.station_lon : row.lon!;
    lat[k] = f & STALE ? row.station_lat : row.lat!;
    ids[k] = row.id;
    vehicleOf[k] = i;
    flags[k] = f;
  }
  count = ownStart + ownVehicles;
  const vehicleSources = count;
  for (const s of stations) {
    lon[count] = s.lon;
    lat[count] = s.lat;
    ids[count] = `station:${s.id}`;
    count++;
  }
  ids.length = count;
  const groups = { own: { key: centreId, start: ownStart, end: count }, others, nearest: CROSS_CENTRE_LIMIT };

  try {
    const target = await travel.etasToTarget(scene, { count, ids, lon, lat, groups }, input.maxSeconds, etas);
    return {
      input,
      scene,
      workspace: ws,
      vehicleSources,
      count,
      incidentSnapDistanceM: target.targetSnapDistanceM,
      incidentFallbackExtraM: target.targetFallbackExtraM ?? null,
      ranked: false,
    };
  } catch (error) {
    workspaces.push(ws);
    throw error;
  }
}

/**
 * The recommendation's vehicle part from a searched fleet: its centre's best candidates (objects for the head only),
 * the count of the rest, the exclusions with reasons, the next best when nobody is free, the responsible station and
 * the other centres' nearest free vehicles. Ranks a search once (its columns then go back to the pool).
 * @param timedOutIds vehicles whose crew already let this call time out: proposed after every other
 */
export function rankSearchedFleet(searched: SearchedFleet, timedOutIds: ReadonlySet<string>, scarceMarginSeconds: number): FleetRanking {
  if (searched.ranked) throw new Error('a searched fleet is ranked once');
  searched.ranked = true;
  try {
    return rankWith(searched, timedOutIds, scarceMarginSeconds);
  } finally {
    workspaces.push(searched.workspace);
  }
}

function rankWith(searched: SearchedFleet, timedOutIds: ReadonlySet<string>, scarceMarginSeconds: number): FleetRanking {
  const { vehicles, stations, centreId, required } = searched.input;
  const { vehicleSources, count } = searched;
  const { lon, lat, flags, status, vehicleOf, free0, free1, etas, ids } = searched.workspace;
  const { seconds, reason } = etas;
  // The vehicles left out, per reason: only the nearest EXCLUDED_LISTED kept (as indices), the others counted.
  const outOfService = new NearestFew(EXCLUDED_LISTED);
  const lacking = new NearestFew(EXCLUDED_LISTED);
  const busy = new NearestFew(EXCLUDED_LISTED);
  const unreachable = new NearestFew(EXCLUDED_LISTED);
  const away = straightLine(searched.scene);
  // The centre's vehicles the search left out (by fleet index), nearest in a straight line from where they would be ranked from.
  for (let i = 0; i < vehicles.length; i++) {
    const code = status[i]!;
    if (code === SEARCHED) continue;
    const row = vehicles[i]!;
    if (row.centre_id !== centreId) continue;
    const key = hasFreshFix(row, searched.input) ? away(row.lon!, row.lat!) : away(row.station_lon, row.station_lat);
    (code === OUT_OF_SERVICE ? outOfService : lacking).offer(key, row.id, i);
  }

  let responsibleStation: RecommendationDto['responsibleStation'] = null;
  let bestStation = -1;
  for (let k = vehicleSources; k < count; k++) {
    if (reason[k] !== FLEET_REACHABLE) continue;
    if (bestStation < 0 || before(k, bestStation)) bestStation = k;
  }
  if (bestStation >= 0) {
    const station = stations[bestStation - vehicleSources]!;
    responsibleStation = { stationId: station.id, code: station.code, name: station.name, etaSeconds: seconds[bestStation]! };
  }

  let free0Count = 0;
  let free1Count = 0;
  let bestBusy = -1;
  const help: number[] = [];
  for (let k = 0; k < vehicleSources; k++) {
    const f = flags[k]!;
    const reachable = reason[k] === FLEET_REACHABLE;
    if (!(f & OWN)) {
      // Another centre's free vehicle: the nearest few are listed as help.
      if (reachable) keepNearest(help, k, CROSS_CENTRE_LIMIT);
      continue;
    }
    if (f & BUSY) {
      // A busy vehicle is ranked too: the best of them is the proposal when nobody is free.
      if (!reachable) continue;
      busy.offer(seconds[k]!, ids[k]!, k);
      if (bestBusy < 0 || busyBefore(k, bestBusy)) bestBusy = k;
      continue;
    }
    if (!reachable) {
      unreachable.offer(away(lon[k]!, lat[k]!), ids[k]!, k);
      continue;
    }
    if (timedOutIds.size > 0 && timedOutIds.has(ids[k]!)) free1[free1Count++] = k;
    else free0[free0Count++] = k;
  }

  // A crew that already let this call time out is proposed last, not hidden: the dispatcher decides.
  let ranked = rankBest(head(free0, free0Count, required), required, scarceMarginSeconds, CANDIDATES_SENT);
  if (ranked.length < CANDIDATES_SENT && free1Count > 0) {
    ranked = ranked.concat(rankBest(head(free1, free1Count, required), required, scarceMarginSeconds, CANDIDATES_SENT)).slice(0, CANDIDATES_SENT);
  }
  const queued = free0Count + free1Count === 0;
  let nextBest: RecommendationDto['nextBest'] = null;
  if (queued && bestBusy >= 0) {
    const row = vehicles[vehicleOf[bestBusy]!]!;
    nextBest = {
      vehicleId: row.id,
      callSign: row.call_sign,
      taskStatus: row.task_status,
      detail: `${row.task_status} on incident #${row.task_incident_number}; ${Math.round(seconds[bestBusy]! / 60)} min from here`,
      incidentNumber: row.task_incident_number,
      etaSeconds: seconds[bestBusy]!,
    };
  }
  return {
    incidentSnapDistanceM: searched.incidentSnapDistanceM,
    incidentFallbackExtraM: searched.incidentFallbackExtraM,
    responsibleStation,
    candidates: ranked,
    moreCandidates: free0Count + free1Count - ranked.length,
    ...exclusions(),
    queued,
    nextBest,
    otherCentres: help.map((k) => ({ candidate: candidateOf(vehicles, k), centreId: vehicles[vehicleOf[k]!]!.centre_id })),
  };

  /** The listed exclusions as objects, by call sign, and the count of the others per reason. */
  function exclusions(): Pick<FleetRanking, 'excluded' | 'moreExcluded'> {
    const excluded: ExcludedVehicleDto[] = [];
    const exclude = (row: RankingVehicle, why: ExclusionReason, detail: string, more: Partial<ExcludedVehicleDto>) =>
      excluded.push({ vehicleId: row.id, callSign: row.call_sign, reason: why, detail, ...more });
    for (const i of outOfService.items) exclude(vehicles[i]!, 'out_of_service', 'out of service', {});
    for (const k of busy.items) {
      const row = vehicles[vehicleOf[k]!]!;
      exclude(row, 'busy', `${row.task_status} on incident #${row.task_incident_number}`, {
        taskStatus: row.task_status as TaskStatus | null,
        incidentNumber: row.task_incident_number,
      });
    }
    for (const i of lacking.items) {
      const row = vehicles[i]!;
      const lacks = required.filter((c) => !row.capabilities.includes(c)) as VehicleCapability[];
      exclude(row, 'missing_capability', `lacks ${lacks.join(', ')}`, { lacks });
    }
    for (const k of unreachable.items) {
      const why = FLEET_UNREACHABLE[reason[k]! - 1]!;
      exclude(vehicles[vehicleOf[k]!]!, 'unreachable', UNREACHABLE_DETAIL[why], { unreachable: why });
    }
    const moreExcluded: FleetRanking['moreExcluded'] = [];
    const more = (why: ExclusionReason, few: NearestFew) => few.offered > few.items.length && moreExcluded.push({ reason: why, count: few.offered - few.items.length });
    more('out_of_service', outOfService);
    more('busy', busy);
    more('missing_capability', lacking);
    more('unreachable', unreachable);
    // Stable: vehicles whose call signs the collator finds equal keep the order above.
    return { excluded: excluded.sort((a, b) => collate(a.callSign, b.callSign)), moreExcluded };
  }

  /** The ranking's order: by ETA, ties by id (as toTarget orders its results). */
  function before(a: number, b: number): boolean {
    const sa = seconds[a]!;
    const sb = seconds[b]!;
    return sa < sb || (sa === sb && ids[a]! < ids[b]!);
  }

  /** The next-best order: vehicles finishing their task first, then by ETA, ties by id. */
  function busyBefore(a: number, b: number): boolean {
    const fa = FINISHING.includes(vehicles[vehicleOf[a]!]!.task_status ?? '') ? 0 : 1;
    const fb = FINISHING.includes(vehicles[vehicleOf[b]!]!.task_status ?? '') ? 0 : 1;
    return fa < fb || (fa === fb && before(a, b));
  }

  /** Keeps in `list` the `limit` first sources by `before`, in order. */
  function keepNearest(list: number[], k: number, limit: number): void {
    if (list.length === limit && !before(k, list[limit - 1]!)) return;
    let at = list.length === limit ? limit - 1 : list.length;
    while (at > 0 && before(k, list[at - 1]!)) {
      list[at] = list[at - 1]!;
      at--;
    }
    list[at] = k;
  }

  /**
   * The candidates rankBest can reach of the sources in list[0 .. size-1], as objects in ETA order: the `want`
   * nearest are picked with a bounded heap (no sort of the whole list), and more are picked while the head
   * rankBest forms (runs of near-equal ETAs up to the CANDIDATES_SENT-th ordinary vehicle) may run past them.
   */
  function head(list: Int32Array, size: number, required: readonly string[]): CandidateDto[] {
    for (let want = 64; ; want *= 4) {
      const picked = nearest(list, size, want);
      const end = headEnd(picked, required);
      if (end < picked.length || picked.length === size) return picked.slice(0, end).map((k) => candidateOf(vehicles, k));
    }
  }

  /** The `want` first sources of list[0 .. size-1] by `before`, in order (a max-heap of the best so far). */
  function nearest(list: Int32Array, size: number, want: number): number[] {
    const heap: number[] = [];
    for (let i = 0; i < size; i++) {
      const k = list[i]!;
      if (heap.length < want) {
        let at = heap.length;
        heap.push(k);
        while (at > 0) {
          const parent = (at - 1) >> 1;
          if (!before(heap[parent]!, k)) break;
          heap[at] = heap[parent]!;
          at = parent;
        }
        heap[at] = k;
      } else if (before(k, heap[0]!)) {
        let at = 0;
        for (;;) {
          let child = 2 * at + 1;
          if (child >= want) break;
          if (child + 1 < want && before(heap[child]!, heap[child + 1]!)) child++;
          if (!before(k, heap[child]!)) break;
          heap[at] = heap[child]!;
          at = child;
        }
        heap[at] = k;
      }
    }
    return heap.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  }

  /** Where rankBest's head ends in `sorted` (the same loop over numbers). */
  function headEnd(sorted: number[], required: readonly string[]): number {
    let end = 0;
    let ordinary = 0;
    while (end < sorted.length && ordinary < CANDIDATES_SENT) {
      const runStart = seconds[sorted[end]!]!;
      while (end < sorted.length && seconds[sorted[end]!]! - runStart <= SAME_ETA_S) {
        if (!spareScarce(vehicles[vehicleOf[sorted[end]!]!]!.capabilities, required)) ordinary++;
        end++;
      }
    }
    return end;
  }

  function candidateOf(rows: readonly RankingVehicle[], k: number): CandidateDto {
    const row = rows[vehicleOf[k]!]!;
    const stale = (flags[k]! & STALE) !== 0;
    const fallback = etas.fallbackExtraM[k]!;
    return {
      vehicleId: row.id,
      callSign: row.call_sign,
      kind: row.kind,
      capabilities: row.capabilities,
      state: row.state,
      etaSeconds: seconds[k]!,
      distanceM: etas.metres[k]!,
      positionSource: stale ? 'station' : 'gps',
      stale,
      positionAgeSeconds: row.device_ms === null ? null : Math.round(ageSeconds(row, searched.input.nowMs)),
      returning: row.state === 'returning',
      reserve: null,
      fallbackExtraM: Number.isNaN(fallback) ? null : fallback,
    };
  }
}

/** The age of a vehicle's fix at `nowMs` (Infinity without one). */
const ageSeconds = (row: RankingVehicle, nowMs: number) => (row.device_ms === null ? Infinity : (nowMs - row.device_ms) / 1000);
/** Whether a vehicle is ranked from its latest fix (else from its station: none, or older than the stale limit). */
const hasFreshFix = (row: RankingVehicle, { nowMs, staleAfterSeconds }: FleetSearchInput) =>
  row.lon !== null && row.lat !== null && ageSeconds(row, nowMs) <= staleAfterSeconds;

const SEARCHED = 0;
const OUT_OF_SERVICE = 1;
const MISSING = 2;
/** searchFleet's groupOf for a vehicle of the incident's centre, and for one not searched. */
const OWN_GROUP = -1;
const NOT_SEARCHED = -2;

/** Bit j set: the vehicle lacks required[j] (a call requires a handful at most; from the 30th on they share a bit). */
function missingMask(capabilities: readonly string[], required: readonly string[]): number {
  let mask = 0;
  for (let j = 0; j < required.length; j++) if (!capabilities.includes(required[j]!)) mask |= 1 << Math.min(j, 29);
  return mask;
}

function spareScarce(capabilities: readonly string[], required: readonly string[]): boolean {
  for (let i = 0; i < capabilities.length; i++) if (SCARCE_CAPABILITIES.includes(capabilities[i]!) && !required.includes(capabilities[i]!)) return true;
  return false;
}

/** The order of String.prototype.localeCompare, without building a collator at each comparison. */
const collate = new Intl.Collator().compare;

/**
 * The vehicles left out that a recommendation lists, per reason: all while a reason has this many at most, else the
 * nearest this many (busy ones by ETA, the others in a straight line), the rest counted (moreExcluded). A dispatcher
 * learns why a vehicle is not proposed from this list only (the fleet board shows states, not capabilities nor roads),
 * so a fleet of a county's size keeps it complete; at 10,000 vehicles every one listed was ~3,300 objects per call.
 */
export const EXCLUDED_LISTED = 10;

/** The `limit` first of the items offered by key, ties by id, in order (insertion into a short sorted list), and how many were offered. */
export class NearestFew {
  readonly items: number[] = [];
  private readonly keys: number[] = [];
  private readonly ids: string[] = [];
  offered = 0;

  constructor(private readonly limit: number) {}

  offer(key: number, id: string, item: number): void {
    this.offered++;
    const { items, keys, ids, limit } = this;
    const full = items.length === limit;
    if (full && !(key < keys[limit - 1]! || (key === keys[limit - 1]! && id < ids[limit - 1]!))) return;
    let at = full ? limit - 1 : items.length;
    while (at > 0 && (key < keys[at - 1]! || (key === keys[at - 1]! && id < ids[at - 1]!))) {
      items[at] = items[at - 1]!;
      keys[at] = keys[at - 1]!;
      ids[at] = ids[at - 1]!;
      at--;
    }
    items[at] = item;
    keys[at] = key;
    ids[at] = id;
  }
}

/**
 * A key in the order of the straight-line distance from `from` (the square of an equirectangular approximation:
 * enough to tell the nearest of a province's vehicles, never shown).
 */
export function straightLine([fromLon, fromLat]: LonLat): (lon: number, lat: number) => number {
  const shrink = Math.cos((fromLat * Math.PI) / 180);
  return (lon, lat) => {
    const x = (lon - fromLon) * shrink;
    const y = lat - fromLat;
    return x * x + y * y;
  };
}

/**
 * The candidates a recommendation carries. The panel shows five and folds the rest; a province has thousands of free
 * vehicles, and ordering, encoding and fanning out all of them was most of a ranking's time at 10,000 (bench:dispatch
 * --network province): the rest are counted (moreCandidates).
 */
export const CANDIDATES_SENT = 20;

/**
 * The first `limit` candidates of an ETA-sorted list after the tie and scarce-vehicle rules, ordering only its head:
 * the runs of near-equal ETAs (as preferGeneralVehiclesOnTies forms them, from the start) up to the one holding the
 * `limit`-th ordinary vehicle. Nothing beyond can come first: a scarce vehicle there is no nearer than the best ordinary
 * one, so it is held back, and the ordinary ones keep their order.
 */
export function rankBest(sorted: CandidateDto[], required: readonly string[], marginSeconds: number, limit: number): CandidateDto[] {
  let end = 0;
  let ordinary = 0;
  while (end < sorted.length && ordinary < limit) {
    const runStart = end;
    while (end < sorted.length && sorted[end]!.etaSeconds - sorted[runStart]!.etaSeconds <= SAME_ETA_S) {
      if (!sorted[end]!.capabilities.some((cap) => SCARCE_CAPABILITIES.includes(cap) && !required.includes(cap))) ordinary++;
      end++;
    }
  }
  const head = sorted.slice(0, end);
  preferGeneralVehiclesOnTies(head, required);
  return holdBackScarceVehicles(head, required, marginSeconds).slice(0, limit);
}

/** Vehicles this many seconds apart are "as near" as each other (e.g. parked at one station). */
const SAME_ETA_S = 5;

/**
 * Among candidates as near as each other, a free vehicle goes before one returning, and the one with the
 * fewest capabilities beyond the call's needs goes first, so the neonatal ambulance or the mobile CT stays
 * free for the call only it can serve. Groups are runs within SAME_ETA_S of their first member, so the order
 * stays well defined (a tolerance inside the comparator would not be transitive).
 */
export function preferGeneralVehiclesOnTies(candidates: CandidateDto[], required: readonly string[]): void {
  const spare = (c: CandidateDto) => c.capabilities.filter((cap) => !required.includes(cap)).length;
  for (let start = 0; start < candidates.length; ) {
    let end = start + 1;
    while (end < candidates.length && candidates[end]!.etaSeconds - candidates[start]!.etaSeconds <= SAME_ETA_S) end++;
    const group = candidates
      .slice(start, end)
      .sort((a, b) => Number(a.returning) - Number(b.returning) || spare(a) - spare(b) || a.etaSeconds - b.etaSeconds);
    candidates.splice(start, group.length, ...group);
    start = end;
  }
}

/** Capabilities a county has on one or two vehicles only: a call that does not need them should not take them. */
export const SCARCE_CAPABILITIES: readonly string[] = ['mobile_ct', 'neonatal'];

/**
 * Keeps the mobile CT and the neonatal ambulance free for the calls only they can serve: for a call that needs
 * none of their scarce capabilities, such a vehicle is ranked after every ordinary one unless it arrives more than
 * `marginSeconds` earlier than the best of them. Either way the candidate says so (reserve), for the dispatcher to see why.
 */
export function holdBackScarceVehicles(ranked: CandidateDto[], required: readonly string[], marginSeconds: number): CandidateDto[] {
  const spareScarce = (c: CandidateDto) => c.capabilities.filter((cap) => SCARCE_CAPABILITIES.includes(cap) && !required.includes(cap));
  const ordinary = ranked.filter((c) => spareScarce(c).length === 0);
  const bestOrdinary = ordinary[0];
  if (!bestOrdinary || ordinary.length === ranked.length) return ranked;
  const ahead: CandidateDto[] = [];
  const held: CandidateDto[] = [];
  for (const c of ranked) {
    const scarce = spareScarce(c);
    if (!scarce.length) continue;
    const gainSeconds = Math.round(bestOrdinary.etaSeconds - c.etaSeconds);
    const heldBack = gainSeconds <= marginSeconds;
    (heldBack ? held : ahead).push({ ...c, reserve: { capabilities: scarce, heldBack, gainSeconds, marginSeconds } });
  }
  // A scarce vehicle that gains more than the margin arrives before the best ordinary one, so it leads.
  return [...ahead, ...ordinary, ...held];
}
