import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../support/demoServer';
import { chromiumSuite, closedLoopbackPort, hasChromium, launchChromium, screenshot } from './browser';
import { consoleDist, ensureConsoleBuilt, repoRoot } from './consoleBuild';

/**
 * A crew step the server keeps failing on (a real fault: a trigger in the test's database refuses it with an
 * exception) is parked on the tablet with "send again" and "discard", and the dispatcher's console lists it until
 * the crew resolves it.
 */
describe.skipIf(!hasChromium)(chromiumSuite('a stuck crew step in the tablet and the console'), () => {
  let server: DemoServer;
  let browser: Browser;
  let dist: string;

  beforeAll(async () => {
    ensureConsoleBuilt();
    dist = await mkdtemp(join(tmpdir(), 'tablet-dist-'));
    await build({ configFile: join(repoRoot, 'vehicle-agent/vite.config.ts'), build: { outDir: dist, emptyOutDir: true, sourcemap: false }, logLevel: 'warn' });
    const tiles = `http://127.0.0.1:${await closedLoopbackPort()}/{z}/{x}/{y}.png`;
    server = await startDemoServer({ TABLET_DIST: dist, CONSOLE_DIST: consoleDist, TILE_URL: tiles, ACK_TIMEOUT_S: '900' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dist) await rm(dist, { recursive: true, force: true });
  });

  it('shows the parked step to the crew and to the dispatcher, and clears it once the crew sends it again', { timeout: 120_000 }, async () => {
    const db = server.database.db;
    const crew = server.logins.crews[0]!.username;
    const vehicleId = (await db.query<{ vehicle_id: string }>('SELECT vehicle_id FROM users WHERE username = $1', [crew])).rows[0]!.vehicle_id;
    await db.query(`
      CREATE FUNCTION refuse_acknowledgement() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'acknowledged' THEN RAISE EXCEPTION 'injected fault'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_acknowledgement BEFORE INSERT ON status_events FOR EACH ROW EXECUTE FUNCTION refuse_acknowledgement();`);

    const consolePage = await (await browser.newContext({ viewport: { width: 1600, height: 900 }, locale: 'zh-CN' })).newPage();
    await consolePage.goto(server.baseUrl);
    await consolePage.fill('input[name=username]', server.logins.dispatcher);
    await consolePage.fill('input[name=password]', server.logins.passwords[server.logins.dispatcher]!);
    await consolePage.click('button[type=submit]');

    const tablet = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })).newPage();
    await tablet.goto(`${server.baseUrl}/tablet/`);
    await tablet.fill('input[name=username]', crew);
    await tablet.fill('input[name=password]', server.logins.passwords[crew]!);
    await tablet.click('button[type=submit]');
    await tablet.locator('[data-testid=connection].online').waitFor({ timeout: 15_000 });

    const { api } = await server.as(server.logins.dispatcher);
    const incident = await api.call('createIncident', { body: { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 } });
    await api.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId } });
    await tablet.locator('[data-testid=assignment]').waitFor({ timeout: 10_000 });
    await tablet.click('button[data-step=acknowledged]');

    // Five server faults with backoff, then parked: the next step can be tapped and is delivered.
    const stuck = tablet.locator('[data-testid=stuck-event]');
    await stuck.waitFor({ timeout: 30_000 });
    await expect.poll(() => stuck.innerText()).toContain('已接收');
    await consolePage.locator('[data-testid=stuck-events]').waitFor({ timeout: 10_000 });
    await expect.poll(() => consolePage.locator('[data-testid=stuck-events]').innerText()).toContain('已接收命令');
    await screenshot(tablet, 'tablet-stuck-step');
    await screenshot(consolePage, 'console-stuck-step');
    // A reload of the tablet still shows it (kept in the browser's storage).
    await tablet.reload();
    await tablet.locator('[data-testid=connection].online').waitFor({ timeout: 15_000 });
    await expect.poll(() => stuck.innerText()).toContain('已接收');

    // The same in English.
    await tablet.getByRole('button', { name: 'EN' }).click();
    await expect.poll(() => stuck.innerText()).toContain('Not delivered');
    await consolePage.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => consolePage.locator('[data-testid=stuck-events]').innerText()).toContain('Acknowledged');
    await screenshot(tablet, 'tablet-stuck-step-en');
    await screenshot(consolePage, 'console-stuck-step-en');

    await db.query('DROP TRIGGER refuse_acknowledgement ON status_events');
    await stuck.getByRole('button', { name: 'Send again' }).click();
    await stuck.waitFor({ state: 'detached', timeout: 10_000 });
    await consolePage.locator('[data-testid=stuck-events]').waitFor({ state: 'detached', timeout: 10_000 });
    await expect.poll(async () => (await db.query('SELECT status FROM assignments WHERE vehicle_id = $1', [vehicleId])).rows[0]?.status).toBe('acknowledged');

  });
});
