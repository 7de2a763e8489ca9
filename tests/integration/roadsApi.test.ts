import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_REGION, importDemoCounty } from '@dispatch/geo/demo/demoCounty';
import type { ApiClient, RoadFeatureCollection } from '@dispatch/protocol';
import { apiClient, refusal } from '../support/api';
import { expectRefusal } from '../support/expectations';
import { serverSuite } from '../support/demoSuite';
import { createLoggedInUser, startTestServer } from '../support/server';

describe('GET /api/roads and /api/roads/region through the real server', () => {
  const server = serverSuite(() => startTestServer());
  let api: ApiClient;
  const county = '111.736,36.834,112.171,37.185';

  beforeAll(async () => {
    api = (await createLoggedInUser(server, { username: 'crew-map', role: 'dispatcher' })).api;
  });

  const roads = (bbox: string, zoom: number | string) => api.call('roads', { query: { bbox, zoom } });

  it('answers 404 while no road network has been imported', async () => {
    await expectRefusal(api.call('roadRegion'), 404, /no road network/);
    expect((await refusal(roads(county, 12))).status).toBe(404);
  });

  describe('with the synthetic demo county imported', () => {
    beforeAll(async () => {
      await importDemoCounty(server.database.db);
    }, 120_000);

    it('describes the active region, its extent and that it is synthetic', async () => {
      const body = await api.call('roadRegion');
      expect(body.name).toBe(DEMO_REGION);
      expect(body.synthetic).toBe(true);
      const [minLon, minLat, maxLon, maxLat] = body.bbox!;
      expect(minLon).toBeGreaterThan(111.7);
      expect(maxLon).toBeLessThan(112.2);
      expect(minLat).toBeGreaterThan(36.8);
      expect(maxLat).toBeLessThan(37.2);
      // The client keeps only what the contract names: the raw answer shows nothing internal leaks.
      expect((await api.send('roadRegion')).body).not.toHaveProperty('networkId');
    });

    it('returns the road edges in the bbox as GeoJSON LineStrings with class and name', async () => {
      const body = await roads(county, 15);
      expect(body.type).toBe('FeatureCollection');
      expect(body.synthetic).toBe(true);
      expect(body.truncated).toBe(false);
      const { rows } = await server.database.db.query(
        `SELECT count(*)::int AS n FROM road_edges e JOIN road_regions r ON r.network_id = e.network_id WHERE r.name = $1`,
        [DEMO_REGION],
      );
      expect(body.features).toHaveLength(rows[0].n);
      for (const f of body.features) {
        expect(f.geometry.type).toBe('LineString');
        expect(f.geometry.coordinates.length).toBeGreaterThanOrEqual(2);
        expect(typeof f.properties.highway).toBe('string');
      }
      expect(body.features.some((f) => f.properties.name === 'G108')).toBe(true);
    });

    it('keeps only the edges that touch the bbox', async () => {
      // A small box around the city centre (111.913, 37.027).
      const city = await roads('111.90,37.015,111.925,37.04', 15);
      const all = await roads(county, 15);
      expect(city.features.length).toBeGreaterThan(0);
      expect(city.features.length).toBeLessThan(all.features.length);
      for (const f of city.features) {
        const lons = f.geometry.coordinates.map((c) => c[0]);
        const lats = f.geometry.coordinates.map((c) => c[1]);
        expect(Math.max(...lons)).toBeGreaterThanOrEqual(111.90);
        expect(Math.min(...lons)).toBeLessThanOrEqual(111.925);
        expect(Math.max(...lats)).toBeGreaterThanOrEqual(37.015);
        expect(Math.min(...lats)).toBeLessThanOrEqual(37.04);
      }
      expect((await roads('100,20,100.1,20.1', 15)).features).toEqual([]);
    });

    it('draws fewer road classes and fewer vertices when zoomed out', async () => {
      const near = await roads(county, 15);
      const far = await roads(county, 9);
      const classes = (fc: RoadFeatureCollection) => new Set(fc.features.map((f) => f.properties.highway));
      expect(classes(near).has('residential')).toBe(true);
      expect(classes(far).has('residential')).toBe(false);
      expect([...classes(far)].every((c) => /^(motorway|trunk|primary)(_link)?$/.test(c))).toBe(true);
      expect(far.features.length).toBeGreaterThan(0);
      const vertices = (fc: RoadFeatureCollection, ids: Set<number>) =>
        fc.features.filter((f) => ids.has(f.id)).reduce((n, f) => n + f.geometry.coordinates.length, 0);
      const common = new Set(far.features.map((f) => f.id));
      expect(vertices(far, common)).toBeLessThanOrEqual(vertices(near, common));
    });

    it('requires a signed-in user', async () => {
      const anonymous = apiClient(server.baseUrl);
      expect((await anonymous.send('roads', { query: { bbox: county, zoom: 12 } })).status).toBe(401);
      expect((await anonymous.send('roadRegion')).status).toBe(401);
    });

    it('names the bad query field with 400', async () => {
      await expectRefusal(api.call('roads', { query: { zoom: 12 } as { bbox: string; zoom: number } }), 400, /^bbox: required/);
      expect((await refusal(roads('1,2,3', 12))).message).toMatch(/^bbox: expected minLon,minLat,maxLon,maxLat/);
      expect(await refusal(roads('112,37,111,36', 12))).toMatchObject({ status: 400, message: expect.stringMatching(/^bbox: min must be below max/) });
      expect((await refusal(roads('111,36,112,95', 12))).message).toMatch(/^bbox: longitudes must be within/);
      expect(await refusal(roads(county, 'high'))).toMatchObject({ status: 400, message: expect.stringMatching(/^zoom: /) });
      expect((await refusal(roads(county, 30))).message).toMatch(/^zoom: /);
    });
  });
});
