import type { AddressInfo } from 'node:net';
import { PROTOCOL_VERSION } from '@dispatch/protocol';
import { io as connect } from 'socket.io-client';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '@dispatch/server/app';
import type { Config } from '@dispatch/server/config';
import { createLogger } from '@dispatch/server/logger';
import { openSocket } from '../support/api';
import { startDemoServer, type DemoServer } from '../support/demoServer';
import { eventually } from '../support/wait';

describe('process roles: a web and realtime process beside a workers-only process', () => {
  let web: DemoServer;
  let worker: { app: App; redis: Redis; baseUrl: string };

  beforeAll(async () => {
    // The web process fires no timers; the worker process serves nothing but its health check.
    web = await startDemoServer({ PROCESS_ROLES: 'web,realtime', ACK_TIMEOUT_S: '2' });
    const config: Config = { ...web.config, PROCESS_ROLES: new Set(['workers']) };
    const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
    redis.on('error', () => undefined);
    const app = createApp({ config, db: web.database.db, redis, log: createLogger('silent') });
    await new Promise<void>((done) => app.http.listen(0, '127.0.0.1', done));
    worker = { app, redis, baseUrl: `http://127.0.0.1:${(app.http.address() as AddressInfo).port}` };
  });
  afterAll(async () => {
    await worker?.app.close();
    worker?.redis.disconnect();
    await web?.close();
  });

  it('answers only its health check on a workers-only process, and no socket', async () => {
    expect((await fetch(`${worker.baseUrl}/api/health`)).status).toBe(200);
    expect((await fetch(`${worker.baseUrl}/api/incidents`)).status).toBe(404);
    const { token } = await web.as('dispatcher');
    const socket = connect(worker.baseUrl, { auth: { token, protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], reconnection: false, forceNew: true });
    await expect(new Promise((resolve, reject) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', reject);
    })).rejects.toThrow();
    socket.close();
  });

  it('fires on the worker the acknowledgement timer a dispatch on the web process armed, and the web process’s console hears the re-offer', async () => {
    const dispatcher = await web.as('dispatcher');
    const consoleSocket = await openSocket(web.baseUrl, dispatcher.token);
    const incident = await dispatcher.api.call('createIncident', { body: { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 } });
    const { candidates } = await dispatcher.api.call('getRecommendations', { params: { id: incident.id } });
    const offer = await dispatcher.api.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: candidates[0]!.vehicleId } });
    // The timeout is handled by the worker (the web process has no timer worker); its push crosses the Redis stream.
    await eventually(async () => consoleSocket.received.some((r) => r.event === 'assignment.updated' && r.payload.id === offer.assignment.id && r.payload.status === 'timed_out'), 30_000);
    consoleSocket.socket.close();
  });
});
