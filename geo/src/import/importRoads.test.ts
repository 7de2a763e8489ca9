import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@dispatch/db/testDatabase';
import { activeNetworkId, importRoads, type ImportReport } from './importRoads';
import { roadDataFile, roadDataSuite } from '../routing/roadData';
import { pgrShortestPath } from '../routing/pgrReference';

const shanghai = roadDataFile('shanghai_center.osm.pbf');
const monaco = roadDataFile('monaco.osm.pbf');

describe.skipIf(!shanghai)(roadDataSuite('importing the real Shanghai centre network', 'shanghai_center.osm.pbf'), () => {
  let database: TestDatabase;
  let first: ImportReport;
  let notifications: string[];
  let listener: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    notifications = [];
    listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    listener.on('notification', (n) => notifications.push(`${n.channel}:${n.payload}`));
    await listener.query('LISTEN road_network_changed');
    first = await importRoads(database.db, { file: shanghai!, region: 'shanghai' });
  });
  afterAll(async () => {
    await listener?.end();
    await database?.drop();
  });

  it('reports counts in the range the road data README gives', () => {
    expect(first.region).toBe('shanghai');
    expect(first.format).toBe('osm_pbf');
    expect(first.ways).toBeGreaterThan(4_500);
    expect(first.ways).toBeLessThan(4_900);
    expect(first.edges).toBeGreaterThan(6_500);
    expect(first.edges).toBeLessThan(7_500);
    expect(first.vertices).toBeGreaterThan(4_000);
    expect(first.vertices).toBeLessThan(first.edges);
    expect(first.lengthKm).toBeGreaterThan(800);
    expect(first.lengthKm).toBeLessThan(1_200);
    expect(first.largestComponentShare).toBeGreaterThan(0.95);
    expect(first.largestComponentShare).toBeLessThanOrEqual(1);
    expect(first.onewayEdges).toBeGreaterThan(3_000);
  });

  it('stores what it reports, with components from pgRouting', async () => {
    const { rows } = await database.db.query(
      `SELECT n.status, n.edges, n.vertices, n.length_km, n.largest_component_share, n.source_format, n.synthetic,
              (SELECT count(*) FROM road_edges WHERE network_id = n.id) AS edge_rows,
              (SELECT count(*) FROM road_vertices WHERE network_id = n.id AND component IS NULL) AS without_component,
              (SELECT sum(ST_Length(geom::geography)) / 1000 FROM road_edges WHERE network_id = n.id) AS km
         FROM road_networks n WHERE n.id = $1`,
      [first.networkId],
    );
    const n = rows[0];
    expect(n).toMatchObject({ status: 'ready', edges: first.edges, vertices: first.vertices, source_format: 'osm_pbf', synthetic: false });
    expect(n.edge_rows).toBe(first.edges);
    expect(n.without_component).toBe(0);
    expect(n.km).toBeCloseTo(first.lengthKm, 3);
    expect(n.largest_component_share).toBeCloseTo(first.largestComponentShare, 5);
    expect(await activeNetworkId(database.db, 'shanghai')).toBe(first.networkId);
    expect(await activeNetworkId(database.db, 'nowhere')).toBeNull();
  });

  it('keeps street names and falls back to the route number', async () => {
    const { rows } = await database.db.query(
      `SELECT count(*) FILTER (WHERE name IS NOT NULL)::float / count(*) AS named,
              count(*) FILTER (WHERE name = '延安东路') AS yanan
         FROM road_edges WHERE network_id = $1`,
      [first.networkId],
    );
    expect(rows[0].named).toBeGreaterThan(0.85);
    expect(rows[0].yanan).toBeGreaterThan(10);
  });

  it('costs each edge as its length at the maxspeed or the class speed', async () => {
    const { rows } = await database.db.query(
      `SELECT e.length_m, e.cost, e.reverse_cost, e.maxspeed_kmh, s.kmh
         FROM road_edges e JOIN road_class_speeds s USING (highway) WHERE e.network_id = $1`,
      [first.networkId],
    );
    let withMaxspeed = 0;
    for (const e of rows) {
      const speed = (e.maxspeed_kmh ?? e.kmh) / 3.6;
      if (e.maxspeed_kmh !== null) withMaxspeed++;
      if (e.cost >= 0) expect(e.cost).toBeCloseTo(e.length_m / speed, 3);
      if (e.reverse_cost >= 0) expect(e.reverse_cost).toBeCloseTo(e.length_m / speed, 3);
      expect(e.cost >= 0 || e.reverse_cost >= 0).toBe(true);
    }
    expect(withMaxspeed).toBeGreaterThan(50);
  });

  it('makes one-way streets drivable one way only, as pgRouting confirms', async () => {
    // Long one-way edges inside the main component: pgRouting must use one forwards and detour back. (Some
    // one-way streets lead out of the extract with no way back, hence the first of several that has one.)
    const { rows } = await database.db.query(
      `SELECT e.id, e.source, e.target, e.cost FROM road_edges e
         JOIN road_vertices a ON a.network_id = e.network_id AND a.id = e.source
         JOIN road_vertices b ON b.network_id = e.network_id AND b.id = e.target
        WHERE e.network_id = $1 AND e.cost >= 0 AND e.reverse_cost < 0 AND a.component = b.component
          AND a.component = (SELECT component FROM road_vertices WHERE network_id = $1
                              GROUP BY component ORDER BY count(*) DESC LIMIT 1)
        ORDER BY e.length_m DESC LIMIT 20`,
      [first.networkId],
    );
    let edge = rows[0];
    let backward = null;
    for (const candidate of rows) {
      edge = candidate;
      backward = await pgrShortestPath(database.db, 'shanghai', edge.target, edge.source);
      if (backward) break;
    }
    const forward = await pgrShortestPath(database.db, 'shanghai', edge.source, edge.target);
    expect(forward!.cost).toBeCloseTo(edge.cost, 6);
    expect(forward!.edges).toEqual([edge.id]);
    expect(backward).not.toBeNull();
    expect(backward!.edges).not.toContain(edge.id);
    expect(backward!.cost).toBeGreaterThan(forward!.cost);
  });

  it('refuses to replace the region without replace: true', async () => {
    await expect(importRoads(database.db, { file: shanghai!, region: 'shanghai' })).rejects.toThrowError(
      /region shanghai already exists \(imported \d{4}-\d\d-\d\dT.* from shanghai_center\.osm\.pbf\); pass --replace/,
    );
    expect(await activeNetworkId(database.db, 'shanghai')).toBe(first.networkId);
  });

  it('imports the same file again with identical counts, retiring the old network and its rows', async () => {
    notifications.length = 0;
    const second = await importRoads(database.db, { file: shanghai!, region: 'shanghai', replace: true });
    expect(second.networkId).not.toBe(first.networkId);
    const { durationMs: _a, networkId: _b, stageMs: _e, ...same } = second;
    const { durationMs: _c, networkId: _d, stageMs: _f, ...before } = first;
    expect(same).toEqual(before);
    expect(await activeNetworkId(database.db, 'shanghai')).toBe(second.networkId);
    const old = await database.db.query(
      `SELECT status, (SELECT count(*) FROM road_edges WHERE network_id = $1) AS edges,
              (SELECT count(*) FROM road_vertices WHERE network_id = $1) AS vertices
         FROM road_networks WHERE id = $1`,
      [first.networkId],
    );
    expect(old.rows[0]).toEqual({ status: 'retired', edges: 0, vertices: 0 });
    await expect.poll(() => notifications).toEqual(['road_network_changed:shanghai']);
  });
});

describe.skipIf(!monaco)(roadDataSuite('importing the real Monaco network', 'monaco.osm.pbf'), () => {
  let database: TestDatabase;
  let report: ImportReport;

  beforeAll(async () => {
    database = await createTestDatabase();
    report = await importRoads(database.db, { file: monaco! });
  });
  afterAll(() => database?.drop());

  it('derives the region from the file name and imports every drivable class', async () => {
    expect(report.region).toBe('monaco');
    expect(report.edges).toBeGreaterThan(2_500);
    expect(report.edges).toBeLessThan(3_300);
    const { rows } = await database.db.query('SELECT DISTINCT highway FROM road_edges WHERE network_id = $1', [report.networkId]);
    const classes = rows.map((r) => r.highway);
    for (const c of ['motorway', 'motorway_link', 'primary', 'secondary', 'tertiary', 'residential', 'service', 'track']) {
      expect(classes).toContain(c);
    }
    for (const c of ['footway', 'steps', 'path', 'pedestrian', 'cycleway']) expect(classes).not.toContain(c);
  });

  it('keeps tunnels and makes motorways one-way', async () => {
    const { rows } = await database.db.query(
      `SELECT count(*) FILTER (WHERE tunnel) AS tunnels,
              count(*) FILTER (WHERE highway = 'motorway') AS motorway,
              count(*) FILTER (WHERE highway = 'motorway' AND (cost < 0) <> (reverse_cost < 0)) AS motorway_oneway
         FROM road_edges WHERE network_id = $1`,
      [report.networkId],
    );
    expect(rows[0].tunnels).toBeGreaterThan(50);
    expect(rows[0].motorway).toBeGreaterThan(10);
    expect(rows[0].motorway_oneway).toBe(rows[0].motorway);
  });
});
