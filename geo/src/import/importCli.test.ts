import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@dispatch/db/testDatabase';
import { activeNetworkId } from './importRoads';
import { writeTempFile } from './testFiles';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;
const CLI = fileURLToPath(new URL('./importCli.ts', import.meta.url));

const ROADS = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { highway: 'residential', name: 'A' }, geometry: { type: 'LineString', coordinates: [[111.9, 37], [111.91, 37]] } },
    { type: 'Feature', properties: { highway: 'residential', name: 'B' }, geometry: { type: 'LineString', coordinates: [[111.91, 37], [111.91, 37.01]] } },
  ],
};

async function run(args: string[], databaseUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, [CLI, ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run geo:import', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  it('imports a file and prints the report as one JSON line', async () => {
    const result = await run([writeTempFile('lanes.geojson', JSON.stringify(ROADS)), '--region', 'lanes'], database.url);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!);
    expect(report).toMatchObject({ region: 'lanes', format: 'geojson', ways: 2, edges: 2, vertices: 3 });
    expect(await activeNetworkId(database.db, 'lanes')).toBe(report.networkId);
  });

  it('exits non-zero with the reason when the import fails', async () => {
    const result = await run([writeTempFile('lanes.geojson', JSON.stringify(ROADS)), '--region', 'lanes'], database.url);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/import failed: region lanes already exists .*pass --replace/);
    expect(result.stdout).toBe('');
  });

  it('explains its usage when the file is missing', async () => {
    const result = await run([], database.url);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/usage: npm run geo:import -- <file> \[--region NAME\] \[--replace\]/);
  });
});
