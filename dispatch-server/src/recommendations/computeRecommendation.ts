import type {
  CandidateDto,
  ExcludedVehicleDto,
  HospitalOptionDto,
  IncidentDto,
  RecommendationDto,
} from '@dispatch/protocol';
import { type Db, readQueries } from '@dispatch/db';
import { isReachable, type LonLat, type TravelService } from '../travel/travelService';

const sql = readQueries(new URL('./recommendations.sql', import.meta.url), ['vehicles', 'stations', 'hospitals', 'timedOutVehicles']);

export interface RecommendationPolicy {
  /** A GPS fix older than this is stale: the ETA is measured from the home station instead, and flagged. */
  staleAfterSeconds: number;
  /** Search bound: vehicles farther than this by road are reported beyond the limit. */
  maxSeconds: number;
  /** Red hospitals are skipped unless no blue/yellow one is reachable within this many seconds. */
  diversionBoundSeconds: number;
}

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
  incident: IncidentDto,
  policy: RecommendationPolicy,
): Promise<RecommendationDto> {
  const started = performance.now();
  const [vehicles, stations, hospitals, timedOut] = await Promise.all([
    db.query(sql.vehicles),
    db.query(sql.stations),
    db.query(sql.hospitals, [incident.requiredHospitalCapabilities]),
    db.query(sql.timedOutVehicles, [incident.id]),
  ]);
  const timedOutIds = new Set(timedOut.rows.map((r) => r.vehicle_id as string));
  const required = incident.requiredVehicleCapabilities;
  const scene: LonLat = [incident.location.lon, incident.location.lat];

  const excluded: ExcludedVehicleDto[] = [];
  const sources: { id: string; lonLat: LonLat }[] = [];
  const pending = new Map<string, { row: Record<string, unknown>; stale: boolean; positionSource: 'gps' | 'station'; busy: boolean }>();
  for (const row of vehicles.rows) {
    const id = row.id as string;
    const exclude = (reason: ExcludedVehicleDto['reason'], detail: string) =>
      excluded.push({ vehicleId: id, callSign: row.call_sign, reason, detail });
    if (!row.in_service) {
      exclude('out_of_service', 'out of service');
      continue;
    }
    const missing = required.filter((c) => !(row.capabilities as string[]).includes(c));
    if (missing.length) {
      exclude('missing_capability', `lacks ${missing.join(', ')}`);
      continue;
    }
    const busy = row.task_status != null && row.task_status !== 'back_in_service';
    const age = row.age_seconds as number | null;
    const stale = row.lon == null || (age ?? Infinity) > policy.staleAfterSeconds;
    const lonLat: LonLat = stale ? [row.station_lon, row.station_lat] : [row.lon, row.lat];
    // Busy vehicles are ranked too: the best of them is the proposal when nobody is free.
    sources.push({ id, lonLat });
    pending.set(id, { row, stale, positionSource: stale ? 'station' : 'gps', busy });
  }
  for (const s of stations.rows) sources.push({ id: `station:${s.id}`, lonLat: [s.lon, s.lat] });

  const [toScene, fromScene] = await Promise.all([
    travel.toTarget(scene, sources, policy.maxSeconds),
    travel.fromSource(scene, hospitals.rows.map((h) => ({ id: h.id as string, lonLat: [h.lon, h.lat] as LonLat })), policy.maxSeconds),
  ]);

  const candidates: CandidateDto[] = [];
  const busyRanked: { row: Record<string, unknown>; eta: number }[] = [];
  let responsibleStation: RecommendationDto['responsibleStation'] = null;
  const stationsById = new Map(stations.rows.map((s) => [`station:${s.id}`, s]));
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
      if (!vehicle.busy) excluded.push({ vehicleId: result.id, callSign: row.call_sign as string, reason: 'unreachable', detail: UNREACHABLE_DETAIL[result.unreachable] });
      continue;
    }
    if (vehicle.busy) {
      busyRanked.push({ row, eta: result.etaSeconds });
      excluded.push({
        vehicleId: result.id,
        callSign: row.call_sign as string,
        reason: 'busy',
        detail: `${row.task_status} on incident #${row.task_incident_number}`,
      });
      continue;
    }
    candidates.push({
      vehicleId: result.id,
      callSign: row.call_sign as string,
      kind: row.kind as string,
      capabilities: row.capabilities as string[],
      state: row.state as CandidateDto['state'],
      etaSeconds: result.etaSeconds,
      distanceM: result.distanceM,
      positionSource: vehicle.positionSource,
      stale: vehicle.stale,
      positionAgeSeconds: row.age_seconds == null ? null : Math.round(row.age_seconds as number),
      returning: row.state === 'returning',
    });
  }
  // A crew that already let this call time out is proposed last, not hidden: the dispatcher decides.
  const ranked = [false, true].flatMap((timedOutBefore) => {
    const part = candidates.filter((c) => timedOutIds.has(c.vehicleId) === timedOutBefore).sort((a, b) => a.etaSeconds - b.etaSeconds);
    preferGeneralVehiclesOnTies(part, required);
    return part;
  });

  const queued = candidates.length === 0;
  let nextBest: RecommendationDto['nextBest'] = null;
  if (queued && busyRanked.length) {
    busyRanked.sort(
      (a, b) =>
        Number(!FINISHING.includes(a.row.task_status as string)) - Number(!FINISHING.includes(b.row.task_status as string)) ||
        a.eta - b.eta,
    );
    const best = busyRanked[0]!;
    nextBest = {
      vehicleId: best.row.id as string,
      callSign: best.row.call_sign as string,
      taskStatus: best.row.task_status as string,
      detail: `${best.row.task_status} on incident #${best.row.task_incident_number}; ${Math.round(best.eta / 60)} min from here`,
    };
  }

  const hospitalOptions = rankHospitals(hospitals.rows, fromScene.results, policy.diversionBoundSeconds);
  return {
    incidentId: incident.id,
    computedAt: new Date().toISOString(),
    region: travel.regionName() ?? '',
    incidentSnapDistanceM: toScene.targetSnapDistanceM,
    responsibleStation,
    candidates: ranked,
    excluded: excluded.sort((a, b) => a.callSign.localeCompare(b.callSign)),
    queued,
    nextBest,
    proposedHospital: hospitalOptions.find((h) => h.skippedBecause === null) ?? null,
    hospitalOptions,
    computeMs: Math.round((performance.now() - started) * 10) / 10,
  };
}

/**
 * Nearest suitable hospital by road time, skipping red (full) and closed ones unless no blue or yellow
 * hospital is reachable within the diversion bound; then the nearest red one is proposed (never a closed one).
 */
export function rankHospitals(
  rows: Record<string, unknown>[],
  results: Awaited<ReturnType<TravelService['fromSource']>>['results'],
  diversionBoundSeconds: number,
): HospitalOptionDto[] {
  const byId = new Map(rows.map((h) => [h.id as string, h]));
  const options: HospitalOptionDto[] = results.filter(isReachable).map((r) => {
    const h = byId.get(r.id)!;
    const load = h.load_status as HospitalOptionDto['loadStatus'];
    return {
      hospitalId: r.id,
      name: h.name as string,
      loadStatus: load,
      capabilities: h.capabilities as string[],
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
