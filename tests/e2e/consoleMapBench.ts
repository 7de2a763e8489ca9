/**
 * How smooth the console's map stays with a big-city fleet: the real server over a fresh demo database with
 * the fleet grown to VEHICLES, every vehicle reporting once per second through the real ingest path (batched
 * writes, coalesced fan-out), the console in headless Chromium. Prints JSON lines: frames per second and the
 * worst frame gap with the 24-vehicle demo fleet (baseline) and with the big fleet, on the same machine.
 *
 *   npx tsx tests/e2e/consoleMapBench.ts            (VEHICLES=1000 by default)
 */
import { cpus } from 'node:os';
import { startDemoServer } from '../support/demoServer';
import { closedLoopbackPort, hasChromium, launchChromium, logIn } from './browser';
import { consoleDist, ensureConsoleBuilt } from './consoleBuild';

const VEHICLES = Number(process.env.VEHICLES ?? 1000);
const SECONDS = 6;

/** Counts animation frames for SECONDS in the page: frames per second, 95th percentile and worst frame gap. */
const FRAME_PROBE = `new Promise((done) => {
  const gaps = [];
  let last = performance.now();
  const end = last + SECONDS * 1000;
  const frame = (now) => {
    gaps.push(now - last);
    last = now;
    if (now < end) return requestAnimationFrame(frame);
    gaps.sort((a, b) => a - b);
    done({ fps: gaps.length / SECONDS, p95FrameMs: gaps[Math.floor(gaps.length * 0.95)], maxFrameMs: gaps[gaps.length - 1] });
  };
  requestAnimationFrame(frame);
})`;

async function main() {
  if (!hasChromium) throw new Error('/usr/bin/chromium is absent');
  ensureConsoleBuilt();
  const server = await startDemoServer({ CONSOLE_DIST: consoleDist, TILE_URL: `http://127.0.0.1:${await closedLoopbackPort()}/{z}/{x}/{y}.png` });
  const browser = await launchChromium();
  try {
    const db = server.database.db;
    const page = await (await browser.newContext({ viewport: { width: 1600, height: 950 } })).newPage();
    page.on('crash', () => console.error('page crashed'));
    page.on('pageerror', (e) => console.error('pageerror', e.message));
    await logIn(page, server.baseUrl, 'dispatcher', server.logins.passwords.dispatcher!);
    await page.locator('[data-testid=fleet-board] tbody tr').first().waitFor();

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
      await page.waitForTimeout(2500);
      // As source text: tsx would wrap a function literal with helpers the page does not have.
      const result = (await page.evaluate(FRAME_PROBE.replaceAll('SECONDS', String(SECONDS)))) as Record<string, number>;
      clearInterval(report);
      console.log(JSON.stringify({ bench: 'console-map', case: label, vehicles, ...roundAll(result), cpus: cpus().length, cpu: cpus()[0]?.model }));
    };

    await measure('demo fleet (baseline)', 24);
    const home = (await db.query<{ id: string }>("SELECT id FROM stations WHERE kind = 'centre'")).rows[0]!.id;
    await db.query(
      `INSERT INTO vehicles (call_sign, kind, capabilities, home_station_id)
       SELECT 'BENCH-' || lpad(g::text, 4, '0'), 'negative_pressure_ambulance', ARRAY['negative_pressure', 'als'], $1
         FROM generate_series(1, $2) g`,
      [home, VEHICLES - 24],
    );
    // The console learns of the new vehicles the way it would after a restart: a fresh snapshot.
    await page.reload();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=fleet-board] tbody tr[data-vehicle]').length === n, VEHICLES, { timeout: 30_000 });
    await measure('big fleet', VEHICLES);
  } finally {
    await browser.close();
    await server.close();
  }
}

const roundAll = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * 10) / 10]));

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
