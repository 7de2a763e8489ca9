import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@dispatch/db/testDatabase';
import { importRoads, recostRegion, type ImportReport } from './importRoads';
import { pgrShortestPath } from '../routing/pgrReference';
import { writeTempFile } from './testFiles';

/**
 * A hand-drawn county layer: Main street (maxspeed 60) meets Cross street at a shared vertex; a bridge
 * passes over Main with no vertex there; a one-way street and a back road close a loop; a farm road has
 * no class at all.
 */
const layer = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { highway: 'primary', name: 'Main', maxspeed: 60 },
      geometry: { type: 'LineString', coordinates: [[111.9, 37.0], [111.91, 37.0], [111.92, 37.0]] } },
    { type: 'Feature', properties: { highway: 'residential', name: 'Cross' },
      geometry: { type: 'LineString', coordinates: [[111.91, 36.99], [111.91, 37.0], [111.91, 37.01]] } },
    { type: 'Feature', properties: { highway: 'secondary', name: 'Bridge', bridge: 'yes' },
      geometry: { type: 'LineString', coordinates: [[111.915, 36.99], [111.915, 37.01]] } },
    { type: 'Feature', properties: { highway: 'tertiary', name: 'One Way', oneway: true },
      geometry: { type: 'MultiLineString', coordinates: [[[111.92, 37.0], [111.92, 37.01]]] } },
    { type: 'Feature', properties: { highway: 'residential', name: 'Back', extra: { nested: 1 } },
      geometry: { type: 'LineString', coordinates: [[111.92, 37.01], [111.91, 37.01]] } },
    { type: 'Feature', properties: { name: 'Farm road' },
      geometry: { type: 'LineString', coordinates: [[111.9, 37.0], [111.9, 36.99]] } },
    { type: 'Feature', properties: { highway: 'footway', name: 'Path' },
      geometry: { type: 'LineString', coordinates: [[111.9, 37.0], [111.895, 37.0]] } },
  ],
};

describe('importing a GeoJSON road layer', () => {
  let database: TestDatabase;
  let report: ImportReport;
  const edge = async (name: string) =>
    (
      await database.db.query(
        `SELECT e.*, ST_AsText(e.geom) AS wkt FROM road_edges e JOIN road_regions r ON r.network_id = e.network_id
          WHERE r.name = 'county-gis' AND e.name = $1 ORDER BY e.id`,
        [name],
      )
    ).rows;
  const vertexAt = async (lon: number, lat: number) =>
    (
      await database.db.query(
        `SELECT v.id FROM road_vertices v JOIN road_regions r ON r.network_id = v.network_id
          WHERE r.name = 'county-gis' AND ST_Equals(v.geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))`,
        [lon, lat],
      )
    ).rows[0]?.id as number | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    report = await importRoads(database.db, { file: writeTempFile('roads.geojson', JSON.stringify(layer)), region: 'county-gis' });
  });
  afterAll(() => database?.drop());

  it('splits lines at shared vertices only and reports the result', async () => {
    expect(report).toMatchObject({ region: 'county-gis', format: 'geojson', ways: 6, edges: 8, vertices: 9, onewayEdges: 1 });
    expect(await edge('Main')).toHaveLength(2);
    expect(await edge('Cross')).toHaveLength(2);
    expect(await edge('Path')).toHaveLength(0);
  });

  it('imports the drivable lines of a mixed export, and reports what it left out and why', async () => {
    const feature = (geometry: object | null, properties: object) => ({ type: 'Feature', properties, geometry });
    const line = (coordinates: number[][]) => ({ type: 'LineString', coordinates });
    const square = [[111.93, 37.0], [111.931, 37.0], [111.931, 37.001], [111.93, 37.001], [111.93, 37.0]];
    const mixed = {
      type: 'FeatureCollection',
      // What overpass turbo and ogr2ogr write besides: a crs member, ids, nested tags.
      crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } },
      features: [
        feature(line([[111.93, 37.0], [111.94, 37.0]]), { '@id': 'way/1', highway: 'primary', name: 'Open' }),
        feature(line([[111.94, 37.0], [111.95, 37.0]]), { highway: 'service', access: 'no', emergency: 'yes', name: 'Emergency access' }),
        feature(line([[111.94, 37.0], [111.94, 37.01]]), { highway: 'residential', access: 'private', name: 'Compound' }),
        feature(line([[111.93, 37.0], [111.93, 36.99]]), { highway: 'service', access: 'no' }),
        feature(line([[111.93, 37.0], [111.92, 36.99]]), { highway: 'track', access: 'yes', motor_vehicle: 'no' }),
        feature(line([[111.95, 37.0], [111.96, 37.0]]), { highway: 'unclassified', other_tags: '"motorcar"=>"agricultural","surface"=>"gravel"' }),
        feature(line([[111.95, 37.0], [111.95, 37.01]]), { highway: 'tertiary', other_tags: '"oneway"=>"yes","access"=>"destination"' }),
        feature(line([[111.93, 37.0], [111.925, 37.0]]), { highway: 'footway' }),
        feature(line([[111.93, 37.0], [111.925, 37.005]]), { highway: 'cycleway' }),
        feature(line(square), { highway: 'service', area: 'yes', name: 'Car park outline' }),
        feature({ type: 'Polygon', coordinates: [square] }, { highway: 'pedestrian', area: 'yes' }),
        feature({ type: 'Point', coordinates: [111.93, 37.0] }, { highway: 'traffic_signals' }),
        feature({ type: 'Point', coordinates: [111.94, 37.0] }, { amenity: 'hospital' }),
        feature(null, { name: 'no geometry' }),
      ],
    };
    const answer = await importRoads(database.db, { file: writeTempFile('mixed.geojson', JSON.stringify(mixed)), region: 'mixed' });
    expect(answer).toMatchObject({ waysRead: 10, ways: 4, onewayEdges: 1 });
    expect(answer.skipped).toEqual([
      { reason: 'not_a_line', kind: 'Point', count: 2 },
      { reason: 'area', kind: 'service', count: 1 },
      { reason: 'closed_to_vehicles', kind: 'access=no', count: 1 },
      { reason: 'closed_to_vehicles', kind: 'motor_vehicle=no', count: 1 },
      { reason: 'closed_to_vehicles', kind: 'motorcar=agricultural', count: 1 },
      { reason: 'not_a_line', kind: 'none', count: 1 },
      { reason: 'not_a_line', kind: 'Polygon', count: 1 },
      { reason: 'not_drivable', kind: 'cycleway', count: 1 },
      { reason: 'not_drivable', kind: 'footway', count: 1 },
    ]);
    expect(answer.skippedWays).toBe(6);
  });

  it('refuses a layer with no drivable line, saying what it left out', async () => {
    const paths = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { highway: 'footway' }, geometry: { type: 'LineString', coordinates: [[111.9, 37.0], [111.91, 37.0]] } },
        { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [111.9, 37.0] } },
      ],
    };
    await expect(importRoads(database.db, { file: writeTempFile('paths.geojson', JSON.stringify(paths)), region: 'paths' })).rejects.toThrow(
      /no drivable roads found: 1 ways read.*left out: 1 not_a_line \(Point\), 1 not_drivable \(footway\)/,
    );
  });

  it('does not join a line that crosses another without a shared vertex', async () => {
    expect(await vertexAt(111.915, 37.0)).toBeUndefined();
    const [bridge] = await edge('Bridge');
    expect(bridge.bridge).toBe(true);
    const [mainWest] = await edge('Main');
    expect(await pgrShortestPath(database.db, 'county-gis', bridge.source, mainWest.source)).toBeNull();
    expect(report.largestComponentShare).toBeLessThan(1);
  });

  it('honours the oneway property', async () => {
    const [oneWay] = await edge('One Way');
    expect(oneWay.cost).toBeGreaterThan(0);
    expect(oneWay.reverse_cost).toBeLessThan(0);
    const north = await pgrShortestPath(database.db, 'county-gis', oneWay.source, oneWay.target);
    const south = await pgrShortestPath(database.db, 'county-gis', oneWay.target, oneWay.source);
    expect(north!.edges).toEqual([oneWay.id]);
    // Back along Back road, down Cross street and east on Main: longer, but the only legal way.
    expect(south!.edges).toHaveLength(3);
    expect(south!.cost).toBeGreaterThan(north!.cost);
  });

  it('costs by maxspeed when given, else by the class speed, and gives unclassed lines the "road" class', async () => {
    const speeds = new Map(
      (await database.db.query('SELECT highway, kmh FROM road_class_speeds')).rows.map((r) => [r.highway, r.kmh]),
    );
    for (const e of await edge('Main')) {
      expect(e.maxspeed_kmh).toBe(60);
      expect(e.cost).toBeCloseTo(e.length_m / (60 / 3.6), 6);
    }
    for (const e of await edge('Cross')) expect(e.cost).toBeCloseTo(e.length_m / (speeds.get('residential') / 3.6), 6);
    const [farm] = await edge('Farm road');
    expect(farm.highway).toBe('road');
    expect(farm.length_m).toBeGreaterThan(1_105);
    expect(farm.length_m).toBeLessThan(1_115);
  });

  it('re-costs a region from an edited speed table and tells servers to reload', async () => {
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    const notes: string[] = [];
    listener.on('notification', (n) => notes.push(`${n.channel}:${n.payload}`));
    await listener.query('LISTEN road_network_changed');
    try {
      const [mainBefore] = await edge('Main');
      await database.db.query("UPDATE road_class_speeds SET kmh = 50 WHERE highway = 'residential'");
      const result = await recostRegion(database.db, 'county-gis');
      expect(result).toMatchObject({ region: 'county-gis', networkId: report.networkId, edges: report.edges });
      for (const e of await edge('Cross')) expect(e.cost).toBeCloseTo(e.length_m / (50 / 3.6), 6);
      const [mainAfter] = await edge('Main');
      expect(mainAfter.cost).toBe(mainBefore.cost);
      const [oneWay] = await edge('One Way');
      expect(oneWay.reverse_cost).toBeLessThan(0);
      await expect.poll(() => notes).toEqual(['road_network_changed:county-gis']);
      await expect(recostRegion(database.db, 'nowhere')).rejects.toThrowError(/region nowhere does not exist/);
    } finally {
      await listener.end();
    }
  });
});
