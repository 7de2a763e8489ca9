import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket, refusal } from '../support/api';
import { startDemoServer, type DemoServer } from '../support/demoServer';
import { startPrivateServices, type PrivateServices } from '../support/privateServices';
import { eventually } from '../support/wait';

/**
 * A PostgreSQL cluster of this test's own, made and restarted by the project's service script, so
 * restarting it disturbs no other test.
 */
describe('a PostgreSQL restart under the running server', () => {
  let cluster: PrivateServices;
  let server: DemoServer;

  beforeAll(async () => {
    cluster = await startPrivateServices('fault');
    server = await startDemoServer({ REDIS_URL: process.env.REDIS_URL! });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    cluster?.close();
  });

  it('answers 503 on health while the database is down and serves again after it restarts, sockets untouched', async () => {
    const { api, token } = await server.as('dispatcher');
    const consoleSocket = await openSocket(server.baseUrl, token);
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);

    cluster.run('stop');
    const down = await fetch(`${server.baseUrl}/api/health`);
    expect(down.status).toBe(503);
    expect(((await down.json()) as { components: { postgres: { ok: boolean } } }).components.postgres.ok).toBe(false);
    const refused = await refusal(api.call('createIncident', { body: { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 } }));
    expect(refused.status).toBe(503);
    expect(refused.message).toMatch(/database is unavailable/);

    cluster.run('start');
    await eventually(async () => (await fetch(`${server.baseUrl}/api/health`)).ok);
    const created = await api.call('createIncident', { body: { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 } });
    // The in-memory road graph and the recommendation work again; the console got the push without reconnecting.
    await consoleSocket.waitFor('recommendation.computed', (r) => r.incidentId === created.id);
    expect(consoleSocket.socket.connected).toBe(true);
    consoleSocket.close();
  });
});
