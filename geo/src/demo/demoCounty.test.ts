import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@dispatch/db/testDatabase';
import type { ImportReport } from '../import/importRoads';
import { DEMO_REGION, generateDemoCounty, importDemoCounty, writeDemoCounty } from './demoCounty';

const BBOX = { minLon: 111.736, maxLon: 112.171, minLat: 36.834, maxLat: 37.185 };

describe('the synthetic demo county generator', () => {
  const county = generateDemoCounty();

  it('generates the same county every time', () => {
    const again = generateDemoCounty();
    expect(again.osmXml).toBe(county.osmXml);
    expect(again.places).toEqual(county.places);
    expect(again.stations).toEqual(county.stations);
    expect(again.hospitals).toEqual(county.hospitals);
  });

  it('labels the data synthetic: a note on the document and source=synthetic on every way and every named place', () => {
    expect(county.osmXml).toMatch(/<note>SYNTHETIC demo road network/);
    const ways = county.osmXml.match(/<way /g)!.length;
    // The gazetteer's nodes: towns, districts, villages, stations and hospitals.
    const places = county.osmXml.match(/<node [^>]*[^/]>/g)!.length;
    expect(places).toBe(county.places.length + county.stations.length + county.hospitals.length);
    expect(county.osmXml.match(/<tag k="source" v="synthetic"\/>/g)).toHaveLength(ways + places);
  });

  it('places 163 uniquely named villages, the towns and city districts inside the county', () => {
    const villages = county.places.filter((p) => p.kind === 'village');
    expect(villages).toHaveLength(163);
    expect(new Set(villages.map((v) => v.name)).size).toBe(163);
    expect(county.places.filter((p) => p.kind === 'town').map((p) => p.name)).toEqual(expect.arrayContaining(['张兰镇', '义棠镇']));
    expect(county.places.some((p) => p.kind === 'district')).toBe(true);
    for (const p of county.places) {
      expect(p.lon, p.name).toBeGreaterThan(BBOX.minLon);
      expect(p.lon, p.name).toBeLessThan(BBOX.maxLon);
      expect(p.lat, p.name).toBeGreaterThan(BBOX.minLat);
      expect(p.lat, p.name).toBeLessThan(BBOX.maxLat);
      expect(p.nameEn.length).toBeGreaterThan(2);
    }
  });

  it('has the emergency centre in the city and substations in Zhanglan and Yitang', () => {
    expect(county.stations.map((s) => [s.kind, s.nameEn])).toEqual([
      ['centre', 'Jiexiu Emergency Centre'],
      ['substation', 'Zhanglan Substation'],
      ['substation', 'Yitang Substation'],
    ]);
    const [centre, zhanglan] = county.stations;
    // Zhanglan is ~17 km north-east of the centre.
    const km = Math.hypot((zhanglan!.lon - centre!.lon) * 88.86, (zhanglan!.lat - centre!.lat) * 111.13);
    expect(km).toBeGreaterThan(15);
    expect(km).toBeLessThan(19);
    expect(zhanglan!.lon).toBeGreaterThan(centre!.lon);
    expect(zhanglan!.lat).toBeGreaterThan(centre!.lat);
  });

  it('has the hospitals the dispatch rules need, with unique codes', () => {
    const byName = new Map(county.hospitals.map((h) => [h.name, h]));
    expect(byName.get('介休市人民医院')).toMatchObject({
      kind: 'general',
      capabilities: expect.arrayContaining(['emergency', 'pci', 'stroke_centre', 'obstetrics', 'nicu', 'trauma', 'paediatrics']),
    });
    expect(byName.get('介休市中医院')).toMatchObject({ kind: 'tcm', capabilities: ['emergency', 'obstetrics'] });
    expect(county.hospitals.filter((h) => h.kind === 'private').length).toBeGreaterThanOrEqual(1);
    expect(county.hospitals.filter((h) => h.kind === 'township').map((h) => h.name)).toEqual(
      expect.arrayContaining(['张兰镇卫生院', '义棠镇卫生院']),
    );
    expect(county.hospitals.filter((h) => h.capabilities.includes('fever_clinic'))).toHaveLength(1);
    expect(new Set(county.hospitals.map((h) => h.code)).size).toBe(county.hospitals.length);
  });

  it('writes the OSM XML and a gazetteer file', async () => {
    const { osmFile, gazetteerFile } = await writeDemoCounty(mkdtempSync(join(tmpdir(), 'demo-')));
    expect(readFileSync(osmFile, 'utf8')).toBe(county.osmXml);
    const gazetteer = JSON.parse(readFileSync(gazetteerFile, 'utf8'));
    expect(gazetteer.places).toEqual(county.places);
    expect(gazetteer.note).toMatch(/SYNTHETIC/);
  });
});

describe('importing the synthetic demo county', () => {
  let database: TestDatabase;
  let report: ImportReport;
  const county = generateDemoCounty();

  beforeAll(async () => {
    database = await createTestDatabase();
    report = await importDemoCounty(database.db);
  });
  afterAll(() => database?.drop());

  it('imports through the OSM importer as a synthetic region of a few thousand edges at most', async () => {
    expect(report.region).toBe(DEMO_REGION);
    expect(report.format).toBe('osm_xml');
    expect(report.edges).toBeGreaterThan(500);
    expect(report.edges).toBeLessThan(3_000);
    expect(report.largestComponentShare).toBeGreaterThan(0.99);
    expect(report.onewayEdges).toBeGreaterThan(0);
    const { rows } = await database.db.query('SELECT synthetic, status FROM road_networks WHERE id = $1', [report.networkId]);
    expect(rows[0]).toEqual({ synthetic: true, status: 'ready' });
  });

  it('has every road class of a county: G108, county roads, city streets and village roads', async () => {
    const { rows } = await database.db.query(
      `SELECT highway, count(*) FILTER (WHERE name = 'G108') AS g108 FROM road_edges WHERE network_id = $1 GROUP BY highway`,
      [report.networkId],
    );
    const classes = new Map(rows.map((r) => [r.highway, r.g108]));
    for (const c of ['trunk', 'primary', 'secondary', 'tertiary', 'residential', 'unclassified', 'track']) expect(classes.has(c)).toBe(true);
    expect(classes.get('trunk')).toBeGreaterThan(0);
  });

  it('has no roads crossing without a junction', async () => {
    const { rows } = await database.db.query(
      `SELECT count(*) AS n FROM road_edges a JOIN road_edges b
          ON a.network_id = b.network_id AND a.id < b.id AND ST_Crosses(a.geom, b.geom) AND NOT (a.bridge OR b.bridge)
       WHERE a.network_id = $1`,
      [report.networkId],
    );
    expect(rows[0].n).toBe(0);
  });

  it('puts every station, hospital and village on the road network (within 60 m)', async () => {
    const points = [...county.stations, ...county.hospitals, ...county.places.filter((p) => p.kind !== 'district')];
    const { rows } = await database.db.query(
      `SELECT p.name FROM unnest($2::text[], $3::float8[], $4::float8[]) AS p(name, lon, lat)
        WHERE NOT EXISTS (SELECT 1 FROM road_edges e WHERE e.network_id = $1
                            AND ST_DWithin(e.geom::geography, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)::geography, 60))`,
      [report.networkId, points.map((p) => p.name), points.map((p) => p.lon), points.map((p) => p.lat)],
    );
    expect(rows.map((r) => r.name)).toEqual([]);
  });

  it('replaces itself only when asked', async () => {
    await expect(importDemoCounty(database.db)).rejects.toThrowError(/region jiexiu-demo already exists/);
    const again = await importDemoCounty(database.db, { replace: true });
    expect(again.edges).toBe(report.edges);
    expect(again.lengthKm).toBe(report.lengthKm);
  });
});
