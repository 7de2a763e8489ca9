import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_REGION, importDemoCounty } from '@dispatch/geo/demo/demoCounty';
import { createUser, loginAs, startTestServer, type TestServer } from '../support/server';

describe('GET /api/roads and /api/roads/region through the real server', () => {
  let server: TestServer;
  let token: string;
  const county = '111.736,36.834,112.171,37.185';

  beforeAll(async () => {
    server = await startTestServer();
    const user = await createUser(server.database, { username: 'crew-map', role: 'dispatcher' });
    token = await loginAs(server.baseUrl, user.username, user.password);
  });
  afterAll(() => server?.close());

  const get = async (path: string, auth = true) => {
    const res = await fetch(`${server.baseUrl}/api${path}`, { headers: auth ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('answers 404 while no road network has been imported', async () => {
    const region = await get('/roads/region');
    expect(region.status).toBe(404);
    expect(region.body.error).toMatch(/no road network/);
    expect((await get(`/roads?bbox=${county}&zoom=12`)).status).toBe(404);
  });

  describe('with the synthetic demo county imported', () => {
    beforeAll(async () => {
      await importDemoCounty(server.database.db);
    }, 120_000);

    it('describes the active region, its extent and that it is synthetic', async () => {
      const { status, body } = await get('/roads/region');
      expect(status).toBe(200);
      expect(body.name).toBe(DEMO_REGION);
      expect(body.synthetic).toBe(true);
      const [minLon, minLat, maxLon, maxLat] = body.bbox;
      expect(minLon).toBeGreaterThan(111.7);
      expect(maxLon).toBeLessThan(112.2);
      expect(minLat).toBeGreaterThan(36.8);
      expect(maxLat).toBeLessThan(37.2);
      expect(body.networkId).toBeUndefined();
    });

    it('returns the road edges in the bbox as GeoJSON LineStrings with class and name', async () => {
      const { status, body } = await get(`/roads?bbox=${county}&zoom=15`);
      expect(status).toBe(200);
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
      expect(body.features.some((f: any) => f.properties.name === 'G108')).toBe(true);
    });

    it('keeps only the edges that touch the bbox', async () => {
      // A small box around the city centre (111.913, 37.027).
      const { body: city } = await get('/roads?bbox=111.90,37.015,111.925,37.04&zoom=15');
      const { body: all } = await get(`/roads?bbox=${county}&zoom=15`);
      expect(city.features.length).toBeGreaterThan(0);
      expect(city.features.length).toBeLessThan(all.features.length);
      for (const f of city.features) {
        const lons = f.geometry.coordinates.map((c: number[]) => c[0]);
        const lats = f.geometry.coordinates.map((c: number[]) => c[1]);
        expect(Math.max(...lons)).toBeGreaterThanOrEqual(111.90);
        expect(Math.min(...lons)).toBeLessThanOrEqual(111.925);
        expect(Math.max(...lats)).toBeGreaterThanOrEqual(37.015);
        expect(Math.min(...lats)).toBeLessThanOrEqual(37.04);
      }
      const { body: nowhere } = await get('/roads?bbox=100,20,100.1,20.1&zoom=15');
      expect(nowhere.features).toEqual([]);
    });

    it('draws fewer road classes and fewer vertices when zoomed out', async () => {
      const { body: near } = await get(`/roads?bbox=${county}&zoom=15`);
      const { body: far } = await get(`/roads?bbox=${county}&zoom=9`);
      const classes = (fc: any) => new Set(fc.features.map((f: any) => f.properties.highway));
      expect(classes(near).has('residential')).toBe(true);
      expect(classes(far).has('residential')).toBe(false);
      expect([...classes(far)].every((c) => /^(motorway|trunk|primary)(_link)?$/.test(c as string))).toBe(true);
      expect(far.features.length).toBeGreaterThan(0);
      const vertices = (fc: any, ids: Set<number>) =>
        fc.features.filter((f: any) => ids.has(f.id)).reduce((n: number, f: any) => n + f.geometry.coordinates.length, 0);
      const common = new Set<number>(far.features.map((f: any) => f.id));
      expect(vertices(far, common)).toBeLessThanOrEqual(vertices(near, common));
    });

    it('requires a signed-in user', async () => {
      expect((await get(`/roads?bbox=${county}&zoom=12`, false)).status).toBe(401);
      expect((await get('/roads/region', false)).status).toBe(401);
    });

    it('names the bad query field with 400', async () => {
      const missing = await get('/roads?zoom=12');
      expect(missing.status).toBe(400);
      expect(missing.body.error).toMatch(/^bbox: required/);
      const garbled = await get('/roads?bbox=1,2,3&zoom=12');
      expect(garbled.body.error).toMatch(/^bbox: expected minLon,minLat,maxLon,maxLat/);
      const inverted = await get('/roads?bbox=112,37,111,36&zoom=12');
      expect(inverted.status).toBe(400);
      expect(inverted.body.error).toMatch(/^bbox: min must be below max/);
      const outside = await get('/roads?bbox=111,36,112,95&zoom=12');
      expect(outside.body.error).toMatch(/^bbox: longitudes must be within/);
      const zoom = await get(`/roads?bbox=${county}&zoom=high`);
      expect(zoom.status).toBe(400);
      expect(zoom.body.error).toMatch(/^zoom: /);
      expect((await get(`/roads?bbox=${county}&zoom=30`)).body.error).toMatch(/^zoom: /);
    });
  });
});
