import { fixProblem, type VehiclePositionDto } from '@dispatch/protocol';
import { z } from 'zod';
import { type Db, isUuid, sqlFile } from '@dispatch/db';
import { FLEET_CHANNEL, KIND_CODES } from '../fleet/fleetChanges';
import { HttpError, translatePgError } from '../http/errors';

const texts = z.array(z.string());
const numbers = z.array(z.number());
const optional = z.array(z.number().nullable());
/** The moved latest rows as columns (times in epoch ms): movedPositions() makes them DTOs. */
const MovedColumns = z.object({
  vehicleIds: texts, lons: numbers, lats: numbers, speeds: optional, headings: optional, accuracies: optional,
  deviceTimes: numbers, receivedAts: numbers, sources: texts,
});
const sql = sqlFile(new URL('./ingestPositions.sql', import.meta.url), {
  ingest: {
    params: z.object({
      vehicleIds: texts, lons: numbers, lats: numbers, speeds: optional, headings: optional, accuracies: optional,
      deviceTimes: texts, receivedAts: texts, sources: texts, channel: z.string(), code: z.string(),
    }),
    row: MovedColumns,
  },
  ensurePartitions: { params: z.object({ at: z.date() }) },
});

/** One fix of one vehicle, in SI units, whatever protocol it came in. */
export interface PositionInput {
  vehicleId: string;
  lon: number;
  lat: number;
  speedMps: number | null;
  headingDeg: number | null;
  accuracyM: number | null;
  /** When the device measured it. */
  deviceTime: Date;
  /** When it reached the server; defaults to the moment `add` is called. */
  receivedAt?: Date;
  /** `osmand`, `nmea`, `tablet`, `simulator`... */
  source: string;
}

export interface PositionIngestorOptions {
  /** How long the first position of a batch may wait for others before the batch is written. */
  flushIntervalMs?: number;
  /** A batch this big is written at once, without waiting for the interval. */
  maxBatch?: number;
  /** Beyond this many positions waiting, `add` refuses with 503 instead of buffering without bound. */
  maxPending?: number;
  /**
   * Once the oldest waiting position has waited this long for a writer, `add` refuses with 503 until the backlog is
   * taken: an overloaded database then answers at once with a refusal the device retries, instead of queueing
   * answers past the device's own timeout (bench:doors with 10,000 devices: a third of the failures were requests
   * whose answer came after 30 s, though stored) and storing what the device will send again.
   */
  maxWaitMs?: number;
  /**
   * Batches written at once. Two: a position arriving while one batch is being written waits the interval, not that
   * write and then its own (through the network doors, where each device waits for its answer, that wait bounded
   * the rate: bench:doors).
   */
  writers?: number;
  /** Called after each write with the latest positions that moved forward (at most one per vehicle). */
  onStored?: (latest: VehiclePositionDto[]) => void;
  /** Called after each successful write with its size and duration (metrics, benchmarks). */
  onWritten?: (rows: number, ms: number) => void;
  /** Where failures of `onStored` go; they must not fail the write the caller is waiting for. */
  onError?: (error: unknown) => void;
}

interface Pending {
  position: PositionInput;
  /** The `addMany` call it came with: its positions commit or fail together. */
  request: object;
  receivedAt: Date;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface IngestStats {
  stored: number;
  batches: number;
  failedBatches: number;
  /** Duration of the last write, ms. */
  lastWriteMs: number;
}

/**
 * Batches positions into one statement per flush: a multi-row insert into the partitioned history and one
 * upsert into the latest-position table. `add` resolves only after the batch has committed, so a caller
 * answering 200 after it has really stored the position. At most `writers` writes are in flight; what arrives
 * meanwhile forms the next batch, so batches grow with load instead of queueing statements.
 */
export class PositionIngestor {
  readonly stats: IngestStats = { stored: 0, batches: 0, failedBatches: 0, lastWriteMs: 0 };
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly maxPending: number;
  private readonly maxWaitMs: number;
  private readonly writers: number;
  private pending: Pending[] = [];
  private pendingSince = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly options: PositionIngestorOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 50;
    this.maxBatch = options.maxBatch ?? 2000;
    this.maxPending = options.maxPending ?? 100_000;
    this.maxWaitMs = options.maxWaitMs ?? 5_000;
    this.writers = options.writers ?? 2;
  }

  /** Resolves once the position is committed; rejects with an HttpError for bad input or overload. */
  add(position: PositionInput): Promise<void> {
    return this.addMany([position]);
  }

  /** Several positions, written in the same batch (so they commit or fail together). */
  addMany(positions: PositionInput[]): Promise<void> {
    if (this.closed) return Promise.reject(new HttpError(503, 'position ingest is shutting down; retry'));
    const now = new Date();
    if (this.pending.length + positions.length > this.maxPending || (this.pending.length > 0 && now.getTime() - this.pendingSince > this.maxWaitMs)) {
      return Promise.reject(new HttpError(503, 'position ingest is overloaded; retry'));
    }
    for (const [i, p] of positions.entries()) {
      const problem = invalidReason(p, (p.receivedAt ?? now).getTime());
      if (problem) return Promise.reject(new HttpError(400, positions.length > 1 ? `positions.${i}.${problem}` : problem));
    }
    if (this.pending.length === 0) this.pendingSince = now.getTime();
    const request = {};
    const written = positions.map(
      (position) =>
        new Promise<void>((resolve, reject) => this.pending.push({ position, request, receivedAt: position.receivedAt ?? now, resolve, reject })),
    );
    this.schedule();
    return Promise.all(written).then(() => undefined);
  }

  /** Writes everything waiting now and resolves when it is committed (or has failed). */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0 || this.pending.length > 0) {
      if (this.pending.length > 0 && this.inFlight.size < this.writers) void this.startWrite();
      else await Promise.race(this.inFlight);
    }
  }

  /** Refuses new positions, writes the waiting ones. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.flush();
  }

  private schedule(): void {
    if (this.inFlight.size >= this.writers || this.pending.length === 0) return;
    if (this.pending.length >= this.maxBatch || this.closed) {
      void this.startWrite();
      return;
    }
    if (this.timer) return;
    const waited = Date.now() - this.pendingSince;
    this.timer = setTimeout(() => void this.startWrite(), Math.max(0, this.flushIntervalMs - waited));
  }

  private startWrite(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight.size >= this.writers) return Promise.race(this.inFlight);
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return Promise.resolve();
    const writing: Promise<void> = this.write(batch).finally(() => {
      this.inFlight.delete(writing);
      this.schedule();
    });
    this.inFlight.add(writing);
    return writing;
  }

  private async write(batch: Pending[]): Promise<void> {
    const started = performance.now();
    try {
      const latest = await this.insert(batch);
      this.stats.stored += batch.length;
      this.stats.batches++;
      this.options.onWritten?.(batch.length, performance.now() - started);
      // The consoles first, the devices' acknowledgements on the next turn: a batch is hundreds of answers, each a
      // write to its own connection (~0.1 ms on a busy machine), and resolved first they went out ahead of the fan-out's
      // few promise steps (the rooms' lookup), which then waited behind them (bench:doors: ~30 ms at p50).
      this.announce(latest);
      setImmediate(() => {
        for (const item of batch) item.resolve();
      });
    } catch (error) {
      this.stats.failedBatches++;
      const requests = [...new Set(batch.map((item) => item.request))];
      if (requests.length > 1 && isDataError(error)) {
        // One bad request (e.g. a vehicle deleted since its device was looked up) must not fail its neighbours.
        for (const request of requests) await this.write(batch.filter((item) => item.request === request));
      } else {
        const reported = asCallerError(error);
        for (const item of batch) item.reject(reported);
      }
    } finally {
      this.stats.lastWriteMs = performance.now() - started;
    }
  }

  private async insert(unordered: Pending[]): Promise<VehiclePositionDto[]> {
    // Batches written at the same time take their rows' locks (history's unique key, latest's row) in one order,
    // so a fix replayed into both cannot deadlock them.
    const batch = unordered.toSorted(
      (a, b) => compare(a.position.vehicleId, b.position.vehicleId) || a.position.deviceTime.getTime() - b.position.deviceTime.getTime(),
    );
    const n = batch.length;
    const cols = {
      vehicleIds: new Array<string>(n),
      lons: new Array<number>(n),
      lats: new Array<number>(n),
      speeds: new Array<number | null>(n),
      headings: new Array<number | null>(n),
      accuracies: new Array<number | null>(n),
      deviceTimes: new Array<string>(n),
      receivedAts: new Array<string>(n),
      sources: new Array<string>(n),
    };
    for (let i = 0; i < n; i++) {
      const { position: p, receivedAt } = batch[i]!;
      cols.vehicleIds[i] = p.vehicleId;
      // Centimetres and millimetres are all a GPS can tell; a subnormal double would underflow PostgreSQL's real.
      cols.lons[i] = round(p.lon, 7);
      cols.lats[i] = round(p.lat, 7);
      cols.speeds[i] = reading(p.speedMps);
      cols.headings[i] = reading(p.headingDeg);
      cols.accuracies[i] = reading(p.accuracyM);
      cols.deviceTimes[i] = p.deviceTime.toISOString();
      cols.receivedAts[i] = receivedAt.toISOString();
      cols.sources[i] = p.source;
    }
    // The rows and the fleet note (every process's fleet state reads these fixes again) in one statement: one commit,
    // one WAL flush (synchronous_commit stays on) and one round trip per batch. A note of its own was a transaction
    // with an id, so a second commit and flush, and on a busy machine every round trip waits for a core: both were
    // in every device's answer (bench:doors). The note is delivered when the rows commit, before the batch is
    // acknowledged, so a ranking asked after the acknowledgement has them.
    return movedPositions(await sql.ingest.one(this.db, { ...cols, channel: FLEET_CHANNEL, code: KIND_CODES.positions }));
  }

  private announce(latest: VehiclePositionDto[]): void {
    if (latest.length === 0 || !this.options.onStored) return;
    try {
      this.options.onStored(latest);
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}

/** The statement's columns of moved latest rows as the DTOs the consoles get. */
function movedPositions(moved: z.infer<typeof MovedColumns> | undefined): VehiclePositionDto[] {
  if (!moved) return [];
  return moved.vehicleIds.map((vehicleId, i) => ({
    vehicleId,
    lon: moved.lons[i]!,
    lat: moved.lats[i]!,
    speedMps: moved.speeds[i] ?? null,
    headingDeg: moved.headings[i] ?? null,
    accuracyM: moved.accuracies[i] ?? null,
    deviceTime: new Date(moved.deviceTimes[i]!).toISOString(),
    receivedAt: new Date(moved.receivedAts[i]!).toISOString(),
    source: moved.sources[i]!,
  }));
}

/** Every ingest path ends here, so the one fix validation (protocol's fixProblem) holds for all of them. */
function invalidReason(p: PositionInput, now: number): string | null {
  if (!isUuid(p.vehicleId)) return `vehicleId: "${p.vehicleId}" is not a uuid`;
  const problem = fixProblem(p, now);
  if (problem) return `${problem.field}: ${problem.message}`;
  if (!p.source) return 'source: required';
  return null;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function round<T extends number | null>(value: T, digits: number): T {
  if (value === null) return value;
  const f = 10 ** digits;
  return (Math.round(value * f) / f) as T;
}

/**
 * An optional reading (speed, heading, accuracy) to the millimetre, or none: a receiver's absurd value (1e308
 * knots, Infinity) is no reading, and would overflow PostgreSQL's real. The fix itself is still stored.
 */
function reading(value: number | null): number | null {
  if (value === null) return null;
  const rounded = round(value, 3);
  return Number.isFinite(rounded) && Math.abs(rounded) <= 1e6 ? rounded : null;
}

/** Class 22 (data exception) and 23 (integrity violation): the data is at fault, not the database. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

function asCallerError(error: unknown): unknown {
  if (!isDataError(error)) return error;
  try {
    translatePgError(error, { vehicle_positions_latest_vehicle_id_fkey: 'vehicleId: no such vehicle' });
  } catch (translated) {
    return translated;
  }
}

/**
 * Creates the previous, current and next monthly partitions of the position history (idempotent). Run at start
 * and periodically, so next month's partition exists before its first fix.
 */
export async function ensurePositionPartitions(db: Db, at: Date = new Date()): Promise<void> {
  await sql.ensurePartitions.run(db, { at });
}

/** Runs `ensurePositionPartitions` now and then every `everyMs`; `stop` waits for a run in progress. */
export function maintainPositionPartitions(db: Db, onError: (error: unknown) => void, everyMs = 6 * 3600_000) {
  let running: Promise<void> = ensurePositionPartitions(db).catch(onError);
  const timer = setInterval(() => {
    running = running.then(() => ensurePositionPartitions(db).catch(onError));
  }, everyMs);
  timer.unref();
  return {
    ready: running,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
