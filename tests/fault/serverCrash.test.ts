import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_VERSION } from '@dispatch/protocol';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDemoPasswords } from '@dispatch/server/demo/demoPasswords';
import { apiClient } from '../support/api';
import { loginAs } from '../support/server';
import { createTestDatabase, requireEnv, type TestDatabase } from '@dispatch/db/testDatabase';
import { eventually, freePort } from '../support/wait';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));



describe('the dispatch server process killed with SIGKILL and started again', () => {
  let database: TestDatabase;
  let port: number;
  let server: ChildProcess;
  const passwordsFile = `/var/tmp/dispatch120-crash-${randomBytes(4).toString('hex')}/demo-logins.json`;
  const env = () => ({
    ...process.env,
    DATABASE_URL: database.url,
    REDIS_URL: requireEnv('REDIS_URL'),
    JWT_SECRET: 'crash-test-secret-'.padEnd(40, 'x'),
    PORT: String(port),
    OSMAND_PORT: '0',
    DEMO: '1',
    DEMO_PASSWORDS_FILE: passwordsFile,
    ACK_TIMEOUT_S: '6',
    LOG_LEVEL: 'warn',
    QUEUE_PREFIX: `crash-${randomBytes(4).toString('hex')}`,
  });
  const start = async () => {
    server = spawn(process.execPath, ['--import', 'tsx', 'dispatch-server/src/main.ts'], { cwd: ROOT, env: env(), stdio: ['ignore', 'ignore', 'inherit'] });
    await eventually(async () => (await fetch(`http://127.0.0.1:${port}/api/health`)).ok);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    port = await freePort();
    await start();
  }, 120_000);
  afterAll(async () => {
    server.kill('SIGKILL');
    await database.drop();
    rmSync(dirname(passwordsFile), { recursive: true, force: true });
  });

  it('keeps every acknowledged incident, fires the pending timer once, and the console reconnects by itself', async () => {
    const base = `http://127.0.0.1:${port}`;
    const token = await loginAs(base, 'dispatcher', readDemoPasswords(passwordsFile).dispatcher!);
    const api = apiClient(base, token);
    const consoleSocket = connect(base, { auth: { token, protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], reconnectionDelay: 200, reconnectionDelayMax: 1000 });
    let welcomes = 0;
    consoleSocket.on('session.welcomed', () => welcomes++);
    await eventually(async () => welcomes === 1);

    const incident = await api.call('createIncident', { body: { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 } });
    const rec = await api.call('getRecommendations', { params: { id: incident.id } });
    const offer = await api.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: rec.candidates[0]!.vehicleId } });

    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    await start();

    // The console's socket reconnects on its own and is welcomed again (it then resynchronises by REST).
    await eventually(async () => welcomes >= 2);
    const after = await api.call('getIncident', { params: { id: incident.id } });
    expect(after.id).toBe(incident.id);
    const timedOut = await eventually(async () => {
      const row = (await database.db.query('SELECT status FROM assignments WHERE id = $1', [offer.assignment.id])).rows[0];
      return row.status === 'timed_out' ? row : null;
    });
    expect(timedOut.status).toBe('timed_out');
    await new Promise((r) => setTimeout(r, 1500));
    const fired = await database.db.query("SELECT count(*)::int AS n FROM status_events WHERE assignment_id = $1 AND status = 'timed_out'", [offer.assignment.id]);
    expect(fired.rows[0].n).toBe(1);
    consoleSocket.close();
  }, 120_000);
});
