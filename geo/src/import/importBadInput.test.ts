import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@dispatch/db/testDatabase';
import { activeNetworkId, importRoads, type ImportOptions } from './importRoads';
import { pgrShortestPath } from '../routing/pgrReference';
import { writeTempFile } from './testFiles';

/** A small routable town as OSM XML: two-way 1-2-3, one-way 3-4-1 back, and a cross street 2-4. */
const TOWN = `<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
  <node id="1" lat="37.00" lon="111.90"/>
  <node id="2" lat="37.00" lon="111.91"/>
  <node id="3" lat="37.01" lon="111.91"/>
  <node id="4" lat="37.01" lon="111.90"/>
  <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/><tag k="name" v="East &amp; North"/></way>
  <way id="11"><nd ref="3"/><nd ref="4"/><nd ref="1"/><tag k="highway" v="tertiary"/><tag k="oneway" v="yes"/></way>
  <way id="12"><nd ref="2"/><nd ref="4"/><tag k="highway" v="residential"/></way>
</osm>
`;

describe('bad road input', () => {
  let database: TestDatabase;
  let networkId: number;

  beforeAll(async () => {
    database = await createTestDatabase();
    networkId = (await importRoads(database.db, { file: writeTempFile('town.osm', TOWN), region: 'town' })).networkId;
  });
  afterAll(() => database?.drop());

  /** The region still routes on the network it had, and nothing of the failed import stayed. */
  async function expectTownIntact(): Promise<void> {
    expect(await activeNetworkId(database.db, 'town')).toBe(networkId);
    const { rows } = await database.db.query(
      `SELECT (SELECT count(*) FROM road_networks WHERE status <> 'retired') AS networks,
              (SELECT count(*) FROM road_edges WHERE network_id <> $1) AS other_edges,
              (SELECT count(*) FROM road_vertices WHERE network_id <> $1) AS other_vertices,
              (SELECT status FROM road_networks WHERE id = $1) AS status`,
      [networkId],
    );
    expect(rows[0]).toEqual({ networks: 1, other_edges: 0, other_vertices: 0, status: 'ready' });
    const path = await pgrShortestPath(database.db, 'town', 1, 3);
    expect(path?.cost).toBeGreaterThan(0);
    expect(await pgrShortestPath(database.db, 'town', 4, 3)).not.toBeNull();
  }

  async function expectRefused(options: Partial<ImportOptions> & { file: string }, message: RegExp): Promise<void> {
    await expect(importRoads(database.db, { region: 'town', replace: true, ...options })).rejects.toThrowError(message);
    await expectTownIntact();
  }

  it('refuses an empty file', async () => {
    await expectRefused({ file: writeTempFile('empty.osm.pbf', '') }, /empty\.osm\.pbf is empty/);
  });

  it('refuses a corrupt PBF file with osmium’s reason', async () => {
    await expectRefused({ file: writeTempFile('corrupt.osm.pbf', randomBytes(4096)) }, /cannot read .*corrupt\.osm\.pbf as OSM PBF: .*PBF error/);
  });

  it('refuses a file that is not XML at all', async () => {
    await expectRefused({ file: writeTempFile('text.osm', 'hello, not xml') }, /cannot read .*text\.osm as OSM XML: .*XML parsing error/);
  });

  it('refuses OSM XML without roads', async () => {
    const buildings = TOWN.replace(/"highway" v="[a-z]+"/g, '"building" v="yes"');
    await expectRefused({ file: writeTempFile('buildings.osm', buildings) }, /no drivable roads found: 0 ways read/);
  });

  it('refuses OSM XML with a coordinate out of range, naming the node', async () => {
    const bad = TOWN.replace('lat="37.01" lon="111.91"', 'lat="97.01" lon="111.91"');
    await expectRefused({ file: writeTempFile('bad.osm', bad) }, /node 3: latitude 97\.01 is out of range/);
  });

  it('refuses GeoJSON with longitude 200, naming the feature', async () => {
    const layer = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { highway: 'primary' }, geometry: { type: 'LineString', coordinates: [[111.9, 37], [111.91, 37]] } },
        { type: 'Feature', properties: { highway: 'primary' }, geometry: { type: 'LineString', coordinates: [[200, 37], [111.91, 37]] } },
      ],
    };
    await expectRefused(
      { file: writeTempFile('far.geojson', JSON.stringify(layer)) },
      /features\[1\]\.geometry\.coordinates\[0\]\[0\]: longitude must be between -180 and 180/,
    );
  });

  it('refuses GeoJSON that is not JSON or not a FeatureCollection', async () => {
    await expectRefused({ file: writeTempFile('broken.geojson', '{"type": "Feature') }, /cannot read .*broken\.geojson as GeoJSON/);
    await expectRefused(
      { file: writeTempFile('point.geojson', '{"type": "Point", "coordinates": [1, 2]}') },
      /invalid GeoJSON .*type: expected a GeoJSON FeatureCollection of road lines/,
    );
  });

  it('refuses a missing file', async () => {
    await expectRefused({ file: '/nonexistent/roads.osm.pbf' }, /cannot read \/nonexistent\/roads\.osm\.pbf: ENOENT/);
  });

  it('refuses to replace a region without replace, naming when and from what it was imported', async () => {
    await expectRefused(
      { file: writeTempFile('town.osm', TOWN), replace: false },
      /region town already exists \(imported \d{4}-\d\d-\d\dT[\d:.]+Z from town\.osm\); pass --replace/,
    );
  });

  it('refuses an invalid region name', async () => {
    await expectRefused({ file: writeTempFile('town.osm', TOWN), region: 'Town Centre' }, /region name "Town Centre" is invalid/);
    await expect(importRoads(database.db, { file: writeTempFile('路网.osm', TOWN) })).rejects.toThrowError(/cannot derive a region name/);
  });

  it('deletes the half-written network when the database fails in the middle of an import', async () => {
    await database.db.query(`CREATE FUNCTION fail_vertex() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN RAISE EXCEPTION 'simulated failure writing vertices'; END $$`);
    await database.db.query('CREATE TRIGGER fail_vertex BEFORE INSERT ON road_vertices FOR EACH ROW EXECUTE FUNCTION fail_vertex()');
    try {
      await expectRefused({ file: writeTempFile('town.osm', TOWN) }, /simulated failure writing vertices/);
    } finally {
      await database.db.query('DROP TRIGGER fail_vertex ON road_vertices');
    }
  });

  it('cleans up a network a crashed import left behind and replaces the region', async () => {
    await database.db.query(
      "INSERT INTO road_networks (region, source_name, source_format, status) VALUES ('town', 'crashed.osm', 'osm_xml', 'importing')",
    );
    const report = await importRoads(database.db, { file: writeTempFile('town.osm', TOWN), region: 'town', replace: true });
    expect(report).toMatchObject({ edges: 5, vertices: 4, ways: 3, onewayEdges: 2 });
    networkId = report.networkId;
    await expectTownIntact();
  });
});
