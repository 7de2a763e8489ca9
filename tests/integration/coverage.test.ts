import { describe, expect, it } from 'vitest';
import { expectRefusal } from '../support/expectations';
import { demoSuite } from '../support/demoSuite';

describe('drive-time catchments, isochrones and the 30-minute circle over REST', () => {
  const { server, clients: [dispatcher] } = demoSuite({}, 'dispatcher');

  it('partitions the county into one catchment per station', async () => {
    const res = await dispatcher.call('catchments');
    const named = res.features.filter((f: any) => f.properties.siteCode);
    expect(named.map((f: any) => f.properties.siteCode).sort()).toEqual(['JX-120', 'JX-YT', 'JX-ZL']);
    // PostGIS checks the partition: the polygons do not overlap.
    const overlap = await server.database.db.query(
      `WITH f AS (SELECT ST_GeomFromGeoJSON(x::text) AS g, row_number() OVER () AS n FROM jsonb_array_elements($1::jsonb) AS x)
       SELECT coalesce(sum(ST_Area(ST_Intersection(a.g, b.g)::geography)), 0) AS overlap, (SELECT sum(ST_Area(g::geography)) FROM f) AS total
         FROM f a JOIN f b ON a.n < b.n`,
      [JSON.stringify(res.features.map((f: any) => f.geometry))],
    );
    expect(overlap.rows[0].overlap / overlap.rows[0].total).toBeLessThan(1e-6);
    // The Zhanglan substation's catchment contains Zhanglan town.
    const town = (await dispatcher.call('searchPlaces', { query: { q: '张兰镇' } }))[0]!;
    const zhanglan = named.find((f: any) => f.properties.siteCode === 'JX-ZL')!;
    const inside = await server.database.db.query('SELECT ST_Contains(ST_GeomFromGeoJSON($1), ST_SetSRID(ST_MakePoint($2, $3), 4326)) AS inside', [
      JSON.stringify(zhanglan.geometry),
      town.lon,
      town.lat,
    ]);
    expect(inside.rows[0].inside).toBe(true);
  });

  it('nests the 10-minute isochrone inside the 20 and the 30', async () => {
    const res = await dispatcher.call('isochrones', { query: { minutes: '10,20,30' } });
    const byMinutes = Object.fromEntries(res.features.map((f: any) => [f.properties.minutes, f]));
    expect(Object.keys(byMinutes).sort()).toEqual(['10', '20', '30']);
    expect(byMinutes[10].properties.areaKm2).toBeLessThan(byMinutes[20].properties.areaKm2);
    expect(byMinutes[20].properties.areaKm2).toBeLessThanOrEqual(byMinutes[30].properties.areaKm2);
    await expectRefusal(dispatcher.call('isochrones', { query: { minutes: '10,abc' } }), 400, /^minutes:/);
  });

  it('reports the share of villages and roads within 30 minutes and names those outside', async () => {
    const res = await dispatcher.call('coverageSummary', { query: { minutes: '10,30', from: 'stations' } });
    expect(res.villages).toBe(163);
    const [ten, thirty] = res.thresholds as [(typeof res.thresholds)[number], (typeof res.thresholds)[number]];
    expect(ten.villageShare).toBeLessThanOrEqual(thirty.villageShare);
    expect(thirty.villageShare).toBeGreaterThan(0.5);
    expect(thirty.villagesOutside.length).toBe(Math.round(163 * (1 - thirty.villageShare)));
    expect(thirty.roadShare).toBeGreaterThan(0);
    // Weighed by the villages' population (the demo gazetteer's): those outside hold the rest of it.
    expect(ten.populationShare).toBeLessThanOrEqual(thirty.populationShare);
    const people = (await server.database.db.query<{ name: string; population: number }>(
      `SELECT name, population FROM gazetteer WHERE kind = 'village'`)).rows;
    const total = people.reduce((a, v) => a + v.population, 0);
    const outside = people.filter((v) => thirty.villagesOutside.includes(v.name)).reduce((a, v) => a + v.population, 0);
    expect(thirty.populationShare).toBeCloseTo(1 - outside / total, 9);
  });

  it('answers a call located far from any road with 422 and a clear message', async () => {
    const incident = await dispatcher.call('createIncident', { body: { location: { lon: 112.5, lat: 37.6 }, category: 'trauma', priority: 2 } });
    await expectRefusal(dispatcher.call('getRecommendations', { params: { id: incident.id } }), 422, /road/);
  });
});
