/**
 * End-to-end dispatch latency at big-city fleet size (npm run bench:dispatch [-- --calls N]): the real
 * server in this process, 1,000 vehicles with fresh positions on the demo county's roads, real socket.io
 * clients. Measures what the brief targets:
 *   - call created (POST /api/incidents) → recommendation on a connected console (p95 ≤ 300 ms)
 *   - dispatch (POST …/assignments) → the crew's socket has the assignment with its route (p95 ≤ 300 ms)
 *   - BullMQ timer lateness (≤ 1 s)
 * and, in the same run, the naive baseline for the ranking step: pgRouting's many-to-one
 * pgr_dijkstraCost over the whole network instead of the in-memory search. Prints JSON lines.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { cpus, hostname } from 'node:os';
import { Redis } from 'ioredis';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@dispatch/protocol';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createPool, migrate } from '@dispatch/db';
import { seedDemo } from '../src/demo/seedDemo';
import { prepareRankings } from '../src/recommendations/computeRecommendation';
import { generatePassword, hashPassword } from '../src/auth/passwords';
import { createLogger } from '../src/logger';
import { createTimers } from '../src/timers/timers';
import type { PositionIngestor } from '../src/positions/ingestPositions';
import { importRoads } from '@dispatch/geo/import/importRoads';
import { buildProvinceNetwork } from '@dispatch/geo/import/provinceNetwork';
import { landmarksOf } from '@dispatch/geo/routing/landmarks';
import { roadDataFile } from '@dispatch/geo/routing/roadData';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CALLS = arg('calls', 100);
const VEHICLES = arg('vehicles', 1000);
/**
 * `--network rnv|monaco|shanghai`: the same run on a real extract of ../shared/roaddata (RNV 57k edges, Monaco,
 * central Shanghai) instead of the demo county. `--seed N` makes the random places (stations, hospitals, fleet,
 * calls) the same from run to run; calls may land anywhere on the network, cut-off pieces included.
 * `--network province`: RNV tiled 5 × 4 with connecting roads (1.14M edges, geo/src/import/provinceNetwork.ts),
 * generated in the fresh database; run it with `--vehicles 10000`. Its server-side figure is recommendation_province.
 * A province as the brief has it has several centres: by default each tile is a county with its own centre (20), its
 * stations, hospitals and vehicles (home station: the nearest of the tile's) that centre's, and each call the centre
 * intake gives it (its nearest station's); the console is a province login. `--centres 1`: the whole province one
 * centre (the shape measured before). The setup line says which ran (centres).
 */
const NETWORK_FILES = { rnv: 'rnv.osm.pbf', monaco: 'monaco.osm.pbf', shanghai: 'shanghai_center.osm.pbf' } as const;
const NETWORK = process.argv.includes('--network') ? process.argv[process.argv.indexOf('--network') + 1]! : null;
const PROVINCE = NETWORK === 'province';
// The naive pgRouting baseline ranks one call in seconds on the county and RNV; on the province's 1.1M edges with
// 10,000 vehicles one call ran past 10 minutes, so there it runs only when asked for.
const NAIVE_CALLS = arg('naive-calls', PROVINCE ? 0 : 10);
if (NETWORK !== null && !PROVINCE && !(NETWORK in NETWORK_FILES)) throw new Error(`--network must be one of ${Object.keys(NETWORK_FILES).join(', ')}, province`);
const SEED = arg('seed', 1);
const CENTRES = arg('centres', PROVINCE ? 20 : 1);
if (CENTRES !== 1 && !(PROVINCE && CENTRES === 20)) throw new Error('--centres is 1, or 20 with --network province (a centre per tile)');
/**
 * `--moving R`: during the calls, R positions a second of the bench's vehicles go through the server's real ingest
 * (the PositionIngestor the OsmAnd door hands its fixes to, in process: each fix one `add` as from one device), each
 * a jitter of a few metres around the vehicle's place: every ingest batch commits with a fleet note, as in a live centre.
 */
const MOVING = arg('moving', 0);
/** `--profile FILE`: a CPU profile (.cpuprofile, for Chrome's DevTools) of this process during the calls only. */
const PROFILE = process.argv.includes('--profile') ? process.argv[process.argv.indexOf('--profile') + 1]! : null;
/** `--trace`: each measured call's server-side time, centres and vertices searched, as a JSON line on stderr (which calls make the tail). */
const TRACE = process.argv.includes('--trace');

const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, hostname: hostname() };
const emit = (record: Record<string, unknown>) => console.log(JSON.stringify({ bench: 'dispatch', ...record, machine }));

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  const round = (v: number) => Math.round(v * 10) / 10;
  return { n: sorted.length, p50Ms: round(at(50)), p95Ms: round(at(95)), p99Ms: round(at(99)), maxMs: round(sorted.at(-1)!) };
}

async function freshDatabase(baseUrl: string): Promise<string> {
  const url = new URL(baseUrl);
  const name = `${url.pathname.slice(1)}_dispatchbench`;
  const admin = new pg.Client({ connectionString: Object.assign(new URL(baseUrl), { pathname: '/postgres' }).toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  url.pathname = `/${name}`;
  return url.toString();
}

function once<T>(socket: Socket, event: string, match: (payload: T) => boolean, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

async function main() {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL) throw new Error('run with eval "$(bash scripts/services.sh env)"');
  const databaseUrl = await freshDatabase(process.env.DATABASE_URL);
  const db = createPool(databaseUrl, 20);
  await migrate(db);
  const demoLogins = await seedDemo(db);
  // One session for every random draw, seeded: the same places for the same --seed.
  const draw = await db.connect();
  await draw.query('SELECT setseed($1)', [((SEED % 2_000_000) / 1_000_000) - 1]);
  let region = 'jiexiu-demo';
  if (NETWORK) {
    const name = NETWORK_FILES[PROVINCE ? 'rnv' : (NETWORK as keyof typeof NETWORK_FILES)];
    const file = roadDataFile(name);
    if (!file) throw new Error(`../shared/roaddata/${name} is absent`);
    region = `bench-${NETWORK}`;
    if (PROVINCE) {
      await importRoads(db, { file, region: 'bench-rnv' });
      emit({ setup: await buildProvinceNetwork(db, { baseRegion: 'bench-rnv', region, columns: 5, rows: 4 }) });
    } else await importRoads(db, { file, region });
    // The demo county's stations, hospitals and fleet move onto random places of the real network.
    for (const table of ['stations', 'hospitals']) {
      await draw.query(
        `UPDATE ${table} t SET location = r.geom FROM ${table} t2
           CROSS JOIN LATERAL (SELECT geom FROM road_vertices v JOIN road_regions g ON g.network_id = v.network_id
                                WHERE g.name = $1 AND t2.id IS NOT NULL ORDER BY random() LIMIT 1) r
          WHERE t.id = t2.id`,
        [region],
      );
    }
    await draw.query(`UPDATE vehicle_positions_latest p SET location = s.location FROM vehicles v JOIN stations s ON s.id = v.home_station_id WHERE v.id = p.vehicle_id`);
  }
  const { rows: [{ network_id: network }] } = await db.query('SELECT network_id FROM road_regions WHERE name = $1', [region]);

  // Grow the demo fleet to big-city size: vehicles on random road vertices, fresh fixes, one crew login each.
  const benchPassword = generatePassword();
  const passwordHash = await hashPassword(benchPassword);
  await draw.query(
    `WITH station AS (SELECT id FROM stations ORDER BY code LIMIT 1),
          new_vehicles AS (
            INSERT INTO vehicles (call_sign, kind, capabilities, home_station_id)
            SELECT 'BENCH-' || n, 'negative_pressure_ambulance', ARRAY['negative_pressure', CASE WHEN n % 3 = 0 THEN 'bls' ELSE 'als' END], (SELECT id FROM station)
              FROM generate_series(1, $1::int) AS n
            RETURNING id, call_sign),
          users AS (
            INSERT INTO users (username, display_name, password_hash, role, vehicle_id)
            SELECT lower(call_sign), call_sign, $2, 'crew', id FROM new_vehicles)
     INSERT INTO vehicle_positions_latest (vehicle_id, location, device_time, source)
     SELECT v.id, r.geom, now(), 'bench'
       FROM new_vehicles v
       -- Correlated on v.id, so each vehicle draws its own random vertex; a province's ~900k vertices are
       -- sampled once instead (10,000 draws over the whole table would take minutes).
       CROSS JOIN LATERAL (SELECT geom FROM road_vertices WHERE network_id = $3 AND v.id IS NOT NULL AND NOT $4 ORDER BY random() LIMIT 1) r
      UNION ALL
     SELECT v.id, s.geom, now(), 'bench'
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS k FROM new_vehicles) v
       JOIN (SELECT geom, row_number() OVER () AS k
               FROM (SELECT geom FROM road_vertices WHERE network_id = $3 AND $4 ORDER BY random() LIMIT $1) s) s ON s.k = v.k`,
    [Math.max(0, VEHICLES - 24), passwordHash, network, PROVINCE],
  );

  if (CENTRES > 1) await countyCentres(draw, network);

  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL,
    JWT_SECRET: randomBytes(32).toString('hex'),
    PORT: '0',
    OSMAND_PORT: '0',
    LOG_LEVEL: 'silent',
    ACK_TIMEOUT_S: '600',
    // The run takes minutes: keep the seeded fixes fresh so every vehicle is ranked from its position.
    POSITION_STALE_AFTER_S: '86400',
    ROAD_REGION: region,
    QUEUE_PREFIX: `bench-${randomBytes(4).toString('hex')}`,
  });
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  const app = createApp({ config, db, redis, log: createLogger('silent') });
  await new Promise<void>((done) => app.http.listen(0, '127.0.0.1', done));
  // Pauses of several seconds (the province's first ranking snaps 10,000 vehicles) outlast node's 5 s keep-alive:
  // the client's next request then races the server closing that connection (ECONNRESET).
  app.http.keepAliveTimeout = 120_000;
  const base = `http://127.0.0.1:${(app.http.address() as AddressInfo).port}`;
  const login = async (username: string) => {
    const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: demoLogins.passwords[username] ?? benchPassword }) });
    return ((await res.json()) as { token: string }).token;
  };
  const open = (token: string) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect(base, { auth: { token, protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], forceNew: true });
      socket.once('session.welcomed', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  const dispatcherToken = await login('dispatcher');
  const headers = { authorization: `Bearer ${dispatcherToken}`, 'content-type': 'application/json' };
  const consoleSocket = await open(dispatcherToken);
  const { rows: vertices } = await draw.query(
    // Calls anywhere on the network, one-way sinks and sources, gated and badly joined pieces included: they are
    // placed on the strongly connected main network (the recommendation says how much farther).
    `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM road_vertices WHERE network_id = $1 ORDER BY md5(id::text || $3) LIMIT $2`,
    [network, CALLS, String(SEED)],
  );
  draw.release();
  const { rows: crews } = await db.query('SELECT username, vehicle_id FROM users WHERE role = $1', ['crew']);
  const crewOf = new Map(crews.map((c) => [c.vehicle_id as string, c.username as string]));
  const edges = (await db.query('SELECT count(*)::int AS n FROM road_edges WHERE network_id = $1', [network])).rows[0].n;
  const perCentre = (await db.query('SELECT count(*)::int AS n FROM vehicles v JOIN stations s ON s.id = v.home_station_id GROUP BY s.centre_id ORDER BY n')).rows.map((r) => r.n as number);
  emit({ setup: { region, seed: SEED, edges, vehicles: (await db.query('SELECT count(*)::int AS n FROM vehicles')).rows[0].n, calls: CALLS, centres: CENTRES, vehiclesPerCentre: { min: perCentre[0], max: perCentre.at(-1) } } });

  // Warm the graph and the JIT so the first call does not measure loading, nor the plain search before the
  // background preprocessing has attached the contraction hierarchy.
  await app.graphs.get();
  const hierarchy = await app.graphs.preprocessed();
  if (hierarchy) emit({ metric: 'ch_preprocess', ...hierarchy.stats, hierarchyMB: Math.round((hierarchy.byteSize() / 2 ** 20) * 10) / 10 });
  const landmarks = hierarchy ? landmarksOf(hierarchy) : null;
  if (landmarks) emit({ metric: 'landmarks', count: landmarks.vertices.length, buildMs: Math.round(landmarks.stats.buildMs), MB: Math.round((landmarks.stats.bytes / 2 ** 20) * 10) / 10 });
  // What the server does by itself once the hierarchy is built (ROAD_PRELOAD): awaited here, so that no call measures it.
  const preparing = performance.now();
  const prepared = await prepareRankings(app.ctx.travel, app.ctx.fleet, app.ctx.policy);
  emit({ metric: 'rankings_prepared', centres: prepared, ms: Math.round(performance.now() - preparing) });
  let fallbacks = 0;
  // Every recommendation pushed, by incident: the first (on the fleet as held) and a correction when the fleet sync
  // brought a change that altered it (recommendations/recommendForIncident.ts).
  type Pushed = { incidentId: string; candidates: { vehicleId: string }[]; computeMs: number };
  const pushes = new Map<string, Pushed[]>();
  const pushWaiters = new Map<string, (r: Pushed) => void>();
  consoleSocket.on('recommendation.computed', (r: Pushed) => {
    const list = pushes.get(r.incidentId) ?? [];
    pushes.set(r.incidentId, [...list, r]);
    if (list.length === 0) pushWaiters.get(r.incidentId)?.(r);
  });
  const firstPush = (incidentId: string, timeoutMs: number) =>
    new Promise<Pushed>((resolve, reject) => {
      const known = pushes.get(incidentId)?.[0];
      if (known) return resolve(known);
      const timer = setTimeout(() => reject(new Error(`no recommendation.computed within ${timeoutMs} ms`)), timeoutMs);
      pushWaiters.set(incidentId, (r) => {
        clearTimeout(timer);
        pushWaiters.delete(incidentId);
        resolve(r);
      });
    });
  const moving = MOVING > 0 ? await startMoving(app.positions.ingestor, db, MOVING) : null;
  // How often a call found a held fleet to rank at once (as asked), and how often it would have with no note being read
  // in (counted on the server's own fleet state, in process).
  const fleetState = app.ctx.fleet;
  const heldVersion = fleetState.heldVersion.bind(fleetState);
  const heldAtCall = { asked: 0, held: 0, heldNoNoteReading: 0 };
  fleetState.heldVersion = (...args: Parameters<typeof heldVersion>) => {
    const held = heldVersion(...args);
    heldAtCall.asked++;
    if (held) heldAtCall.held++;
    if (heldVersion()) heldAtCall.heldNoNoteReading++;
    return held;
  };
  // Vertices the fleet search swept per call, and centres searched (the server's travel service says; older ones do not).
  const swept: number[] = [];
  const centresSearched: number[] = [];
  const travel = app.ctx.travel;
  const etasToTarget = travel.etasToTarget.bind(travel);
  travel.etasToTarget = async (...args: Parameters<typeof etasToTarget>) => {
    const answer = (await etasToTarget(...args)) as { sweptVertices?: number; centresSearched?: number };
    if (answer.sweptVertices !== undefined) swept.push(answer.sweptVertices);
    if (answer.centresSearched !== undefined) centresSearched.push(answer.centresSearched);
    return answer as Awaited<ReturnType<typeof etasToTarget>>;
  };
  const profiler = PROFILE ? await startProfile(PROFILE) : null;
  const intake: number[] = [];
  const serverCompute: number[] = [];
  const offer: number[] = [];
  for (const [i, v] of vertices.entries()) {
    const body = JSON.stringify({ location: { lon: v.lon, lat: v.lat }, category: i % 2 ? 'trauma' : 'chest_pain', priority: 1 });
    const t0 = performance.now();
    const res = await fetch(`${base}/api/incidents`, { method: 'POST', headers, body });
    const incident = (await res.json()) as { id: string };
    const recommendation = await firstPush(incident.id, PROVINCE ? 120_000 : 10_000);
    if (i >= 3) {
      intake.push(performance.now() - t0);
      serverCompute.push(recommendation.computeMs);
      if (TRACE) console.error(JSON.stringify({ call: i, computeMs: recommendation.computeMs, centresSearched: centresSearched.at(-1), sweptVertices: swept.at(-1) }));
    }
    const vehicleId = recommendation.candidates[0]?.vehicleId;
    if ((recommendation as { incidentFallbackExtraM?: number | null }).incidentFallbackExtraM != null) fallbacks++;
    if (!vehicleId) throw new Error(`no candidate for a call at ${v.lon},${v.lat}: ${JSON.stringify(recommendation).slice(0, 400)}`);
    const crewSocket = await open(await login(crewOf.get(vehicleId)!));
    const t1 = performance.now();
    const offered = once<{ assignment: { id: string }; route: unknown }>(crewSocket, 'assignment.offered', () => true);
    await fetch(`${base}/api/incidents/${incident.id}/assignments`, { method: 'POST', headers, body: JSON.stringify({ vehicleId }) });
    const got = await offered;
    if (!got.route) throw new Error('offer without a route');
    if (i >= 3) offer.push(performance.now() - t1);
    crewSocket.close();
    await fetch(`${base}/api/assignments/${got.assignment.id}/cancel`, { method: 'POST', headers, body: JSON.stringify({ reason: 'bench' }) });
  }
  if (moving) emit({ metric: 'moving_fleet', ...(await moving.stop()) });
  await profiler?.stop();
  emit({ metric: 'call_created_to_recommendation_on_console', target: 'p95 <= 300 ms', ...percentiles(intake) });
  emit({ metric: PROVINCE ? 'recommendation_province' : 'recommendation_whole', centres: CENTRES, note: 'server side: request in → ranked vehicles with reasons, station and hospital out', ...percentiles(serverCompute) });
  const graph = await app.graphs.get();
  const mean = (list: number[]) => (list.length ? Math.round(list.reduce((a, b) => a + b, 0) / list.length) : null);
  const groups = await import('@dispatch/geo/routing/fleetGroups').then((m) => m.groupSelections(graph), () => null);
  const kept = groups ? [...groups.values()] : [];
  const bytes = kept.map((g) => g.bytes).sort((a, b) => a - b);
  emit({
    metric: 'fleet_search_per_call',
    centres: CENTRES,
    sweptVertices: mean(swept) ?? hierarchy?.selectedVertices('toTarget') ?? null,
    centresSearched: mean(centresSearched),
    hierarchyMB: hierarchy ? Math.round((hierarchy.byteSize() / 2 ** 20) * 10) / 10 : null,
    keptCentres: kept.length,
    bytesPerCentre: bytes.length ? { min: bytes[0], median: bytes[bytes.length >> 1], max: bytes.at(-1), total: bytes.reduce((a, b) => a + b, 0) } : null,
    note: 'sweptVertices: restricted-sweep vertices per fleet search (mean; a server without per-centre search: its whole-fleet selection)',
  });
  const corrected = [...pushes.values()].filter((list) => list.length > 1).length;
  emit({ metric: 'held_fleet_at_call', ...heldAtCall, note: 'recommendations that found a held fleet to rank at once; heldNoNoteReading: those that would have with no note being read in' });
  emit({ metric: 'recommendation_corrections', calls: vertices.length, corrected, note: 'calls whose first recommendation (fleet as held) was followed by a corrected one (the fleet sync brought a change that altered it)' });
  emit({ metric: 'calls_placed_on_main_network', calls: vertices.length, fallbacks, note: 'calls whose nearest road is cut off from the strongly connected main network' });
  emit({ metric: 'dispatch_to_crew_has_route', target: 'p95 <= 300 ms', ...percentiles(offer) });

  // Naive baseline for the ranking step, same database, same fleet: pgRouting many-to-one over the whole network.
  const naive: number[] = [];
  for (const v of vertices.slice(0, NAIVE_CALLS)) {
    const t0 = performance.now();
    await db.query(
      `WITH target AS (SELECT id FROM road_vertices WHERE network_id = $1 ORDER BY geom <-> ST_SetSRID(ST_MakePoint($2, $3), 4326) LIMIT 1),
            starts AS (SELECT DISTINCT (SELECT id FROM road_vertices rv WHERE rv.network_id = $1 ORDER BY rv.geom <-> p.location LIMIT 1) AS id
                         FROM vehicle_positions_latest p)
       SELECT * FROM pgr_dijkstraCost(
         format('SELECT id, source, target, cost, reverse_cost FROM road_edges WHERE network_id = %s', $1::bigint),
         ARRAY(SELECT id FROM starts), (SELECT id FROM target), true)`,
      [network, v.lon, v.lat],
    );
    naive.push(performance.now() - t0);
  }
  emit({ metric: 'naive_ranking_pgr_dijkstraCost_many_to_one', note: 'ranking step alone, snapping to nearest vertex', ...percentiles(naive) });

  // Timer lateness: BullMQ delayed jobs against a plain in-process setTimeout.
  const lateness: number[] = [];
  const due = new Map<string, number>();
  const timers = createTimers(config.REDIS_URL, `${config.QUEUE_PREFIX}-t`, {
    ackTimeout: async ({ assignmentId }) => {
      lateness.push(Date.now() - due.get(assignmentId)!);
    },
    noticeEscalation: async () => undefined,
    unassignedAlert: async () => undefined,
    transferDue: async () => undefined,
  }, { error: () => undefined });
  for (let i = 0; i < 50; i++) {
    const id = randomUUID();
    const delay = 1000 + i * 40;
    due.set(id, Date.now() + delay);
    await timers.schedule('ackTimeout', { assignmentId: id }, id, delay);
  }
  const plain: number[] = [];
  await Promise.all(Array.from({ length: 50 }, (_, i) => new Promise<void>((done) => {
    const at = Date.now() + 1000 + i * 40;
    setTimeout(() => {
      plain.push(Date.now() - at);
      done();
    }, at - Date.now());
  })));
  while (lateness.length < 50) await new Promise((r) => setTimeout(r, 100));
  emit({ metric: 'bullmq_timer_lateness', target: '<= 1000 ms', ...percentiles(lateness) });
  emit({ metric: 'baseline_settimeout_lateness', ...percentiles(plain) });
  await timers.close();

  consoleSocket.close();
  await app.close();
  redis.disconnect();
  await db.end();
}

/** The inspector's sampling profiler on this process (the server and the bench's clients alike), written to `file` at stop(). */
async function startProfile(file: string) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      await writeFile(file, JSON.stringify(profile));
    },
  };
}

/**
 * A county centre per tile of the province (tile t's vertex ids are the base's + t × 10^10, provinceNetwork.ts): the
 * stations and hospitals (placed at random) become the centre's of the tile they stand in, every tile gets one station
 * more (so each has one), and each bench vehicle's home station becomes the nearest one of its own tile's centre. The
 * console's dispatcher is made a province login (no centre), so it hears every centre's recommendations.
 */
async function countyCentres(draw: pg.PoolClient, network: number) {
  const tileOf = (point: string) => `(SELECT (v.id / 10000000000)::int FROM road_vertices v WHERE v.network_id = $1 ORDER BY v.geom <-> ${point} LIMIT 1)`;
  await draw.query(`INSERT INTO centres (code, name, name_en) SELECT 'county-' || t, '第' || t || '县急救中心', 'County ' || t FROM generate_series(0, 19) t`);
  await draw.query(
    `INSERT INTO stations (code, name, name_en, kind, location)
     SELECT 'COUNTY-' || t, '第' || t || '县分站', 'County ' || t || ' station', 'substation', r.geom
       FROM generate_series(0, 19) t
       CROSS JOIN LATERAL (SELECT geom FROM road_vertices WHERE network_id = $1 AND id >= t * 10000000000::bigint AND id < (t + 1) * 10000000000::bigint ORDER BY random() LIMIT 1) r`,
    [network],
  );
  for (const table of ['stations', 'hospitals']) {
    await draw.query(`UPDATE ${table} t SET centre_id = c.id FROM centres c WHERE c.code = 'county-' || ${tileOf('t.location')}`, [network]);
  }
  await draw.query(
    `UPDATE vehicles ve SET home_station_id = (SELECT s.id FROM stations s WHERE s.centre_id = placed.centre_id ORDER BY s.location <-> placed.location LIMIT 1)
       FROM (SELECT p.vehicle_id, p.location, c.id AS centre_id FROM vehicle_positions_latest p
               JOIN vehicles v ON v.id = p.vehicle_id AND v.call_sign LIKE 'BENCH-%'
               JOIN centres c ON c.code = 'county-' || ${tileOf('p.location')}) placed
      WHERE ve.id = placed.vehicle_id`,
    [network],
  );
  await draw.query(`UPDATE users SET centre_id = NULL WHERE username = 'dispatcher'`);
}

/**
 * Feeds `rate` fixes a second through the ingestor, round robin over every vehicle with a position, each within a few
 * metres of where it was seeded; catches up when a timer fires late, so the rate holds on a busy machine. stop() says
 * the rate achieved (fixes committed a second) and how many were refused (503: the ingestor's backlog was full).
 */
async function startMoving(ingestor: PositionIngestor, db: ReturnType<typeof createPool>, rate: number) {
  const { rows: fleet } = await db.query<{ vehicle_id: string; lon: number; lat: number }>(
    'SELECT vehicle_id, ST_X(location) AS lon, ST_Y(location) AS lat FROM vehicle_positions_latest ORDER BY vehicle_id',
  );
  const started = performance.now();
  let sent = 0;
  let stored = 0;
  let refused = 0;
  const inFlight = new Set<Promise<void>>();
  // ~3 m in degrees of latitude (and about as much of longitude at these latitudes).
  const jitter = () => (Math.random() - 0.5) * 6e-5;
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; sent < due; sent++) {
      const v = fleet[sent % fleet.length]!;
      const added = ingestor
        .add({ vehicleId: v.vehicle_id, lon: v.lon + jitter(), lat: v.lat + jitter(), speedMps: 2, headingDeg: null, accuracyM: 5, deviceTime: new Date(), source: 'osmand' })
        .then(() => void stored++, () => void refused++);
      inFlight.add(added);
      void added.finally(() => inFlight.delete(added));
    }
  }, 10);
  return {
    stop: async () => {
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      await Promise.all(inFlight);
      return { targetPerS: rate, achievedPerS: Math.round(stored / seconds), sent, stored, refused, seconds: Math.round(seconds * 10) / 10, vehicles: fleet.length };
    },
  };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
