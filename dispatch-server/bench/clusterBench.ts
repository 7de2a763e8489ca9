/**
 * One server process against two (and more) on the same PostgreSQL and Redis (issue #15; README, Deployment):
 * real processes (dispatch-server/src/main.ts, PROCESS_ROLES of a web+realtime+workers process), the demo county,
 * clients spread over the processes round-robin, one console on the last process. Needs DATABASE_URL and
 * REDIS_URL (scripts/services.sh env); works in a throw-away database of its own. Prints JSON lines:
 *   machine    cpu model, cores, load average at the start
 *   calls      calls taken per second by C concurrent dispatchers (201s), and call → console (on another process) latency
 *   positions  positions stored per second from the demo crews' sockets (batches of B, acknowledged), and the
 *              fan-out latency (report → the console's vehicle.positionsUpdated) at that load
 *
 *   npx tsx dispatch-server/bench/clusterBench.ts [--processes 1,2] [--seconds 10] [--dispatchers 8] [--batch 20]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { io as connect, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type PackedPosition } from '@dispatch/protocol';
import { createTestDatabase } from '@dispatch/db/testDatabase';
import { readDemoPasswords } from '../src/demo/demoPasswords';
import { freePort, percentiles, print, ROOT, sleep } from './benchKit';

const { values: args } = parseArgs({
  options: {
    processes: { type: 'string', default: '1,2' },
    seconds: { type: 'string', default: '10' },
    dispatchers: { type: 'string', default: '8' },
    batch: { type: 'string', default: '20' },
  },
});
const COUNTS = args.processes.split(',').map(Number);
const [SECONDS, DISPATCHERS, BATCH] = [args.seconds, args.dispatchers, args.batch].map(Number) as [number, number, number];



const database = await createTestDatabase();
const passwordsFile = `/var/tmp/dispatch120-clusterbench-${randomBytes(4).toString('hex')}/demo-logins.json`;
const env = {
  ...process.env,
  DATABASE_URL: database.url,
  JWT_SECRET: randomBytes(32).toString('hex'),
  OSMAND_PORT: '0',
  DEMO_PASSWORDS_FILE: passwordsFile,
  LOG_LEVEL: 'warn',
  QUEUE_PREFIX: `clusterbench-${randomBytes(4).toString('hex')}`,
  PROCESS_ROLES: 'web,realtime,workers',
};
const children: ChildProcess[] = [];
const urls: string[] = [];

async function startProcess(demo: boolean) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'dispatch-server/src/main.ts'], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), DEMO: demo ? '1' : '0' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`a server process exited with ${child.exitCode}`);
    if (await fetch(`${url}/api/health`).then((r) => r.ok, () => false)) break;
    await sleep(250);
  }
  urls.push(url);
}

async function login(url: string, username: string): Promise<string> {
  const answer = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: readDemoPasswords(passwordsFile)[username] }),
  });
  if (!answer.ok) throw new Error(`login ${username}: ${answer.status}`);
  return ((await answer.json()) as { token: string }).token;
}

function socketTo(url: string, token: string): Promise<Socket> {
  const socket = connect(url, { auth: { token, protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('session.welcomed', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function measure(count: number) {
  const token = await login(urls[0]!, 'dispatcher');
  const consoleSocket = await socketTo(urls[count - 1]!, token);

  // Calls: each dispatcher takes calls as fast as it is answered, on process i % count.
  // The push often arrives before the HTTP answer that names the incident: both times kept, matched at the end.
  const sentAt = new Map<string, number>();
  const heardAt = new Map<string, number>();
  consoleSocket.on('incident.created', (incident: { id: string }) => heardAt.set(incident.id, performance.now()));
  let calls = 0;
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: DISPATCHERS }, async (_, i) => {
      const url = urls[i % count]!;
      while (Date.now() < until) {
        const started = performance.now();
        const answer = await fetch(`${url}/api/incidents`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ location: { lon: 111.913 + Math.random() * 0.02, lat: 37.027 + Math.random() * 0.02 }, category: 'other', priority: 4 }),
        });
        if (answer.status === 201) {
          calls++;
          sentAt.set(((await answer.json()) as { id: string }).id, started);
        }
      }
    }),
  );
  await sleep(1000);
  const consoleLatency = [...sentAt].flatMap(([id, at]) => (heardAt.has(id) ? [heardAt.get(id)! - at] : []));
  print({ bench: 'calls', processes: count, dispatchers: DISPATCHERS, seconds: SECONDS, callsPerS: Math.round((calls / SECONDS) * 10) / 10, callToConsoleOnLastProcessMs: percentiles(consoleLatency) });

  // Positions: every demo crew reports batches over its socket, on process i % count, acknowledged.
  const crews = (await database.db.query<{ username: string }>("SELECT username FROM users WHERE role = 'crew' AND vehicle_id IS NOT NULL ORDER BY username")).rows;
  const fanout: number[] = [];
  consoleSocket.on('vehicle.positionsUpdated', (positions: PackedPosition[]) => {
    const now = Date.now();
    for (const p of positions) fanout.push(now - p[6]);
  });
  const crewSockets = await Promise.all(crews.map(async (c, i) => socketTo(urls[i % count]!, await login(urls[i % count]!, c.username))));
  let stored = 0;
  const positionsUntil = Date.now() + SECONDS * 1000;
  await Promise.all(
    crewSockets.map(async (socket, i) => {
      let k = 0;
      while (Date.now() < positionsUntil) {
        const now = Date.now();
        const batch = Array.from({ length: BATCH }, (_, j) => ({
          lon: 111.75 + (i % 10) * 0.03 + (k + j) * 1e-6,
          lat: 36.85 + Math.floor(i / 10) * 0.03,
          // The last fix of a batch is "now": the console's newest position of the vehicle times the fan-out.
          deviceTime: new Date(now - (BATCH - 1 - j)).toISOString(),
        }));
        k += BATCH;
        const ack = (await socket.timeout(30_000).emitWithAck('positions.reported', batch)) as { ok: boolean; stored?: number };
        if (ack.ok) stored += ack.stored ?? 0;
      }
    }),
  );
  await sleep(1000);
  print({ bench: 'positions', processes: count, crews: crews.length, batch: BATCH, seconds: SECONDS, positionsPerS: Math.round(stored / SECONDS), fanoutToConsoleOnLastProcessMs: percentiles(fanout) });
  for (const s of crewSockets) s.close();
  consoleSocket.close();
}

try {
  print({ bench: 'machine', cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, loadavg1m: loadavg()[0] });
  for (const count of COUNTS) {
    while (urls.length < count) await startProcess(urls.length === 0);
    await measure(count);
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((done) => c.once('exit', done)) : null)));
  await database.drop();
  rmSync(passwordsFile.replace(/\/[^/]+$/, ''), { recursive: true, force: true });
}
