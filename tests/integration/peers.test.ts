import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '@dispatch/server/app';
import { createLogger } from '@dispatch/server/logger';
import type { PeerNotes } from '@dispatch/server/realtime/gateway';
import { apiClient } from '../support/api';
import { startDemoServer, type DemoServer } from '../support/demoServer';
import { createLoggedInUser } from '../support/server';

describe('two server processes on one database and Redis keep their caches in step', () => {
  let a: DemoServer;
  let b: { app: App; redis: Redis; baseUrl: string };

  beforeAll(async () => {
    a = await startDemoServer();
    // A second process of the same deployment: the same database, secret and Redis stream.
    const redis = new Redis(a.config.REDIS_URL, { maxRetriesPerRequest: null });
    redis.on('error', () => undefined);
    const app = createApp({ config: a.config, db: a.database.db, redis, log: createLogger('silent') });
    await new Promise<void>((done) => app.http.listen(0, '127.0.0.1', done));
    b = { app, redis, baseUrl: `http://127.0.0.1:${(app.http.address() as AddressInfo).port}` };
  });
  afterAll(async () => {
    await b?.app.close();
    b?.redis.disconnect();
    await a?.close();
  });

  /** Resolves when B has been told the note (B's own handler, registered first, has run by then). */
  const told = <N extends keyof PeerNotes>(note: N) =>
    new Promise<Parameters<PeerNotes[N]>[0]>((resolve) => b.app.io.once(note, ((arg: Parameters<PeerNotes[N]>[0]) => resolve(arg)) as never));

  it('ends on B at once a session logged out on A, which B had just checked', async () => {
    const user = await createLoggedInUser(a, { username: 'peer-dispatcher', role: 'dispatcher' });
    const onB = apiClient(b.baseUrl, user.token);
    // B now trusts the session for 10 s unless told otherwise.
    await onB.call('listIncidents');
    const note = told('sessions.forget');
    await user.api.call('logout');
    expect(await note).toBe(user.id);
    expect((await onB.send('listIncidents')).status).toBe(401);
  });

  it('tells B when A forgets a device binding, so B asks the database again', async () => {
    const deviceId = `peer-${randomBytes(3).toString('hex')}`;
    // B has looked the id up and cached "unknown".
    expect(await b.app.positions.devices.vehicleFor(deviceId)).toBeNull();
    const vehicle = (await a.database.db.query<{ id: string }>('SELECT id FROM vehicles ORDER BY call_sign LIMIT 1')).rows[0]!;
    await a.database.db.query('UPDATE vehicles SET device_id = $1 WHERE id = $2', [deviceId, vehicle.id]);
    const note = told('device.forget');
    a.app.positions.devices.forget(deviceId);
    expect(await note).toBe(deviceId);
    expect(await b.app.positions.devices.vehicleFor(deviceId)).toBe(vehicle.id);
  });

  it('tells B when a category\'s required capabilities change on A, so B\'s next call reads the table again', async () => {
    const admin = await createLoggedInUser(a, { username: 'peer-admin', role: 'admin' });
    // In one test process both servers share the module's cache; what is checked is that B is told.
    const note = told('categoryRequirements.forget');
    await admin.api.call('updateCategoryRequirement', { body: { category: 'fever', vehicleCapabilities: ['negative_pressure'], hospitalCapabilities: ['fever_clinic'] } });
    await note;
  });
});
