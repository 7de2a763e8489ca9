import type { ApiClient } from '@dispatch/protocol';
import { readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api';
import { startDemoServer, type DemoServer } from '../support/demoServer';
import { loginAs } from '../support/server';
import { chromiumSuite, collectErrors, hasChromium, launchChromium, logIn, newPage, screenshot } from './browser';
import { buildTablet, consoleDist, ensureConsoleBuilt } from './consoleBuild';

/**
 * What an attacker with a supervisor's or an admin's login (or a crew's tablet, or a call-taker) would type into a
 * name: each sets window.__xss if it ever runs. Short enough for a 32-character call sign after a 2-digit prefix.
 */
const PAYLOADS = ['<img src=x onerror=__xss=1>', '<script>__xss=1</script>', '"><svg onload=__xss=1>', 'javascript:__xss=1'];
const payload = (i: number) => PAYLOADS[i % PAYLOADS.length]!;
const PASSWORD = 'xss-test-password-1';
/** One plain pixel: every tile of the test's tile server (Leaflet stretches it to 256 × 256). */
const TILE = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGN48ewhAAVpArB44nOfAAAAAElFTkSuQmCC', 'base64');

type Planted = {
  stations: Map<string, { name: string; nameEn: string }>;
  vehicles: Map<string, string>;
  hospitals: Map<string, { name: string; nameEn: string }>;
  incident: { id: string; number: number; address: string; summary: string; vehicleId: string; hospitalId: string };
  queued: { number: number; address: string; summary: string };
};

/** Records, from before the app's first script, every violation the page's own CSP reports. */
async function watchPage(context: BrowserContext, page: Page, tileSource: string) {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await context.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sample} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`));
  });
  return { dialogs, errors: collectErrors(page, tileSource) };
}

/** Nothing ran, nothing became markup, the CSP had nothing to refuse, no dialog opened. */
async function expectInert(page: Page, watched: { dialogs: string[]; errors: string[] }) {
  const state = await page.evaluate(() => ({
    xss: (window as unknown as { __xss?: unknown }).__xss,
    csp: (window as unknown as { __csp: string[] }).__csp,
    markup: document.querySelectorAll('img[src="x"], [onerror], [onload], script:not([src]), a[href^="javascript"]').length,
  }));
  expect(state).toEqual({ xss: undefined, csp: [], markup: 0 });
  expect(watched.dialogs).toEqual([]);
  expect(watched.errors.join('\n')).toBe('');
}

const texts = (page: Page, selector: string) => page.$$eval(selector, (els) => els.map((e) => e.textContent ?? ''));

describe.skipIf(!hasChromium)(chromiumSuite('every text a user can set is shown as text, under a strict Content-Security-Policy'), () => {
  let server: DemoServer;
  let browser: Browser;
  let tabletDist: string;
  let tileServer: Server;
  /** The CSP source the tile template must give: its {s} subdomains as a wildcard. */
  let tileSource: string;
  const tileHosts = new Set<string>();
  let planted: Planted;
  let admin: ApiClient;
  let dispatcher: ApiClient;
  const pages: Page[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    tabletDist = await buildTablet();
    // Real tiles from a.localhost, b.localhost, c.localhost (loopback in Chromium): the policy must allow them all.
    tileServer = createServer((req, res) => {
      tileHosts.add(req.headers.host ?? '');
      res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' }).end(TILE);
    });
    await new Promise<void>((done) => tileServer.listen(0, '127.0.0.1', done));
    const tilePort = (tileServer.address() as AddressInfo).port;
    tileSource = `http://*.localhost:${tilePort}`;
    server = await startDemoServer({
      CONSOLE_DIST: consoleDist,
      TABLET_DIST: tabletDist,
      TILE_URL: `http://{s}.localhost:${tilePort}/{z}/{x}/{y}.png`,
      ACK_TIMEOUT_S: '600',
      HOSPITAL_ACK_TIMEOUT_S: '600',
    });
    admin = (await server.as('admin')).api;
    planted = await plant(server, admin);
    dispatcher = apiClient(server.baseUrl, await loginAs(server.baseUrl, 'xss-dispatcher', PASSWORD));
    browser = await launchChromium();
  }, 240_000);

  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    for (const [i, page] of pages.entries()) await screenshot(page, `failed-xss-${i}`).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    tileServer?.close();
    if (tabletDist) await rm(tabletDist, { recursive: true, force: true });
  });

  it('sends a strict policy with every page, builds no source maps and serves none', async () => {
    const res = await fetch(server.baseUrl);
    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('script-src-attr')).toEqual(["'none'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('img-src')).toEqual(["'self'", 'data:', 'blob:', tileSource]);
    const host = new URL(server.baseUrl).host;
    expect(directives.get('connect-src')).toEqual(["'self'", `ws://${host}`, `wss://${host}`]);
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);

    for (const [dist, base] of [[consoleDist, '/'], [tabletDist, '/tablet/']] as const) {
      const assets = await readdir(join(dist, 'assets'));
      const scripts = assets.filter((f) => f.endsWith('.js'));
      expect(scripts.length).toBeGreaterThan(0);
      expect(assets.filter((f) => f.endsWith('.map'))).toEqual([]);
      for (const script of scripts) {
        expect(await readFile(join(dist, 'assets', script), 'utf8')).not.toContain('sourceMappingURL');
        expect((await fetch(`${server.baseUrl}${base}assets/${script}.map`)).status).toBe(404);
      }
      // The page itself carries no inline script the policy would have to allow.
      expect(await readFile(join(dist, 'index.html'), 'utf8')).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
  });

  it('shows the dispatcher every planted name as text: fleet, queue, recommendations, timeline and map labels, in Chinese and English', async () => {
    const page = await newPage(browser);
    pages.push(page);
    const watched = await watchPage(page.context(), page, tileSource);
    await logIn(page, server.baseUrl, 'xss-dispatcher', PASSWORD);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=fleet-board] tbody tr[data-vehicle]').length === n, planted.vehicles.size);

    // The map's tiles load from every subdomain of the template, and the policy refuses none of them.
    await expect.poll(() => page.locator('.leaflet-tile-loaded').count()).toBeGreaterThan(3);
    expect([...tileHosts].filter((h) => /^[abc]\.localhost:/.test(h)).length).toBe(3);
    // The dispatcher's own display name in the header.
    expect(await page.textContent('header')).toContain(`调度员${payload(0)}`);
    // Every call sign on the fleet board, literally.
    const board = (await page.textContent('[data-testid=fleet-board]'))!;
    for (const callSign of planted.vehicles.values()) expect(board).toContain(callSign);
    // The queued call by its address.
    expect(await page.textContent(`[data-incident="${planted.queued.number}"]`)).toContain(planted.queued.address);

    // Permanent map labels: every station, the general hospitals, the vehicle on its task.
    await page.locator('.station-label').first().waitFor();
    expect(new Set(await texts(page, '.station-label'))).toEqual(new Set([...planted.stations.values()].map((s) => s.name)));
    const hospitalLabels = await texts(page, '.hospital-label');
    expect(hospitalLabels.length).toBeGreaterThan(0);
    const hospitalNames = new Set([...planted.hospitals.values()].map((h) => h.name));
    for (const label of hospitalLabels) expect(hospitalNames).toContain(label);
    const onTask = planted.vehicles.get(planted.incident.vehicleId)!;
    await page.locator('.vehicle-label.on-task', { hasText: onTask }).waitFor();

    // The queued call: the recommendation panel with its candidates, responsible station and hospitals.
    await page.locator(`[data-incident="${planted.queued.number}"]`).click();
    await page.locator('[data-testid=candidates] li').first().waitFor();
    expect(await page.textContent('.incident-facts')).toContain(planted.queued.summary);
    expect(await page.textContent('.incident-facts')).toContain(planted.queued.address);
    const rec = await dispatcher.call('getRecommendations', { params: { id: (await dispatcher.call('listIncidents')).find((i) => i.number === planted.queued.number)!.id } });
    expect(await page.textContent('[data-testid=responsible-station]')).toBe(rec.responsibleStation?.name);
    expect([...planted.stations.values()].map((s) => s.name)).toContain(rec.responsibleStation?.name);
    // Every candidate, the folded ones too.
    if (rec.candidates.length > 5) await page.click('[data-testid=more-candidates]');
    const shown = await page.$$eval('[data-testid=candidates] li .callsign', (els) => els.map((e) => e.textContent));
    expect(shown).toEqual(rec.candidates.map((c: any) => c.callSign));
    const options = await page.$$eval('[data-testid=hospital-choice] option', (els) => els.map((e) => e.textContent ?? ''));
    for (const h of rec.hospitalOptions) expect(options.some((o) => o.includes(h.name))).toBe(true);
    await page.locator('[data-testid=excluded] summary').click();
    expect(await page.textContent('[data-testid=excluded]')).toContain(onTask);
    await screenshot(page, 'xss-console-01-recommendations');

    // The dispatched call: its vehicle, its hospital notice and the timeline.
    await page.keyboard.press('Escape');
    await page.locator(`[data-incident="${planted.incident.number}"]`).click();
    await page.locator('[data-testid=timeline] tbody tr[data-status=transporting]').waitFor();
    expect(await page.textContent('[data-testid=assigned-vehicles]')).toContain(onTask);
    expect(await page.textContent('[data-testid=notice-line]')).toContain(planted.hospitals.get(planted.incident.hospitalId)!.name);
    expect(await page.textContent('[data-testid=timeline]')).toContain(onTask);
    expect(await page.textContent('.incident-facts')).toContain(planted.incident.summary);

    // Hover tooltips, with the real pointer: each hospital icon, and a station's own drive-time area beside it.
    const hoverTips: string[] = [];
    for (const icon of await page.locator('.hospital-icon').all()) {
      const box = await icon.boundingBox();
      if (!box) continue;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      hoverTips.push(...(await texts(page, '.hospital-label')));
    }
    expect(new Set(hoverTips).size).toBeGreaterThan(hospitalLabels.length);
    for (const tip of hoverTips) expect([...hospitalNames].some((n) => tip === n || tip.startsWith(`${n} · `)), tip).toBe(true);
    await page.click('[data-layer=catchments] input');
    await page.waitForFunction(() => !/加载中/.test(document.querySelector('[data-layer=catchments]')?.textContent ?? '加载中'));
    const stationNames = [...planted.stations.values()].map((s) => s.name);
    const station = (await page.locator('.station-icon').first().boundingBox())!;
    const catchment = page.locator('.leaflet-tooltip:not(.station-label):not(.hospital-label):not(.vehicle-label)');
    // The polygons may be painted just after the layer says it has loaded; a pointer already resting there then
    // gets no mouseover, so it enters again until the tooltip shows. Beside the station on each side in turn: a
    // label (the station's own, a vehicle's) may lie over one of them.
    const sides = [[30, 30], [-30, -30], [30, -30], [-30, 30]] as const;
    let tries = 0;
    await expect
      .poll(async () => {
        const [dx, dy] = sides[tries++ % sides.length]!;
        const beside = { x: station.x + station.width / 2 + dx, y: station.y + station.height / 2 + dy };
        await page.mouse.move(beside.x - 5, beside.y - 5);
        await page.mouse.move(beside.x, beside.y);
        return catchment.count();
      }, { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(stationNames).toContain(await catchment.first().textContent());
    await screenshot(page, 'xss-console-02-map-timeline');
    // The icons beneath the vehicles' canvas take real clicks too: the queued call's marker opens it.
    const map = (await page.locator('[data-testid=map]').boundingBox())!;
    // Clear of the zoom buttons, the layer panel and the synthetic-data badge, which lie over the map.
    const inView = (b: { x: number; y: number } | null) => !!b && b.x > map.x + 60 && b.x < map.x + map.width - 260 && b.y > map.y + 80 && b.y < map.y + map.height - 90;
    const icon = page.locator('.incident-icon', { hasText: String(planted.queued.number) });
    for (let i = 0; i < 4 && !inView(await icon.boundingBox()); i++) {
      await page.click('.leaflet-control-zoom-out');
      await page.waitForTimeout(500);
    }
    const marker = (await icon.boundingBox())!;
    await page.mouse.click(marker.x + marker.width / 2, marker.y + marker.height / 2);
    await expect.poll(() => page.textContent('.incident-facts')).toContain(planted.queued.summary);
    // And the map still drags from anywhere.
    const view = await page.getAttribute('[data-testid=map]', 'data-view');
    await page.mouse.move(map.x + 200, map.y + map.height - 100);
    await page.mouse.down();
    await page.mouse.move(map.x + 260, map.y + map.height - 160, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => page.getAttribute('[data-testid=map]', 'data-view')).not.toBe(view);
    await expectInert(page, watched);

    // The catchments off again, and with them the hover tooltip (the server names catchments in Chinese only).
    await page.click('[data-layer=catchments] input');
    await page.click('.lang-switch button:has-text("EN")');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.locator('.station-label').first().waitFor();
    // The labels are drawn again after the switch: wait for the English ones rather than read the first frame.
    await expect
      .poll(async () => new Set(await texts(page, '.station-label')))
      .toEqual(new Set([...planted.stations.values()].map((s) => s.nameEn)));
    await screenshot(page, 'xss-console-03-english');
    await expectInert(page, watched);
    await page.click('.lang-switch button:has-text("中文")');
    await page.context().close();
  }, 90_000);

  it("shows the supervisor's board, report, incident search and record and audit log every planted name as text", async () => {
    const page = await newPage(browser);
    pages.push(page);
    const watched = await watchPage(page.context(), page, tileSource);
    await logIn(page, server.baseUrl, 'supervisor', server.logins.passwords.supervisor!);
    const stationNames = [...planted.stations.values()].map((s) => s.name);
    const callSigns = [...planted.vehicles.values()];
    await page.locator('[data-testid=board-fleet] tbody tr[data-station]').first().waitFor();
    const fleet = (await page.textContent('[data-testid=board-fleet]'))!;
    for (const name of stationNames) expect(fleet).toContain(name);
    expect(await page.textContent(`[data-testid=board-waiting] [data-incident="${planted.queued.number}"]`)).toContain(planted.queued.address);
    const hospitals = (await page.textContent('[data-testid=board-hospitals]'))!;
    expect([...planted.hospitals.values()].some((h) => hospitals.includes(h.name))).toBe(true);
    await screenshot(page, 'xss-supervisor-01-board');
    await expectInert(page, watched);

    // The report by vehicle: call signs in the table and on the chart's canvas (pixels, never markup).
    await page.click('[data-testid=nav-reports]');
    await page.selectOption('select[name=by]', 'vehicle');
    await page.click('.report-controls button[type=submit]');
    const onTask = planted.vehicles.get(planted.incident.vehicleId)!;
    await expect.poll(() => page.textContent('[data-testid=breakdown-table]')).toContain(onTask);
    await page.locator('[data-testid=breakdown-chart] canvas').waitFor();
    await page.selectOption('select[name=by]', 'station');
    await page.click('.report-controls button[type=submit]');
    await expect.poll(() => page.textContent('[data-testid=breakdown-table]')).toContain(stationNames.find((n) => fleet.includes(n))!);
    await screenshot(page, 'xss-supervisor-02-report');
    await expectInert(page, watched);

    // The search lists the planted addresses; the record shows the address, summary, call sign and timeline.
    await page.click('[data-testid=nav-incidents]');
    await expect.poll(() => page.textContent('[data-testid=search-results]')).toContain(planted.incident.address);
    expect(await page.textContent('[data-testid=search-results]')).toContain(planted.queued.address);
    await page.locator(`[data-testid=search-results] tr[data-incident="${planted.incident.number}"] a`).click();
    await page.locator('[data-testid=record-timeline] tbody tr').first().waitFor();
    const record = (await page.textContent('[data-testid=incident-record]'))!;
    for (const text of [planted.incident.address, planted.incident.summary, onTask]) expect(record).toContain(text);
    await screenshot(page, 'xss-supervisor-03-record');
    await expectInert(page, watched);

    await page.click('[data-testid=nav-audit]');
    await page.locator('[data-testid=audit-entries] tbody tr').first().waitFor();
    await screenshot(page, 'xss-supervisor-04-audit');
    await expectInert(page, watched);
    expect(callSigns.length).toBeGreaterThan(0);
    await page.context().close();
  }, 90_000);

  it("shows the administrator every planted name as text: the resource lists, road networks, settings and a bulk import's preview, in Chinese and English", async () => {
    const page = await newPage(browser);
    pages.push(page);
    const watched = await watchPage(page.context(), page, tileSource);
    await admin.call('createCrewMember', { body: { name: `护士${payload(0)}`.slice(0, 60), crewRole: 'nurse', phone: null, stationId: null } });
    await logIn(page, server.baseUrl, 'admin', server.logins.passwords.admin!);
    const firstStation = [...planted.stations.values()][0]!.name;
    const firstHospital = [...planted.hospitals.values()][0]!.name;
    const screens: [string, string][] = [
      ['stations', firstStation], ['vehicles', [...planted.vehicles.values()][0]!], ['hospitals', firstHospital], ['users', payload(0)], ['crews', payload(0)],
    ];
    for (const [section, text] of screens) {
      await page.click(`[data-testid=nav-${section}]`);
      await expect.poll(() => page.textContent('.app'), { timeout: 15_000 }).toContain(text);
      await expectInert(page, watched);
    }
    // A stored name in an edit form's fields (values, never markup).
    await page.click('[data-testid=nav-stations]');
    await page.locator('[data-testid=admin-table] tbody tr').first().click();
    await page.locator('input[name=name]').waitFor();
    await expectInert(page, watched);

    // A road file whose name is a payload, imported: the job list and the regions show its name as text.
    await page.click('[data-testid=nav-roads]');
    const line = { type: 'Feature', properties: { highway: 'residential', name: payload(1) }, geometry: { type: 'LineString', coordinates: [[111.9, 37.0], [111.91, 37.0]] } };
    await page.locator('[data-testid=road-file]').setInputFiles({ name: `${payload(0)}.geojson`, mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify({ type: 'FeatureCollection', features: [line] })) });
    await page.locator('[data-testid=road-region]').fill('xss-roads');
    await page.locator('[data-testid=road-upload]').click();
    await page.locator('[data-testid=road-jobs] tr[data-state=completed]').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.textContent('.app')).toContain(payload(0));
    await screenshot(page, 'xss-admin-01-roads');
    await expectInert(page, watched);

    await page.click('[data-testid=nav-settings]');
    await page.locator('[data-testid=category-requirements] tr').first().waitFor();
    await expectInert(page, watched);

    // A spreadsheet of payloads named as one: the preview names each bad row (in the app's words), the file's name as text.
    await page.click('[data-testid=nav-import]');
    const csv = ['编码,名称,类型,经度,纬度', `X-1,${payload(0)},${payload(1)},111.9,37.0`, `X-2,"${payload(2).replace(/"/g, '""')}",分站,${payload(3)},37.0`].join('\n');
    await page.locator('[data-testid=bulk-file]').setInputFiles({ name: `${payload(1)}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.click('[data-testid=bulk-preview]');
    await page.locator('[data-testid=bulk-has-errors]').waitFor();
    expect(await page.textContent('[data-testid=bulk-preview-result]')).toContain('X-2');
    expect(await page.textContent('[data-testid=bulk-import]')).toContain(payload(1));
    await screenshot(page, 'xss-admin-02-import');
    await expectInert(page, watched);

    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => page.textContent('[data-testid=bulk-import]')).toMatch(/Preview|preview/);
    await expectInert(page, watched);
    await page.click('[data-testid=nav-hospitals]');
    await expect.poll(() => page.textContent('.app'), { timeout: 15_000 }).toContain([...planted.hospitals.values()][0]!.nameEn);
    await screenshot(page, 'xss-admin-03-hospitals-en');
    await expectInert(page, watched);
    await page.context().close();
  }, 150_000);

  it('shows the hospital board the planted summary, call sign and names as text, in Chinese and English', async () => {
    const page = await newPage(browser, { width: 1280, height: 720 });
    pages.push(page);
    const watched = await watchPage(page.context(), page, tileSource);
    await logIn(page, server.baseUrl, 'xss-hospital', PASSWORD);
    const card = page.locator(`[data-notice="${planted.incident.number}"]`);
    await card.waitFor();
    expect(await card.locator('.notice-summary').textContent()).toBe(planted.incident.summary);
    expect(await card.locator('.vehicle-tag').textContent()).toBe(planted.vehicles.get(planted.incident.vehicleId));
    expect(await page.textContent('header')).toContain(`急诊${payload(2)}`);
    expect(await page.textContent('.load-panel')).toContain(planted.hospitals.get(planted.incident.hospitalId)!.name);
    await screenshot(page, 'xss-hospital-01');
    await expectInert(page, watched);
    await page.click('.lang-switch button:has-text("EN")');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await screenshot(page, 'xss-hospital-02-english');
    await expectInert(page, watched);
    await page.context().close();
  });

  it('shows the crew its task with the planted address, summary, call sign and hospital names as text, in Chinese and English', async () => {
    const station = (await admin.call('getVehicle', { params: { id: planted.incident.vehicleId } })).homeStationId;
    const home = (await admin.call('getStation', { params: { id: station } })).location;
    const page = await newPage(browser, { width: 1280, height: 800, geolocation: { longitude: home.lon, latitude: home.lat, accuracy: 10 } });
    pages.push(page);
    const watched = await watchPage(page.context(), page, tileSource);
    await logIn(page, `${server.baseUrl}/tablet/`, 'xss-crew', PASSWORD);
    const task = page.locator('[data-testid=assignment]');
    await task.waitFor({ timeout: 15_000 });
    await expect.poll(() => task.textContent()).toContain(planted.incident.address);
    expect(await task.locator('.summary').textContent()).toBe(planted.incident.summary);
    expect(await page.textContent('.callsign')).toBe(planted.vehicles.get(planted.incident.vehicleId));
    expect(await page.textContent('[data-testid=destination]')).toContain(planted.hospitals.get(planted.incident.hospitalId)!.name);
    await page.locator('.map-badge.scene').waitFor();
    await expect.poll(() => page.locator('.leaflet-tile-loaded').count()).toBeGreaterThan(3);
    await screenshot(page, 'xss-tablet-01-task');
    await page.click('[data-testid=change-destination]');
    await page.locator('.hospital-choice').first().waitFor();
    const choices = await texts(page, '.hospital-choice .name');
    const names = new Set([...planted.hospitals.values()].map((h) => h.name));
    expect(choices.length).toBeGreaterThan(0);
    // The current destination is marked after its name.
    for (const c of choices) expect([...names].some((n) => c.startsWith(n)), c).toBe(true);
    await screenshot(page, 'xss-tablet-02-destinations');
    await expectInert(page, watched);
    await page.click('.dialog-head button');
    await page.click('button.lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.click('[data-testid=change-destination]');
    await page.locator('.hospital-choice').first().waitFor();
    const english = new Set([...planted.hospitals.values()].map((h) => h.nameEn));
    for (const c of await texts(page, '.hospital-choice .name')) expect([...english].some((n) => c.startsWith(n)), c).toBe(true);
    await screenshot(page, 'xss-tablet-03-english');
    await expectInert(page, watched);
    await page.context().close();
  }, 90_000);

  it('refuses, and reports, markup that would run if a name were ever inserted as HTML', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await watchPage(context, page, tileSource);
    for (const path of ['/', '/tablet/']) {
      await page.goto(`${server.baseUrl}${path}`);
      await page.locator('input[name=username]').waitFor();
      await page.evaluate(() => {
        const div = document.createElement('div');
        div.innerHTML = '<img src=x onerror="window.__xss=1"><a href="javascript:window.__xss=1" id=js-link>x</a>';
        document.body.append(div);
        const script = document.createElement('script');
        script.textContent = 'window.__xss = 1';
        document.body.append(script);
        document.getElementById('js-link')!.click();
      });
      await page.waitForFunction(() => (window as unknown as { __csp: string[] }).__csp.length >= 3);
      const state = await page.evaluate(() => ({ xss: (window as unknown as { __xss?: unknown }).__xss, csp: (window as unknown as { __csp: string[] }).__csp }));
      expect(state.xss).toBeUndefined();
      expect(state.csp.map((v) => v.split(' ')[0]).sort()).toEqual(['script-src-attr', 'script-src-elem', 'script-src-elem']);
    }
    await context.close();
  });
});

/** Sets every name a user can set to a payload, through the real REST API, and builds a call on screen for each view. */
async function plant(server: DemoServer, admin: ApiClient): Promise<Planted> {
  const supervisor = (await server.as('supervisor')).api;

  const stations = new Map<string, { name: string; nameEn: string }>();
  for (const [i, s] of (await admin.call('listStations')).entries()) {
    const planted = { name: `站${i}${payload(i)}`, nameEn: `Station ${i} ${payload(i + 1)}` };
    await admin.call('updateStation', { params: { id: s.id }, body: { ...s, ...planted, address: payload(i + 2) } });
    stations.set(s.id, planted);
  }
  const vehicles = new Map<string, string>();
  for (const [i, v] of (await admin.call('listVehicles')).entries()) {
    const callSign = `${String(i).padStart(2, '0')}${payload(i)}`;
    // A supervisor may rename vehicles: the attack of the issue.
    await supervisor.call('updateVehicle', { params: { id: v.id }, body: { callSign, kind: v.kind, capabilities: v.capabilities, homeStationId: v.homeStationId, inService: v.inService } });
    vehicles.set(v.id, callSign);
  }
  const hospitals = new Map<string, { name: string; nameEn: string }>();
  for (const [i, h] of (await admin.call('listHospitals')).entries()) {
    const planted = { name: `医院${i}${payload(i)}`, nameEn: `Hospital ${i} ${payload(i + 3)}` };
    await admin.call('updateHospital', { params: { id: h.id }, body: { ...h, ...planted, address: payload(i + 1), phone: payload(i + 2).slice(0, 40) } });
    hospitals.set(h.id, planted);
  }
  await supervisor.call('createCrewMember', { body: { name: `医生${payload(0)}`, crewRole: 'doctor' } });
  await supervisor.call('createCrewMember', { body: { name: payload(3), crewRole: 'driver' } });

  const dispatcherUser = { username: 'xss-dispatcher', displayName: `调度员${payload(0)}`, password: PASSWORD, role: 'dispatcher' as const };
  await admin.call('createUser', { body: dispatcherUser });
  const dispatcher = apiClient(server.baseUrl, await loginAs(server.baseUrl, dispatcherUser.username, PASSWORD));

  // A call with a payload address and summary, dispatched and transporting, so every view has it.
  const summary = `男，60岁${payload(1)}胸痛`;
  const address = `中温庄${payload(2)}`;
  const incident = await dispatcher.call('createIncident', { body: { placeName: '中温庄', address, category: 'chest_pain', priority: 1, patientSummary: summary } });
  const rec = await dispatcher.call('getRecommendations', { params: { id: incident.id } });
  const vehicleId = rec.candidates[0]!.vehicleId;
  const hospitalId = rec.proposedHospital!.hospitalId;
  const assigned = await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId, destinationHospitalId: hospitalId } });
  await admin.call('createUser', { body: { username: 'xss-crew', displayName: `车组${payload(3)}`, password: PASSWORD, role: 'crew', vehicleId } });
  await admin.call('createUser', { body: { username: 'xss-hospital', displayName: `急诊${payload(2)}`, password: PASSWORD, role: 'hospital', hospitalId } });
  const crew = apiClient(server.baseUrl, await loginAs(server.baseUrl, 'xss-crew', PASSWORD));
  for (const [i, status] of (['acknowledged', 'en_route', 'on_scene', 'transporting'] as const).entries()) {
    await crew.call('reportStatus', {
      params: { id: assigned.assignment.id },
      body: {
        eventId: crypto.randomUUID(),
        status,
        deviceTime: new Date().toISOString(),
        ...(status === 'on_scene' || status === 'transporting' ? { location: incident.location } : {}),
        note: payload(i),
      },
    });
  }
  await crew.call('recordVitals', { params: { id: assigned.assignment.id }, body: { heartRate: 96, systolicBp: 150, measuredAt: new Date().toISOString() } });
  const hospital = apiClient(server.baseUrl, await loginAs(server.baseUrl, 'xss-hospital', PASSWORD));
  await hospital.call('setHospitalLoad', { params: { id: hospitalId }, body: { loadStatus: 'blue', note: payload(1) } });

  // A second call, by address only, left in the queue; a third cancelled with a payload reason.
  const queuedAddress = `义棠镇${payload(0)}`;
  const queuedSummary = payload(2);
  // A village near the centre but clear of every station (parked vehicles) and hospital icon, so its marker is
  // the only thing there on the map.
  const { rows } = await server.database.db.query<{ lon: number; lat: number }>(
    `SELECT ST_X(p.location) AS lon, ST_Y(p.location) AS lat FROM places p
      WHERE p.kind = 'village'
        AND NOT EXISTS (SELECT 1 FROM stations s WHERE ST_DWithin(s.location::geography, p.location::geography, 2500))
        AND NOT EXISTS (SELECT 1 FROM hospitals h WHERE h.kind <> 'village_clinic' AND ST_DWithin(h.location::geography, p.location::geography, 1500))
      ORDER BY ST_Distance(p.location::geography, (SELECT location::geography FROM stations WHERE kind = 'centre' LIMIT 1)) LIMIT 1`,
  );
  const at = rows[0]!;
  const queued = await dispatcher.call('createIncident', { body: { location: at, address: queuedAddress, category: 'trauma', priority: 2, patientSummary: queuedSummary } });
  const cancelled = await dispatcher.call('createIncident', { body: { location: at, address: payload(3), category: 'other', priority: 3 } });
  await dispatcher.call('cancelIncident', { params: { id: cancelled.id }, body: { reason: payload(1) } });

  return {
    stations,
    vehicles,
    hospitals,
    incident: { id: incident.id, number: incident.number, address, summary, vehicleId, hospitalId },
    queued: { number: queued.number, address: queuedAddress, summary: queuedSummary },
  };
}
