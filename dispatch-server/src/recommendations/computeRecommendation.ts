import { type HospitalOptionDto, type IncidentDto, type RecommendationDto } from '@dispatch/protocol';
import { type Db, sqlFile } from '@dispatch/db';
import { z } from 'zod';
import { type FleetState, type HeldFleet, hospitalsWith } from '../fleet/fleetState';
import type { FleetHospital } from '../fleet/fleetTables';
import { crossCentreHelp } from '../centres/centres';
import { isReachable, type LonLat, type TravelService } from '../travel/travelService';
import { rankSearchedFleet, searchFleet, type SearchedFleet } from './rankFleet';

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

/**
 * Ranks the fleet for one incident by road travel time: one reversed-graph search covers every vehicle
 * and every station (responsible substation), one forward search from the scene covers the hospitals.
 * @param onHeld when given, called at once with the ranking on the fleet as this process holds it (before the sync
 *   token is back: a change committed a moment ago may not be in it), so it can be shown without waiting for the
 *   event loop to bring the sync's answer; with null when there is none to make (the fleet not loaded yet, or being
 *   read again whole; a note being read in does not stop it: the held state is a few ms old). The promise then gives the ranking with every change committed before the call (the same object
 *   when the sync brought no change)
 */
export async function computeRecommendation(
  db: Db,
  travel: TravelService,
  fleet: FleetState,
  incident: IncidentDto,
  policy: RecommendationPolicy,
  onHeld?: (recommendation: RecommendationDto | null) => void,
): Promise<RecommendationDto> {
  const started = performance.now();
  // The fleet from memory, with every change committed before now applied (fleet/fleetState.ts): a sync token goes to
  // PostgreSQL and back (with it, in the same statement, the vehicles that let this call time out). Meanwhile the
  // searches run on the fleet as held, and are kept when the sync brings no change (the same version): the round
  // trip and the searches overlap instead of adding up. When something did change, they run again on the new state.
  const synced = fleet.forIncident(incident.id);
  // With a caller to push to, the held fleet even while a note is being read in (vehicles moving: most of the time), a
  // consistent state a few ms old; the synced ranking below corrects it when the note altered it. Without one, a
  // search on a version about to change would be thrown away.
  const held = fleet.heldVersion({ whileReading: onHeld !== undefined });
  // Not left unhandled while the speculative search runs: awaited (and its error thrown) below.
  synced.catch(() => undefined);
  let search = held ? await searchScene(travel, held, incident, policy) : null;
  // The sync's answer waits for the event loop, which the intake's other work keeps busy for milliseconds after the
  // searches (bench:dispatch phase timers): the held ranking is handed out first, with the crews that let the call
  // time out as the incident given says (none for a new call).
  let first: { version: number; timedOut: Set<string>; recommendation: RecommendationDto } | null = null;
  if (search && onHeld) {
    const timedOut = new Set(incident.assignments.filter((a) => a.status === 'timed_out').map((a) => a.vehicleId));
    first = { version: search.version, timedOut, recommendation: await recommendationOf(db, travel, incident, policy, search, timedOut, started) };
    // Ranked: its columns are back in the pool.
    search = null;
    onHeld(first.recommendation);
  } else onHeld?.(null);
  const { timedOut, ...fleetNow } = await synced;
  const timedOutIds = new Set(timedOut ?? (await sql.timedOutVehicles.rows(db, { incidentId: incident.id })).map((r) => r.vehicle_id));
  if (first && first.version === fleetNow.version && sameSet(first.timedOut, timedOutIds)) return first.recommendation;
  if (search?.version !== fleetNow.version) search = await searchScene(travel, fleetNow, incident, policy);
  return recommendationOf(db, travel, incident, policy, search, timedOutIds, started);
}

const MOMENTARY = new Set(['computedAt', 'computeMs']);
/**
 * Whether two recommendations for an incident say the same (when and how fast each was made aside): a held one the
 * synced one equals needs no second push. The fixes' ages count: a fix of another time at the same place is a change.
 */
export function sameRecommendation(a: RecommendationDto, b: RecommendationDto): boolean {
  const comparable = (r: RecommendationDto) => JSON.stringify(r, (key, value: unknown) => (MOMENTARY.has(key) ? undefined : value));
  return a === b || comparable(a) === comparable(b);
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((x) => b.has(x));

/** The recommendation from one search of the fleet (ranking it: a search is ranked once). */
async function recommendationOf(
  db: Db,
  travel: TravelService,
  incident: IncidentDto,
  policy: RecommendationPolicy,
  { hospitals, fleetSearch, fromScene }: FleetSearch,
  timedOutIds: ReadonlySet<string>,
  started: number,
): Promise<RecommendationDto> {
  // The vehicle part in columns, objects only for what the recommendation carries (rankFleet.ts).
  const ranking = rankSearchedFleet(fleetSearch, timedOutIds, policy.scarceMarginSeconds);
  // Another centre's vehicle (issue 15) is never a candidate, an exclusion or the next best: the nearest free ones are help.
  const helpCentre = new Map(ranking.otherCentres.map((o) => [o.candidate.vehicleId, o.centreId]));
  const crossCentre = await crossCentreHelp(db, ranking.otherCentres.map((o) => o.candidate), (id) => helpCentre.get(id)!);

  const hospitalOptions = rankHospitals(hospitals, fromScene.results, policy.diversionBoundSeconds);
  return {
    incidentId: incident.id,
    computedAt: new Date().toISOString(),
    region: travel.regionName() ?? '',
    incidentSnapDistanceM: ranking.incidentSnapDistanceM,
    incidentFallbackExtraM: ranking.incidentFallbackExtraM,
    responsibleStation: ranking.responsibleStation,
    candidates: ranking.candidates,
    moreCandidates: ranking.moreCandidates,
    excluded: ranking.excluded,
    moreExcluded: ranking.moreExcluded,
    queued: ranking.queued,
    nextBest: ranking.nextBest,
    proposedHospital: hospitalOptions.find((h) => h.skippedBecause === null) ?? null,
    hospitalOptions,
    ...(crossCentre.length ? { crossCentre } : {}),
    computeMs: Math.round((performance.now() - started) * 10) / 10,
  };
}

/** What of an incident the searches read. */
type Scene = Pick<IncidentDto, 'centreId' | 'location' | 'requiredVehicleCapabilities' | 'requiredHospitalCapabilities' | 'transfer'>;

/**
 * Runs each centre's searches once, on a scene at its first station, and throws the answers away: what a centre's first
 * call would otherwise pay is then done (on a province of 10,000 vehicles, every vehicle's snap and each centre's
 * hierarchy selection: up to seconds for the first call after a start, ~10 ms more for each centre's first, bench:dispatch).
 * One centre per turn of the event loop, so calls arriving meanwhile wait for one centre's searches at most.
 * Returns the centres prepared (0 before the fleet is held).
 */
export async function prepareRankings(travel: TravelService, fleet: FleetState, policy: RecommendationPolicy): Promise<number> {
  const centres = new Map<string, { lon: number; lat: number }>();
  for (const s of (await fleet.current()).stations.values()) if (!centres.has(s.centre_id)) centres.set(s.centre_id, s);
  let prepared = 0;
  for (const [centreId, { lon, lat }] of centres) {
    await new Promise((next) => setImmediate(next));
    const held = fleet.heldVersion({ whileReading: true });
    if (!held) break;
    const scene = { centreId, location: { lon, lat }, requiredVehicleCapabilities: [], requiredHospitalCapabilities: [], transfer: null };
    // Ranked like a call's (which also gives its columns back to the pool).
    rankSearchedFleet((await searchScene(travel, held, scene, policy)).fleetSearch, new Set(), policy.scarceMarginSeconds);
    prepared++;
  }
  return prepared;
}

/** What the searches of one recommendation found on one version of the fleet. */
interface FleetSearch {
  version: number;
  hospitals: HospitalRow[];
  fleetSearch: SearchedFleet;
  fromScene: Awaited<ReturnType<TravelService['fromSource']>>;
}

/**
 * The incident's candidate vehicles, stations and hospitals on this fleet (its tables read here, before any await, so
 * the version given is the one they were read at; its ranking rows never change), and both searches from the scene: one
 * reversed-graph search covers every vehicle and every station (responsible substation), one forward search the hospitals.
 */
async function searchScene(travel: TravelService, { tables, rows: vehicles, version }: HeldFleet, incident: Scene, policy: RecommendationPolicy): Promise<FleetSearch> {
  // The incident's centre's stations and hospitals (issue 15); a transfer's receiving hospital may be another centre's.
  const stations = [...tables.stations.values()].filter((s) => s.centre_id === incident.centreId);
  const suitable = hospitalsWith(tables, incident.requiredHospitalCapabilities).filter((h) => h.centre_id === incident.centreId || h.id === incident.transfer?.to.id);
  // A transfer goes to the hospital that accepted it: the only option, proposed even when it is full.
  const hospitals = incident.transfer ? suitable.filter((h) => h.id === incident.transfer!.to.id) : suitable;
  const scene: LonLat = [incident.location.lon, incident.location.lat];
  const [fleetSearch, fromScene] = await Promise.all([
    searchFleet(travel, scene, {
      vehicles, stations, centreId: incident.centreId, required: incident.requiredVehicleCapabilities,
      nowMs: Date.now(), staleAfterSeconds: policy.staleAfterSeconds, maxSeconds: policy.maxSeconds,
    }),
    travel.fromSource(scene, hospitals.map((h) => ({ id: h.id, lonLat: [h.lon, h.lat] as LonLat })), policy.maxSeconds),
  ]);
  return { version, hospitals, fleetSearch, fromScene };
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
