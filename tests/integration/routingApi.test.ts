import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRoads } from '@dispatch/geo/import/importRoads';
import { isReachable, rankToTarget } from '@dispatch/geo/routing/rankToTarget';
import { roadDataFile, roadDataSuite } from '@dispatch/geo/routing/roadData';
import { loadRoadGraph, type RoadGraph } from '@dispatch/geo/routing/roadGraph';
import { createUser, loginAs, startTestServer, type TestServer } from '../support/server';

const file = roadDataFile('shanghai_center.osm.pbf');

describe.skipIf(!file)(roadDataSuite('GET /api/route through the real server on the Shanghai centre network', 'shanghai_center.osm.pbf'), () => {
  let server: TestServer;
  let token: string;
  let graph: RoadGraph;

  beforeAll(async () => {
    server = await startTestServer();
    const crew = await createUser(server.database, { username: 'dispatcher1', role: 'dispatcher' });
    token = await loginAs(server.baseUrl, crew.username, crew.password);
    await importRoads(server.database.db, { file: file!, region: 'shanghai' });
    graph = await loadRoadGraph(server.database.db, 'shanghai');
  });
  afterAll(() => server?.close());

  const get = async (query: string, auth = true) => {
    const res = await fetch(`${server.baseUrl}/api/route?${query}`, { headers: auth ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('answers a route with geometry, time, distance and turn-by-turn steps, as fast as the ranking says', async () => {
    const from: [number, number] = [121.4737, 31.2304]; // People's Square area
    const to: [number, number] = [121.5011, 31.2453]; // towards the Bund
    const { status, body } = await get(`from=${from.join(',')}&to=${to.join(',')}`);
    expect(status).toBe(200);
    expect(body.region).toBe('shanghai');
    expect(body.geometry.type).toBe('LineString');
    expect(body.geometry.coordinates.length).toBeGreaterThan(5);
    expect(body.steps[0].maneuver).toBe('depart');
    expect(body.steps[body.steps.length - 1].maneuver).toBe('arrive');
    expect(body.steps.filter((s: any) => s.streetName).length).toBeGreaterThan(1);
    expect(body.steps.slice(1, -1).every((s: any) => /^(straight|(slight_|sharp_)?(left|right)|u_turn|roundabout)$/.test(s.maneuver))).toBe(true);
    const ranking = rankToTarget(graph, to, [{ id: 'x', lonLat: from }]).results[0]!;
    expect(isReachable(ranking)).toBe(true);
    if (isReachable(ranking)) {
      expect(body.durationS).toBeCloseTo(ranking.etaSeconds, 0);
      expect(body.distanceM).toBeCloseTo(ranking.distanceM, 0);
    }
  });

  it('requires a signed-in user', async () => {
    expect((await get('from=121.47,31.23&to=121.50,31.24', false)).status).toBe(401);
  });

  it('names the malformed or out-of-range parameter with 400', async () => {
    const missing = await get('to=121.50,31.24');
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/^from: /);
    const garbled = await get('from=abc&to=121.50,31.24');
    expect(garbled.status).toBe(400);
    expect(garbled.body.error).toMatch(/^from: expected LON,LAT/);
    const latitude = await get('from=121.47,31.23&to=121.50,95');
    expect(latitude.status).toBe(400);
    expect(latitude.body.error).toMatch(/^to: latitude must be between -90 and 90/);
    const region = await get('from=121.47,31.23&to=121.50,31.24&region=No Such');
    expect(region.status).toBe(400);
    expect(region.body.error).toMatch(/^region: /);
  });

  it('answers 404 for a region without a road network', async () => {
    const { status, body } = await get('from=121.47,31.23&to=121.50,31.24&region=atlantis');
    expect(status).toBe(404);
    expect(body.error).toMatch(/no road network for region "atlantis"/);
  });

  it('answers 422 with the distance when a point is too far from any road', async () => {
    const { status, body } = await get(`from=121.47,31.23&to=${graph.bbox[2] + 0.05},31.23`);
    expect(status).toBe(422);
    expect(body.error).toMatch(/^to .* is \d+ m from the nearest road, more than the limit of 500 m/);
    expect(body.details).toMatchObject({ reason: 'too_far_from_road', maxDistanceM: 500 });
  });

  it('answers 422 when no drivable path joins the two points', async () => {
    // A vertex of a small piece of road not connected to the main network.
    const sizes = new Map<number, number>();
    for (const c of graph.vertexComponent) sizes.set(c, (sizes.get(c) ?? 0) + 1);
    const main = [...sizes.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    const island = [...graph.vertexComponent.keys()].find((v) => graph.vertexComponent[v] !== main)!;
    const mainVertex = [...graph.vertexComponent.keys()].find((v) => graph.vertexComponent[v] === main)!;
    const { status, body } = await get(
      `from=${graph.vertexLon[mainVertex]},${graph.vertexLat[mainVertex]}&to=${graph.vertexLon[island]},${graph.vertexLat[island]}`,
    );
    expect(status).toBe(422);
    expect(body.error).toMatch(/^no drivable path/);
    expect(body.details).toMatchObject({ reason: 'no_path' });
  });
});
