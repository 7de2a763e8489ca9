import type { CandidateDto, ExcludedVehicleDto, RecommendationDto, TaskStatus } from '@dispatch/protocol';
import type { GraphRegistry } from '@dispatch/geo/routing/graphRegistry';
import { attachHierarchy, buildHierarchySync } from '@dispatch/geo/routing/contractionHierarchy';
import { at, graphOf, randomGrid, seededRandom } from '@dispatch/geo/routing/testGraphs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { capabilityMask, type FleetStation, type RankingVehicle } from '../fleet/fleetTables';
import { graphTravelService } from '../travel/graphTravelService';
import { isReachable, type LonLat, type TravelService } from '../travel/travelService';
import { CANDIDATES_SENT, EXCLUDED_LISTED, NearestFew, rankBest, rankSearchedFleet, searchFleet, straightLine } from './rankFleet';

// 'winch' is no VehicleCapability: a name the capability masks do not know still ranks by the names themselves.
const CAPABILITIES = ['als', 'bls', 'neonatal', 'mobile_ct', 'negative_pressure', 'winch'];
const TASKS = [null, null, null, 'back_in_service', 'dispatched', 'on_scene', 'transporting', 'handover'];
const MARGIN = 120;

/** The clock of the rankings here: fixes are up to 10 minutes older. */
const NOW = Date.parse('2026-03-01T08:00:00Z');

/**
 * The ranking as computeRecommendation did it before rankFleet, written out plainly: an object per vehicle, the whole
 * list filtered, sorted and cut. The fleet ranking in columns must give exactly this.
 */
async function reference(travel: TravelService, scene: LonLat, vehicles: RankingVehicle[], stations: FleetStation[], centreId: string, required: string[], timedOut: Set<string>, stale: number) {
  const ageOf = (row: RankingVehicle) => (row.device_ms === null ? null : (NOW - row.device_ms) / 1000);
  // Each exclusion with its key: busy by ETA, the others by straight-line distance from where they would be ranked from.
  const excluded: (ExcludedVehicleDto & { key: number })[] = [];
  const away = straightLine(scene);
  const placeOf = (row: RankingVehicle): LonLat =>
    row.lon !== null && row.lat !== null && (ageOf(row) ?? Infinity) <= stale ? [row.lon, row.lat] : [row.station_lon, row.station_lat];
  const awayOf = (row: RankingVehicle) => away(...placeOf(row));
  const sources: { id: string; lonLat: LonLat }[] = [];
  const pending = new Map<string, { row: RankingVehicle; stale: boolean; busy: boolean }>();
  for (const row of vehicles) {
    if (!row.in_service) {
      excluded.push({ vehicleId: row.id, callSign: row.call_sign, reason: 'out_of_service', detail: 'out of service', key: awayOf(row) });
      continue;
    }
    const missing = required.filter((c) => !row.capabilities.includes(c));
    if (missing.length) {
      excluded.push({ vehicleId: row.id, callSign: row.call_sign, reason: 'missing_capability', detail: `lacks ${missing.join(', ')}`, lacks: missing, key: awayOf(row) } as ExcludedVehicleDto & { key: number });
      continue;
    }
    const busy = row.task_status != null && row.task_status !== 'back_in_service';
    const fresh = row.lon !== null && row.lat !== null && (ageOf(row) ?? Infinity) <= stale;
    sources.push({ id: row.id, lonLat: fresh ? [row.lon!, row.lat!] : [row.station_lon, row.station_lat] });
    pending.set(row.id, { row, stale: !fresh, busy });
  }
  for (const s of stations) sources.push({ id: `station:${s.id}`, lonLat: [s.lon, s.lat] });
  const toScene = await travel.toTarget(scene, sources, 7200);
  const candidates: CandidateDto[] = [];
  const busyRanked: { row: RankingVehicle; eta: number }[] = [];
  let responsibleStation: RecommendationDto['responsibleStation'] = null;
  const detail = { too_far_from_road: 'position is too far from any road', no_path: 'no road path to the incident', beyond_time_limit: 'farther than the search limit' };
  for (const result of toScene.results) {
    const station = stations.find((s) => `station:${s.id}` === result.id);
    if (station) {
      if (isReachable(result) && (!responsibleStation || result.etaSeconds < responsibleStation.etaSeconds)) {
        responsibleStation = { stationId: station.id, code: station.code, name: station.name, etaSeconds: result.etaSeconds };
      }
      continue;
    }
    const { row, stale: isStale, busy } = pending.get(result.id)!;
    if (!isReachable(result)) {
      if (!busy) excluded.push({ vehicleId: row.id, callSign: row.call_sign, reason: 'unreachable', detail: detail[result.unreachable], unreachable: result.unreachable, key: awayOf(row) });
      continue;
    }
    if (busy) {
      busyRanked.push({ row, eta: result.etaSeconds });
      excluded.push({ vehicleId: row.id, callSign: row.call_sign, reason: 'busy', detail: `${row.task_status} on incident #${row.task_incident_number}`, taskStatus: row.task_status as TaskStatus, incidentNumber: row.task_incident_number, key: result.etaSeconds });
      continue;
    }
    candidates.push({
      vehicleId: row.id, callSign: row.call_sign, kind: row.kind, capabilities: row.capabilities, state: row.state, etaSeconds: result.etaSeconds,
      distanceM: result.distanceM, positionSource: isStale ? 'station' : 'gps', stale: isStale,
      positionAgeSeconds: row.device_ms === null ? null : Math.round(ageOf(row)!), returning: row.state === 'returning', reserve: null,
      fallbackExtraM: result.fallbackExtraM ?? null,
    });
  }
  const own = (id: string) => vehicles.find((v) => v.id === id)!.centre_id === centreId;
  const others = candidates.filter((c) => !own(c.vehicleId)).sort((a, b) => a.etaSeconds - b.etaSeconds).slice(0, 3);
  const mine = candidates.filter((c) => own(c.vehicleId));
  const ranked = [false, true]
    .flatMap((t) => rankBest(mine.filter((c) => timedOut.has(c.vehicleId) === t).sort((a, b) => a.etaSeconds - b.etaSeconds), required, MARGIN, CANDIDATES_SENT))
    .slice(0, CANDIDATES_SENT);
  const busyOwn = busyRanked.filter((b) => own(b.row.id));
  const finishing = (s: string | null) => Number(!['handover', 'at_hospital', 'transporting'].includes(s ?? ''));
  busyOwn.sort((a, b) => finishing(a.row.task_status) - finishing(b.row.task_status) || a.eta - b.eta);
  const best = mine.length === 0 ? busyOwn[0] : undefined;
  const collate = new Intl.Collator().compare;
  // Per reason, all while EXCLUDED_LISTED at most, else the nearest EXCLUDED_LISTED (ties by id); the rest counted.
  const listed: ExcludedVehicleDto[] = [];
  const moreExcluded: { reason: string; count: number }[] = [];
  for (const reason of ['out_of_service', 'busy', 'missing_capability', 'unreachable']) {
    const all = excluded.filter((e) => e.reason === reason && own(e.vehicleId)).sort((a, b) => a.key - b.key || (a.vehicleId < b.vehicleId ? -1 : 1));
    listed.push(...all.slice(0, EXCLUDED_LISTED).map(({ key: _key, ...e }) => e));
    if (all.length > EXCLUDED_LISTED) moreExcluded.push({ reason, count: all.length - EXCLUDED_LISTED });
  }
  return {
    responsibleStation,
    candidates: ranked,
    moreCandidates: mine.length - ranked.length,
    excluded: listed.sort((a, b) => collate(a.callSign, b.callSign)),
    moreExcluded,
    queued: mine.length === 0,
    nextBest: best
      ? {
          vehicleId: best.row.id,
          callSign: best.row.call_sign,
          taskStatus: best.row.task_status,
          detail: `${best.row.task_status} on incident #${best.row.task_incident_number}; ${Math.round(best.eta / 60)} min from here`,
          incidentNumber: best.row.task_incident_number,
          etaSeconds: best.eta,
        }
      : null,
    otherCentres: others.map((c) => c.vehicleId),
  };
}

describe('rankFleet', () => {
  it('ranks a fleet in columns exactly as the whole list of objects ranked it (property, random grids and fleets)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 90 }), async (seed, size) => {
        const graph = graphOf(randomGrid(8, seed));
        const travel = graphTravelService({ get: async () => graph } as unknown as GraphRegistry);
        const random = seededRandom(seed + 7);
        const pick = <T,>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
        // Grid points (many vehicles on one point: equal ETAs), some off the network (unreachable).
        const place = (): LonLat => (random() < 0.05 ? at(60, 60) : at(Math.floor(random() * 8), Math.floor(random() * 8)));
        const stations: FleetStation[] = [0, 1, 2].map((i) => {
          const [lon, lat] = place();
          return { id: `s${i}-${Math.floor(random() * 100)}`, code: `S${i}`, name: `Station ${i}`, centre_id: 'A', lon, lat };
        });
        const vehicles: RankingVehicle[] = Array.from({ length: size }, (_, i) => {
          const [lon, lat] = place();
          const fix = random() < 0.9;
          const capabilities = CAPABILITIES.filter(() => random() < 0.45);
          return {
            id: `${Math.floor(random() * 1e6).toString(36)}-${i}`,
            call_sign: `${pick(['a', 'B', 'c', 'Ä', '救护'])}${Math.floor(random() * 1e6)}-${i}`,
            kind: 'negative_pressure_ambulance',
            capabilities,
            capability_mask: capabilityMask(capabilities),
            in_service: random() < 0.9,
            state: random() < 0.2 ? 'returning' : 'available',
            task_status: pick(TASKS),
            task_incident_number: 100 + i,
            lon: fix ? lon : null,
            lat: fix ? lat : null,
            device_ms: fix ? NOW - random() * 600_000 : null,
            station_lon: stations[i % 3]!.lon,
            station_lat: stations[i % 3]!.lat,
            centre_id: random() < 0.8 ? 'A' : 'B',
          } as RankingVehicle;
        });
        const required = CAPABILITIES.filter(() => random() < 0.25);
        const timedOut = new Set(vehicles.filter(() => random() < 0.1).map((v) => v.id));
        const scene = at(3.5, 3);
        const expected = await reference(travel, scene, vehicles, stations, 'A', required, timedOut, 300);
        const searched = await searchFleet(travel, scene, { vehicles, stations, centreId: 'A', required, nowMs: NOW, staleAfterSeconds: 300, maxSeconds: 7200 });
        const got = rankSearchedFleet(searched, timedOut, MARGIN);
        expect({ ...got, otherCentres: got.otherCentres.map((o) => o.candidate.vehicleId), incidentSnapDistanceM: undefined, incidentFallbackExtraM: undefined }).toEqual({
          ...expected,
          incidentSnapDistanceM: undefined,
          incidentFallbackExtraM: undefined,
        });
        expect(got.otherCentres.every((o) => o.centreId === 'B')).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('lists every vehicle left out while a reason has EXCLUDED_LISTED at most, else the nearest and counts the rest', async () => {
    const graph = graphOf(randomGrid(8, 42));
    const travel = graphTravelService({ get: async () => graph } as unknown as GraphRegistry);
    const scene = at(0, 0);
    const stations: FleetStation[] = [{ id: 's0', code: 'S0', name: 'Station 0', centre_id: 'A', lon: at(7, 7)[0], lat: at(7, 7)[1] }];
    // n vehicles without ALS, vehicle j at grid point (j mod 8, j div 8): the higher j, the farther from the scene (0, 0) along a row.
    const fleet = (n: number, extra: Partial<RankingVehicle> = {}) =>
      Array.from({ length: n }, (_, j) => {
        const [lon, lat] = at(j % 8, Math.floor(j / 8));
        return {
          id: `v${String(j).padStart(2, '0')}`, call_sign: `BLS-${String(j).padStart(2, '0')}`, kind: 'multipurpose', capabilities: ['bls'],
          in_service: true, state: 'available', task_status: null, task_incident_number: null, lon, lat, device_ms: NOW,
          station_lon: stations[0]!.lon, station_lat: stations[0]!.lat, centre_id: 'A', ...extra,
        } as RankingVehicle;
      });
    const rank = async (vehicles: RankingVehicle[]) =>
      rankSearchedFleet(await searchFleet(travel, scene, { vehicles, stations, centreId: 'A', required: ['als'], nowMs: NOW, staleAfterSeconds: 300, maxSeconds: 7200 }), new Set(), MARGIN);

    // A county: 10 without ALS, each listed, none counted.
    const county = await rank(fleet(EXCLUDED_LISTED));
    expect(county.excluded.map((e) => e.callSign)).toEqual(fleet(EXCLUDED_LISTED).map((v) => v.call_sign));
    expect(county.moreExcluded).toEqual([]);

    // One more than the limit on the first row, the rest farther: the 10 nearest listed (by call sign), the others counted.
    const many = await rank(fleet(40));
    const nearest = fleet(40).map((v) => ({ callSign: v.call_sign, d: Math.hypot(v.lon! - scene[0], v.lat! - scene[1]) })).sort((a, b) => a.d - b.d || (a.callSign < b.callSign ? -1 : 1));
    expect(many.excluded.map((e) => e.callSign)).toEqual(nearest.slice(0, EXCLUDED_LISTED).map((v) => v.callSign).sort());
    expect(many.excluded.every((e) => e.reason === 'missing_capability' && e.detail === 'lacks als' && e.lacks?.join() === 'als')).toBe(true);
    expect(many.moreExcluded).toEqual([{ reason: 'missing_capability', count: 40 - EXCLUDED_LISTED }]);

    // Out of service with a stale fix: measured from the home station, so all equally far; the first 10 by id listed.
    const parked = await rank(fleet(15, { in_service: false, device_ms: NOW - 3_600_000 }));
    expect(parked.excluded.map((e) => e.vehicleId)).toEqual(fleet(10).map((v) => v.id));
    expect(parked.moreExcluded).toEqual([{ reason: 'out_of_service', count: 5 }]);
  });
});

describe('rankFleet by centre', () => {
  it('ranks a province centre by centre exactly as one search of the whole fleet: candidates, ETAs to the bit, counts, exclusions, help, station (property, moving vehicles)', async () => {
    const SIZE = 24;
    const graph = graphOf(randomGrid(SIZE, 77));
    attachHierarchy(buildHierarchySync(graph));
    const registry = { get: async () => graph } as unknown as GraphRegistry;
    const byCentre = graphTravelService(registry);
    // The same service searching the whole fleet in one go (no centres given): what the ranking was before.
    const plainService = graphTravelService(registry);
    const whole: TravelService = { ...plainService, etasToTarget: (target, sources, maxSeconds, out) => plainService.etasToTarget(target, { ...sources, groups: undefined }, maxSeconds, out) };
    let helpFound = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 2, max: 6 }), async (seed, centreCount) => {
        const random = seededRandom(seed);
        const pick = <T,>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
        const middles = Array.from({ length: centreCount }, () => [random() * (SIZE - 1), random() * (SIZE - 1)] as const);
        const near = (c: number, spread: number): LonLat => {
          const [x, y] = middles[c]!;
          const clamp = (v: number) => Math.min(SIZE - 1, Math.max(0, v));
          return at(clamp(x + (random() - 0.5) * 2 * spread), clamp(y + (random() - 0.5) * 2 * spread));
        };
        const centre = (c: number) => `centre-${c}`;
        const stations: FleetStation[] = Array.from({ length: centreCount * 2 }, (_, i) => {
          const [lon, lat] = near(i % centreCount, 3);
          return { id: `s${i}`, code: `S${i}`, name: `Station ${i}`, centre_id: centre(i % centreCount), lon, lat };
        });
        const vehicles: RankingVehicle[] = Array.from({ length: 20 + Math.floor(random() * 60) }, (_, i) => {
          const c = Math.floor(random() * centreCount);
          const [lon, lat] = random() < 0.1 ? at(random() * SIZE, random() * SIZE) : near(c, 5);
          const home = stations[c + centreCount * Math.floor(random() * 2)]!;
          const fix = random() < 0.9;
          return {
            id: `${Math.floor(random() * 1e6).toString(36)}-${i}`,
            call_sign: `${pick(['a', 'B', '救护'])}${Math.floor(random() * 1e6)}-${i}`,
            kind: 'negative_pressure_ambulance',
            capabilities: CAPABILITIES.filter(() => random() < 0.5),
            in_service: random() < 0.9,
            state: random() < 0.2 ? 'returning' : 'available',
            task_status: pick(TASKS),
            task_incident_number: 100 + i,
            lon: fix ? lon : null,
            lat: fix ? lat : null,
            device_ms: fix ? NOW - random() * 600_000 : null,
            station_lon: home.lon,
            station_lat: home.lat,
            centre_id: home.centre_id,
          } as RankingVehicle;
        });
        for (let call = 0; call < 6; call++) {
          // A few vehicles move; the call falls in a random centre (calls alternate centres, as in a province).
          for (let k = 0; k < 3; k++) {
            const v = pick(vehicles);
            const [lon, lat] = near(Math.floor(random() * centreCount), 5);
            Object.assign(v, { lon, lat, device_ms: NOW });
          }
          const own = Math.floor(random() * centreCount);
          const scene = near(own, 4);
          const input = {
            vehicles,
            stations: stations.filter((s) => s.centre_id === centre(own)),
            centreId: centre(own),
            required: CAPABILITIES.filter(() => random() < 0.2),
            nowMs: NOW,
            staleAfterSeconds: 300,
            maxSeconds: random() < 0.2 ? 60 + random() * 300 : 7200,
          };
          const timedOut = new Set(vehicles.filter(() => random() < 0.1).map((v) => v.id));
          const got = rankSearchedFleet(await searchFleet(byCentre, scene, input), timedOut, MARGIN);
          const expected = rankSearchedFleet(await searchFleet(whole, scene, input), timedOut, MARGIN);
          expect(got).toEqual(expected);
          helpFound += got.otherCentres.length;
        }
      }),
      { numRuns: 60, seed: 1203 },
    );
    expect(helpFound).toBeGreaterThan(0);
  });
});

describe('NearestFew', () => {
  it('keeps the first `limit` items by key then id, in order, and counts every item offered (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.string({ maxLength: 3 })), { maxLength: 60 }), (limit, offers) => {
        const few = new NearestFew(limit);
        offers.forEach(([key, id], i) => few.offer(key, id, i));
        const expected = offers
          .map(([key, id], i) => ({ key, id, i }))
          .sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : a.i - b.i))
          .slice(0, limit)
          .map((o) => o.i);
        expect(few.items).toEqual(expected);
        expect(few.offered).toBe(offers.length);
      }),
      { numRuns: 300 },
    );
  });
});
