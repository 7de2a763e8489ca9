import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer } from '../support/demoServer';
import { chromiumSuite, hasChromium, logIn, newPage, screenshot } from './browser';
import { repoRoot } from './consoleBuild';
import { browserSuite } from './suite';

/** The crew tablet in real Chromium against the real server: log in, receive a dispatch, tap through two steps. */
describe.skipIf(!hasChromium)(chromiumSuite('crew tablet in Chromium'), () => {
  // Tiles that never load: the tablet must fall back to the region's own roads, as offline.
  const suite = browserSuite(startDemoServer, { console: false, tablet: true });
  let contractDir: string;

  beforeAll(async () => {
    // IndexedDbOutbox checked against the same contract as the node stores, in the real browser.
    contractDir = await mkdtemp(join(tmpdir(), 'outbox-contract-'));
    await build({
      configFile: false,
      logLevel: 'warn',
      build: {
        outDir: contractDir,
        emptyOutDir: true,
        lib: { entry: join(repoRoot, 'vehicle-agent/src/agent/browserContract.ts'), formats: ['iife'], name: 'outboxContract', fileName: () => 'contract.js' },
      },
    });
  });
  afterAll(async () => {
    if (contractDir) await rm(contractDir, { recursive: true, force: true });
  });

  it('shows a dispatched task with its route, records the crew’s taps on the server, and queues a tap made offline until the network is back', async () => {
    const { server, browser } = suite;
    const db = server.database.db;
    const { api: dispatcher } = await server.as('dispatcher');
    const crew = (
      await db.query<{ vehicle_id: string; lon: number; lat: number }>(
        `SELECT u.vehicle_id, ST_X(s.location) AS lon, ST_Y(s.location) AS lat
           FROM users u JOIN vehicles v ON v.id = u.vehicle_id JOIN stations s ON s.id = v.home_station_id WHERE u.username = 'crew-06'`,
      )
    ).rows[0]!;
    const page = await newPage(browser, { width: 1280, height: 800, timeoutMs: 30_000, geolocation: { longitude: crew.lon, latitude: crew.lat, accuracy: 10 } });
    const context = page.context();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    try {
      await logIn(page, `${server.baseUrl}/tablet/`, 'crew-06', server.logins.passwords['crew-06']!);
      await page.getByText('待命中').first().waitFor({ timeout: 15_000 });
      await page.locator('[data-testid=connection].online').waitFor();

      const village = (await db.query<{ name: string }>(`SELECT name FROM places WHERE kind = 'village' ORDER BY name OFFSET 20 LIMIT 1`)).rows[0]!;
      const incident = await dispatcher.call('createIncident', {
        body: {
          placeName: village.name,
          address: `${village.name}32号`,
          category: 'stroke',
          priority: 1,
          patientSummary: '女, 72岁, 突发右侧肢体无力, 言语不清 20 分钟',
          priorityGroups: ['elderly', 'chronic'],
        },
      });
      const recommendation = await dispatcher.call('getRecommendations', { params: { id: incident.id } });
      const hospitalId = recommendation.proposedHospital?.hospitalId;
      const assigned = await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: crew.vehicle_id, destinationHospitalId: hospitalId } });
      const assignmentId = assigned.assignment.id;
      const assignment = async () => (await db.query(`SELECT status, on_scene_at, destination_hospital_id FROM assignments WHERE id = $1`, [assignmentId])).rows[0];

      await page.locator('[data-testid=assignment]').waitFor({ timeout: 10_000 });
      await expect.poll(() => page.locator('[data-testid=assignment]').innerText()).toContain(village.name);
      await page.locator('[data-testid=ack-countdown]').waitFor();
      await page.locator('[data-testid=directions] .next-maneuver').waitFor();
      // The own-roads layer (the shared base map draws it on a canvas in a pane of its own) replaces the unreachable tiles.
      await page.locator('[data-testid=task-map].no-tiles .leaflet-ownRoads-pane canvas').waitFor({ timeout: 10_000 });
      // The map shows the whole leg: the scene marker is inside the map's box.
      await expect
        .poll(async () => {
          const [map, scene] = await Promise.all([page.locator('[data-testid=task-map]').boundingBox(), page.locator('.map-badge.scene').boundingBox()]);
          return Boolean(map && scene && scene.x >= map.x && scene.y >= map.y && scene.x + scene.width <= map.x + map.width && scene.y + scene.height <= map.y + map.height);
        })
        .toBe(true);
      await page.waitForLoadState('networkidle');
      await screenshot(page, 'tablet-offer');

      await page.click('button[data-step=acknowledged]');
      await page.click('button[data-step=en_route]', { timeout: 10_000 });
      await page.locator('button[data-step=on_scene]').waitFor();
      await expect.poll(async () => (await assignment()).status, { timeout: 10_000 }).toBe('en_route');
      await expect.poll(() => page.locator('[data-testid=queued]').innerText()).toBe('已全部发送');
      await screenshot(page, 'tablet-en-route');

      const events = await db.query<{ status: string; source: string }>(
        `SELECT status, source FROM status_events WHERE assignment_id = $1 ORDER BY device_time`,
        [assignmentId],
      );
      expect(events.rows).toEqual([
        { status: 'dispatched', source: 'console' },
        { status: 'acknowledged', source: 'tablet' },
        { status: 'en_route', source: 'tablet' },
      ]);
      // The browser's geolocation went through the IndexedDB outbox to the server too.
      await expect
        .poll(async () => (await db.query(`SELECT count(*)::int AS n FROM vehicle_positions WHERE vehicle_id = $1 AND source = 'agent'`, [crew.vehicle_id])).rows[0].n)
        .toBeGreaterThan(0);

      // Offline: the tap is kept in IndexedDB, shown as queued, and delivered with its tap time once back online.
      await context.setOffline(true);
      await page.locator('[data-testid=connection].offline').waitFor({ timeout: 20_000 });
      const tappedAt = Date.now();
      await page.click('button[data-step=on_scene]');
      await expect.poll(() => page.locator('[data-testid=queued]').innerText()).toBe('待发送 1 条');
      await page.locator('button[data-step=at_patient]').waitFor();
      await screenshot(page, 'tablet-offline');
      expect((await assignment()).status).toBe('en_route');
      await context.setOffline(false);
      await expect.poll(async () => (await assignment()).status, { timeout: 20_000 }).toBe('on_scene');
      const onScene: Date = (await assignment()).on_scene_at;
      expect(Math.abs(onScene.getTime() - tappedAt)).toBeLessThan(2_000);
      await expect.poll(() => page.locator('[data-testid=queued]').innerText()).toBe('已全部发送');
      // Back online, the leg to the hospital is routed after all.
      await page.locator('[data-testid=directions] .next-maneuver').waitFor({ timeout: 15_000 });
      await screenshot(page, 'tablet-on-scene');

      await page.click('[data-testid=change-destination]');
      await page.locator('.hospital-choice').first().waitFor();
      await screenshot(page, 'tablet-destination');
      // The crew may override: any other hospital, even one without a stroke centre.
      const other = page.locator('.hospital-choice:not(.current)').first();
      await other.click();
      await expect.poll(async () => (await assignment()).destination_hospital_id).not.toBe(hospitalId ?? null);

      await page.click('button.lang');
      await page.getByText('At patient').first().waitFor();
      await screenshot(page, 'tablet-en-route-english');
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('keeps the outbox contract with IndexedDbOutbox, and its events survive a page reload', async () => {
    // The contract is injected as an inline script, which the server's Content-Security-Policy rightly refuses.
    const context = await suite.browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    try {
      await page.goto(`${suite.server.baseUrl}/tablet/`);
      const script = join(contractDir, 'contract.js');
      await page.addScriptTag({ path: script });
      expect(await page.evaluate(() => window.outboxContract('contract-check'))).toBe('ok');
      const seqs = await page.evaluate(() => window.outboxAppendPositions('reload-check', 4));
      await page.reload();
      await page.addScriptTag({ path: script });
      expect(await page.evaluate(() => window.outboxPending('reload-check'))).toEqual(seqs);
    } finally {
      await context.close();
    }
  });
});
