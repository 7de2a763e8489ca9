import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@dispatch/db/testDatabase';
import { importRoads } from '../import/importRoads';
import { hierarchyOf } from './contractionHierarchy';
import { GraphRegistry } from './graphRegistry';
import { isReachable, rankToTarget } from './rankToTarget';
import { NoRoadNetworkError } from './roadGraph';
import { route } from './route';

/** A GeoJSON road network of straight streets, written to a file for the real importer. */
function writeNetwork(dir: string, name: string, lines: { name: string; coords: [number, number][]; oneway?: boolean }[]): string {
  const path = join(dir, `${name}.geojson`);
  writeFileSync(
    path,
    JSON.stringify({
      type: 'FeatureCollection',
      features: lines.map((l) => ({
        type: 'Feature',
        properties: { highway: 'residential', name: l.name, ...(l.oneway ? { oneway: 'yes' } : {}) },
        geometry: { type: 'LineString', coordinates: l.coords },
      })),
    }),
  );
  return path;
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('GraphRegistry over the real database and importer', () => {
  let database: TestDatabase;
  let dir: string;
  let registry: GraphRegistry;

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'graph-registry-'));
    registry = new GraphRegistry(database.db);
  });
  afterAll(async () => {
    await registry?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says clearly when no road network was imported yet', async () => {
    await expect(registry.get()).rejects.toThrowError(NoRoadNetworkError);
    await expect(registry.get('nowhere')).rejects.toThrowError(/no road network for region "nowhere"/);
  });

  it('loads a region once, serves it from memory, and defaults to the most recently updated region', async () => {
    const a = writeNetwork(dir, 'a', [{ name: 'A Street', coords: [[111.9, 37.0], [111.91, 37.0]] }]);
    const b = writeNetwork(dir, 'b', [{ name: 'B Street', coords: [[112.0, 37.1], [112.01, 37.1]] }]);
    await importRoads(database.db, { file: a, region: 'alpha' });
    await importRoads(database.db, { file: b, region: 'beta' });
    const alpha = await registry.get('alpha');
    expect(alpha.region).toBe('alpha');
    expect(await registry.get('alpha')).toBe(alpha);
    expect((await registry.get()).region).toBe('beta');
  });

  it('reloads a region when the importer replaces its network (LISTEN road_network_changed)', async () => {
    const before = await registry.get('alpha');
    const changed: string[] = [];
    registry.onChange((region) => changed.push(region));
    // The replacement makes the street oneway westwards: a route east must now fail, west must work.
    const replaced = writeNetwork(dir, 'a2', [{ name: 'A Street', coords: [[111.91, 37.0], [111.9, 37.0]], oneway: true }]);
    const report = await importRoads(database.db, { file: replaced, region: 'alpha', replace: true });
    await until(async () => changed.includes('alpha'), 'the notification');
    const after = await registry.get('alpha');
    expect(after).not.toBe(before);
    expect(after.networkId).toBe(report.networkId);
    expect(route(before, [111.901, 37.0], [111.909, 37.0]).durationS).toBeGreaterThan(0);
    expect(() => route(after, [111.901, 37.0], [111.909, 37.0])).toThrowError(/no drivable path/);
    expect(route(after, [111.909, 37.0], [111.901, 37.0]).durationS).toBeGreaterThan(0);
    // Another region's graph is untouched.
    expect(changed).not.toContain('beta');
  });

  it('preprocesses each loaded graph in the background and again after a re-import, the plain search serving meanwhile', async () => {
    const grid = writeNetwork(
      dir,
      'grid',
      Array.from({ length: 6 }, (_, i) => [
        { name: `Row ${i}`, coords: [[111.8, 36.9 + i * 0.002], [111.81, 36.9 + i * 0.002]] as [number, number][] },
        { name: `Col ${i}`, coords: [[111.8 + i * 0.002, 36.9], [111.8 + i * 0.002, 36.91]] as [number, number][], oneway: i % 2 === 1 },
      ]).flat(),
    );
    await importRoads(database.db, { file: grid, region: 'gamma' });
    const first = await registry.get('gamma');
    // Right after the load the hierarchy is not there yet: the plain search answers.
    expect(hierarchyOf(first)).toBeNull();
    const sources = [{ id: 'a', lonLat: [111.8005, 36.9001] as [number, number] }, { id: 'b', lonLat: [111.8095, 36.9099] as [number, number] }];
    const plain = rankToTarget(first, [111.805, 36.905], sources);
    const hierarchy = await registry.preprocessed('gamma');
    // The import's own note may arrive after the first load and load the region once more (CI): the hierarchy is the
    // graph's the registry serves now.
    const served = await registry.get('gamma');
    expect(hierarchy?.graph).toBe(served);
    expect(hierarchyOf(served)).toBe(hierarchy);
    const fast = rankToTarget(served, [111.805, 36.905], sources);
    expect(fast.results.map((r) => (isReachable(r) ? Math.round(r.etaSeconds * 1e6) : r.unreachable))).toEqual(
      plain.results.map((r) => (isReachable(r) ? Math.round(r.etaSeconds * 1e6) : r.unreachable)),
    );
    await importRoads(database.db, { file: grid, region: 'gamma', replace: true });
    await until(async () => (await registry.get('gamma')) !== first, 'the reload');
    const again = await registry.preprocessed('gamma');
    expect(again?.graph).toBe(await registry.get('gamma'));
  });

  it('reconnects and reloads after losing its listening connection', async () => {
    const before = await registry.get('beta');
    await database.db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dispatch120-graph-listener' AND datname = current_database()`);
    // The cache is dropped when the connection is lost, since a notification may have been missed.
    await until(async () => (await registry.get('beta')) !== before, 'the reload');
    const replaced = writeNetwork(dir, 'b2', [{ name: 'B Road', coords: [[112.0, 37.1], [112.02, 37.1]] }]);
    const report = await importRoads(database.db, { file: replaced, region: 'beta', replace: true });
    await until(async () => (await registry.get('beta')).networkId === report.networkId, 'the reload after the import');
  });
  it('loads nothing and leaves no listening connection behind for a get() still in flight when it closes', async () => {
    const listeners = async () =>
      (await database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'dispatch120-graph-listener' AND datname = current_database()`)).rows[0]!.n;
    const before = await listeners();
    const closing = new GraphRegistry(database.db);
    const inFlight = expect(closing.get('beta')).rejects.toThrow(/closed/);
    await closing.close();
    await inFlight;
    await until(async () => (await listeners()) === before, 'the closed registry\'s connection to go');
    await new Promise((r) => setTimeout(r, 200));
    expect(await listeners()).toBe(before);
  });
});
