import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@dispatch/db/testDatabase';
import { DEMO_REGION, generateDemoCounty, importDemoCounty } from '../demo/demoCounty';
import { importRoads, type ImportReport } from '../import/importRoads';
import { roadDataFile, roadDataSuite } from '../routing/roadData';
import { normalisePinyin, pinyinKeys } from './pinyinKeys';
import { OSM_PLACE_FILTERS, placeKind } from './placeTags';

describe('pinyin keys and place tags', () => {
  it('gives toneless pinyin and initials, polyphones read in context, letters and digits kept', () => {
    expect(pinyinKeys('张兰镇')).toEqual({ pinyin: 'zhanglanzhen', initials: 'zlz' });
    expect(pinyinKeys('重庆南路')).toEqual({ pinyin: 'chongqingnanlu', initials: 'cqnl' });
    expect(pinyinKeys('中山北路1号')).toEqual({ pinyin: 'zhongshanbeilu1hao', initials: 'zsbl1h' });
    expect(pinyinKeys('Boulevard Albert 1er')).toEqual({ pinyin: '', initials: '' });
    expect(normalisePinyin("Zhang Lan'zhen")).toBe('zhanglanzhen');
  });

  it('keeps named hospitals, stations, settlements and points of interest, the first rule deciding', () => {
    expect(placeKind({ name: '介休市人民医院', amenity: 'hospital', building: 'yes' })).toBe('hospital');
    expect(placeKind({ name: '张兰镇', place: 'town' })).toBe('town');
    expect(placeKind({ name: 'Monte-Carlo', place: 'suburb' })).toBe('district');
    expect(placeKind({ name: '120', emergency: 'ambulance_station' })).toBe('station');
    expect(placeKind({ name: '介休一中', amenity: 'school' })).toBe('school');
    expect(placeKind({ name: '农贸市场', amenity: 'marketplace' })).toBe('market');
    expect(placeKind({ name: '焦化厂', man_made: 'works' })).toBe('factory');
    expect(placeKind({ amenity: 'hospital' })).toBeNull();
    expect(placeKind({ name: 'bench', amenity: 'bench' })).toBeNull();
    expect(OSM_PLACE_FILTERS).toContain('nwr/emergency=ambulance_station');
  });
});

describe('the gazetteer an import builds', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  const rows = async (sql: string, params: unknown[] = []) => (await database.db.query(sql, params)).rows;

  describe('from the synthetic demo county', () => {
    let report: ImportReport;
    beforeAll(async () => {
      report = await importDemoCounty(database.db);
    });

    it('has its towns, districts, villages, hospitals, stations and named streets, flagged synthetic, with pinyin', async () => {
      expect(report.streets).toBeGreaterThan(100);
      expect(report.places).toBe(8 + 4 + 163 + 12 + 3);
      const kinds = await rows(
        `SELECT kind, count(*)::int AS n, bool_and(synthetic) AS synthetic FROM places p JOIN road_regions r ON r.network_id = p.network_id
          WHERE r.name = $1 GROUP BY kind ORDER BY kind`, [DEMO_REGION]);
      expect(Object.fromEntries(kinds.map((k) => [k.kind, k.n]))).toMatchObject({ town: 8, district: 4, village: 163, hospital: 12, station: 3 });
      expect(kinds.every((k) => k.synthetic)).toBe(true);
      const [town] = await rows(`SELECT name_en, pinyin, initials FROM places WHERE name = '张兰镇'`);
      expect(town).toEqual({ name_en: 'Zhanglan Town', pinyin: 'zhanglanzhen', initials: 'zlz' });
    });

    it('gives every village, town and district its (synthetic) population from the population tag; other places none', async () => {
      const byKind = await rows(
        `SELECT kind, count(population)::int AS known, count(*)::int AS n, min(population) AS min, max(population) AS max
           FROM gazetteer GROUP BY kind ORDER BY kind`);
      const of = (kind: string) => byKind.find((k) => k.kind === kind);
      expect(of('village')).toMatchObject({ known: 163, n: 163 });
      expect(of('village').min).toBeGreaterThanOrEqual(300);
      expect(of('village').max).toBeLessThanOrEqual(3000);
      expect(of('town')).toMatchObject({ known: 8, n: 8 });
      expect(of('town').min).toBeGreaterThan(of('village').max);
      expect(of('district').min).toBeGreaterThan(of('town').max);
      for (const kind of ['hospital', 'station', 'street']) expect(of(kind).known, kind).toBe(0);
      // The same as the generator's, village by village.
      const county = generateDemoCounty();
      const stored = new Map((await rows(`SELECT name, lon, lat, population FROM (SELECT name, ST_X(location) AS lon, ST_Y(location) AS lat, population
        FROM gazetteer WHERE kind = 'village') v`)).map((r) => [`${r.name}@${r.lon},${r.lat}`, r.population]));
      for (const v of county.places.filter((p) => p.kind === 'village')) expect(stored.get(`${v.name}@${v.lon},${v.lat}`)).toBe(v.population);
    });

    it('merges a street\'s edges into one line with its extent (新华街: the city street and its spokes to the ring road)', async () => {
      const [street] = await rows(
        `SELECT count(*) OVER () AS places, ST_GeometryType(extent) AS type, ST_Length(extent::geography) AS length_m, pinyin, initials,
                ST_DWithin(location, extent, 1e-9) AS on_street,
                (SELECT count(*)::int FROM road_edges e WHERE e.network_id = p.network_id AND e.name = '新华街') AS edges
           FROM places p WHERE name = '新华街' AND kind = 'street'`);
      expect(street).toMatchObject({ places: 1, type: 'ST_LineString', pinyin: 'xinhuajie', initials: 'xhj', on_street: true });
      expect(street.edges).toBeGreaterThan(5);
      // The 5 km city street and the two 1.5 km spokes out to the ring road.
      expect(street.length_m).toBeGreaterThan(6_000);
      expect(street.length_m).toBeLessThan(9_000);
    });

    it('keeps like-named streets far apart as places of their own (each town\'s 中街 is its own)', async () => {
      const [{ n }] = await rows(`SELECT count(*)::int AS n FROM places WHERE kind = 'street' AND name LIKE '%中街'`);
      const [{ names }] = await rows(`SELECT count(DISTINCT name)::int AS names FROM road_edges WHERE name LIKE '%中街'`);
      expect(n).toBeGreaterThanOrEqual(names);
    });

    it('replaces the gazetteer with the network: a second import leaves one set of places', async () => {
      const before = await rows(`SELECT kind, count(*)::int AS n FROM places GROUP BY kind ORDER BY kind`);
      await importDemoCounty(database.db, { replace: true });
      expect(await rows(`SELECT kind, count(*)::int AS n FROM places GROUP BY kind ORDER BY kind`)).toEqual(before);
    });
  });

  const monaco = roadDataFile('monaco.osm.pbf');
  describe.skipIf(!monaco)(roadDataSuite('from the real Monaco extract (OSM: © OpenStreetMap contributors, ODbL)', 'monaco.osm.pbf'), () => {
    let report: ImportReport;
    beforeAll(async () => {
      report = await importRoads(database.db, { file: monaco!, region: 'monaco' });
    });

    it('has its named hospitals, schools, suburbs and streets as OSM tags them', async () => {
      expect(report.streets).toBeGreaterThan(300);
      expect(report.places).toBeGreaterThan(100);
      const named = async (name: string) => rows(`SELECT kind, osm_id, synthetic FROM places WHERE name = $1`, [name]);
      expect(await named('Centre Cardio Thoracique de Monaco')).toEqual([{ kind: 'hospital', osm_id: 'n1794111144', synthetic: false }]);
      // A school mapped as a building outline: one place (a point inside it), not its line and its area.
      expect(await named('Lycée Albert-1er')).toEqual([{ kind: 'school', osm_id: 'w104863462', synthetic: false }]);
      expect(await named('Monte-Carlo')).toEqual([{ kind: 'district', osm_id: 'n25258130', synthetic: false }]);
      expect((await named('Boulevard Princesse Charlotte')).map((p) => p.kind)).toContain('street');
    });

    it('reads the population OSM gives its towns, villages and suburbs, and none where it gives none', async () => {
      const population = async (name: string) => (await rows(`SELECT kind, population FROM gazetteer WHERE name = $1 AND kind <> 'street'`, [name]));
      expect(await population('La Turbie')).toEqual([{ kind: 'village', population: 3180 }]);
      expect(await population('Beausoleil')).toEqual([{ kind: 'town', population: 13515 }]);
      expect(await population('Monte-Carlo')).toEqual([{ kind: 'district', population: 15507 }]);
      expect(await population('Fontvieille')).toEqual([{ kind: 'district', population: null }]);
      const [{ known }] = await rows(`SELECT count(*)::int AS known FROM places p JOIN road_regions r ON r.network_id = p.network_id
        WHERE r.name = 'monaco' AND population IS NOT NULL`);
      expect(known).toBeGreaterThanOrEqual(6);
    });
  });

  const shanghai = roadDataFile('shanghai_center.osm.pbf');
  describe.skipIf(!shanghai)(roadDataSuite('from the real Shanghai centre extract (Chinese street names)', 'shanghai_center.osm.pbf'), () => {
    beforeAll(async () => {
      await importRoads(database.db, { file: shanghai!, region: 'shanghai' });
    });

    it('gives each Chinese street its pinyin, initials and the English name most of its ways carry', async () => {
      const [street] = await rows(`SELECT name_en, pinyin, initials, ST_Length(extent::geography) AS length_m FROM places WHERE name = '淮海中路' AND kind = 'street'`);
      expect(street).toMatchObject({ name_en: 'Middle Huaihai Road', pinyin: 'huaihaizhonglu', initials: 'hhzl' });
      expect(street.length_m).toBeGreaterThan(2_000);
    });
  });
});
