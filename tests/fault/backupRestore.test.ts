import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateIncidentRequest } from '@dispatch/protocol';
import { dispatchFirst } from '../support/api';
import { startDemoServer, type DemoServer } from '../support/demoServer';
import { startPrivateServices, type PrivateServices } from '../support/privateServices';
import { freePort } from '../support/wait';
import { discardRestoredClusters, queryAt } from '../support/faults';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const execFileAsync = promisify(execFile);

type Rows = Map<string, unknown>;

/** Every row of the tables a centre must never lose, by id, as PostgreSQL's own JSON of the whole row. */
async function snapshot(url: string): Promise<Record<'incidents' | 'assignments' | 'audit_log', Rows>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const table = async (name: string) =>
      new Map((await client.query<{ id: string; row: unknown }>(`SELECT id::text AS id, to_jsonb(t) AS row FROM ${name} t ORDER BY id`)).rows.map((r) => [r.id, r.row]));
    return { incidents: await table('incidents'), assignments: await table('assignments'), audit_log: await table('audit_log') };
  } finally {
    await client.end();
  }
}

/** A route over the demo county's roads with pgRouting (the cost of the way from one vertex to the farthest it reaches). */
async function routeCost(url: string, from: string, to: string): Promise<number | null> {
  const rows = await queryAt<{ cost: number }>(
    url,
    `SELECT d.agg_cost AS cost FROM road_regions r,
            pgr_dijkstraCost(format('SELECT id, source, target, cost, reverse_cost FROM road_edges WHERE network_id = %s', r.network_id), $1::bigint, $2::bigint, directed => true) AS d
      ORDER BY r.name LIMIT 1`,
    [from, to],
  );
  return rows[0]?.cost ?? null;
}

/**
 * The backup scripts against a real cluster of the test's own, with WAL archiving on: calls taken, dispatched and
 * acknowledged by the crews through the real server before and after a base backup; restored with the one command
 * into fresh clusters (to the end of the archive, and to a moment between the two batches).
 */
describe('backups: a base backup plus the WAL archive restored into a fresh cluster', () => {
  let cluster: PrivateServices;
  let server: DemoServer;
  const backupDir = `/var/tmp/dispatch120-backups-${randomBytes(4).toString('hex')}`;
  const restored: string[] = [];
  let clusterUrl = '';

  /** Runs a script without blocking this process's event loop: the server under test lives in it. */
  const script = async (name: 'backup' | 'restore', args: string[], databaseUrl = clusterUrl, env: Record<string, string> = {}) =>
    (
      await execFileAsync('bash', [`scripts/${name}.sh`, ...args], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: databaseUrl, BACKUP_DIR: backupDir, ...env },
        encoding: 'utf8',
      })
    ).stdout;

  /** restore.sh into a fresh data folder under /var/tmp on a free port; the DATABASE_URL it printed, to the test's database. */
  async function restore(...extra: string[]): Promise<string> {
    const dataDir = `/var/tmp/dispatch120-restored-${randomBytes(4).toString('hex')}`;
    restored.push(dataDir);
    const printed = await script('restore', ['latest', '--port', String(await freePort()), '--data-dir', dataDir, ...extra], server.database.url);
    const url = /^DATABASE_URL=(.+)$/m.exec(printed)?.[1];
    expect(url, printed).toBeDefined();
    return url!;
  }

  /** Takes a call, dispatches the first recommended vehicle and has its crew acknowledge the offer. */
  async function acknowledgedCall(n: number) {
    const { api: dispatcher } = await server.as('dispatcher');
    const body: CreateIncidentRequest = { location: { lon: 111.905 + n / 200, lat: 37.02 + n / 300 }, category: 'trauma', priority: 2, address: `备份测试 ${n} 号` };
    const { incident, pick, offer } = await dispatchFirst(dispatcher, body);
    const crew = await server.as(server.logins.crews.find((c) => c.callSign === pick.callSign)!.username);
    const ack = await crew.api.call('reportStatus', {
      params: { id: offer.assignment.id },
      body: { eventId: randomUUID(), status: 'acknowledged', deviceTime: new Date().toISOString() },
    });
    expect(ack.assignment.status).toBe('acknowledged');
    return { incidentId: incident.id, assignmentId: offer.assignment.id };
  }

  beforeAll(async () => {
    cluster = await startPrivateServices('backup');
    clusterUrl = process.env.DATABASE_URL!;
    mkdirSync(backupDir, { recursive: true });
    await script('backup', ['enable-archiving']);
    // archive_mode takes effect at a restart.
    cluster.run('stop');
    cluster.run('start');
    server = await startDemoServer({ REDIS_URL: process.env.REDIS_URL! });
  }, 180_000);

  afterAll(async () => {
    discardRestoredClusters(restored);
    await server?.close();
    cluster?.close();
    rmSync(backupDir, { recursive: true, force: true });
  });

  it('finds every acknowledged incident, assignment and audit row, the same migrations and working PostGIS and pgRouting', async () => {
    const before = [await acknowledgedCall(0), await acknowledgedCall(1)];
    const base = (await script('backup', ['base'])).trim();
    expect(base).toMatch(/\/base\/\d{8}T\d{6}Z$/);

    // Written after the base backup: only the WAL archive has them.
    const afterBase = [await acknowledgedCall(2)];
    const [{ cut }] = (await queryAt<{ cut: string }>(server.database.url, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' AS cut")) as [{ cut: string }];
    const afterCut = [await acknowledgedCall(3)];
    const source = await snapshot(server.database.url);
    await script('backup', ['switch-wal']);

    const url = await restore();
    expect(url).not.toBe(server.database.url);
    const copy = await snapshot(url);
    for (const table of ['incidents', 'assignments', 'audit_log'] as const) {
      expect(source[table].size).toBeGreaterThan(0);
      for (const [id, row] of source[table]) expect(copy[table].get(id), `${table} ${id}`).toEqual(row);
    }
    for (const call of [...before, ...afterBase, ...afterCut]) {
      expect((copy.incidents.get(call.incidentId) as { status: string }).status).toBeDefined();
      expect((copy.assignments.get(call.assignmentId) as { status: string }).status).toBe('acknowledged');
    }
    const acknowledgements = [...copy.audit_log.values()].filter((r) => (r as { entity_id: string }).entity_id === afterCut[0]!.assignmentId);
    expect(acknowledgements.length).toBeGreaterThan(0);

    // The same migrations, to the checksum.
    const migrations = 'SELECT version, name, checksum FROM schema_migrations ORDER BY version';
    expect(await queryAt(url, migrations)).toEqual(await queryAt(server.database.url, migrations));

    // PostGIS: the incidents' points; pgRouting: a route across the county costs what it did.
    const points = 'SELECT id, ST_AsText(location) AS at, ST_Distance(location::geography, ST_MakePoint(111.91, 37.03)::geography) AS metres FROM incidents ORDER BY id';
    expect(await queryAt(url, points)).toEqual(await queryAt(server.database.url, points));
    const [ends] = await queryAt<{ from: string; to: string }>(
      server.database.url,
      `SELECT min(source)::text AS from, (SELECT d.node FROM road_regions r,
               pgr_drivingDistance(format('SELECT id, source, target, cost, reverse_cost FROM road_edges WHERE network_id = %s', r.network_id),
                                   (SELECT min(source) FROM road_edges), 1e9, directed => true) AS d ORDER BY d.agg_cost DESC LIMIT 1)::text AS to
         FROM road_edges`,
    );
    const cost = await routeCost(url, ends!.from, ends!.to);
    expect(cost).toBeGreaterThan(0);
    expect(cost).toBe(await routeCost(server.database.url, ends!.from, ends!.to));

    // Point in time: to the moment between the third and the fourth call.
    const atCut = await snapshot(await restore('--target-time', cut));
    for (const call of [...before, ...afterBase]) expect(atCut.assignments.get(call.assignmentId)).toEqual(source.assignments.get(call.assignmentId));
    expect(atCut.incidents.has(afterCut[0]!.incidentId)).toBe(false);
    expect(atCut.assignments.has(afterCut[0]!.assignmentId)).toBe(false);
  }, 240_000);

  it('keeps the last BACKUP_KEEP base backups, prunes the archive before the oldest kept one, and refuses a damaged backup', async () => {
    await script('backup', ['base']);
    // Backups are named by the second they were taken in.
    await new Promise((r) => setTimeout(r, 1_100));
    const kept = (await script('backup', ['base'], clusterUrl, { BACKUP_KEEP: '1' })).trim();
    expect(readdirSync(`${backupDir}/base`)).toEqual([basename(kept)]);
    const start = /^START WAL LOCATION: .*\(file ([0-9A-F]{24})\)/m.exec(readFileSync(`${kept}/backup_label`, 'utf8'))![1]!;
    const segments = readdirSync(`${backupDir}/wal`).filter((f) => /^[0-9A-F]{24}\.gz$/.test(f)).map((f) => f.slice(0, 24));
    expect(segments.length).toBeGreaterThan(0);
    for (const segment of segments) expect(segment >= start, `${segment} kept before ${start}`).toBe(true);

    const call = await acknowledgedCall(4);
    await script('backup', ['switch-wal']);
    const copy = await snapshot(await restore());
    expect((copy.assignments.get(call.assignmentId) as { status: string }).status).toBe('acknowledged');

    const damaged = `${backupDir}/damaged`;
    await execFileAsync('cp', ['-a', kept, damaged]);
    appendFileSync(`${damaged}/PG_VERSION`, 'x');
    const port = String(await freePort());
    const refused = await script('restore', [damaged, '--port', port, '--data-dir', `${backupDir}/never`]).then(
      () => '',
      (error: { stderr?: string }) => String(error.stderr),
    );
    expect(refused).toMatch(/failed verification/);
    expect(existsSync(`${backupDir}/never`)).toBe(false);
  }, 120_000);
});
