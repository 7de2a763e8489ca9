import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

/**
 * Preloaded into a benchmarked server process (node --import): appends the process's own memory use to
 * BENCH_MEMORY_FILE every second as JSON lines (time, RSS, V8 heap used and total, external, array buffers), for
 * a soak's memory series without any code of the server's knowing. Each line also has the event loop's delay in
 * that second (p99 and worst, ms) and, per stage of a fix's way from the door to the consoles, a histogram of how
 * long after its arrival (its `receivedAt`) it got there (`stages`: 1 ms buckets, `{ms: count}`), so a bench can
 * say where a fix waits:
 *   write      its batch's write started (the door's parsing, the device lookup, the batch's wait for a writer)
 *   committed  that write committed
 *   drained    the fan-out's coalescing timer handed it out
 *   emitted    it was broadcast to the consoles' rooms (after the rooms were looked up)
 *   sent       it was written to this process's console sockets (after the socket.io adapter published it)
 * The stages are found by wrapping methods of the server's own modules (the process's working directory is the
 * checkout whose server runs, so an older commit's server is probed the same way); a stage whose method is not
 * there is left out.
 */
const file = process.env.BENCH_MEMORY_FILE;
if (file) {
  const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const stages: Record<string, Record<number, number>> = {};
  const note = (stage: string, receivedAt: Date | string | number, now = Date.now()) => {
    const at = typeof receivedAt === 'string' ? Date.parse(receivedAt) : typeof receivedAt === 'number' ? receivedAt : receivedAt.getTime();
    const ms = Math.max(0, Math.round(now - at));
    const histogram = (stages[stage] ??= {});
    histogram[ms] = (histogram[ms] ?? 0) + 1;
  };
  await traceStages(note);
  setInterval(() => {
    const m = process.memoryUsage();
    const line = {
      at: Date.now(),
      rssMb: mb(m.rss),
      heapUsedMb: mb(m.heapUsed),
      heapTotalMb: mb(m.heapTotal),
      externalMb: mb(m.external),
      arrayBuffersMb: mb(m.arrayBuffers),
      loopP99Ms: Math.round(loop.percentile(99) / 1e5) / 10,
      loopMaxMs: Math.round(loop.max / 1e5) / 10,
      stages: { ...stages },
    };
    loop.reset();
    for (const key of Object.keys(stages)) delete stages[key];
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, 1000).unref();
}

type Note = (stage: string, receivedAt: Date | string | number, now?: number) => void;
/** A position as broadcast: packed (an array, receivedAt in epoch ms at 7) or, by an older server, a DTO. */
type Broadcast = { receivedAt: string } | unknown[];
const receivedOf = (p: Broadcast) => (Array.isArray(p) ? (p[7] as number) : p.receivedAt);
type Method = (this: unknown, ...args: unknown[]) => unknown;

async function traceStages(note: Note): Promise<void> {
  const root = process.cwd();
  const load = (path: string) => import(pathToFileURL(`${root}/dispatch-server/src/${path}`).href).catch(() => null);
  const wrap = (proto: Record<string, unknown> | undefined, name: string, around: (original: Method) => Method) => {
    const original = proto?.[name];
    if (typeof original === 'function') proto![name] = around(original as Method);
  };
  const ingest = (await load('positions/ingestPositions.ts')) as { PositionIngestor?: { prototype: Record<string, unknown> } } | null;
  type Pending = { receivedAt: Date };
  wrap(ingest?.PositionIngestor?.prototype, 'write', (write) =>
    function (this: unknown, batch) {
      const started = Date.now();
      for (const item of batch as Pending[]) note('write', item.receivedAt, started);
      const written = write.call(this, batch) as Promise<void>;
      return written.then(() => {
        const now = Date.now();
        for (const item of batch as Pending[]) note('committed', item.receivedAt, now);
      });
    },
  );
  const fanout = (await load('positions/positionFanout.ts')) as { PositionFanout?: { prototype: Record<string, unknown> } } | null;
  wrap(fanout?.PositionFanout?.prototype, 'drain', (drain) =>
    function (this: unknown) {
      const now = Date.now();
      for (const p of ((this as { latest?: Map<string, { receivedAt: string }> }).latest ?? new Map()).values()) note('drained', p.receivedAt, now);
      return drain.call(this);
    },
  );
  // socket.io is CommonJS: the server's import of it is this same module.
  // A batch emitted more than once (to this process's consoles, then to the others') counts at its first emit.
  const seen = { emitted: new WeakSet<object>(), sent: new WeakSet<object>() };
  const first = (stage: keyof typeof seen, positions: object) => !seen[stage].has(positions) && Boolean(seen[stage].add(positions));
  const require = createRequire(`${root}/dispatch-server/package.json`);
  const within = (pkg: string, file: string) => require(require.resolve(pkg).replace(/index\.js$/, file)) as Record<string, { prototype: Record<string, unknown> } | undefined>;
  wrap(within('socket.io', 'broadcast-operator.js').BroadcastOperator?.prototype, 'emit', (emit) =>
    function (this: unknown, event, ...args) {
      if (event === 'vehicle.positionsUpdated' && first('emitted', args[0] as object)) {
        const now = Date.now();
        for (const p of args[0] as Broadcast[]) note('emitted', receivedOf(p), now);
      }
      return emit.call(this, event, ...args);
    },
  );
  // The in-memory adapter writes to this process's sockets (a cluster adapter calls it once the broadcast is published).
  wrap(within('socket.io-adapter', 'in-memory-adapter.js').Adapter?.prototype, 'broadcast', (broadcast) =>
    function (this: unknown, packet, ...rest) {
      const data = (packet as { data?: unknown[] }).data;
      if (data?.[0] === 'vehicle.positionsUpdated' && first('sent', data[1] as object)) {
        const now = Date.now();
        for (const p of data[1] as Broadcast[]) note('sent', receivedOf(p), now);
      }
      return broadcast.call(this, packet, ...rest);
    },
  );
}
