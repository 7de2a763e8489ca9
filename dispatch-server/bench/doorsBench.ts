/**
 * Position ingest through the real doors (issue #14): a real server process (dispatch-server/src/main.ts, demo
 * county), fed from separate client processes through the OsmAnd endpoint on the API port (`http`), the OsmAnd
 * port OSMAND_PORT (`port`) and the crews' sockets (`socket`), with C consoles connected. Needs DATABASE_URL and
 * REDIS_URL (scripts/services.sh env); works in a throw-away database of its own. Prints JSON lines:
 *   machine        cpu model, cores, load average at the start
 *   history        rows put in the position history before measuring (--history), and how long that took
 *   ingest_<door>  offered and acknowledged positions per second, fan-out to the consoles (report sent → console
 *                  heard it) p50/p95/p99, the server's resident memory at the start, end and peak, and the share of
 *                  a core the server, the senders and the consoles used (on a shared machine, what limited it);
 *                  `fanoutParts`: the fan-out split at the server's receipt (toServer, toConsole), the server's stages
 *                  after the receipt (memoryProbe.ts: write, committed, drained, emitted, sent) and the event-loop
 *                  delay of the server and of the consoles' process
 *   memory_<door>  (runs of 120 s or more) the server's memory every 30 s and its trend over the second half
 *
 *   npx tsx dispatch-server/bench/doorsBench.ts [--doors http,port,socket] [--rate 5000] [--seconds 20]
 *     [--vehicles 500] [--consoles 20] [--history 0] [--inflight 500] [--pipeline 1] [--profile DIR] [--server-root DIR]
 * A soak: --seconds 600; the live path with a big history: --history 10000000.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { connect as netConnect, type Socket as NetSocket } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { io as connect, type Socket } from 'socket.io-client';
import { createApiClient, PROTOCOL_VERSION, type PackedPosition } from '@dispatch/protocol';
import { createTestDatabase } from '@dispatch/db/testDatabase';
import { readDemoPasswords } from '../src/demo/demoPasswords';
import { noteFleetChange } from '../src/fleet/fleetChanges';
import { freePort, MsHistogram, percentiles, print, ROOT, sleep } from './benchKit';

const { values: args } = parseArgs({
  options: {
    doors: { type: 'string', default: 'http,port,socket' },
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '20' },
    vehicles: { type: 'string', default: '500' },
    consoles: { type: 'string', default: '20' },
    history: { type: 'string', default: '0' },
    inflight: { type: 'string', default: '500' },
    pipeline: { type: 'string', default: '1' },
    // The protocol version the senders' crew sockets speak (the measured server's, passed on by the bench).
    protocol: { type: 'string' },
    // A folder for the server process's CPU profile (node --cpu-prof), to see where a request's time goes.
    profile: { type: 'string' },
    // Another checkout whose server to measure (an earlier commit's, for a baseline in the same conditions).
    'server-root': { type: 'string' },
    // A sender process (started by the bench itself): its door, target and share of the devices.
    sender: { type: 'string' },
    target: { type: 'string' },
    devices: { type: 'string' },
  },
});
const [RATE, SECONDS, VEHICLES, CONSOLES, HISTORY] = [args.rate, args.seconds, args.vehicles, args.consoles, args.history].map(Number) as [number, number, number, number, number];
const DOORS = ['http', 'port', 'socket'] as const;
type Door = (typeof DOORS)[number];
/** Separate client processes per door: one Node process sending 5,000 requests a second is itself the limit. */
const SENDERS = 2;
/**
 * Requests in flight per sender process. A Traccar Client sends one at a time and waits for the answer, which comes
 * once the position is stored (the batched writer's flush): a fleet of N devices has up to N in flight, and a
 * sender with fewer would measure its own concurrency instead of the server.
 */
const IN_FLIGHT = Number(args.inflight);
/**
 * Requests a connection may have in flight (HTTP/1.1 pipelining): 1 is a phone; more is a Traccar server or a
 * gateway forwarding many devices' fixes over one connection.
 */
const PIPELINE = Number(args.pipeline);
/** Positions per crew socket report: a tablet sends what queued since the last report. */
const SOCKET_BATCH = 10;
/** The measured server's protocol version: an older commit's (--server-root) may speak an older one. */
const SERVER_PROTOCOL: number = args.protocol
  ? Number(args.protocol)
  : args['server-root']
    ? ((await import(pathToFileURL(`${args['server-root']}/protocol/src/version.ts`).href)) as { PROTOCOL_VERSION: number }).PROTOCOL_VERSION
    : PROTOCOL_VERSION;



/** A fix of device i drifting around the demo county's centre, stamped now. */
function fixOf(i: number, k: number) {
  return { lat: 37.02 + (i % 40) * 0.001 + k * 1e-6, lon: 111.9 + Math.floor(i / 40) * 0.001, time: Date.now() };
}

// ---- a sender process: paces its share of the offered rate through one door and says what was acknowledged

async function runSender(door: Door, target: string, devices: string[]): Promise<void> {
  const perSecond = RATE / SENDERS;
  const until = Date.now() + SECONDS * 1000;
  let sent = 0;
  let acked = 0;
  let failed = 0;
  // Failures by kind ("503 position ingest is overloaded; retry", "no answer in 30 s", ...): a lost position is a
  // defect, a refusal under overload must be an answer the device retries.
  const failures: Record<string, number> = {};
  const fail = (kind: string, n = 1) => {
    failed += n;
    failures[kind] = (failures[kind] ?? 0) + n;
  };
  let k = 0;
  if (door === 'socket') {
    // devices are "username:password" of crew logins; each socket reports batches at its share of the rate.
    const sockets = await Promise.all(
      devices.map(async (login) => {
        const [username, password] = login.split(':');
        const answer = await fetch(`${target}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
        const { token } = (await answer.json()) as { token: string };
        const socket = connect(target, { auth: { token, protocolVersion: SERVER_PROTOCOL }, transports: ['websocket'], forceNew: true });
        await new Promise<void>((resolve, reject) => {
          socket.once('session.welcomed', () => resolve());
          socket.once('connect_error', reject);
        });
        return socket;
      }),
    );
    const batchesPerSecond = perSecond / SOCKET_BATCH;
    const started = Date.now();
    let batches = 0;
    const inFlight = new Set<Promise<void>>();
    while (Date.now() < until) {
      const due = Math.floor(((Date.now() - started) / 1000) * batchesPerSecond);
      while (batches < due && inFlight.size < IN_FLIGHT) {
        const i = batches++ % sockets.length;
        const batch = Array.from({ length: SOCKET_BATCH }, (_, j) => {
          const f = fixOf(i, k++);
          return { lat: f.lat, lon: f.lon, deviceTime: new Date(f.time - (SOCKET_BATCH - 1 - j)).toISOString() };
        });
        sent += SOCKET_BATCH;
        const p: Promise<void> = sockets[i]!.timeout(30_000)
          .emitWithAck('positions.reported', batch)
          .then((ack: { ok: boolean; stored?: number; status?: number; error?: string }) => {
            if (ack.ok) acked += SOCKET_BATCH;
            else fail(`${ack.status} ${ack.error}`, SOCKET_BATCH);
          }, (e: Error) => fail(e.message, SOCKET_BATCH))
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      await sleep(5);
    }
    await Promise.all(inFlight);
    for (const s of sockets) s.close();
  } else {
    // As Traccar Client sends it: one fix per request, parameters in the query, speed in knots, over a kept-alive
    // connection, the next request once the answer is in. A connection per device (up to --inflight per sender),
    // written as raw HTTP/1.1: a full HTTP client costs as much CPU as the server's side and would be the limit.
    const url = new URL(target);
    const path = url.pathname.replace(/\/$/, '');
    // Opened 200 at a time: thousands of connects at once overflow the server's listen backlog (511), and a dropped
    // SYN waits a second or more for its retransmission.
    const count = Math.min(IN_FLIGHT, devices.length);
    const connections: DeviceConnection[] = [];
    for (let c = 0; c < count; c += 200) {
      connections.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(200, count - c) }, (_, j) => openDeviceConnection(url, devices.filter((_d, i) => i % count === c + j))),
        )),
      );
    }
    const index = new Map(devices.map((d, i) => [d, i]));
    // One slot per request a connection may have in flight.
    const idle = connections.flatMap((c) => Array<DeviceConnection>(PIPELINE).fill(c));
    const slots = idle.length;
    const started = Date.now();
    const send = (connection: DeviceConnection) => {
      const deviceId = connection.nextDevice();
      const f = fixOf(index.get(deviceId)!, k++);
      sent++;
      connection
        .request(`POST ${path}/?id=${deviceId}&lat=${f.lat}&lon=${f.lon}&timestamp=${f.time}&speed=10&bearing=90&accuracy=5 HTTP/1.1\r\nHost: ${url.host}\r\nContent-Length: 0\r\n\r\n`)
        .then(
          ({ status, body, retryAfterS }) => {
            if (status === 200) acked++;
            else fail(`${status} ${kindOf(body)}`);
            return retryAfterS;
          },
          (e: Error) => void fail(e.message),
        )
        // A device told to retry later (503 Retry-After) keeps its fix and reports again after that, as OsmAnd does.
        .then((retryAfterS) => (retryAfterS ? setTimeout(() => idle.push(connection), retryAfterS * 1000) : idle.push(connection)));
    };
    while (Date.now() < until) {
      const due = Math.floor(((Date.now() - started) / 1000) * perSecond);
      while (sent < due && idle.length > 0) send(idle.shift()!);
      await sleep(2);
    }
    while (idle.length < slots) await sleep(5);
    for (const c of connections) c.close();
  }
  print({ sent, acked, failed, failures });
}

/** An error answer's kind: its message with numbers and ids taken out, so alike failures count together. */
function kindOf(body: string): string {
  let error = body;
  try {
    error = String((JSON.parse(body) as { error?: unknown }).error);
  } catch {
    // not JSON: the raw body
  }
  return error.replace(/[0-9a-f]{8}-[0-9a-f-]{27}|\d+/gi, '#').slice(0, 120);
}

interface Answer {
  status: number;
  body: string;
  retryAfterS?: number;
}

interface DeviceConnection {
  nextDevice(): string;
  /** Writes one request, resolves with the answer's status and body once its body is in. */
  request(head: string): Promise<Answer>;
  close(): void;
}

/** A kept-alive connection of a few devices to the OsmAnd door, answers read by Content-Length. */
async function openDeviceConnection(url: URL, devices: string[]): Promise<DeviceConnection> {
  let buffered: Buffer = Buffer.alloc(0);
  // Answers come in the order of the requests (pipelined or not).
  const waiting: { resolve: (answer: Answer) => void; reject: (e: Error) => void }[] = [];
  const failAll = (e: Error) => waiting.splice(0).forEach((w) => w.reject(e));
  const open = async () => {
    const s = netConnect(Number(url.port), url.hostname);
    s.setNoDelay(true);
    await new Promise<void>((resolve, reject) => s.once('connect', resolve).once('error', reject));
    buffered = Buffer.alloc(0);
    s.on('data', (chunk: Buffer) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0 || waiting.length === 0) return;
        const head = buffered.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? NaN);
        if (Number.isNaN(length)) return waiting.shift()!.reject(new Error('an answer without Content-Length'));
        if (buffered.length < end + 4 + length) return;
        const status = Number(head.slice(9, 12));
        const body = status === 200 ? '' : buffered.subarray(end + 4, end + 4 + length).toString();
        const retryAfterS = status === 200 ? undefined : Number(/\r\nretry-after:\s*(\d+)/i.exec(head)?.[1] ?? 0) || undefined;
        buffered = buffered.subarray(end + 4 + length);
        waiting.shift()!.resolve({ status, body, retryAfterS });
      }
    });
    // Only the connection in use fails the waiting requests: a replaced one's 'close' comes a loop turn after its
    // destroy, when the next request may already wait on the new connection (it was counted failed, and its answer
    // then taken for the request after it).
    s.on('error', (e) => s === socket && failAll(e));
    s.on('close', () => s === socket && failAll(new Error('connection closed')));
    return s;
  };
  let socket: NetSocket | undefined;
  socket = await open();
  let next = 0;
  return {
    nextDevice: () => devices[next++ % devices.length]!,
    // A connection the server closed (idle past its keep-alive timeout) is opened again for the next request.
    request: async (head) => {
      if (socket!.destroyed) socket = await open();
      const on = socket!;
      return new Promise<Answer>((resolve, reject) => {
        // No answer: the connection is given up (its later answers would be taken for the next requests').
        const timer = setTimeout(() => on.destroy(new Error('no answer in 30 s')), 30_000);
        waiting.push({ resolve: (answer) => (clearTimeout(timer), resolve(answer)), reject: (e) => (clearTimeout(timer), reject(e)) });
        on.write(head);
      });
    },
    close: () => socket!.destroy(),
  };
}

// ---- the bench: one server, the consoles, the senders per door


function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(procFile(pid, 'status'));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

/** A /proc file of a process, empty once the process is gone (a sampler must not end the run before its cleanup). */
function procFile(pid: number, name: string): string {
  try {
    return readFileSync(`/proc/${pid}/${name}`, 'utf8');
  } catch {
    return '';
  }
}

/**
 * A soak's memory: the server's own samples (memoryProbe.ts) every 30 s from the door's start, and the trend of RSS
 * and heap used over the second half (least squares, MB per minute): flat is a slope near zero, a leak a steady rise.
 */
function memorySeries(door: Door, file: string, since: number) {
  type Sample = { at: number; rssMb: number; heapUsedMb: number; heapTotalMb: number; externalMb: number; arrayBuffersMb: number };
  const samples = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Sample).filter((s) => s.at >= since);
  const slope = (key: 'rssMb' | 'heapUsedMb' | 'heapTotalMb') => {
    const half = samples.slice(Math.floor(samples.length / 2));
    const xs = half.map((s) => (s.at - since) / 60_000);
    const ys = half.map((s) => s[key]);
    const [mx, my] = [xs.reduce((a, b) => a + b, 0) / xs.length, ys.reduce((a, b) => a + b, 0) / ys.length];
    const num = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0);
    const den = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    return Math.round((num / den) * 100) / 100;
  };
  return {
    metric: `memory_${door}`,
    everySeconds: 30,
    // RSS split: the V8 heap reserved (heapTotal) and used, memory outside it held by JS objects (external: Buffers,
    // of which arrayBuffers), the rest native (code, the allocator's free pages, libuv, zlib, TLS).
    series: samples.filter((_, i) => i % 30 === 0).map((s) => ({
      atS: Math.round((s.at - since) / 1000),
      rssMb: s.rssMb,
      heapTotalMb: s.heapTotalMb,
      heapUsedMb: s.heapUsedMb,
      externalMb: s.externalMb,
      arrayBuffersMb: s.arrayBuffersMb,
    })),
    secondHalfMbPerMin: { rss: slope('rssMb'), heapTotal: slope('heapTotalMb'), heapUsed: slope('heapUsedMb') },
  };
}

/**
 * Where a fix waited in the server (memoryProbe.ts's per-second histograms between `from` and `to`): percentiles of
 * the time from its receipt to each stage, and the event loop's delay (the median and worst of the per-second p99s).
 */
function stageSummary(file: string, from: number, to: number) {
  type Line = { at: number; loopP99Ms?: number; loopMaxMs?: number; stages?: Record<string, Record<string, number>> };
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line).filter((l) => l.at >= from && l.at <= to + 1000);
  const merged: Record<string, Map<number, number>> = {};
  for (const line of lines) {
    for (const [stage, histogram] of Object.entries(line.stages ?? {})) {
      const into = (merged[stage] ??= new Map());
      for (const [ms, n] of Object.entries(histogram)) into.set(Number(ms), (into.get(Number(ms)) ?? 0) + n);
    }
  }
  const server: Record<string, { n: number; p50Ms: number; p99Ms: number }> = {};
  for (const [stage, histogram] of Object.entries(merged)) {
    const buckets = [...histogram].sort((a, b) => a[0] - b[0]);
    const n = buckets.reduce((a, [, c]) => a + c, 0);
    const at = (q: number) => {
      let seen = 0;
      for (const [ms, c] of buckets) if ((seen += c) > q * n) return ms;
      return buckets[buckets.length - 1]![0];
    };
    server[stage] = { n, p50Ms: at(0.5), p99Ms: at(0.99) };
  }
  const loops = lines.map((l) => l.loopP99Ms ?? NaN).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return {
    server,
    serverLoopMs: { p99Median: loops[Math.floor(loops.length / 2)], p99Worst: loops[loops.length - 1], max: Math.max(...lines.map((l) => l.loopMaxMs ?? 0)) },
  };
}

/** Not yet exited (one ended by a signal keeps a null exitCode). */
const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = procFile(pid, 'stat').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function startChild(argv: string[], env: NodeJS.ProcessEnv, output: 'inherit' | 'pipe', cwd = ROOT): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...argv], { cwd, env, stdio: ['ignore', output === 'pipe' ? 'pipe' : 'ignore', 'inherit'] });
}

async function runBench(): Promise<void> {
  const database = await createTestDatabase();
  const dir = `/var/tmp/dispatch120-doorsbench-${randomBytes(4).toString('hex')}`;
  const passwordsFile = `${dir}/demo-logins.json`;
  const [port, osmandPort] = [await freePort(), await freePort()];
  const profile = args.profile ? ['--cpu-prof', '--cpu-prof-dir', args.profile] : [];
  const memoryFile = `${dir}/server-memory.jsonl`;
  const queuePrefix = `doorsbench-${randomBytes(4).toString('hex')}`;
  mkdirSync(dir, { recursive: true });
  const probe = ['--import', fileURLToPath(new URL('./memoryProbe.ts', import.meta.url))];
  const server = startChild([...profile, ...probe, 'dispatch-server/src/main.ts'], {
    BENCH_MEMORY_FILE: memoryFile,
    ...process.env,
    DATABASE_URL: database.url,
    JWT_SECRET: randomBytes(32).toString('hex'),
    PORT: String(port),
    OSMAND_PORT: String(osmandPort),
    DEMO: '1',
    DEMO_PASSWORDS_FILE: passwordsFile,
    LOG_LEVEL: 'warn',
    QUEUE_PREFIX: queuePrefix,
  }, 'inherit', args['server-root'] ?? ROOT);
  const children: ChildProcess[] = [server];
  // Stopped from outside (Ctrl-C, a timeout): the children end, the run fails where it waits, and `finally` still
  // drops the database and the run's Redis keys.
  const stop = () => children.forEach((c) => alive(c) && c.kill('SIGTERM'));
  process.on('SIGINT', stop).on('SIGTERM', stop);
  const consoles: Socket[] = [];
  const base = `http://127.0.0.1:${port}`;
  try {
    for (;;) {
      if (!alive(server)) throw new Error(`the server exited with ${server.exitCode ?? server.signalCode}`);
      if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
      await sleep(250);
    }
    const passwords = readDemoPasswords(passwordsFile);
    const login = async (username: string, password = passwords[username]!) => {
      const answer = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      return ((await answer.json()) as { token: string }).token;
    };
    const adminToken = await login('admin');
    const admin = createApiClient({ baseUrl: base, token: () => adminToken });

    // The fleet: V vehicles with a GPS device each (one statement: a province's thousands through the API would take
    // minutes), and a crew login for the first ones (the socket door). The server's caches ask the database.
    const station = (await admin.call('listStations'))[0]!;
    const { rows: fleet } = await database.db.query<{ id: string; n: number }>(
      `INSERT INTO vehicles (call_sign, kind, capabilities, home_station_id, device_id)
       SELECT 'B-' || n, 'multipurpose', ARRAY['bls'], $1, 'bench-' || n FROM generate_series(0, $2::int - 1) n
       RETURNING id, substr(device_id, 7)::int AS n`,
      [station.id, VEHICLES],
    );
    // Noted to the server's fleet state as the admin API's creation would: else the first batches' fan-out finds
    // vehicles it does not hold, syncs, and reads the whole fleet again while every emission waits behind it (a
    // one-off stall of hundreds of ms at the first door's start, in its p99).
    await noteFleetChange(database.db, { vehicles: fleet.map((v) => v.id) });
    const devices = Array.from({ length: VEHICLES }, (_, n) => `bench-${n}`);
    const crews: string[] = [];
    const crewPassword = 'doors-bench-password';
    const firstHundred = fleet.filter((v) => v.n < 100);
    for (let i = 0; i < firstHundred.length; i += 8) {
      await Promise.all(
        firstHundred.slice(i, i + 8).map(async ({ id, n }) => {
          await admin.call('createUser', { body: { username: `bench-crew-${n}`, displayName: `B-${n}`, password: crewPassword, role: 'crew', vehicleId: id } });
          crews[n] = `bench-crew-${n}:${crewPassword}`;
        }),
      );
    }

    if (HISTORY > 0) {
      const started = performance.now();
      await database.db.query("SELECT ensure_position_partitions((now() - interval '2 months')::date, 4)");
      // One statement: the fleet's ids in an array, row g to vehicle g mod V, spread over the last 30 days.
      await database.db.query(
        `INSERT INTO vehicle_positions (vehicle_id, location, speed_mps, device_time, source)
         SELECT f.ids[1 + g % f.n], ST_SetSRID(ST_MakePoint(111.9 + random() * 0.05, 37.0 + random() * 0.05), 4326), 10,
                now() - interval '1 minute' - (g::float8 * 86400 * 30 / $1::int) * interval '1 second', 'bench-history'
           FROM (SELECT array_agg(id) AS ids, count(*)::int AS n FROM vehicles) f, generate_series(1, $1::int) g`,
        [HISTORY],
      );
      // As a history that grew over months would be: vacuumed (visibility map, statistics) and checkpointed; else
      // the one-off vacuum and checkpoint of the fill's gigabytes run during the measurement and are what it measures.
      await database.db.query('VACUUM (ANALYZE) vehicle_positions');
      await database.db.query('CHECKPOINT');
      print({ bench: 'history', rows: HISTORY, fillS: Math.round((performance.now() - started) / 100) / 10 });
    }

    // The consoles: every one hears every position; the fan-out is timed from the fix's device time.
    const dispatcherToken = await login('dispatcher');
    let fanout = new MsHistogram();
    // The fan-out in two: sent → the server's door had it (receivedAt), and from there to the console.
    let toServer = new MsHistogram();
    let toConsole = new MsHistogram();
    for (let c = 0; c < CONSOLES; c++) {
      const socket = connect(base, { auth: { token: dispatcherToken, protocolVersion: SERVER_PROTOCOL }, transports: ['websocket'], forceNew: true });
      await new Promise<void>((resolve, reject) => {
        socket.once('session.welcomed', () => resolve());
        socket.once('connect_error', reject);
      });
      // Every console is timed, not only the first: the last one served is the one that waits.
      // Packed (an array per fix), or objects from a server before protocol 3 (--server-root of an older commit).
      socket.on('vehicle.positionsUpdated', (positions: (PackedPosition | { deviceTime: string; receivedAt: string })[]) => {
        const now = Date.now();
        for (const p of positions) {
          const [measured, received] = Array.isArray(p) ? [p[6], p[7]] : [Date.parse(p.deviceTime), Date.parse(p.receivedAt)];
          fanout.record(now - measured);
          toServer.record(received - measured);
          toConsole.record(now - received);
        }
      });
      consoles.push(socket);
    }

    // The live path beside the ingest: a call's recommendation, and the route a vehicle drove (its track, read from
    // the position history) for a task dispatched a day ago, each asked once a second while the door is busy.
    const dispatcher = createApiClient({ baseUrl: base, token: () => dispatcherToken });
    const incident = await dispatcher.call('createIncident', { body: { location: { lon: 111.92, lat: 37.03 }, category: 'chest_pain', priority: 2 } });
    await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: fleet.find((v) => v.n === 0)!.id } });
    await database.db.query("UPDATE assignments SET dispatched_at = now() - interval '1 day' WHERE incident_id = $1", [incident.id]);
    const askLive = async (recommendation: number[], track: number[], trackPoints: number[]) => {
      let t = performance.now();
      await dispatcher.call('getRecommendations', { params: { id: incident.id } });
      recommendation.push(performance.now() - t);
      t = performance.now();
      const drove = await dispatcher.call('getIncidentTrack', { params: { id: incident.id } });
      track.push(performance.now() - t);
      trackPoints.push(drove.tracks[0]?.points ?? NaN);
    };

    const doors = args.doors.split(',') as Door[];
    for (const door of doors) {
      if (!DOORS.includes(door)) throw new Error(`--doors: ${door} is not one of ${DOORS.join(', ')}`);
      fanout = new MsHistogram();
      toServer = new MsHistogram();
      toConsole = new MsHistogram();
      // The consoles' own process: a late console handler is the bench's delay, not the server's.
      const consolesLoop = monitorEventLoopDelay({ resolution: 5 });
      consolesLoop.enable();
      const doorStarted = Date.now();
      const memory: number[] = [rssMb(server.pid!)];
      const cpuAtStart = { server: cpuSeconds(server.pid!), bench: process.cpuUsage(), at: performance.now() };
      const sampler = setInterval(() => memory.push(rssMb(server.pid!)), 1000);
      const target = door === 'http' ? `${base}/osmand` : door === 'port' ? `http://127.0.0.1:${osmandPort}` : base;
      const pool = door === 'socket' ? crews : devices;
      const senders = Array.from({ length: SENDERS }, (_, s) => {
        const share = pool.filter((_, i) => i % SENDERS === s);
        const child = startChild(
          [fileURLToPath(import.meta.url), '--sender', door, '--target', target, '--devices', share.join(','), '--rate', String(RATE), '--seconds', String(SECONDS), '--inflight', String(IN_FLIGHT), '--pipeline', String(PIPELINE), '--protocol', String(SERVER_PROTOCOL)],
          process.env,
          'pipe',
        );
        children.push(child);
        return new Promise<{ sent: number; acked: number; failed: number; failures: Record<string, number> }>((resolve, reject) => {
          let out = '';
          child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
          child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`a ${door} sender exited with ${code}`))));
        });
      });
      const senderCpu = new Map<number, number>();
      const senderSampler = setInterval(() => {
        for (const c of children.slice(-SENDERS)) {
          const seconds = cpuSeconds(c.pid!);
          if (!Number.isNaN(seconds)) senderCpu.set(c.pid!, seconds);
        }
      }, 500);
      const live = { recommendation: [] as number[], track: [] as number[], trackPoints: [] as number[] };
      let asking = true;
      const asker = (async () => {
        await sleep(2000);
        while (asking) {
          await askLive(live.recommendation, live.track, live.trackPoints);
          await sleep(1000);
        }
        // Caught at once: a server gone while the senders still run must fail the run where it waits, after which
        // its cleanup runs, not end the process here.
      })().catch((error: unknown) => print({ door, liveError: String(error) }));
      const results = await Promise.all(senders);
      asking = false;
      await asker;
      clearInterval(senderSampler);
      const wall = (performance.now() - cpuAtStart.at) / 1000;
      const benchCpu = process.cpuUsage(cpuAtStart.bench);
      const serverCpu = cpuSeconds(server.pid!) - cpuAtStart.server;
      await sleep(1500);
      clearInterval(sampler);
      const total = results.reduce((a, r) => ({ sent: a.sent + r.sent, acked: a.acked + r.acked, failed: a.failed + r.failed }), { sent: 0, acked: 0, failed: 0 });
      const failures: Record<string, number> = {};
      for (const r of results) for (const [kind, n] of Object.entries(r.failures)) failures[kind] = (failures[kind] ?? 0) + n;
      print({
        metric: `ingest_${door}`,
        door,
        seconds: SECONDS,
        offeredPerSecond: RATE,
        positionsPerSecond: Math.round(total.acked / SECONDS),
        failed: total.failed,
        failures,
        consoles: CONSOLES,
        vehicles: door === 'socket' ? crews.length : devices.length,
        historyRows: HISTORY,
        fanout: fanout.percentiles(),
        fanoutParts: {
          toServer: toServer.percentiles(),
          toConsole: toConsole.percentiles(),
          // Server side (memoryProbe.ts): from the door's receipt to each stage.
          ...stageSummary(memoryFile, doorStarted, Date.now()),
          consolesLoopMs: { p99: Math.round(consolesLoop.percentile(99) / 1e5) / 10, max: Math.round(consolesLoop.max / 1e5) / 10 },
        },
        // Asked while the door was busy: the live path's reads beside the writes.
        recommendationMs: percentiles(live.recommendation),
        trackMs: { ...percentiles(live.track), points: live.trackPoints[live.trackPoints.length - 1] },
        serverRssMb: { start: memory[0], end: memory[memory.length - 1], max: Math.max(...memory) },
        // Share of one core each side used while sending: what limits the figure on a shared machine.
        cpuPct: {
          server: Math.round((100 * serverCpu) / wall),
          senders: Math.round((100 * [...senderCpu.values()].reduce((a, b) => a + b, 0)) / wall),
          consoles: Math.round((benchCpu.user + benchCpu.system) / 1e4 / wall),
        },
        loadavg1m: loadavg()[0],
      });
      consolesLoop.disable();
      if (SECONDS >= 120) print(memorySeries(door, memoryFile, doorStarted));
    }
  } finally {
    for (const s of consoles) s.close();
    for (const child of children) if (alive(child)) child.kill('SIGTERM');
    await Promise.all(children.map((c) => (alive(c) ? new Promise((done) => c.once('exit', done)) : null)));
    await database.drop();
    // The run's keys in the shared Redis (the socket stream alone is megabytes of position batches).
    const redis = new Redis(process.env.REDIS_URL!);
    for await (const keys of redis.scanStream({ match: `${queuePrefix}:*`, count: 500 }) as AsyncIterable<string[]>) if (keys.length) await redis.del(...keys);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (args.sender) {
  await runSender(args.sender as Door, args.target!, args.devices!.split(','));
} else {
  print({ bench: 'machine', cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, loadavg1m: loadavg()[0] });
  await runBench();
}
