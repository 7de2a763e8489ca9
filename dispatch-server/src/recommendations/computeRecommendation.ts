import {
  type CandidateDto,
  type ExcludedVehicleDto,
  type HospitalOptionDto,
  type IncidentDto,
  type RecommendationDto,
} from '@dispatch/protocol';
import { type Db, sqlFile } from '@dispatch/db';
import { z } from 'zod';
import { type FleetHospital, type FleetState, type FleetStation, type FleetTables, hospitalsWith, rankingVehicles, type RankingVehicle } from '../fleet/fleetState';
import { crossCentreHelp } from '../centres/centres';
import { isReachable, type LonLat, type TravelService } from '../travel/travelService';

/** A vehicle with its live task (if any), its latest fix and its home station. */
type VehicleRow = RankingVehicle;
type HospitalRow = FleetHospital;
const sql = sqlFile(new URL('./recommendations.sql', import.meta.url), {
  timedOutVehicles: { params: z.object({ incidentId: z.string() }), row: z.object({ vehicle_id: z.string() }) },
});

export interface RecommendationPolicy {
  /** A GPS fix older than this is stale: the ETA is measured from the home station instead, and flagged. */
  staleAfterSeconds: number;
  /** Search bound: vehicles farther than this by road are reported beyond the limit. */
  maxSeconds: number;
  /** Red hospitals are skipped unless no blue/yellow one is reachable within this many seconds. */
  diversionBoundSeconds: number;
  /** A scarce vehicle goes before ordinary ones for a call that does not need it only when it gains more than this. */
  scarceMarginSeconds: number;
}

/** The order of String.prototype.localeCompare, without building a collator at each of a thousand comparisons. */
const byCallSign = new Intl.Collator().compare;

/** Task steps after which a busy vehicle will soon be free: the next-best proposal prefers them. */
const FINISHING = ['handover', 'at_hospital', 'transporting'];

const UNREACHABLE_DETAIL = {
  too_far_from_road: 'position is too far from any road',
  no_path: 'no road path to the incident',
  beyond_time_limit: 'farther than the search limit',
} as const;

/**
 * Ranks the fleet for one incident by road travel time: one reversed-graph search covers every vehicle
 * and every station (responsible substation), one forward search from the scene covers the hospitals.
 */
export async function computeRecommendation(
  db: Db,
  travel: TravelService,
  fleet: FleetState,
  incident: IncidentDto,
  policy: RecommendationPolicy,
): Promise<RecommendationDto> {
  const started = performance.now();
  // The fleet from memory, with every change committed before now applied (fleet/fleetState.ts): a sync token goes to
  // PostgreSQL and back (with it, in the same statement, the vehicles that let this call time out). Meanwhile the
  // searches run on the fleet as held, and are kept when the sync brings no change (the same version): the round
  // trip and the searches overlap instead of adding up. When something did change, they run again on the new state.
  const synced = fleet.forIncident(incident.id);
  const held = fleet.heldVersion();
  // Not left unhandled while the speculative search runs: awaited (and its error thrown) below.
  synced.catch(() => undefined);
  let search = held ? await searchFleet(travel, held.tables, held.version, incident, policy) : null;
  const { tables, version, timedOut } = await synced;
  if (search?.version !== version) search = await searchFleet(travel, tables, version, incident, policy);
  const { vehicles, stations, hospitals, pending, excluded, toScene, fromScene } = search;
  const timedOutIds = new Set(timedOut ?? (await sql.timedOutVehicles.rows(db, { incidentId: incident.id })).map((r) => r.vehicle_id));
  const required = incident.requiredVehicleCapabilities;

  const candidates: CandidateDto[] = [];
  const busyRanked: { row: VehicleRow; eta: number }[] = [];
  let responsibleStation: RecommendationDto['responsibleStation'] = null;
  const stationsById = new Map(stations.map((s) => [`station:${s.id}`, s]));
  for (const result of toScene.results) {
    const station = stationsById.get(result.id);
    if (station) {
      if (isReachable(result) && (!responsibleStation || result.etaSeconds < responsibleStation.etaSeconds)) {
        responsibleStation = { stationId: station.id, code: station.code, name: station.name, etaSeconds: result.etaSeconds };
      }
      continue;
    }
    const vehicle = pending.get(result.id);
    if (!vehicle) continue;
    const { row } = vehicle;
    if (!isReachable(result)) {
      if (!vehicle.busy) excluded.push({ vehicleId: result.id, callSign: row.call_sign, reason: 'unreachable', detail: UNREACHABLE_DETAIL[result.unreachable] });
      continue;
    }
    if (vehicle.busy) {
      busyRanked.push({ row, eta: result.etaSeconds });
      excluded.push({
        vehicleId: result.id,
        callSign: row.call_sign,
        reason: 'busy',
        detail: `${row.task_status} on incident #${row.task_incident_number}`,
      });
      continue;
    }
    candidates.push({
      vehicleId: result.id,
      callSign: row.call_sign,
      kind: row.kind,
      capabilities: row.capabilities,
      state: row.state,
      etaSeconds: result.etaSeconds,
      distanceM: result.distanceM,
      positionSource: vehicle.positionSource,
      stale: vehicle.stale,
      positionAgeSeconds: row.age_seconds === null ? null : Math.round(row.age_seconds),
      returning: row.state === 'returning',
      reserve: null,
      fallbackExtraM: result.fallbackExtraM ?? null,
    });
  }
  // Another centre's vehicle (issue 15) is never a candidate, an exclusion or the next best: the nearest free ones are help.
  const centreOf = new Map(vehicles.map((v) => [v.id, v.centre_id]));
  const own = (vehicleId: string) => centreOf.get(vehicleId) === incident.centreId;
  const crossCentre = await crossCentreHelp(db, candidates.filter((c) => !own(c.vehicleId)), (id) => centreOf.get(id)!);
  candidates.splice(0, candidates.length, ...candidates.filter((c) => own(c.vehicleId)));
  excluded.splice(0, excluded.length, ...excluded.filter((e) => own(e.vehicleId)));
  busyRanked.splice(0, busyRanked.length, ...busyRanked.filter((b) => own(b.row.id)));
  // A crew that already let this call time out is proposed last, not hidden: the dispatcher decides.
  const ranked = [false, true]
    .flatMap((timedOutBefore) => {
      const part = candidates.filter((c) => timedOutIds.has(c.vehicleId) === timedOutBefore).sort((a, b) => a.etaSeconds - b.etaSeconds);
      return rankBest(part, required, policy.scarceMarginSeconds, CANDIDATES_SENT);
    })
    .slice(0, CANDIDATES_SENT);

  const queued = candidates.length === 0;
  let nextBest: RecommendationDto['nextBest'] = null;
  if (queued && busyRanked.length) {
    busyRanked.sort(
      (a, b) =>
        Number(!FINISHING.includes(a.row.task_status ?? '')) - Number(!FINISHING.includes(b.row.task_status ?? '')) ||
        a.eta - b.eta,
    );
    const best = busyRanked[0]!;
    nextBest = {
      vehicleId: best.row.id,
      callSign: best.row.call_sign,
      taskStatus: best.row.task_status,
      detail: `${best.row.task_status} on incident #${best.row.task_incident_number}; ${Math.round(best.eta / 60)} min from here`,
    };
  }

  const hospitalOptions = rankHospitals(hospitals, fromScene.results, policy.diversionBoundSeconds);
  return {
    incidentId: incident.id,
    computedAt: new Date().toISOString(),
    region: travel.regionName() ?? '',
    incidentSnapDistanceM: toScene.targetSnapDistanceM,
    incidentFallbackExtraM: toScene.targetFallbackExtraM ?? null,
    responsibleStation,
    candidates: ranked,
    moreCandidates: candidates.length - ranked.length,
    excluded: excluded.sort((a, b) => byCallSign(a.callSign, b.callSign)),
    queued,
    nextBest,
    proposedHospital: hospitalOptions.find((h) => h.skippedBecause === null) ?? null,
    hospitalOptions,
    ...(crossCentre.length ? { crossCentre } : {}),
    computeMs: Math.round((performance.now() - started) * 10) / 10,
  };
}

/** What the searches of one recommendation found on one version of the fleet. */
interface FleetSearch {
  version: number;
  vehicles: VehicleRow[];
  stations: FleetStation[];
  hospitals: HospitalRow[];
  pending: Map<string, { row: VehicleRow; stale: boolean; positionSource: 'gps' | 'station'; busy: boolean }>;
  excluded: ExcludedVehicleDto[];
  toScene: Awaited<ReturnType<TravelService['toTarget']>>;
  fromScene: Awaited<ReturnType<TravelService['fromSource']>>;
}

/**
 * The incident's candidate vehicles, stations and hospitals on these tables (read here, before any await, so the
 * version given is the one they were read at), and both searches from the scene: one reversed-graph search covers
 * every vehicle and every station (responsible substation), one forward search the hospitals.
 */
async function searchFleet(travel: TravelService, tables: FleetTables, version: number, incident: IncidentDto, policy: RecommendationPolicy): Promise<FleetSearch> {
  const vehicles = rankingVehicles(tables, Date.now());
  // The incident's centre's stations and hospitals (issue 15); a transfer's receiving hospital may be another centre's.
  const stations = [...tables.stations.values()].filter((s) => s.centre_id === incident.centreId);
  const suitable = hospitalsWith(tables, incident.requiredHospitalCapabilities).filter((h) => h.centre_id === incident.centreId || h.id === incident.transfer?.to.id);
  // A transfer goes to the hospital that accepted it: the only option, proposed even when it is full.
  const hospitals = incident.transfer ? suitable.filter((h) => h.id === incident.transfer!.to.id) : suitable;
  const required = incident.requiredVehicleCapabilities;
  const scene: LonLat = [incident.location.lon, incident.location.lat];

  const excluded: ExcludedVehicleDto[] = [];
  const sources: { id: string; lonLat: LonLat }[] = [];
  const pending: FleetSearch['pending'] = new Map();
  // Made once, not once per vehicle (a named closure in the loop costs a defineProperty each under tsx's keepNames).
  const exclude = (row: VehicleRow, reason: ExcludedVehicleDto['reason'], detail: string) =>
    excluded.push({ vehicleId: row.id, callSign: row.call_sign, reason, detail });
  for (const row of vehicles) {
    const { id } = row;
    if (!row.in_service) {
      exclude(row, 'out_of_service', 'out of service');
      continue;
    }
    const missing = required.filter((c) => !row.capabilities.includes(c));
    if (missing.length) {
      exclude(row, 'missing_capability', `lacks ${missing.join(', ')}`);
      continue;
    }
    const busy = row.task_status != null && row.task_status !== 'back_in_service';
    const fresh: LonLat | null =
      row.lon !== null && row.lat !== null && (row.age_seconds ?? Infinity) <= policy.staleAfterSeconds ? [row.lon, row.lat] : null;
    const stale = fresh === null;
    const lonLat: LonLat = fresh ?? [row.station_lon, row.station_lat];
    // Busy vehicles are ranked too: the best of them is the proposal when nobody is free.
    sources.push({ id, lonLat });
    pending.set(id, { row, stale, positionSource: stale ? 'station' : 'gps', busy });
  }
  for (const s of stations) sources.push({ id: `station:${s.id}`, lonLat: [s.lon, s.lat] });

  const [toScene, fromScene] = await Promise.all([
    travel.toTarget(scene, sources, policy.maxSeconds),
    travel.fromSource(scene, hospitals.map((h) => ({ id: h.id, lonLat: [h.lon, h.lat] as LonLat })), policy.maxSeconds),
  ]);
  return { version, vehicles, stations, hospitals, pending, excluded, toScene, fromScene };
}

/**
 * Nearest suitable hospital by road time, skipping red (full) and closed ones unless no blue or yellow
 * hospital is reachable within the diversion bound; then the nearest red one is proposed (never a closed one).
 */
export function rankHospitals(
  rows: Pick<HospitalRow, 'id' | 'name' | 'capabilities' | 'load_status'>[],
  results: Awaited<ReturnType<TravelService['fromSource']>>['results'],
  diversionBoundSeconds: number,
): HospitalOptionDto[] {
  const byId = new Map(rows.map((h) => [h.id, h]));
  const options: HospitalOptionDto[] = results.filter(isReachable).map((r) => {
    const h = byId.get(r.id)!;
    const load = h.load_status;
    return {
      hospitalId: r.id,
      name: h.name,
      loadStatus: load,
      capabilities: h.capabilities,
      etaSeconds: r.etaSeconds,
      distanceM: r.distanceM,
      skippedBecause: load === 'closed' ? 'closed' : load === 'red' ? 'load_red' : null,
    };
  });
  options.sort((a, b) => a.etaSeconds - b.etaSeconds);
  const openWithinBound = options.some((o) => o.skippedBecause === null && o.etaSeconds <= diversionBoundSeconds);
  if (!openWithinBound) {
    const nearestRed = options.find((o) => o.loadStatus === 'red');
    const nearestOpen = options.find((o) => o.skippedBecause === null);
    if (nearestRed && (!nearestOpen || nearestRed.etaSeconds < nearestOpen.etaSeconds)) nearestRed.skippedBecause = null;
  }
  return options;
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
