import { beforeAll, describe, expect, it } from 'vitest';
import { importDemoCounty } from '@dispatch/geo/demo/demoCounty';
import { importRoads } from '@dispatch/geo/import/importRoads';
import { roadDataFile, roadDataSuite } from '@dispatch/geo/routing/roadData';
import type { ApiClient, PlaceCandidateDto, PlaceDto } from '@dispatch/protocol';
import { expectRefusal } from '../support/expectations';
import { demoSuite, serverSuite } from '../support/demoSuite';
import { createLoggedInUser, startTestServer } from '../support/server';

/** The city centre, Zhanglan (17 km north-east) and Yitang (south-west) of the synthetic demo county. */
const CITY = '111.913,37.027';
const ZHANGLAN = '112.06,37.125';
const YITANG = '111.817,36.95';

const names = (places: PlaceDto[]) => places.map((p) => p.name);

describe('the gazetteer through /api/places on the demo county', () => {
  const { server, clients: [dispatcher] } = demoSuite({}, 'dispatcher');
  const search = (q: string, near?: string, limit = 8) => dispatcher.call('searchPlaces', { query: { q, limit, ...(near ? { near } : {}) } });

  it('finds a hospital by part of its Chinese name, with its kind, town and how it matched', async () => {
    const [first] = await search('人民医院', CITY);
    expect(first).toMatchObject({
      name: '介休市人民医院', nameEn: "Jiexiu People's Hospital", kind: 'hospital', synthetic: true,
      town: { name: expect.stringMatching(/街道$/), nameEn: expect.stringMatching(/Subdistrict$/) },
      match: { field: 'name', quality: 'contains' }, sure: false,
    });
    expect(first!.distanceM).toBeGreaterThan(0);
    expect(first!.distanceM).toBeLessThan(3_000);
  });

  it('finds the street the crew tablet names in its directions, the one exact name taken as sure', async () => {
    const [street, ...rest] = await search('新华街', CITY);
    expect(street).toMatchObject({ name: '新华街', kind: 'street', match: { field: 'name', quality: 'exact' }, sure: true });
    expect(rest.every((p) => !p.sure)).toBe(true);
  });

  it('finds by full pinyin and by pinyin initials; initials are never sure', async () => {
    const [town] = await search('zhanglanzhen', CITY);
    expect(town).toMatchObject({ name: '张兰镇', kind: 'town', town: null, match: { field: 'pinyin', quality: 'exact' }, sure: true });
    const initials = await search('zl', CITY);
    expect(initials[0]).toMatchObject({ name: '张兰镇', kind: 'town', match: { field: 'initials', quality: 'prefix' }, sure: false });
    expect(initials.every((p) => p.match?.field === 'initials' && !p.sure)).toBe(true);
    expect(names(initials)).toEqual(expect.arrayContaining(['张兰急救分站', '张兰镇卫生院']));
    expect((await search('renminyiyuan', CITY))[0]).toMatchObject({ name: '介休市人民医院', match: { field: 'pinyin', quality: 'contains' } });
    expect((await search('Zhang Lan Zhen'))[0]).toMatchObject({ name: '张兰镇', match: { field: 'pinyin', quality: 'exact' } });
  });

  it('gives every place but towns and districts its town', async () => {
    for (const q of ['zl', '村', '医院', '街']) {
      for (const p of await search(q, CITY, 20)) {
        if (p.kind === 'town' || p.kind === 'district') expect(p.town).toBeNull();
        else expect(p.town?.name, `${p.name} (${p.kind})`).toMatch(/(镇|乡|街道)$/);
      }
    }
  });

  it('ranks equal matches by distance from the view centre', async () => {
    // Every town has its 中街: the one nearest the view comes first.
    const nearYitang = await search('中街', YITANG);
    const nearZhanglan = await search('中街', ZHANGLAN);
    expect(nearYitang[0]).toMatchObject({ name: '义棠镇中街', town: { name: '义棠镇' } });
    expect(nearZhanglan[0]).toMatchObject({ name: '张兰镇中街', town: { name: '张兰镇' } });
    const distances = nearZhanglan.filter((p) => p.match?.quality === nearZhanglan[0]!.match?.quality && p.kind === 'street').map((p) => p.distanceM!);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    // Without a view centre there is no distance.
    expect((await search('中街')).every((p) => p.distanceM === null)).toBe(true);
  });

  it('offers weak matches as choices at intake and never takes them: "ab" and "zl" answer 422 with candidates', async () => {
    for (const placeName of ['ab', 'zl', 'zhanglan']) {
      const refused = await expectRefusal(dispatcher.call('createIncident', { body: { placeName, category: 'trauma', priority: 2 } }), 422, /is not a sure match/);
      const { candidates } = refused.details as { candidates: PlaceCandidateDto[] };
      expect(candidates.length, placeName).toBeGreaterThan(1);
      expect(candidates.every((c) => !c.sure && c.match !== null), placeName).toBe(true);
    }
    expect((await search('ab', CITY)).some((p) => p.sure)).toBe(false);
    // A sure name is taken: the street, the town by its pinyin, the town by its name without 镇.
    for (const [placeName, taken] of [['新华街', '新华街'], ['zhanglanzhen', '张兰镇'], ['张兰', '张兰镇']]) {
      expect((await dispatcher.call('createIncident', { body: { placeName, category: 'trauma', priority: 3 } })).placeName).toBe(taken);
    }
  });

  it('names the nearest place and named road of a map click, with where each comes closest and the town', async () => {
    const hospital = (await search('介休市人民医院'))[0]!;
    const nearby = await dispatcher.call('reverseGeocode', { query: { at: `${hospital.lon + 0.0002},${hospital.lat}` } });
    expect(nearby.place).toMatchObject({ name: '介休市人民医院', kind: 'hospital', match: null });
    expect(nearby.place!.distanceM).toBeLessThan(30);
    expect(nearby.road).toMatchObject({ kind: 'street', town: { name: expect.stringMatching(/街道$/) } });
    expect(nearby.road!.distanceM).toBeLessThan(60);
    expect(nearby.town?.name).toMatch(/街道$/);
    // A click on the road itself: its nearest point is the click.
    const onRoad = await dispatcher.call('reverseGeocode', { query: { at: `${nearby.road!.closest.lon},${nearby.road!.closest.lat}` } });
    expect(onRoad.road).toMatchObject({ id: nearby.road!.id, distanceM: 0 });
    // Far from everything: nothing named.
    expect(await dispatcher.call('reverseGeocode', { query: { at: '100,10' } })).toEqual({ at: { lon: 100, lat: 10 }, place: null, road: null, town: null });
  });

  it('replaces the gazetteer with a re-imported network, keeping the places incidents were located at (not offered again)', async () => {
    const incident = await dispatcher.call('createIncident', { body: { placeName: '新华街', category: 'trauma', priority: 3 } });
    const [before] = await search('新华街');
    await importDemoCounty(server.database.db, { replace: true });
    const after = (await search('新华街')).filter((p) => p.name === '新华街');
    expect(after).toHaveLength(1);
    expect(after[0]!.id).not.toBe(before!.id);
    expect((await dispatcher.call('getIncident', { params: { id: incident.id } })).placeName).toBe('新华街');
    const { rows } = await server.database.db.query(`SELECT count(*)::int AS n FROM places WHERE name = '新华街'`);
    expect(rows[0].n).toBe(2);
  });

  it('refuses bad coordinates with 400 naming the field', async () => {
    await expectRefusal(dispatcher.call('searchPlaces', { query: { q: '张兰', near: 'abc' } }), 400, /near/);
    await expectRefusal(dispatcher.call('reverseGeocode', { query: { at: '200,10' } }), 400, /at/);
  });
});

const monaco = roadDataFile('monaco.osm.pbf');
const shanghai = roadDataFile('shanghai_center.osm.pbf');
describe.skipIf(!monaco || !shanghai)(roadDataSuite('the gazetteer of real OSM regions (© OpenStreetMap contributors, ODbL): Monaco and central Shanghai', 'monaco.osm.pbf'), () => {
  const server = serverSuite(() => startTestServer());
  let api: ApiClient;
  const search = (q: string, near: string) => api.call('searchPlaces', { query: { q, limit: 8, near } });
  const MONACO = '7.4246,43.7384';
  const SHANGHAI = '121.47,31.22';

  beforeAll(async () => {
    await importRoads(server.database.db, { file: monaco!, region: 'monaco' });
    await importRoads(server.database.db, { file: shanghai!, region: 'shanghai' });
    api = (await createLoggedInUser(server, { username: 'f2-dispatcher', role: 'dispatcher' })).api;
  }, 180_000);

  it('finds real hospitals, schools and streets by their Latin names, each with its town', async () => {
    expect((await search('cardio thoracique', MONACO))[0]).toMatchObject({ name: 'Centre Cardio Thoracique de Monaco', kind: 'hospital', synthetic: false, town: { name: expect.any(String) } });
    expect((await search('Lycée Albert', MONACO))[0]).toMatchObject({ name: 'Lycée Albert-1er', kind: 'school', match: { field: 'name', quality: 'prefix' } });
    const [street] = await search('Boulevard Princesse Charlotte', MONACO);
    expect(street).toMatchObject({ name: 'Boulevard Princesse Charlotte', kind: 'street', match: { quality: 'exact' }, town: { name: expect.any(String) } });
  });

  it('finds real Chinese streets by Chinese, full pinyin, initials and their English name', async () => {
    expect((await search('淮海中路', SHANGHAI))[0]).toMatchObject({ name: '淮海中路', kind: 'street', match: { field: 'name', quality: 'exact' }, sure: true });
    expect((await search('huaihaizhonglu', SHANGHAI))[0]).toMatchObject({ name: '淮海中路', match: { field: 'pinyin', quality: 'exact' } });
    expect((await search('hhzl', SHANGHAI))[0]).toMatchObject({ name: '淮海中路', match: { field: 'initials', quality: 'exact' }, sure: false });
    expect((await search('Middle Huaihai', SHANGHAI))[0]).toMatchObject({ name: '淮海中路', nameEn: 'Middle Huaihai Road', match: { field: 'nameEn' } });
    const [first] = await search('huaihai', SHANGHAI);
    expect(first!.distanceM).toBeLessThan(5_000);
  });

  it('names the nearest place and road of a click in Monaco', async () => {
    const nearby = await api.call('reverseGeocode', { query: { at: '7.42,43.735' } });
    expect(nearby.road).toMatchObject({ kind: 'street', synthetic: false });
    expect(nearby.road!.distanceM).toBeLessThan(100);
    expect(nearby.place!.distanceM).toBeLessThan(500);
    expect(nearby.town).not.toBeNull();
  });
});
