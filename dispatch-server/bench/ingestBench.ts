/**
 * Position ingest benchmark (DESIGN.md "Performance targets": ≥ 5,000 positions/s sustained on 2 cores,
 * batched writes, console fan-out p99 ≤ 250 ms). Needs DATABASE_URL (scripts/services.sh env); works in a
 * throw-away database of its own. Prints JSON lines:
 *   machine   cpu model, cores, node and PostgreSQL versions
 *   naive     one INSERT + one UPSERT per position (the baseline), 8 concurrent connections
 *   batched   PositionIngestor, producer as fast as it goes: sustained positions/s, ack and write latency
 *   paced     PositionIngestor at a fixed offered rate with a real socket.io dispatcher: ack and fan-out latency
 *
 *   npx tsx dispatch-server/bench/ingestBench.ts [--positions 50000] [--vehicles 1000] [--naive 3000] [--rate 5000] [--seconds 10]
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { io as connect } from 'socket.io-client';
import { packPosition, PROTOCOL_VERSION, rooms, type PackedPosition } from '@dispatch/protocol';
import { createTestDatabase } from '@dispatch/db/testDatabase';
import { createTokenService } from '../src/auth/tokens';
import type { Db } from '@dispatch/db';
import { PositionIngestor, type PositionInput } from '../src/positions/ingestPositions';
import { PositionFanout } from '../src/positions/positionFanout';
import { createGateway } from '../src/realtime/gateway';

const { values: args } = parseArgs({
  options: {
    positions: { type: 'string', default: '50000' },
    vehicles: { type: 'string', default: '1000' },
    naive: { type: 'string', default: '3000' },
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '10' },
  },
});
const [TOTAL, VEHICLES, NAIVE, RATE, SECONDS] = [args.positions, args.vehicles, args.naive, args.rate, args.seconds].map(Number) as [number, number, number, number, number];

const print = (line: Record<string, unknown>) => console.log(JSON.stringify(line));

function percentiles(samples: number[]) {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN) * 10) / 10;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}

/** Vehicle i's k-th fix: a point drifting around the Jiexiu centre, one per second of device time. */
function makeFix(vehicleIds: string[], seq: number, epochMs: number): PositionInput {
  const v = seq % vehicleIds.length;
  const k = Math.floor(seq / vehicleIds.length);
  return {
    vehicleId: vehicleIds[v]!,
    lon: 111.736 + ((v * 7919) % 4350) / 10_000 + k * 1e-5,
    lat: 36.834 + ((v * 104_729) % 3510) / 10_000,
    speedMps: 10 + (k % 7),
    headingDeg: (v * 37 + k) % 360,
    accuracyM: 5,
    deviceTime: new Date(epochMs + k * 1000),
    source: 'bench',
  };
}

async function seed(db: Db): Promise<string[]> {
  const station = await db.query<{ id: string }>(
    `INSERT INTO stations (code, name, kind, location) VALUES ('B0', 'Bench', 'centre', ST_SetSRID(ST_MakePoint(111.913, 37.027), 4326)) RETURNING id`,
  );
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO vehicles (call_sign, kind, home_station_id)
     SELECT 'B' || i, 'negative_pressure_ambulance', $2 FROM generate_series(1, $1::int) i ORDER BY i RETURNING id`,
    [VEHICLES, station.rows[0]!.id],
  );
  return rows.map((r) => r.id);
}

const clear = (db: Db) => db.query('TRUNCATE vehicle_positions, vehicle_positions_latest');

async function naive(db: Db, vehicleIds: string[], epochMs: number) {
  const insert = `INSERT INTO vehicle_positions (vehicle_id, location, speed_mps, heading_deg, accuracy_m, device_time, source)
                  VALUES ($1, ST_SetSRID(ST_MakePoint($2, $3), 4326), $4, $5, $6, $7, $8)`;
  const upsert = `INSERT INTO vehicle_positions_latest AS l (vehicle_id, location, speed_mps, heading_deg, accuracy_m, device_time, source)
                  VALUES ($1, ST_SetSRID(ST_MakePoint($2, $3), 4326), $4, $5, $6, $7, $8)
                  ON CONFLICT (vehicle_id) DO UPDATE SET location = EXCLUDED.location, speed_mps = EXCLUDED.speed_mps,
                    heading_deg = EXCLUDED.heading_deg, accuracy_m = EXCLUDED.accuracy_m, device_time = EXCLUDED.device_time,
                    received_at = now(), source = EXCLUDED.source
                  WHERE l.device_time < EXCLUDED.device_time`;
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let seq = next++; seq < NAIVE; seq = next++) {
      const p = makeFix(vehicleIds, seq, epochMs);
      const params = [p.vehicleId, p.lon, p.lat, p.speedMps, p.headingDeg, p.accuracyM, p.deviceTime, p.source];
      const t0 = performance.now();
      await db.query(insert, params);
      await db.query(upsert, params);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const seconds = (performance.now() - started) / 1000;
  print({ bench: 'naive', method: 'one INSERT + one UPSERT per position, 8 connections', positions: NAIVE, seconds: round(seconds), positionsPerSecond: Math.round(NAIVE / seconds), perPositionMs: percentiles(latencies) });
  return NAIVE / seconds;
}

async function batched(db: Db, vehicleIds: string[], epochMs: number) {
  const writes: number[] = [];
  const batchSizes: number[] = [];
  const ingestor = new PositionIngestor(db, {
    onWritten: (rows, ms) => {
      writes.push(ms);
      batchSizes.push(rows);
    },
  });
  const acks: number[] = [];
  // The producer keeps at most this many positions unacknowledged, as a bounded set of HTTP clients would.
  const window = 10_000;
  let inFlight = 0;
  let seq = 0;
  const started = performance.now();
  await new Promise<void>((done, failed) => {
    const pump = () => {
      while (seq < TOTAL && inFlight < window) {
        const t0 = performance.now();
        inFlight++;
        ingestor.add(makeFix(vehicleIds, seq++, epochMs)).then(() => {
          acks.push(performance.now() - t0);
          inFlight--;
          if (seq >= TOTAL && inFlight === 0) done();
          else setImmediate(pump);
        }, failed);
      }
    };
    pump();
  });
  const seconds = (performance.now() - started) / 1000;
  await ingestor.close();
  const stored = (await db.query<{ n: number }>('SELECT count(*) AS n FROM vehicle_positions')).rows[0]!.n;
  print({
    bench: 'batched',
    method: 'PositionIngestor: one unnest INSERT into the partitioned history + one forward-only UPSERT per batch',
    positions: TOTAL,
    vehicles: VEHICLES,
    stored,
    seconds: round(seconds),
    positionsPerSecond: Math.round(TOTAL / seconds),
    batches: writes.length,
    batchRows: percentiles(batchSizes),
    flushWriteMs: percentiles(writes),
    ackMs: percentiles(acks),
  });
  return TOTAL / seconds;
}

async function paced(db: Db, vehicleIds: string[], epochMs: number) {
  const tokens = createTokenService(randomBytes(32).toString('hex'), 1);
  const http = createServer();
  const io = createGateway(http, tokens);
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
  const fanout = new PositionFanout((positions) => void io.to(rooms.dispatchers).emit('vehicle.positionsUpdated', positions.map(packPosition)), 100);
  const writes: number[] = [];
  const ingestor = new PositionIngestor(db, { onStored: (latest) => fanout.push(latest), onWritten: (_rows, ms) => writes.push(ms) });

  const token = await tokens.issue({ userId: '00000000-0000-4000-8000-000000000001', username: 'bench', role: 'dispatcher', vehicleId: null, hospitalId: null });
  const socket = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
    auth: { token, protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    reconnection: false,
  });
  await new Promise<void>((done, failed) => {
    socket.on('session.welcomed', () => done());
    socket.on('connect_error', failed);
  });
  const sentAt = new Map<string, number>();
  const fanoutLatency: number[] = [];
  let delivered = 0;
  socket.on('vehicle.positionsUpdated', (positions: PackedPosition[]) => {
    const now = performance.now();
    for (const [vehicleId, , , , , , deviceTimeMs] of positions) {
      const key = `${vehicleId}|${deviceTimeMs}`;
      const t0 = sentAt.get(key);
      if (t0 !== undefined) fanoutLatency.push(now - t0);
      delivered++;
    }
  });

  const total = RATE * SECONDS;
  const acks: number[] = [];
  let failed = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  // Offered load in 10 ms ticks, on schedule regardless of how the writes keep up (an open-loop generator).
  let seq = 0;
  while (seq < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE));
    for (; seq < due; seq++) {
      const p = makeFix(vehicleIds, seq + TOTAL, epochMs);
      const t0 = performance.now();
      sentAt.set(`${p.vehicleId}|${p.deviceTime.getTime()}`, t0);
      pending.push(ingestor.add(p).then(() => void acks.push(performance.now() - t0), () => void failed++));
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.all(pending);
  const seconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 500));
  print({
    bench: 'paced',
    method: 'PositionIngestor + PositionFanout (100 ms) + socket.io dispatcher client over loopback',
    offeredPerSecond: RATE,
    seconds: round(seconds),
    positions: total,
    failed,
    achievedPerSecond: Math.round(total / seconds),
    ackMs: percentiles(acks),
    flushWriteMs: percentiles(writes),
    deliveredToConsole: delivered,
    fanoutMs: percentiles(fanoutLatency),
  });
  socket.close();
  await ingestor.close();
  fanout.close();
  await new Promise<void>((done) => io.close(() => done()));
}

function round(x: number) {
  return Math.round(x * 100) / 100;
}

const database = await createTestDatabase();
try {
  const db = database.db;
  const pg = (await db.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
  print({
    bench: 'machine',
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: pg,
    note: 'PostgreSQL runs on the same machine; cores are shared with it',
  });
  const vehicleIds = await seed(db);
  // Device times start an hour ago, so every fix lands in the current month's partition.
  const epochMs = Math.floor(Date.now() / 1000) * 1000 - 3600_000;
  const baseline = await naive(db, vehicleIds, epochMs);
  await clear(db);
  const fast = await batched(db, vehicleIds, epochMs);
  print({ bench: 'comparison', batchedOverNaive: round(fast / baseline) });
  await clear(db);
  await paced(db, vehicleIds, epochMs);
} finally {
  await database.drop();
}
