import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { PROTOCOL_VERSION, unpackPositions } from '@dispatch/protocol';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDemoPasswords } from '@dispatch/server/demo/demoPasswords';
import { createTestDatabase, requireEnv, type TestDatabase } from '@dispatch/db/testDatabase';
import { apiClient } from '../support/api';
import { serverProcess, startBalancer, type ServerProcess } from '../support/cluster';
import { loginAs } from '../support/server';
import { eventually } from '../support/wait';

const INCIDENT = { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 } as const;

/** A socket.io client as the console's or the tablet's, recording what it receives; pinned by HAProxy's cookie if given. */
function client(url: string, token: string, options: { cookie?: string; polling?: boolean } = {}) {
  const socket: Socket = connect(url, {
    auth: { token, protocolVersion: PROTOCOL_VERSION },
    // Polling is the transport that needs the balancer's stickiness; the cookie jar keeps HAProxy's cookie.
    transports: options.polling ? ['polling'] : ['websocket'],
    withCredentials: options.polling === true,
    extraHeaders: options.cookie ? { cookie: options.cookie } : undefined,
    forceNew: true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 1000,
  });
  const received: { event: string; payload: any }[] = [];
  const welcomedAt: number[] = [];
  let drops = 0;
  socket.on('session.welcomed', () => welcomedAt.push(Date.now()));
  socket.on('connect_error', () => drops++);
  socket.on('disconnect', () => drops++);
  socket.onAny((event, payload) => received.push({ event, payload }));
  return {
    socket,
    received,
    welcomes: () => welcomedAt.length,
    welcomedAt,
    /** Failed connection attempts and disconnections (a polling request landing on a process without its session is one). */
    drops: () => drops,
    seen: (event: string, match: (payload: any) => boolean) => received.find((r) => r.event === event && match(r.payload)),
  };
}

describe('two dispatch-server processes behind HAProxy, one PostgreSQL, one Redis', () => {
  let database: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  let balancer: Awaited<ReturnType<typeof startBalancer>>;
  const passwordsFile = `/var/tmp/dispatch120-cluster-${randomBytes(4).toString('hex')}/demo-logins.json`;
  const sockets: Socket[] = [];
  const open = (...args: Parameters<typeof client>) => {
    const c = client(...args);
    sockets.push(c.socket);
    return c;
  };
  const password = (username: string) => readDemoPasswords(passwordsFile)[username]!;
  const crewOf = async (vehicleId: string) =>
    (await database.db.query<{ username: string }>("SELECT username FROM users WHERE vehicle_id = $1 AND role = 'crew' ORDER BY username LIMIT 1", [vehicleId])).rows[0]!.username;

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: requireEnv('REDIS_URL'),
      JWT_SECRET: 'cluster-test-secret-'.padEnd(40, 'x'),
      OSMAND_PORT: '0',
      DEMO_PASSWORDS_FILE: passwordsFile,
      ACK_TIMEOUT_S: '6',
      LOG_LEVEL: 'warn',
      // One deployment: the same queues and the same socket.io stream.
      QUEUE_PREFIX: `cluster-${randomBytes(4).toString('hex')}`,
    };
    a = await serverProcess('a', env);
    b = await serverProcess('b', env);
    // A migrates and seeds the demo county; B starts on the database A made.
    await a.start({ DEMO: '1' });
    await b.start({ DEMO: '0' });
    balancer = await startBalancer([a, b]);
  }, 180_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await balancer?.close();
    await a?.kill();
    await b?.kill();
    await database?.drop();
    rmSync(dirname(passwordsFile), { recursive: true, force: true });
  });

  it('shows a console on B the call taken on A and the positions of a vehicle reporting to A', async () => {
    const dispatcherToken = await loginAs(balancer.url, 'dispatcher', password('dispatcher'));
    const consoleOnB = open(balancer.url, dispatcherToken, { cookie: b.cookie });
    await eventually(async () => consoleOnB.welcomes() === 1);

    const incident = await apiClient(a.url, dispatcherToken).call('createIncident', { body: INCIDENT });
    await eventually(async () => consoleOnB.seen('incident.created', (p) => p.id === incident.id), 30_000);

    const { candidates } = await apiClient(a.url, dispatcherToken).call('getRecommendations', { params: { id: incident.id } });
    const vehicleId = candidates[0]!.vehicleId;
    const crew = await crewOf(vehicleId);
    const crewOnA = open(a.url, await loginAs(a.url, crew, password(crew)));
    await eventually(async () => crewOnA.welcomes() === 1);
    const fix = { lon: 111.9201, lat: 37.0311, deviceTime: new Date().toISOString() };
    const ack = await crewOnA.socket.timeout(10_000).emitWithAck('positions.reported', [fix]);
    expect(ack).toMatchObject({ ok: true, stored: 1 });
    await eventually(
      async () => consoleOnB.seen('vehicle.positionsUpdated', (list: any[]) => unpackPositions(list).some((p) => p.vehicleId === vehicleId && Math.abs(p.lat - fix.lat) < 1e-6)),
      30_000,
    );
  });

  it('keeps a polling console on one process through the balancer (stickiness) and delivers to it', async () => {
    const token = await loginAs(balancer.url, 'dispatcher', password('dispatcher'));
    const polling = open(balancer.url, token, { polling: true });
    await eventually(async () => polling.welcomes() === 1);
    // Taken on each process in turn: the polling session, wherever it lives, hears of both.
    const onA = await apiClient(a.url, token).call('createIncident', { body: INCIDENT });
    const onB = await apiClient(b.url, token).call('createIncident', { body: INCIDENT });
    await eventually(async () => polling.seen('incident.created', (p) => p.id === onA.id) && polling.seen('incident.created', (p) => p.id === onB.id), 30_000);
    expect(polling.socket.io.engine.transport.name).toBe('polling');
    expect(polling.drops()).toBe(0);
    expect(polling.welcomes()).toBe(1);
  });

  it('terminates TLS at the balancer: a console socket over wss:// hears a call taken on A', async () => {
    const token = await loginAs(balancer.url, 'dispatcher', password('dispatcher'));
    const secure = connect(balancer.tlsUrl, {
      auth: { token, protocolVersion: PROTOCOL_VERSION },
      transports: ['websocket'],
      forceNew: true,
      ca: balancer.ca,
    });
    sockets.push(secure);
    let welcomed = false;
    secure.on('session.welcomed', () => (welcomed = true));
    await eventually(async () => welcomed);
    const created: string[] = [];
    secure.on('incident.created', (p: { id: string }) => created.push(p.id));
    const incident = await apiClient(a.url, token).call('createIncident', { body: INCIDENT });
    await eventually(async () => created.includes(incident.id), 30_000);
  });

  it('brings a dispatch made on A to the crew connected to B', async () => {
    const token = await loginAs(a.url, 'dispatcher', password('dispatcher'));
    const dispatcher = apiClient(a.url, token);
    const incident = await dispatcher.call('createIncident', { body: INCIDENT });
    const { candidates } = await dispatcher.call('getRecommendations', { params: { id: incident.id } });
    const vehicleId = candidates[0]!.vehicleId;
    const crew = await crewOf(vehicleId);
    const crewOnB = open(balancer.url, await loginAs(b.url, crew, password(crew)), { cookie: b.cookie });
    await eventually(async () => crewOnB.welcomes() === 1);

    const offer = await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId } });
    await eventually(async () => crewOnB.seen('assignment.offered', (p) => p.assignment.id === offer.assignment.id), 30_000);
  });

  it('fires a crew acknowledgement timer armed by A once, on B, when A is killed', async () => {
    const token = await loginAs(a.url, 'dispatcher', password('dispatcher'));
    const dispatcher = apiClient(a.url, token);
    const incident = await dispatcher.call('createIncident', { body: INCIDENT });
    const { candidates } = await dispatcher.call('getRecommendations', { params: { id: incident.id } });
    const offer = await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: candidates[0]!.vehicleId } });
    await a.kill();

    const assignmentStatus = async () => (await database.db.query('SELECT status FROM assignments WHERE id = $1', [offer.assignment.id])).rows[0]?.status;
    await eventually(async () => (await assignmentStatus()) === 'timed_out', 60_000);
    // The re-offer that follows the timeout is made too (by B), and the timeout is on record once.
    await eventually(async () => (await database.db.query('SELECT count(*)::int AS n FROM assignments WHERE incident_id = $1', [incident.id])).rows[0].n >= 2, 60_000);
    const fired = await database.db.query("SELECT count(*)::int AS n FROM status_events WHERE assignment_id = $1 AND status = 'timed_out'", [offer.assignment.id]);
    expect(fired.rows[0].n).toBe(1);
    await a.start({ DEMO: '0' });
    // The balancer checks its processes (inter 1s, rise 2): until it has seen A up again it sends A's cookie to B.
    await eventually(async () => (await balancer.states())['dispatch_servers/a'] === 'UP', 30_000);
  }, 150_000);

  it('loses no acknowledged call when A is killed under load, and A’s consoles reconnect through the balancer to B', async () => {
    const token = await loginAs(balancer.url, 'dispatcher', password('dispatcher'));
    const consoles = [0, 1, 2].map(() => open(balancer.url, token, { cookie: a.cookie }));
    await eventually(async () => consoles.every((c) => c.welcomes() === 1));

    // Four dispatchers taking calls through the balancer, pinned to A; a failed request is retried with its key.
    const acknowledged = new Map<string, string>();
    const takeCalls = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const key = randomUUID();
        for (;;) {
          const answer = await fetch(`${balancer.url}/api/incidents`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key, cookie: a.cookie },
            body: JSON.stringify(INCIDENT),
          }).catch(() => null);
          if (answer && (answer.status === 201 || answer.status === 200)) {
            acknowledged.set(key, ((await answer.json()) as { id: string }).id);
            break;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    const load = Promise.all([0, 1, 2, 3].map(() => takeCalls(25)));
    await eventually(async () => acknowledged.size >= 20, 60_000);
    const killedAt = Date.now();
    await a.kill();
    await load;

    const ids = [...acknowledged.values()];
    expect(new Set(ids).size).toBe(100);
    const stored = await database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents WHERE id = ANY($1::uuid[])', [ids]);
    expect(stored.rows[0]!.n).toBe(100);
    // One incident per key, whichever process answered the retry.
    const perKey = await database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents WHERE idempotency_key = ANY($1::text[])', [[...acknowledged.keys()]]);
    expect(perKey.rows[0]!.n).toBe(100);

    await eventually(async () => consoles.every((c) => c.welcomes() >= 2 && c.socket.connected), 60_000);
    // How long it took, for the report (not asserted: the machine is shared).
    const reconnectMs = Math.max(...consoles.map((c) => c.welcomedAt[1]! - killedAt));
    console.info(JSON.stringify({ measure: 'console reconnect through HAProxy to B after SIGKILL of A', ms: reconnectMs }));
    // And they are live on B: a call taken on B reaches them.
    const after = await apiClient(b.url, token).call('createIncident', { body: INCIDENT });
    await eventually(async () => consoles.every((c) => c.seen('incident.created', (p) => p.id === after.id)), 30_000);
  }, 180_000);
});
