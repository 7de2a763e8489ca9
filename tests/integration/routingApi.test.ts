import { beforeAll, describe, expect, it } from 'vitest';
import { importRoads } from '@dispatch/geo/import/importRoads';
import { isReachable, rankToTarget } from '@dispatch/geo/routing/rankToTarget';
import { roadDataFile, roadDataSuite } from '@dispatch/geo/routing/roadData';
import { loadRoadGraph, type RoadGraph } from '@dispatch/geo/routing/roadGraph';
import type { ApiClient } from '@dispatch/protocol';
import { apiClient, refusal } from '../support/api';
import { serverSuite } from '../support/demoSuite';
import { createLoggedInUser, startTestServer } from '../support/server';

const file = roadDataFile('shanghai_center.osm.pbf');

describe.skipIf(!file)(roadDataSuite('GET /api/route through the real server on the Shanghai centre network', 'shanghai_center.osm.pbf'), () => {
  const server = serverSuite(() => startTestServer());
  let api: ApiClient;
  let graph: RoadGraph;

  beforeAll(async () => {
    api = (await createLoggedInUser(server, { username: 'dispatcher1', role: 'dispatcher' })).api;
    await importRoads(server.database.db, { file: file!, region: 'shanghai' });
    graph = await loadRoadGraph(server.database.db, 'shanghai');
  });

  const route = (from: string, to: string, region?: string) => api.call('route', { query: { from, to, region } });

  it('answers a route with geometry, time, distance and turn-by-turn steps, as fast as the ranking says', async () => {
    const from: [number, number] = [121.4737, 31.2304]; // People's Square area
    const to: [number, number] = [121.5011, 31.2453]; // towards the Bund
    const body = await route(from.join(','), to.join(','));
    expect(body.region).toBe('shanghai');
    expect(body.geometry.type).toBe('LineString');
    expect(body.geometry.coordinates.length).toBeGreaterThan(5);
    expect(body.steps[0]!.maneuver).toBe('depart');
    expect(body.steps.at(-1)!.maneuver).toBe('arrive');
    expect(body.steps.filter((s) => s.streetName).length).toBeGreaterThan(1);
    expect(body.steps.slice(1, -1).every((s) => /^(straight|(slight_|sharp_)?(left|right)|u_turn|roundabout)$/.test(s.maneuver))).toBe(true);
    const ranking = rankToTarget(graph, to, [{ id: 'x', lonLat: from }]).results[0]!;
    expect(isReachable(ranking)).toBe(true);
    if (isReachable(ranking)) {
      expect(body.durationS).toBeCloseTo(ranking.etaSeconds, 0);
      expect(body.distanceM).toBeCloseTo(ranking.distanceM, 0);
    }
  });

  it('requires a signed-in user', async () => {
    expect((await apiClient(server.baseUrl).send('route', { query: { from: '121.47,31.23', to: '121.50,31.24' } })).status).toBe(401);
  });

  it('names the malformed or out-of-range parameter with 400', async () => {
    const refused = (from: string, to: string, region?: string) => refusal(route(from, to, region));
    expect(await refusal(api.call('route', { query: { to: '121.50,31.24' } as { from: string; to: string } }))).toMatchObject({ status: 400, message: expect.stringMatching(/^from: /) });
    expect(await refused('abc', '121.50,31.24')).toMatchObject({ status: 400, message: expect.stringMatching(/^from: expected LON,LAT/) });
    expect(await refused('121.47,31.23', '121.50,95')).toMatchObject({ status: 400, message: expect.stringMatching(/^to: latitude must be between -90 and 90/) });
    expect(await refused('121.47,31.23', '121.50,31.24', 'No Such')).toMatchObject({ status: 400, message: expect.stringMatching(/^region: /) });
  });

  it('answers 404 for a region without a road network', async () => {
    expect(await refusal(route('121.47,31.23', '121.50,31.24', 'atlantis'))).toMatchObject({ status: 404, message: expect.stringMatching(/no road network for region "atlantis"/) });
  });

  it('answers 422 with the distance when a point is too far from any road', async () => {
    expect(await refusal(route('121.47,31.23', `${graph.bbox[2] + 0.05},31.23`))).toMatchObject({
      status: 422,
      message: expect.stringMatching(/^to .* is \d+ m from the nearest road, more than the limit of 500 m/),
      details: { reason: 'too_far_from_road', maxDistanceM: 500 },
    });
  });

  it('answers 422 when no drivable path joins the two points', async () => {
    // A vertex of a small piece of road not connected to the main network.
    const sizes = new Map<number, number>();
    for (const c of graph.vertexComponent) sizes.set(c, (sizes.get(c) ?? 0) + 1);
    const main = [...sizes.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    const island = [...graph.vertexComponent.keys()].find((v) => graph.vertexComponent[v] !== main)!;
    const mainVertex = [...graph.vertexComponent.keys()].find((v) => graph.vertexComponent[v] === main)!;
    const refused = await refusal(route(`${graph.vertexLon[mainVertex]},${graph.vertexLat[mainVertex]}`, `${graph.vertexLon[island]},${graph.vertexLat[island]}`));
    expect(refused).toMatchObject({ status: 422, message: expect.stringMatching(/^no drivable path/), details: { reason: 'no_path' } });
  });
});
