import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDemoPasswords } from '@dispatch/server/demo/demoPasswords';
import { createTestDatabase, requireEnv, type TestDatabase } from '@dispatch/db/testDatabase';
import { apiClient } from '../support/api';
import { serverProcess, startBalancer, type ServerProcess } from '../support/cluster';
import { loginAs } from '../support/server';
import { eventually, freePort } from '../support/wait';

/** One OsmAnd report as a GPS unit sends it: an HTTP request line over a plain TCP connection; the whole answer. */
function osmandLine(port: number, query: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET /?${query} HTTP/1.1\r\nHost: gps\r\nConnection: close\r\n\r\n`));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('HAProxy in front of the processes\' OsmAnd ports (mode tcp)', () => {
  let database: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  let balancer: Awaited<ReturnType<typeof startBalancer>>;
  let vehicleId = '';
  const deviceId = `gps-${randomBytes(4).toString('hex')}`;
  const passwordsFile = `/var/tmp/dispatch120-osmand-lb-${randomBytes(4).toString('hex')}/demo-logins.json`;

  const stored = async (epoch: number) =>
    (await database.db.query('SELECT ST_X(location) AS lon, ST_Y(location) AS lat, source FROM vehicle_positions WHERE vehicle_id = $1 AND device_time = to_timestamp($2)', [vehicleId, epoch])).rows;

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: requireEnv('REDIS_URL'),
      JWT_SECRET: 'osmand-lb-test-secret-'.padEnd(40, 'x'),
      DEMO_PASSWORDS_FILE: passwordsFile,
      LOG_LEVEL: 'warn',
      QUEUE_PREFIX: `osmand-lb-${randomBytes(4).toString('hex')}`,
    };
    const osmand = { a: await freePort(), b: await freePort() };
    a = await serverProcess('a', { ...env, OSMAND_PORT: String(osmand.a) });
    b = await serverProcess('b', { ...env, OSMAND_PORT: String(osmand.b) });
    await a.start({ DEMO: '1' });
    await b.start({ DEMO: '0' });
    balancer = await startBalancer([a, b], { osmand });
    const admin = apiClient(balancer.url, await loginAs(balancer.url, 'admin', readDemoPasswords(passwordsFile).admin!));
    vehicleId = (await database.db.query<{ id: string }>('SELECT id FROM vehicles ORDER BY call_sign LIMIT 1')).rows[0]!.id;
    await admin.call('bindVehicleDevice', { params: { id: vehicleId }, body: { deviceId } });
  }, 180_000);

  afterAll(async () => {
    await balancer?.close();
    await a?.kill();
    await b?.kill();
    await database?.drop();
    rmSync(dirname(passwordsFile), { recursive: true, force: true });
  });

  it('stores a position a GPS unit sends through the balancer, also once one of the processes has died', async () => {
    const now = Math.floor(Date.now() / 1000);
    // Health-checked: both OsmAnd ports answer the balancer's checks.
    await eventually(async () => {
      const states = await balancer.states();
      return states['osmand_servers/a'] === 'UP' && states['osmand_servers/b'] === 'UP';
    });
    // Two reports, each on a connection of its own (round robin hands them to one process each).
    for (const [i, epoch] of [now - 30, now - 20].entries()) {
      const answer = await osmandLine(balancer.osmandPort, `id=${deviceId}&timestamp=${epoch}&lat=37.0${i}&lon=111.91&speed=0`);
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(answer).toContain('{"stored":1,"ignoredInvalid":0}');
      expect(await stored(epoch)).toEqual([{ lon: 111.91, lat: Number(`37.0${i}`), source: 'osmand' }]);
    }

    // A refused connection is retried on the other process at once; the health check then takes a out.
    await a.kill();
    await eventually(async () => (await balancer.states())['osmand_servers/a'] === 'DOWN');
    for (const epoch of [now - 10, now]) {
      const answer = await osmandLine(balancer.osmandPort, `id=${deviceId}&timestamp=${epoch}&lat=37.05&lon=111.92`);
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(await stored(epoch)).toEqual([{ lon: 111.92, lat: 37.05, source: 'osmand' }]);
    }
  }, 60_000);

  it('refuses an unknown device through the balancer as the process does (404, nothing stored)', async () => {
    const answer = await osmandLine(balancer.osmandPort, `id=nobody-${deviceId}&timestamp=${Math.floor(Date.now() / 1000)}&lat=37.02&lon=111.91`);
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
  });
});
