import type { ApiClient } from '@dispatch/protocol';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket } from '../support/api';
import { startDemoServer, type DemoServer } from '../support/demoServer';
import { eventually, freePort } from '../support/wait';


/** A Redis of this test's own, so stopping it disturbs no other test. */
function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
}


describe('a Redis outage during dispatch', () => {
  let redis: ChildProcess;
  let port: number;
  const dir = mkdtempSync(join(tmpdir(), 'redis-fault-'));
  let server: DemoServer;
  let dispatcher: ApiClient;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port, dir);
    server = await startDemoServer({ REDIS_URL: `redis://127.0.0.1:${port}`, ACK_TIMEOUT_S: '3', TIMER_RECONCILE_S: '1' });
    dispatcher = (await server.as('dispatcher')).api;
  });
  afterAll(async () => {
    await server.close();
    redis.kill('SIGKILL');
  });

  const health = async () => (await fetch(`${server.baseUrl}/api/health`)).json() as Promise<{ components: { redis: { ok: boolean } } }>;

  it('keeps dispatching without Redis, reports it in health, and restores the missed timer when Redis is back', async () => {
    expect((await health()).components.redis.ok).toBe(true);
    redis.kill('SIGKILL');
    await eventually(async () => !(await health()).components.redis.ok);

    const incident = await dispatcher.call('createIncident', { body: { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 } });
    const rec = await dispatcher.call('getRecommendations', { params: { id: incident.id } });
    const pick = rec.candidates[0]!;
    const crew = await server.as(server.logins.crews.find((c) => c.callSign === pick.callSign)!.username);
    const crewSocket = await openSocket(server.baseUrl, crew.token);
    const started = Date.now();
    const assigned = await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: pick.vehicleId } });
    console.log(JSON.stringify({ metric: 'dispatch_during_redis_outage_ms', value: Date.now() - started }));
    expect((await crewSocket.waitFor('assignment.offered')).assignment.id).toBe(assigned.assignment.id);

    // Redis comes back (empty: this test's Redis never got the timer); the database says a timer is owed.
    redis = await startRedis(port, dir);
    await eventually(async () => (await health()).components.redis.ok);
    const timedOut = await eventually(async () => {
      const row = (await server.database.db.query('SELECT status, end_reason FROM assignments WHERE id = $1', [assigned.assignment.id])).rows[0];
      return row.status === 'timed_out' ? row : null;
    }, 30_000);
    expect(timedOut.end_reason).toBe('ack_timeout');
    const timeouts = await server.database.db.query("SELECT count(*)::int AS n FROM status_events WHERE assignment_id = $1 AND status = 'timed_out'", [assigned.assignment.id]);
    expect(timeouts.rows[0].n).toBe(1);
    crewSocket.close();
  });
});
