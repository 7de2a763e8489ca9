import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, requireEnv, type TestDatabase } from '@dispatch/db/testDatabase';
import { eventually, freePort } from '../support/wait';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The processes of a process group, as `pid args` pairs. */
function group(pgid: number): { pid: number; args: string }[] {
  return execFileSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null && Number(m[2]) === pgid)
    .map((m) => ({ pid: Number(m[1]), args: m[3]! }));
}

describe('npm start supervises the server (scripts/start.sh against the running private services)', () => {
  let database: TestDatabase;
  let port: number;
  let start: ChildProcess | null = null;

  /** Runs scripts/start.sh in a process group of its own (as a terminal would), reusing the built console and tablet. */
  function runStart(demo: '0' | '1'): { child: ChildProcess; exited: Promise<number | null>; output: () => string } {
    let output = '';
    const child = spawn('bash', ['scripts/start.sh'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        REDIS_URL: requireEnv('REDIS_URL'),
        JWT_SECRET: randomBytes(32).toString('hex'),
        PORT: String(port),
        OSMAND_PORT: '0',
        DEMO: demo,
        DEMO_CALLS_PER_HOUR: '0',
        // Not the checkout's own .data/demo-logins.json, which npm start uses.
        DEMO_PASSWORDS_FILE: join(tmpdir(), `supervise-logins-${database.name}.json`),
        DISPATCH_SKIP_BUILD: '1',
        RESTART_TRIES: '1',
        LOG_LEVEL: 'warn',
        QUEUE_PREFIX: `supervise-${randomBytes(4).toString('hex')}`,
      },
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
    start = child;
    return { child, exited, output: () => output };
  }

  /** Every process start.sh began is gone (after a few seconds of grace: what still runs then was left behind). */
  const nothingLeft = async (pgid: number) => {
    await eventually(async () => group(pgid).length === 0, 5_000).catch(() => undefined);
    expect(group(pgid).map((p) => p.args)).toEqual([]);
  };
  const healthy = () => eventually(async () => (await fetch(`http://127.0.0.1:${port}/api/health`)).ok, 120_000);
  const serverPid = (pgid: number) => group(pgid).find((p) => p.args.includes('dispatch-server/src/main.ts'))?.pid;

  beforeAll(async () => {
    database = await createTestDatabase();
    port = await freePort();
  }, 60_000);

  afterEach(() => {
    // A failed test must not leave a server behind for the next one.
    if (start?.pid && group(start.pid).length) process.kill(-start.pid, 'SIGKILL');
    start = null;
  });
  afterAll(async () => {
    rmSync(join(tmpdir(), `supervise-logins-${database.name}.json`), { force: true });
    await database?.drop();
  });

  it('restarts a server killed with -9, then gives up after RESTART_TRIES and leaves no process behind', async () => {
    const { child, exited, output } = runStart('0');
    const pgid = child.pid!;
    await healthy();
    const first = serverPid(pgid)!;
    expect(first).toBeGreaterThan(0);

    process.kill(first, 'SIGKILL');
    await eventually(async () => {
      const next = serverPid(pgid);
      return next !== undefined && next !== first && (await fetch(`http://127.0.0.1:${port}/api/health`)).ok;
    }, 120_000);
    expect(output()).toMatch(/the server died \(exit 137\); restart 1 of 1/);

    // Killed again within the minute: the one restart allowed is spent, so it stops everything and says so.
    process.kill(serverPid(pgid)!, 'SIGKILL');
    expect(await exited).toBe(1);
    expect(output()).toMatch(/after 1 restarts in a row; stopping everything/);
    await nothingLeft(pgid);
  }, 240_000);

  it('stops the server and the simulated fleet on Ctrl-C and leaves no process behind', async () => {
    const { child, exited } = runStart('1');
    const pgid = child.pid!;
    await healthy();
    // The fleet simulator starts once the server answers.
    await eventually(async () => group(pgid).some((p) => p.args.includes('simulateCli.ts')), 60_000);
    // and its crews log in, with the passwords the server wrote to DEMO_PASSWORDS_FILE.
    await eventually(async () => (await database.db.query('SELECT count(*)::int AS n FROM sessions')).rows[0].n > 0, 60_000);
    // Ctrl-C in a terminal signals the whole foreground process group.
    process.kill(-pgid, 'SIGINT');
    expect(await exited).toBe(130);
    await nothingLeft(pgid);
    await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow();
  }, 240_000);
});
