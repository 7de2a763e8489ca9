import type { LiveCoverageDto, StationDto, VehicleDto } from '@dispatch/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoSuite } from '../support/demoSuite';

/**
 * Move-up and the live circle weigh villages by population (MEXCLP/DMEXCLP demand) on the demo county, whose
 * gazetteer carries a (synthetic) population for every village: with both substations' vehicles out on calls, the
 * free vehicle is suggested towards the side whose uncovered villages hold more people, whichever side that is.
 */
describe('move-up and live coverage weighed by village population', () => {
  const { server, clients: [dispatcher] } = demoSuite({}, 'dispatcher');
  let stations: StationDto[];
  let vehicles: VehicleDto[];
  let yitang: StationDto;
  let zhanglan: StationDto;
  let unknownVillage: string;

  const query = async <R>(sql: string, params: unknown[] = []) => (await server.database.db.query(sql, params)).rows as R[];
  const villages = () => query<{ id: string; population: number | null }>(`SELECT id, population FROM gazetteer WHERE kind = 'village'`);

  beforeAll(async () => {
    stations = await dispatcher.call('listStations');
    vehicles = await dispatcher.call('listVehicles');
    yitang = stations.find((s) => s.code === 'JX-YT')!;
    zhanglan = stations.find((s) => s.code === 'JX-ZL')!;
    // One village the gazetteer has no population for: it weighs the median of the others.
    unknownVillage = (await query<{ id: string }>(`SELECT id FROM gazetteer WHERE kind = 'village' ORDER BY name LIMIT 1`))[0]!.id;
    await query(`UPDATE places SET population = NULL WHERE id = $1`, [unknownVillage]);
    // Both substations empty: their villages fall outside the circle.
    const away = vehicles.filter((v) => v.homeStationId === yitang.id || v.homeStationId === zhanglan.id);
    for (const [i, v] of away.entries()) {
      const at = v.homeStationId === yitang.id ? yitang : zhanglan;
      const incident = await dispatcher.call('createIncident', {
        body: { location: { lon: at.location.lon + 0.002 * i, lat: at.location.lat + 0.001 }, category: 'trauma', priority: 2 },
      });
      await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: v.id } });
    }
  });

  it('reports the share of the villages’ population covered beside the share of villages, an unknown one at the median', async () => {
    const live: LiveCoverageDto = await dispatcher.call('liveCoverage');
    const rows = await villages();
    expect(live.villages).toBe(163);
    expect(live.populationKnown).toBe(162);
    const known = rows.flatMap((r) => (r.population === null ? [] : [r.population])).sort((a, b) => a - b);
    expect(live.populationFallback).toBe((known[80]! + known[81]!) / 2);
    const weight = new Map(rows.map((r) => [r.id, r.population ?? live.populationFallback]));
    const total = [...weight.values()].reduce((a, b) => a + b, 0);
    const outside = (by: 'byAmbulance' | 'byFacility') =>
      live.uncovered.filter((u) => u[by]).reduce((sum, u) => sum + weight.get(u.id)!, 0);
    expect(live.ambulancePopulationShare).toBeCloseTo(1 - outside('byAmbulance') / total, 9);
    expect(live.facilityPopulationShare).toBeCloseTo(1 - outside('byFacility') / total, 9);
    expect(live.ambulancePopulationShare).not.toBe(live.ambulanceShare);
    // Each uncovered village says how many live there (null: not known).
    for (const u of live.uncovered) expect(u.population).toBe(rows.find((r) => r.id === u.id)!.population);
  });

  it('suggests the move-up towards the populous uncovered villages rather than the small ones', async () => {
    const live = await dispatcher.call('liveCoverage');
    const d2 = (u: { lon: number; lat: number }, s: StationDto) => (u.lon - s.location.lon) ** 2 + (u.lat - s.location.lat) ** 2;
    const outside = live.uncovered.filter((u) => u.byAmbulance);
    const west = outside.filter((u) => d2(u, yitang) < d2(u, zhanglan)).map((u) => u.id);
    const east = outside.filter((u) => d2(u, zhanglan) <= d2(u, yitang)).map((u) => u.id);
    expect(west.length).toBeGreaterThan(2);
    expect(east.length).toBeGreaterThan(2);
    const populate = async (large: string[], small: string[]) => {
      await query(`UPDATE places SET population = 3000 WHERE id = ANY($1::uuid[])`, [large]);
      await query(`UPDATE places SET population = 300 WHERE id = ANY($1::uuid[])`, [small]);
    };

    await populate(west, east);
    const towardsYitang = (await dispatcher.call('moveUpSuggestions')).suggestions[0]!;
    expect(towardsYitang.stationId).toBe(yitang.id);
    expect(towardsYitang.populationShareAfter).toBeGreaterThan(towardsYitang.populationShareBefore);
    expect(towardsYitang.expectedAfter).toBeGreaterThan(towardsYitang.expectedBefore);

    await populate(east, west);
    const towardsZhanglan = (await dispatcher.call('moveUpSuggestions')).suggestions[0]!;
    expect(towardsZhanglan.stationId).toBe(zhanglan.id);
    expect(towardsZhanglan.populationShareAfter).toBeGreaterThan(towardsZhanglan.populationShareBefore);
  });
});
