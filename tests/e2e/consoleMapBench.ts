/**
 * How smooth the console's map stays with a big-city fleet: the real server over a fresh demo database with
 * the fleet grown to VEHICLES, every vehicle reporting once per second through the real ingest path (batched
 * writes, coalesced fan-out), the console in headless Chromium. Prints JSON lines (metric `console_map`): frames per
 * second, frame gap percentiles and the worst gap, the main thread's long tasks, main-thread and renderer CPU, with the 24-vehicle demo fleet
 * (baseline) and with the big fleet, on the same machine, the load average beside each.
 *
 *   npx tsx tests/e2e/consoleMapBench.ts [--quick] [--seconds 6] [--repeat 1]
 *     VEHICLES=1000 by default; --quick probes 3 s; --repeat N probes each screen N times (the spread on a shared machine);
 *     SHOTS=<dir> saves the desk in zh-CN and English; BENCH_CONSOLE_DIST=<dir> serves another console build (e.g. an
 *     earlier commit's, for a baseline in the same conditions); TRACE=1 [TRACE_DIR=<dir>] and PROFILE=1 say where the time goes
 *     (TRACE: the desk's main-thread CPU by trace event, and in the tasks over 17 ms).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CDPSession, Page } from 'playwright-core';
import { startDemoServer } from '../support/demoServer';
import { closedLoopbackPort, hasChromium, launchChromium, logIn } from './browser';
import { consoleDist, ensureConsoleBuilt } from './consoleBuild';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, seconds: { type: 'string' }, repeat: { type: 'string', default: '1' } } });
const VEHICLES = Number(process.env.VEHICLES ?? 1000);
const SECONDS = Number(args.seconds ?? (args.quick ? 3 : 6));
const REPEAT = Number(args.repeat);

/**
 * Counts animation frames for SECONDS in the page: frames per second, frame gap percentiles and the worst gap, and
 * the main thread's long tasks (over 50 ms, wall time) meanwhile.
 */
const FRAME_PROBE = `new Promise((done) => {
  const gaps = [];
  const long = [];
  const observer = new PerformanceObserver((list) => long.push(...list.getEntries().map((e) => e.duration)));
  observer.observe({ type: 'longtask' });
  let last = performance.now();
  const end = last + SECONDS * 1000;
  const frame = (now) => {
    gaps.push(now - last);
    last = now;
    if (now < end) return requestAnimationFrame(frame);
    observer.disconnect();
    gaps.sort((a, b) => a - b);
    const at = (q) => gaps[Math.min(gaps.length - 1, Math.floor(gaps.length * q))];
    done({
      fps: gaps.length / SECONDS, p50FrameMs: at(0.5), p95FrameMs: at(0.95), p99FrameMs: at(0.99), worstFrameMs: gaps[gaps.length - 1],
      longTasks: long.length, longTaskMsPerS: long.reduce((s, d) => s + d, 0) / SECONDS,
    });
  };
  requestAnimationFrame(frame);
})`;

/**
 * Milliseconds per second of the page's renderer between two readings of Chrome's Performance metrics: its main
 * thread's tasks, script, layout and style (wall time, stretched when the machine is busy), and the CPU time of the
 * main thread and of the whole renderer process (what the page itself costs, whatever else runs on the machine).
 */
const BUSY_METRICS = {
  TaskDuration: 'busyMsPerS', ScriptDuration: 'scriptMsPerS', LayoutDuration: 'layoutMsPerS', RecalcStyleDuration: 'styleMsPerS',
  ThreadTime: 'mainCpuMsPerS', ProcessTime: 'rendererCpuMsPerS',
} as const;
async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return Object.fromEntries(list.filter((m) => m.name in BUSY_METRICS).map((m) => [m.name, m.value]));
}

/** The functions with the most self time in a CPU profile, in ms per second. */
function topFunctions(profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] }, seconds: number) {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byName = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`;
    byName.set(key, (byName.get(key) ?? 0) + (self.get(node.id) ?? 0));
  }
  return [...byName].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([name, us]) => `${(us / 1000 / seconds).toFixed(1).padStart(7)} ms/s  ${name}`);
}

/** What TRACE=1 records: the main thread's tasks, frames, the compositor and raster threads, V8 (GC). */
const TRACE_CATEGORIES = [
  'devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'toplevel', 'cc', 'viz', 'v8', 'blink.user_timing',
];

/** Keeps a whole trace (TRACE_DIR=<dir>) for DevTools' Performance panel or a closer look at the long frames. */
function writeTrace(dir: string, name: string, trace: string) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `console-map-${name.replace(/\W+/g, '-')}.json`), trace);
}

interface TraceEvent {
  name: string; ph: string; ts: number; dur?: number; tdur?: number; tid: number; pid: number;
  args?: { name?: string; data?: { functionName?: string } };
}
/**
 * Where the probed page's main thread (the renderer main thread with the most events: both pages are traced) spent its
 * CPU: each event's own thread time (its nested events' taken out; thread time, unlike wall time, does not stretch
 * when the machine is busy), by name (a script call by its function), in ms per second; the whole, and the tasks over
 * 17 ms (frames missed) with what they spent.
 */
function topEvents({ traceEvents }: { traceEvents: TraceEvent[] }, seconds: number) {
  const count = new Map<string, number>();
  const names = new Set(traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  for (const e of traceEvents) if (e.ph === 'X' && names.has(`${e.pid}:${e.tid}`)) count.set(`${e.pid}:${e.tid}`, (count.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
  const main = [...count].sort((a, b) => b[1] - a[1])[0]?.[0];
  const events = traceEvents.filter((e) => e.ph === 'X' && e.dur !== undefined && `${e.pid}:${e.tid}` === main).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const own = new Map<TraceEvent, number>();
  const task = new Map<TraceEvent, TraceEvent>();
  const stack: TraceEvent[] = [];
  for (const e of events) {
    while (stack.length && stack.at(-1)!.ts + stack.at(-1)!.dur! <= e.ts) stack.pop();
    own.set(e, e.tdur ?? 0);
    const parent = stack.at(-1);
    if (parent) own.set(parent, own.get(parent)! - (e.tdur ?? 0));
    task.set(e, parent ? task.get(parent)! : e);
    stack.push(e);
  }
  const table = (list: TraceEvent[], per: number) => {
    const byName = new Map<string, number>();
    for (const e of list) {
      const name = e.args?.data?.functionName ? `${e.name} ${e.args.data.functionName}` : e.name;
      byName.set(name, (byName.get(name) ?? 0) + own.get(e)!);
    }
    return [...byName].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([name, us]) => `${(us / 1000 / per).toFixed(1).padStart(7)}  ${name}`);
  };
  const tasks = events.filter((e) => task.get(e) === e);
  const long = tasks.filter((t) => t.dur! > 17_000);
  return [
    `main thread CPU ${(tasks.reduce((s, t) => s + (t.tdur ?? 0), 0) / 1000 / seconds).toFixed(1)} ms/s (own thread time, ms/s):`,
    ...table(events, seconds),
    `${long.length} tasks over 17 ms (wall ${long.map((t) => Math.round(t.dur! / 1000)).join(', ')}), their thread time in all (ms):`,
    ...table(events.filter((e) => long.includes(task.get(e)!)), 1),
  ];
}

async function main() {
  if (!hasChromium) {
    console.error('console map bench skipped: /usr/bin/chromium is absent (apt-get install chromium)');
    return;
  }
  // Another build (an earlier commit's, for a baseline in the same conditions) when asked for.
  const dist = process.env.BENCH_CONSOLE_DIST || consoleDist;
  if (!process.env.BENCH_CONSOLE_DIST) ensureConsoleBuilt();
  const server = await startDemoServer({ CONSOLE_DIST: dist, TILE_URL: `http://127.0.0.1:${await closedLoopbackPort()}/{z}/{x}/{y}.png` });
  const browser = await launchChromium();
  try {
    const db = server.database.db;
    const open = async (login: 'dispatcher' | 'supervisor') => {
      const page = await (await browser.newContext({ viewport: { width: 1600, height: 950 } })).newPage();
      page.on('crash', () => console.error(`${login} page crashed`));
      page.on('pageerror', (e) => console.error('pageerror', e.message));
      await logIn(page, server.baseUrl, login, server.logins.passwords[login]!);
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      return { page, cdp };
    };
    const desk = await open('dispatcher');
    await desk.page.locator('[data-testid=fleet-board] tbody tr').first().waitFor();
    // The supervisor's live board, open and live beside the desk (as on a centre's wall).
    const board = await open('supervisor');
    await board.page.goto(`${server.baseUrl}/#/board`);
    await board.page.locator('[data-testid=board-fleet] tbody tr').first().waitFor();

    const screens = [
      { screen: 'desk', ...desk },
      { screen: 'supervisor board', ...board },
    ];
    const measure = async (label: string, vehicles: number) => {
      const { rows } = await db.query<{ id: string }>('SELECT id FROM vehicles ORDER BY call_sign');
      // Vehicles circle the county centre, each on its own orbit, one fix per second each.
      let tick = 0;
      const report = setInterval(() => {
        tick++;
        void server.app.positions.ingestor.addMany(
          rows.map((r, i) => {
            const angle = (i * 2.39996 + tick * 0.02) % (2 * Math.PI);
            const radius = 0.02 + (i % 40) * 0.004;
            return {
              vehicleId: r.id, lon: 111.95 + radius * Math.cos(angle), lat: 37.01 + radius * 0.8 * Math.sin(angle),
              speedMps: 12, headingDeg: null, accuracyM: 5, deviceTime: new Date(), source: 'bench',
            };
          }),
        );
      }, 1000);
      await desk.page.waitForTimeout(2500);
      // One screen at a time (the other stays live): two probes at once would share the two cores' frames.
      for (let run = 1; run <= REPEAT; run++) for (const { screen, page, cdp } of screens) {
        const profiling = process.env.PROFILE === '1' && screen === 'desk' && vehicles > 24 && run === 1;
        if (profiling) {
          await cdp.send('Profiler.enable');
          await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
          await cdp.send('Profiler.start');
        }
        const tracing = process.env.TRACE === '1' && screen === 'desk' && run === 1;
        if (tracing) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
        const before = await metrics(cdp);
        // As source text: tsx would wrap a function literal with helpers the page does not have.
        const result = (await page.evaluate(FRAME_PROBE.replaceAll('SECONDS', String(SECONDS)))) as Record<string, number>;
        const after = await metrics(cdp);
        const busy = Object.fromEntries(Object.entries(BUSY_METRICS).map(([metric, name]) => [name, ((after[metric]! - before[metric]!) * 1000) / SECONDS]));
        if (tracing) {
          const trace = (await browser.stopTracing()).toString();
          if (process.env.TRACE_DIR) writeTrace(process.env.TRACE_DIR, `${vehicles}-${screen}`, trace);
          console.error(`${label}:\n${topEvents(JSON.parse(trace) as { traceEvents: TraceEvent[] }, SECONDS).join('\n')}`);
        }
        if (profiling) {
          const { profile } = (await cdp.send('Profiler.stop')) as { profile: Parameters<typeof topFunctions>[0] };
          console.error(topFunctions(profile, SECONDS).join('\n'));
        }
        console.log(JSON.stringify({ bench: 'console-map', metric: 'console_map', case: label, screen, vehicles, run, ...roundAll(result), ...roundAll(busy), load: Math.round(loadavg()[0]! * 10) / 10, cpus: cpus().length, cpu: cpus()[0]?.model }));
      }
      clearInterval(report);
    };

    await measure('demo fleet (baseline)', 24);
    const home = (await db.query<{ id: string }>("SELECT id FROM stations WHERE kind = 'centre'")).rows[0]!.id;
    await db.query(
      `INSERT INTO vehicles (call_sign, kind, capabilities, home_station_id)
       SELECT 'BENCH-' || lpad(g::text, 4, '0'), 'negative_pressure_ambulance', ARRAY['negative_pressure', 'als'], $1
         FROM generate_series(1, $2) g`,
      [home, VEHICLES - 24],
    );
    // The consoles learn of the new vehicles the way they would after a restart: a fresh snapshot.
    await Promise.all([desk.page.reload(), board.page.reload()]);
    await waitForFleet(desk.page, '[data-testid=fleet-board]');
    await board.page.waitForFunction((n) => document.querySelector('[data-testid=board-fleet] tr.sum td:last-child')?.textContent === String(n), VEHICLES, { timeout: 30_000 });
    await measure('big fleet', VEHICLES);
    if (process.env.SHOTS) await screenshots(desk.page, process.env.SHOTS);
  } finally {
    await browser.close();
    await server.close();
  }
}

/** The desk with the big fleet in Chinese and in English, the fleet board scrolled half way (its windowed lines). */
async function screenshots(page: Page, dir: string) {
  mkdirSync(dir, { recursive: true });
  for (const lang of ['zh-CN', 'en'] as const) {
    await page.evaluate((l) => localStorage.setItem('dispatch120.lang', l), lang);
    await page.reload();
    await waitForFleet(page, '[data-testid=fleet-board]');
    await page.locator('[data-testid=fleet-board] .scroll').evaluate((e) => e.scrollTo(0, e.scrollHeight / 2));
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(dir, `desk-${VEHICLES}-${lang}.png`) });
  }
}

/** The fleet board lists every vehicle (it says how many it holds: a long list draws only the rows in view). */
async function waitForFleet(page: Page, selector: string) {
  await page.waitForFunction(
    ([s, n]) => {
      const board = document.querySelector(s as string);
      const count = board?.querySelector('[data-vehicle-count]')?.getAttribute('data-vehicle-count') ?? String(board?.querySelectorAll('tbody tr[data-vehicle]').length ?? 0);
      return count === String(n);
    },
    [selector, VEHICLES] as const,
    { timeout: 30_000 },
  );
}

const roundAll = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * 10) / 10]));

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
