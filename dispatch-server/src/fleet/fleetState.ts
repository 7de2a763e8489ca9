import { randomBytes } from 'node:crypto';
import { type Db, type Queryable, sqlFile } from '@dispatch/db';
import pg from 'pg';
import { z } from 'zod';
import { FLEET_CHANNEL, type FleetKind, KIND_CODES, SYNC_CODE } from './fleetChanges';
import { FleetHospital, FleetPosition, FleetStation, type FleetTables, FleetVehicle, type RankingVehicle } from './fleetTables';
import { RankingRows, rankingRow } from './rankingRows';

const ids = z.object({ ids: z.array(z.string()).nullable() });
const sql = sqlFile(new URL('./fleet.sql', import.meta.url), {
  vehicles: { params: ids, row: FleetVehicle },
  positions: { params: ids, row: FleetPosition },
  stations: { params: ids, row: FleetStation },
  hospitals: { params: ids, row: FleetHospital },
  listen: {},
  notify: { params: z.object({ payloads: z.array(z.string()) }) },
  syncWithTimedOut: { params: z.object({ token: z.string(), incidentId: z.string() }), row: z.object({ timed_out: z.array(z.string()) }) },
});

/** Reads every row of the fleet tables as the fleet state holds them (at start, at reconciliation, and for tests). */
export async function readFleet(db: Db): Promise<{ [K in keyof FleetTables]: FleetTables[K] extends ReadonlyMap<string, infer R> ? Map<string, R> : never }> {
  const [vehicles, positions, stations, hospitals] = await Promise.all([
    sql.vehicles.rows(db, { ids: null }),
    sql.positions.rows(db, { ids: null }),
    sql.stations.rows(db, { ids: null }),
    sql.hospitals.rows(db, { ids: null }),
  ]);
  return {
    vehicles: new Map(vehicles.map((r) => [r.id, r])),
    positions: new Map(positions.map((r) => [r.vehicle_id, r])),
    stations: new Map(stations.map((r) => [r.id, r])),
    hospitals: new Map(hospitals.map((r) => [r.id, r])),
  };
}

/**
 * The fleet as the ranking reads it, built afresh from the tables: vehicles whose home station is unknown are left out,
 * as a join would. The fleet state keeps these rows ready instead (rankingRows.ts); this is what they must equal.
 */
export function rankingVehicles(tables: FleetTables): RankingVehicle[] {
  const rows: RankingVehicle[] = [];
  for (const id of tables.vehicles.keys()) {
    const row = rankingRow(tables, id);
    if (row) rows.push(row);
  }
  return rows;
}

/** The fleet as a ranking reads it: the tables, the ranking rows kept ready from them, and their version. */
export interface HeldFleet {
  tables: FleetTables;
  /** Never changed once handed out (copy on write): a ranking may hold them across its awaits. */
  rows: readonly RankingVehicle[];
  version: number;
}

/** Hospitals offering every one of `capabilities`. */
export const hospitalsWith = (tables: FleetTables, capabilities: readonly string[]): FleetHospital[] =>
  [...tables.hospitals.values()].filter((h) => capabilities.every((c) => h.capabilities.includes(c)));

export interface FleetStateOptions {
  /** Every this many ms the whole state is read again: catches a direct database edit no command announced. */
  reconcileMs: number;
  /** A sync whose token has not come back within this many ms reads everything again instead of waiting on. */
  syncGiveUpMs?: number;
}

type Waiter = { resolve: () => void; timer: NodeJS.Timeout };

/**
 * The live fleet in memory (vehicles with their task, latest fixes, stations, hospitals), so that a ranking reads
 * no table. It is loaded whole when it starts listening, and kept in step by the notes that every command writing
 * those tables sends in its own transaction (fleetChanges.ts): PostgreSQL delivers them to every listening process
 * on commit, in commit order, and each process reads the named rows again. Before a read, `current()` sends a sync
 * token on the same channel and waits for it to come back, so every change committed before the read began (by
 * any process) is in. Notes missed while the listening connection was down are covered by reading everything
 * again when it is back, and a direct database edit by the periodic reconciliation.
 */
export class FleetState {
  private tables = { vehicles: new Map<string, FleetVehicle>(), positions: new Map<string, FleetPosition>(), stations: new Map<string, FleetStation>(), hospitals: new Map<string, FleetHospital>() };
  /** The vehicles' ranking rows, in step with `tables` whenever they are (updated in the same synchronous step). */
  private readonly rows = new RankingRows();
  private readonly dirty = { all: true, vehicles: new Set<string>(), positions: new Set<string>(), stations: new Set<string>(), hospitals: new Set<string>() };
  /** Reads of the database, one after another, so a later read never lands before an earlier one. */
  private chain: Promise<void> = Promise.resolve();
  private flushPending = false;
  /** Reads of noted rows under way (flushes that took something). */
  private reading = 0;
  /** The whole fleet is being read again (what is held may be far older than a note's read). */
  private reloading = false;
  private listener: Promise<pg.Client> | null = null;
  /** Drops the current listening connection (as if it had ended): the next read opens another and reads everything. */
  private lost: (() => void) | null = null;
  private readonly waiting = new Map<string, Waiter>();
  private readonly instance = randomBytes(6).toString('hex');
  private tokens = 0;
  /** The last sync token sent on the listening connection (the next waits for its answer). */
  private sending: Promise<unknown> = Promise.resolve();
  /** Sync statements sent on the listening connection and not yet answered. */
  private unanswered = 0;
  /** The listening connection once it is open and the fleet first read on it (null while none is). */
  private open: pg.Client | null = null;
  private reconciliation: NodeJS.Timeout | undefined;
  private closed = false;
  /** Whether the whole fleet has been read once. */
  private loaded = false;
  /** Bumped whenever the held tables change: something computed from them is still current while it is the same. */
  private version = 0;

  constructor(
    private readonly db: Db,
    private readonly log: { warn: (obj: object, msg: string) => void },
    private readonly options: FleetStateOptions,
  ) {}

  /** Starts listening and loading in the background, and the periodic reconciliation. */
  start(): void {
    this.listen().catch(() => undefined);
    this.reconciliation ??= setInterval(() => {
      this.dirty.all = true;
      this.kick();
    }, this.options.reconcileMs);
    this.reconciliation.unref();
  }

  /** The fleet with every change committed before this call (by any process) applied. */
  async current(): Promise<FleetTables> {
    await this.synced();
    await this.schedule();
    return this.tables;
  }

  /**
   * current() for a recommendation of `incidentId`, with its version, and the vehicles that let that incident time
   * out once read in the same statement as the sync token (one round trip to PostgreSQL for both; null when the
   * sync did not answer, e.g. it gave up: the caller reads them itself).
   */
  async forIncident(incidentId: string): Promise<HeldFleet & { timedOut: string[] | null }> {
    const timedOut = await this.synced(incidentId);
    await this.schedule();
    return { tables: this.tables, rows: this.rows.list(), version: this.version, timedOut };
  }

  /**
   * The fleet as held now with its version, without a sync: a reading started on it while a sync travels is kept
   * when forIncident() then answers the same version (nothing changed meanwhile). Null before the first load, and
   * while a note is being read in (the version is about to change: such a reading would be thrown away) unless
   * `whileReading`: a caller that shows the held reading before the sync's answer (a recommendation pushed at once)
   * takes it then too. With vehicles moving, a note is being read in most of the time (every ingest batch commits
   * with one); the held tables and rows are written in one synchronous step per kind, so they are a consistent state
   * a few ms old. Never while the whole fleet is to be read again (a missed note, the reconciliation): that state may
   * be far older.
   */
  heldVersion({ whileReading = false }: { whileReading?: boolean } = {}): HeldFleet | null {
    const { dirty } = this;
    if (!this.loaded || dirty.all || this.reloading) return null;
    const changing = this.reading > 0 || dirty.vehicles.size + dirty.positions.size + dirty.stations.size + dirty.hospitals.size > 0;
    return whileReading || !changing ? { tables: this.tables, rows: this.rows.list(), version: this.version } : null;
  }

  private synced(incidentId?: string): Promise<string[] | null> {
    return this.sync(incidentId).catch((error: unknown) => {
      if (this.closed) throw error;
      // The listening connection may have died unnoticed (a database restart): once more on a new one, which
      // reads everything again.
      return this.sync(incidentId);
    });
  }

  /**
   * The fleet as this process holds it now, without a sync: a change committed a moment ago (its note in flight) may
   * not be in yet. For readers that follow the fleet many times a second and can bear that (the position fan-out);
   * only the first call waits, for the first load.
   */
  held(): FleetTables | Promise<FleetTables> {
    return this.loaded ? this.tables : this.current();
  }

  /**
   * Sends a token on the channel and waits until it comes back: every note committed before it has arrived. With an
   * incident, the same statement reads the vehicles that let it time out (what it answers; null without one).
   */
  private async sync(incidentId?: string): Promise<string[] | null> {
    const listening = this.listen();
    // Sent in the caller's own turn when the connection is open: not after whatever else that turn queued (the intake's
    // answer and alert put ~1 ms of microtasks before an awaited send, the bench's phase timers showed).
    const listener = this.open ?? (await listening);
    const token = `${this.instance}.${++this.tokens}`;
    const back = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(token);
        this.log.warn({ token }, 'fleet sync token did not come back: reading the whole fleet again');
        this.dirty.all = true;
        resolve();
      }, this.options.syncGiveUpMs ?? 5000);
      timer.unref();
      this.waiting.set(token, { resolve, timer });
    });
    // Sent on the listening connection itself: its own notification comes back in the same answer, one round trip
    // without a pool client, and still after every note committed before it.
    // One after another: pg queues a query sent while another runs, but warns that it will stop doing so.
    const payload = `${SYNC_CODE}:${token}`;
    const send = () =>
      incidentId === undefined
        ? listener.query(sql.notify.text, [[payload]]).then(() => null)
        : sql.syncWithTimedOut.one(listener as unknown as Queryable, { token: payload, incidentId }).then((row) => row?.timed_out ?? null);
    // At once when nothing else is on the way (the usual case), else after the one before.
    const sent = this.unanswered === 0 ? send() : this.sending.then(send);
    this.unanswered++;
    this.sending = sent.then(
      () => void this.unanswered--,
      () => void this.unanswered--,
    );
    const timedOut = await sent.catch((error: unknown) => {
      this.release(token);
      if (this.listener === listening) this.lost?.();
      throw error;
    });
    await back;
    return timedOut;
  }

  /** Reads everything again now (the periodic reconciliation; a test after a direct database edit). */
  async reconcile(): Promise<void> {
    this.dirty.all = true;
    await this.schedule();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.open = null;
    clearInterval(this.reconciliation);
    for (const token of [...this.waiting.keys()]) this.release(token);
    const listener = this.listener;
    this.listener = null;
    if (listener) await listener.then((client) => client.end()).catch(() => undefined);
    await this.chain;
  }

  private release(token: string): void {
    const waiter = this.waiting.get(token);
    if (!waiter) return;
    this.waiting.delete(token);
    clearTimeout(waiter.timer);
    waiter.resolve();
  }

  private onNote(payload: string): void {
    const colon = payload.indexOf(':');
    const code = payload.slice(0, colon);
    const rest = payload.slice(colon + 1);
    if (code === SYNC_CODE) {
      this.release(rest);
      return;
    }
    const kind = (Object.keys(KIND_CODES) as FleetKind[]).find((k) => KIND_CODES[k] === code);
    if (!kind) return;
    for (const id of rest.split(',')) this.dirty[kind].add(id);
    this.kick();
  }

  /** Reads what is dirty soon, once for however many notes arrive meanwhile. */
  private kick(): void {
    if (this.flushPending || this.closed) return;
    this.flushPending = true;
    this.schedule().catch((error: unknown) => this.log.warn({ err: (error as Error).message }, 'fleet state read failed; it is retried'));
  }

  private schedule(): Promise<void> {
    const run = this.chain.then(() => this.flush());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async flush(): Promise<void> {
    this.flushPending = false;
    const { dirty } = this;
    const all = dirty.all;
    const taken = { vehicles: [...dirty.vehicles], positions: [...dirty.positions], stations: [...dirty.stations], hospitals: [...dirty.hospitals] };
    dirty.all = false;
    for (const kind of Object.keys(taken) as FleetKind[]) dirty[kind].clear();
    const counted = all || taken.vehicles.length + taken.positions.length + taken.stations.length + taken.hospitals.length > 0;
    if (counted) this.reading++;
    try {
      if (all) {
        this.reloading = true;
        this.tables = await readFleet(this.db);
        this.rows.rebuild(this.tables);
        this.version++;
        this.loaded = true;
        return;
      }
      const { tables, rows } = this;
      // Bumped as each kind is written in (not once at the end): a reading started between two kinds is not kept. The
      // ranking rows that kind feeds are updated in the same step, so they never differ from the tables at an await.
      const applied = (update: () => void) => () => {
        this.version++;
        update();
      };
      await Promise.all([
        reread(tables.vehicles, taken.vehicles, () => sql.vehicles.rows(this.db, { ids: taken.vehicles }), (r) => r.id, applied(() => rows.update(tables, taken.vehicles))),
        reread(tables.positions, taken.positions, () => sql.positions.rows(this.db, { ids: taken.positions }), (r) => r.vehicle_id, applied(() => rows.update(tables, taken.positions))),
        reread(tables.stations, taken.stations, () => sql.stations.rows(this.db, { ids: taken.stations }), (r) => r.id, applied(() => rows.updateStations(tables, taken.stations))),
        reread(tables.hospitals, taken.hospitals, () => sql.hospitals.rows(this.db, { ids: taken.hospitals }), (r) => r.id, applied(() => undefined)),
      ]);
    } catch (error) {
      // Nothing is lost: what was taken is read again next time.
      dirty.all ||= all;
      for (const kind of Object.keys(taken) as FleetKind[]) for (const id of taken[kind]) dirty[kind].add(id);
      throw error;
    } finally {
      if (counted) this.reading--;
      if (all) this.reloading = false;
    }
  }

  /**
   * The listening connection (a client of its own, never one of the pool's). Whenever it is (re)opened, the whole
   * fleet is read again: notes may have been missed while nobody listened.
   */
  private listen(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error('the fleet state is closed'));
    if (this.listener) return this.listener;
    const client = new pg.Client({ ...this.db.options, application_name: 'dispatch120-fleet-listener', connectionTimeoutMillis: 5000 });
    const lost = () => {
      if (this.listener !== started) return;
      this.lost = null;
      this.listener = null;
      this.open = null;
      client.end().catch(() => undefined);
      // Syncs in flight read everything again rather than wait for a token that may never come.
      this.dirty.all = true;
      for (const token of [...this.waiting.keys()]) this.release(token);
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      if (message.channel === FLEET_CHANNEL && message.payload) this.onNote(message.payload);
    });
    const started = (async () => {
      await client.connect();
      // The listener must never keep a process alive that is otherwise shutting down.
      (client as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
      await client.query(sql.listen.text);
      this.dirty.all = true;
      await this.schedule();
      return client;
    })();
    this.listener = started;
    this.lost = lost;
    started.then((client) => {
      if (this.listener === started) this.open = client;
    }, () => undefined);
    started.catch(() => {
      if (this.listener === started) this.listener = null;
      client.end().catch(() => undefined);
    });
    return started;
  }
}

/**
 * Reads the rows of these ids again into `table`; an id that no longer has a row is gone (deleted). `applied` runs in
 * the same synchronous step as the writes.
 */
async function reread<R>(table: Map<string, R>, wanted: string[], read: () => Promise<R[]>, idOf: (row: R) => string, applied: () => void): Promise<void> {
  if (!wanted.length) return;
  const rows = await read();
  for (const id of wanted) table.delete(id);
  for (const row of rows) table.set(idOf(row), row);
  applied();
}
