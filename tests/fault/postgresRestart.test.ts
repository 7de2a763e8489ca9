import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket } from '../support/api';
import { startDemoServer, type DemoServer } from '../support/demoServer';
import { eventually, freePort } from '../support/wait';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));



/**
 * A PostgreSQL cluster of this test's own, made and restarted by the project's service script, so
 * restarting it disturbs no other test.
 */
describe('a PostgreSQL restart under the running server', () => {
  const dataDir = `/var/tmp/dispatch120-fault-${randomBytes(4).toString('hex')}`;
  let env: NodeJS.ProcessEnv;
  const services = (command: string) =>
    execFileSync('bash', ['scripts/services.sh', command], { cwd: ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  let server: DemoServer;
  let saved: { DATABASE_URL?: string; REDIS_URL?: string };

  beforeAll(async () => {
    const pgPort = await freePort();
    const { DATABASE_URL: _db, REDIS_URL: _redis, ...rest } = process.env;
    env = { ...rest, DISPATCH_DATA_DIR: dataDir, DISPATCH_PG_PORT: String(pgPort), DISPATCH_REDIS_PORT: String(await freePort()) };
    services('start');
    const urls = Object.fromEntries(
      [...services('env').matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]),
    ) as Record<string, string>;
    // The test database helpers read DATABASE_URL: point them at the private cluster for this file.
    saved = { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL };
    process.env.DATABASE_URL = urls.DATABASE_URL;
    server = await startDemoServer({ REDIS_URL: saved.REDIS_URL! });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    process.env.DATABASE_URL = saved.DATABASE_URL;
    services('stop');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 on health while the database is down and serves again after it restarts, sockets untouched', async () => {
    const { api, token } = await server.as('dispatcher');
    const consoleSocket = await openSocket(server.baseUrl, token);
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);

    execFileSync('bash', ['-c', `bash scripts/services.sh stop >/dev/null 2>&1`], { cwd: ROOT, env });
    const down = await fetch(`${server.baseUrl}/api/health`);
    expect(down.status).toBe(503);
    expect(((await down.json()) as { components: { postgres: { ok: boolean } } }).components.postgres.ok).toBe(false);
    const refused = await api.post('/incidents', { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 });
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatch(/database is unavailable/);

    services('start');
    await eventually(async () => (await fetch(`${server.baseUrl}/api/health`)).ok);
    const created = await api.post('/incidents', { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 });
    expect(created.status).toBe(201);
    // The in-memory road graph and the recommendation work again; the console got the push without reconnecting.
    await consoleSocket.waitFor('recommendation.computed', (r) => r.incidentId === created.body.id);
    expect(consoleSocket.socket.connected).toBe(true);
    consoleSocket.close();
  });
});
