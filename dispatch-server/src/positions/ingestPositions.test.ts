import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VehiclePositionDto } from '@dispatch/protocol';
import { dtoRow } from '@dispatch/db';
import { createTestDatabase, type TestDatabase } from '@dispatch/db/testDatabase';
import { FLEET_CHANNEL, KIND_CODES } from '../fleet/fleetChanges';
import { HttpError } from '../http/errors';
import { ensurePositionPartitions, PositionIngestor, type PositionInput } from './ingestPositions';
import { PositionFanout } from './positionFanout';

describe('PositionIngestor on the real PostgreSQL', () => {
  let database: TestDatabase;
  const vehicles: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const station = await database.db.query<{ id: string }>(
      `INSERT INTO stations (code, name, kind, location) VALUES ('S1', 'Station', 'centre', ST_SetSRID(ST_MakePoint(111.9, 37.0), 4326)) RETURNING id`,
    );
    const { rows } = await database.db.query<{ id: string }>(
      `INSERT INTO vehicles (call_sign, kind, home_station_id)
       SELECT 'V' || i, 'negative_pressure_ambulance', $1 FROM generate_series(1, 3) i ORDER BY i RETURNING id`,
      [station.rows[0]!.id],
    );
    vehicles.push(...rows.map((r) => r.id));
  });
  afterAll(() => database.drop());
  beforeEach(async () => {
    await database.db.query('DELETE FROM vehicle_positions; DELETE FROM vehicle_positions_latest');
  });

  // One fixed instant: reading the clock per call made two calls straddle a second and disagree.
  const now = Math.floor(Date.now() / 1000);
  const at = (secondsAgo: number) => new Date((now - secondsAgo) * 1000);
  const fix = (vehicleId: string, secondsAgo: number, lat = 37): PositionInput => ({
    vehicleId,
    lon: 111.9,
    lat,
    speedMps: 8.5,
    headingDeg: 45,
    accuracyM: 4,
    deviceTime: at(secondsAgo),
    source: 'test',
  });
  const historyCount = async () => (await database.db.query<{ n: number }>('SELECT count(*) AS n FROM vehicle_positions')).rows[0]!.n;

  it('writes concurrent positions in one batch and resolves each only after it is committed', async () => {
    const ingestor = new PositionIngestor(database.db, { flushIntervalMs: 30 });
    const written = Array.from({ length: 60 }, (_, i) => ingestor.add(fix(vehicles[i % 3]!, 100 - i)).then(historyCount));
    // Each caller, on resolving, finds its row (and the whole batch) already in the database.
    expect(await Promise.all(written)).toEqual(Array(60).fill(60));
    expect(ingestor.stats).toMatchObject({ stored: 60, batches: 1, failedBatches: 0 });
    const latest = await database.db.query('SELECT vehicle_id, device_time FROM vehicle_positions_latest ORDER BY vehicle_id');
    expect(latest.rows).toHaveLength(3);
    await ingestor.close();
  });

  it('writes at once when a batch is full instead of waiting for the interval', async () => {
    const ingestor = new PositionIngestor(database.db, { flushIntervalMs: 60_000, maxBatch: 5 });
    const started = Date.now();
    await Promise.all([1, 2, 3, 4, 5].map((i) => ingestor.add(fix(vehicles[0]!, i))));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await historyCount()).toBe(5);
    await ingestor.close();
  });

  it('reports to the fan-out only latest positions that moved forward, one per vehicle', async () => {
    const announced: VehiclePositionDto[][] = [];
    const ingestor = new PositionIngestor(database.db, { flushIntervalMs: 10, onStored: (p) => announced.push(p) });
    await ingestor.addMany([fix(vehicles[0]!, 30, 37.1), fix(vehicles[0]!, 20, 37.2), fix(vehicles[1]!, 20, 37.5)]);
    await ingestor.add(fix(vehicles[0]!, 300, 36.9));
    expect(announced).toHaveLength(1);
    const sorted = [...announced[0]!].sort((x, y) => x.lat - y.lat);
    expect(sorted.map((p) => [p.vehicleId, p.lat, p.deviceTime])).toEqual([
      [vehicles[0], 37.2, at(20).toISOString()],
      [vehicles[1], 37.5, at(20).toISOString()],
    ]);
    expect(sorted[0]).toMatchObject({ speedMps: 8.5, headingDeg: 45, accuracyM: 4, source: 'test' });
    expect(await historyCount()).toBe(4);
    await ingestor.close();
  });

  it('announces exactly what the latest table holds (real readings, times to the millisecond)', async () => {
    const announced: VehiclePositionDto[] = [];
    const ingestor = new PositionIngestor(database.db, { flushIntervalMs: 10, onStored: (p) => announced.push(...p) });
    await ingestor.addMany([
      { ...fix(vehicles[0]!, 7, 37.0312345), lon: 111.9012345, speedMps: 123456.789, headingDeg: 359.999, accuracyM: null, receivedAt: new Date(at(1).getTime() + 987) },
      { ...fix(vehicles[1]!, 8, -0.0000001), lon: -179.9999999, speedMps: 0, headingDeg: null, accuracyM: 0.001 },
    ]);
    await ingestor.close();
    const { rows } = await database.db.query(
      `SELECT vehicle_id AS "vehicleId", ST_X(location) AS lon, ST_Y(location) AS lat, speed_mps AS "speedMps", heading_deg AS "headingDeg",
              accuracy_m AS "accuracyM", device_time AS "deviceTime", received_at AS "receivedAt", source
         FROM vehicle_positions_latest`,
    );
    const held = rows.map((r) => dtoRow(VehiclePositionDto).parse(r));
    const byVehicle = (list: VehiclePositionDto[]) => [...list].sort((x, y) => (x.vehicleId < y.vehicleId ? -1 : 1));
    expect(byVehicle(announced)).toEqual(byVehicle(held));
    expect(announced).toHaveLength(2);
  });

  it('fails only the position of a vehicle that does not exist, not its batch neighbours', async () => {
    const ingestor = new PositionIngestor(database.db, { flushIntervalMs: 20 });
    const results = await Promise.allSettled([
      ingestor.add(fix(vehicles[0]!, 3)),
      ingestor.add(fix('00000000-0000-4000-8000-000000000000', 3)),
      ingestor.add(fix(vehicles[1]!, 3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const reason = (results[1] as PromiseRejectedResult).reason;
    expect(reason).toBeInstanceOf(HttpError);
    expect(reason).toMatchObject({ status: 400, message: 'vehicleId: no such vehicle' });
    expect(await historyCount()).toBe(2);
    await ingestor.close();
  });

  it('notes the vehicles whose latest moved to every fleet state with the batch itself, 200 ids a note', async () => {
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    const notes: string[] = [];
    listener.on('notification', (n) => n.channel === FLEET_CHANNEL && notes.push(n.payload ?? ''));
    await listener.query(`LISTEN ${FLEET_CHANNEL}`);
    const { rows } = await database.db.query<{ id: string }>(
      `INSERT INTO vehicles (call_sign, kind, home_station_id)
       SELECT 'N' || i, 'multipurpose', (SELECT home_station_id FROM vehicles LIMIT 1) FROM generate_series(1, 250) i RETURNING id`,
    );
    const many = rows.map((r) => r.id);
    const ingestor = new PositionIngestor(database.db, { flushIntervalMs: 10 });
    try {
      // 250 vehicles in one batch: two notes, every id once; when the batch is acknowledged its notes have been sent.
      await ingestor.addMany(many.map((id) => fix(id, 10)));
      expect(ingestor.stats.batches).toBe(1);
      // A replayed older fix moves no latest: no note. A fix of a vehicle that does not exist: no note either.
      await Promise.allSettled([ingestor.add(fix(many[0]!, 20)), ingestor.add(fix('00000000-0000-4000-8000-000000000000', 3))]);
      await ingestor.add(fix(vehicles[0]!, 5));
      // The listener hears them in commit order: the last batch's note last.
      await expect.poll(() => notes.at(-1)).toBe(`${KIND_CODES.positions}:${vehicles[0]}`);
      expect(notes).toHaveLength(3);
      const ids = notes.slice(0, 2).map((n) => n.slice(2).split(','));
      expect(ids.map((i) => i.length).sort()).toEqual([200, 50]);
      expect(notes.slice(0, 2).every((n) => n.startsWith(`${KIND_CODES.positions}:`))).toBe(true);
      expect(ids.flat().sort()).toEqual([...many].sort());
    } finally {
      await ingestor.close();
      await listener.end();
    }
  });

  it('writes two batches at once, a fix replayed into both stored once and the latest only moving forward', async () => {
    const ingestor = new PositionIngestor(database.db, { flushIntervalMs: 1, maxBatch: 40, writers: 2 });
    // The same 120 fixes twice, in opposite orders, as an outbox replaying while the live ones arrive.
    const fixes = Array.from({ length: 120 }, (_, i) => fix(vehicles[i % 3]!, 200 - i));
    await Promise.all([...fixes, ...fixes.toReversed()].map((f) => ingestor.add(f)));
    expect(await historyCount()).toBe(120);
    expect(ingestor.stats.batches).toBeGreaterThanOrEqual(3);
    const latest = await database.db.query<{ device_time: Date }>('SELECT device_time FROM vehicle_positions_latest ORDER BY vehicle_id');
    expect(latest.rows.map((r) => r.device_time.getTime()).sort()).toEqual([at(83), at(82), at(81)].map((d) => d.getTime()).sort());
    await ingestor.close();
  });

  it('refuses impossible input up front with a message naming the field', async () => {
    const ingestor = new PositionIngestor(database.db);
    await expect(ingestor.add({ ...fix(vehicles[0]!, 1), lat: 200 })).rejects.toMatchObject({ status: 400, message: 'lat: 200 is not a latitude' });
    await expect(ingestor.add({ ...fix(vehicles[0]!, 1), lon: Number.NaN })).rejects.toMatchObject({ status: 400, message: /^lon:/ });
    await expect(ingestor.add({ ...fix(vehicles[0]!, 1), vehicleId: 'V1' })).rejects.toMatchObject({ status: 400, message: /^vehicleId:/ });
    expect(await historyCount()).toBe(0);
    await ingestor.close();
  });

  it('stores a fix whose speed, heading or accuracy is absurd without those readings', async () => {
    const ingestor = new PositionIngestor(database.db);
    // A receiver's garbage: 1e308 knots, Infinity, beyond PostgreSQL's real. The position itself is good.
    await ingestor.add({ ...fix(vehicles[0]!, 1), speedMps: 5e307, headingDeg: Number.POSITIVE_INFINITY, accuracyM: 1e39 });
    const { rows } = await database.db.query('SELECT speed_mps, heading_deg, accuracy_m FROM vehicle_positions');
    expect(rows).toEqual([{ speed_mps: null, heading_deg: null, accuracy_m: null }]);
    await ingestor.close();
  });

  it('writes what is waiting on close and refuses positions afterwards with 503', async () => {
    const ingestor = new PositionIngestor(database.db, { flushIntervalMs: 60_000 });
    const waiting = ingestor.add(fix(vehicles[2]!, 2));
    await ingestor.close();
    await waiting;
    expect(await historyCount()).toBe(1);
    await expect(ingestor.add(fix(vehicles[2]!, 1))).rejects.toMatchObject({ status: 503 });
  });

  it('refuses with 503 beyond its pending limit rather than buffering without bound', async () => {
    const ingestor = new PositionIngestor(database.db, { flushIntervalMs: 60_000, maxBatch: 1000, maxPending: 3 });
    const accepted = ingestor.addMany([fix(vehicles[0]!, 3), fix(vehicles[0]!, 2), fix(vehicles[0]!, 1)]);
    await expect(ingestor.add(fix(vehicles[1]!, 1))).rejects.toMatchObject({ status: 503, message: 'position ingest is overloaded; retry' });
    await ingestor.close();
    await accepted;
  });

  it('refuses with 503 while its oldest waiting position has waited past maxWaitMs, and admits again once taken', async () => {
    const ingestor = new PositionIngestor(database.db, { flushIntervalMs: 60_000, maxWaitMs: 50 });
    const waiting = ingestor.add(fix(vehicles[0]!, 3));
    await new Promise((waited) => setTimeout(waited, 100));
    await expect(ingestor.add(fix(vehicles[1]!, 3))).rejects.toMatchObject({ status: 503, message: 'position ingest is overloaded; retry' });
    await ingestor.flush();
    await waiting;
    // The backlog written, a new position is taken again.
    const next = ingestor.add(fix(vehicles[1]!, 2));
    await ingestor.close();
    await next;
    expect(await historyCount()).toBe(2);
  });

  it('creates monthly history partitions ahead, idempotently, and routes fixes into them', async () => {
    await ensurePositionPartitions(database.db, new Date('2031-05-15T12:00:00Z'));
    await ensurePositionPartitions(database.db, new Date('2031-05-20T12:00:00Z'));
    const { rows } = await database.db.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'vehicle_positions'::regclass AND c.relname LIKE 'vehicle_positions_2031_%' ORDER BY 1`,
    );
    expect(rows.map((r) => r.name)).toEqual(['vehicle_positions_2031_04', 'vehicle_positions_2031_05', 'vehicle_positions_2031_06']);
    const ingestor = new PositionIngestor(database.db, { flushIntervalMs: 5 });
    // Received a second after it was measured: within the bounds every fix is checked against.
    await ingestor.add({ ...fix(vehicles[0]!, 0), deviceTime: new Date('2031-05-31T23:59:59Z'), receivedAt: new Date('2031-06-01T00:00:00Z') });
    await ingestor.close();
    const where = await database.db.query<{ partition: string }>('SELECT tableoid::regclass::text AS partition FROM vehicle_positions');
    expect(where.rows.map((r) => r.partition)).toEqual([expect.stringMatching(/^vehicle_positions_2031_0[56]$/)]);
  });

  it('hands each commit batch to the consoles right after its commit, not after a coalescing interval', async () => {
    const emitted: number[][] = [];
    const fanout = new PositionFanout((positions) => void emitted.push(positions.map((p) => p.lat)));
    const ingestor = new PositionIngestor(database.db, { flushIntervalMs: 0, onStored: (latest) => fanout.push(latest) });
    // By the time a caller has its acknowledgement, the consoles have the fix: no timer stands between them.
    await ingestor.add(fix(vehicles[0]!, 10, 37.1));
    expect(emitted).toEqual([[37.1]]);
    // The next batch, committed a moment later, is not held back by the first one's emission either.
    await ingestor.add(fix(vehicles[0]!, 9, 37.2));
    expect(emitted).toEqual([[37.1], [37.2]]);
    await ingestor.close();
    fanout.close();
  });

  it("lets the fan-out's promise steps (the rooms' lookup) finish before the batch's acknowledgements go out", async () => {
    const order: string[] = [];
    // As positions.routes.ts emits: a chain of promise steps after the commit before the consoles' sockets are written.
    const steps = (n: number): Promise<void> => (n === 0 ? Promise.resolve() : Promise.resolve().then(() => steps(n - 1)));
    const ingestor = new PositionIngestor(database.db, { flushIntervalMs: 0, onStored: () => void steps(10).then(() => order.push('consoles')) });
    await Promise.all([1, 2, 3].map((i) => ingestor.add(fix(vehicles[i - 1]!, 10)).then(() => order.push(`ack ${i}`))));
    expect(order).toEqual(['consoles', 'ack 1', 'ack 2', 'ack 3']);
    await ingestor.close();
  });
});

describe('PositionFanout', () => {
  const position = (vehicleId: string, second: number, lat: number): VehiclePositionDto => ({
    vehicleId,
    lon: 112,
    lat,
    speedMps: null,
    headingDeg: null,
    accuracyM: null,
    deviceTime: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
    receivedAt: new Date().toISOString(),
    source: 'test',
  });
  const a = '11111111-1111-4111-8111-111111111111';
  const b = '22222222-2222-4222-8222-222222222222';

  it('emits the newest position of each vehicle once per interval', async () => {
    const emitted: { at: number; positions: VehiclePositionDto[] }[] = [];
    const fanout = new PositionFanout((positions) => void emitted.push({ at: Date.now(), positions }), 300);
    fanout.push([position(a, 1, 37.1), position(b, 1, 38.1)]);
    fanout.push([position(a, 3, 37.3)]);
    fanout.push([position(a, 2, 37.2)]);
    await new Promise((r) => setTimeout(r, 20));
    expect(emitted.map((e) => e.positions.map((p) => p.lat))).toEqual([[37.3, 38.1]]);

    fanout.push([position(a, 4, 37.4)]);
    fanout.push([position(a, 5, 37.5)]);
    await new Promise((r) => setTimeout(r, 20));
    expect(emitted).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(emitted.map((e) => e.positions.map((p) => p.lat))).toEqual([[37.3, 38.1], [37.5]]);
    expect(emitted[1]!.at - emitted[0]!.at).toBeGreaterThanOrEqual(295);
    fanout.close();
  });

  it('lets an emission that waits finish before the next, merging what comes meanwhile (never a queue of batches)', async () => {
    const emitted: number[][] = [];
    let finish = () => undefined as void;
    const fanout = new PositionFanout((positions) => {
      emitted.push(positions.map((p) => p.lat));
      return new Promise<void>((resolve) => (finish = resolve));
    });
    fanout.push([position(a, 1, 37.1)]);
    await new Promise((r) => setTimeout(r, 10));
    for (let second = 2; second <= 50; second++) fanout.push([position(a, second, 37 + second / 100), position(b, second, 38 + second / 100)]);
    await new Promise((r) => setTimeout(r, 10));
    expect(emitted).toEqual([[37.1]]);
    finish();
    await new Promise((r) => setTimeout(r, 10));
    expect(emitted).toEqual([[37.1], [37.5, 38.5]]);
    finish();
    fanout.close();
  });

  it('keeps going when a receiver throws', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const fanout = new PositionFanout(
      () => {
        calls++;
        throw new Error('socket gone');
      },
      10,
      (e) => errors.push(e),
    );
    fanout.push([position(a, 1, 37)]);
    await new Promise((r) => setTimeout(r, 30));
    fanout.push([position(a, 2, 37)]);
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toBe(2);
    expect(errors).toHaveLength(2);
    fanout.close();
  });
});
