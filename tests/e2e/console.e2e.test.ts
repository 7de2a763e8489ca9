import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { type ApiClient, wgs84ToGcj02 } from '@dispatch/protocol';
import { createApp, type App } from '@dispatch/server/app';
import { createIncident } from '@dispatch/server/incidents/incidents';
import { createLogger } from '@dispatch/server/logger';
import { openSocket } from '../support/api';
import { startDemoServer, type DemoServer } from '../support/demoServer';
import { chromiumSuite, closedLoopbackPort, collectErrors, hasChromium, launchChromium, logIn, mapProjector, newPage, screenshot } from './browser';
import { consoleDist, ensureConsoleBuilt } from './consoleBuild';
import { browserSuite } from './suite';

type Crew = Awaited<ReturnType<typeof openSocket>>;

const fleetRows = '[data-testid=fleet-board] tbody tr[data-vehicle]';

/** The point `fraction` of the way along a polyline (by vertex count: close enough for a test drive). */
const along = (coords: [number, number][], fraction: number) => coords[Math.min(coords.length - 1, Math.round((coords.length - 1) * fraction))]!;

describe.skipIf(!hasChromium)(chromiumSuite('the console in real Chromium against the real server'), () => {
  let server: DemoServer;
  let browser: Browser;
  let page: Page;
  let hospitalPage: Page;
  let dispatcherApi: ApiClient;
  let pageErrors: string[];
  let tileOrigin: string;
  let crew: Crew | null = null;
  /** The server started again by the restart test; the test server's own close() only knows the first one. */
  let restarted: App | null = null;
  // What the flow learns along the way.
  let incident: { id: string; number: number };
  let assignment: { id: string; vehicleId: string; callSign: string };
  let proposedHospital: { hospitalId: string; name: string };

  beforeAll(async () => {
    ensureConsoleBuilt();
    tileOrigin = `http://127.0.0.1:${await closedLoopbackPort()}`;
    server = await startDemoServer({
      CONSOLE_DIST: consoleDist,
      TILE_URL: `${tileOrigin}/{z}/{x}/{y}.png`,
      NOTICE_ETA_REFRESH_S: '1',
      ACK_TIMEOUT_S: '600',
      HOSPITAL_ACK_TIMEOUT_S: '600',
    });
    dispatcherApi = (await server.as('dispatcher')).api;
    browser = await launchChromium();
    page = await newPage(browser);
    pageErrors = collectErrors(page, tileOrigin);
  });

  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    const name = `failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`;
    if (page) await screenshot(page, name).catch(() => undefined);
    if (hospitalPage) await screenshot(hospitalPage, `${name}-hospital`).catch(() => undefined);
  });

  afterAll(async () => {
    crew?.close();
    await browser?.close();
    await restarted?.close();
    await server?.close();
  });

  it('logs a dispatcher in to a Chinese console with the live fleet, the synthetic-data badge and the region’s own roads when no tiles load', async () => {
    const roads = page.waitForResponse((r) => r.url().includes('/api/roads?') && r.status() === 200);
    await page.goto(server.baseUrl);
    await page.locator('.health .up').first().waitFor();
    await screenshot(page, 'console-00-login');
    await page.fill('input[name=username]', 'dispatcher');
    await page.fill('input[name=password]', server.logins.passwords.dispatcher!);
    await page.press('input[name=password]', 'Enter');

    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 24, fleetRows);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await page.textContent('[data-testid=synthetic-badge]')).toContain('合成演示数据');
    const drawn = (await (await roads).json()) as { features: unknown[]; synthetic: boolean };
    expect(drawn.features.length).toBeGreaterThan(50);
    expect(drawn.synthetic).toBe(true);
    // The unreachable tile server is noticed and said so; attribution stays.
    await page.locator('[data-testid=tiles-failed]').waitFor({ timeout: 10_000 });
    expect(await page.textContent('[data-layer=tiles]')).toContain('暂不可用');
    expect(await page.textContent('.leaflet-control-attribution')).toContain('OpenStreetMap');
    expect(await page.textContent('[data-testid=connection-state]')).toContain('在线');
    expect(await page.textContent('.shortcut-bar')).toContain('派车');
    await screenshot(page, 'console-01-fleet-and-roads');

    // Drive-time layers, fetched when first shown.
    for (const [layer, url] of [['catchments', '/api/coverage/catchments'], ['coverage', '/api/coverage/isochrones']] as const) {
      const answered = page.waitForResponse((r) => r.url().includes(url));
      await page.click(`[data-layer=${layer}] input`);
      expect((await answered).status()).toBe(200);
      await page.waitForFunction((l) => !/加载中/.test(document.querySelector(`[data-layer=${l}]`)?.textContent ?? '加载中'), layer);
      expect(await page.textContent(`[data-layer=${layer}]`)).not.toContain('暂不可用');
      await screenshot(page, `console-01-layer-${layer}`);
      await page.click(`[data-layer=${layer}] input`);
    }

    // The legend unfolds from the keyboard and says what the colours mean; the layers fold away, and stay so.
    await page.focus('[data-fold=legend] summary');
    await page.keyboard.press('Enter');
    const legend = await page.textContent('[data-testid=map-legend]');
    for (const word of ['待命', '转运途中', '1 危重', '满负荷', '急救站', '派车路线']) expect(legend).toContain(word);
    await screenshot(page, 'console-01-legend');
    await page.click('[data-fold=legend] summary');
    await page.click('[data-fold=layers] summary');
    expect(await page.locator('[data-layer=tiles]').isVisible()).toBe(false);
    await page.waitForFunction(() => localStorage.getItem('console.map.layers.open') === 'false');
    await page.reload();
    await page.locator('[data-fold=layers]').waitFor();
    expect(await page.locator('[data-layer=tiles]').isVisible()).toBe(false);
    await page.click('[data-fold=layers] summary');
    await page.locator('[data-layer=tiles]').waitFor();
  });

  it('takes a call found by place name, ranks vehicles by road ETA with station and hospital, and dispatches with the keyboard', async () => {
    await page.keyboard.press('F2');
    await page.keyboard.type('中温庄');
    await page.locator('.place-results li.active').waitFor();
    await page.keyboard.press('Enter');
    expect(await page.textContent('[data-testid=picked-location]')).toContain('中温庄');
    // Located: the keyboard is on the category, which the call must be given (no default is sent unread).
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('category');
    await page.keyboard.press('ArrowDown');
    await page.selectOption('select[name=priority]', '1');
    await page.fill('textarea[name=patientSummary]', '男，68岁，胸痛30分钟，大汗，既往高血压');
    await page.click('.chip:has-text("65岁以上")');
    await page.press('textarea[name=patientSummary]', 'Enter');

    await page.locator('[data-testid=candidates] li').first().waitFor();
    const created = (await dispatcherApi.call('listIncidents')).find((i) => i.placeName === '中温庄')!;
    incident = { id: created.id, number: created.number };
    expect(created).toMatchObject({ category: 'chest_pain', priority: 1, priorityGroups: ['elderly'], status: 'open' });
    const rec = await dispatcherApi.call('getRecommendations', { params: { id: incident.id } });
    // The panel shows the server's ranking, the best first and marked so; the best five stay with the dispatch
    // action in view and the rest unfold on demand.
    const shown = await page.$$eval('[data-testid=candidates] li', (lis) => lis.map((li) => li.getAttribute('data-vehicle')));
    expect(shown).toEqual(rec.candidates.slice(0, 5).map((c: any) => c.callSign));
    if (rec.candidates.length > 5) {
      await page.click('[data-testid=more-candidates]');
      expect(await page.locator('[data-testid=candidates] li').count()).toBe(rec.candidates.length);
      await page.click('[data-testid=more-candidates]');
    }
    expect(await page.locator('[data-testid=dispatch]').isVisible()).toBe(true);
    const top = page.locator('[data-testid=candidates] li').first();
    expect(await top.getAttribute('class')).toContain('top');
    expect(await top.textContent()).toContain('首选');
    expect(await top.locator('.eta-min').textContent()).toMatch(new RegExp(`^${Math.max(1, Math.round(rec.candidates[0]!.etaSeconds / 60))}分`));
    expect(await page.textContent('[data-testid=responsible-station]')).toBe(rec.responsibleStation?.name);
    proposedHospital = rec.proposedHospital!;
    expect(await page.$eval('[data-testid=hospital-choice]', (s) => (s as HTMLSelectElement).value)).toBe(proposedHospital.hospitalId);
    expect(await page.textContent('[data-incident] .wait')).toMatch(/^\d\d:\d\d$/);
    await screenshot(page, 'console-02-recommendations');

    // 2 then 1 moves the choice and back; D dispatches the chosen one.
    await page.keyboard.press('2');
    expect(await page.locator('[data-testid=candidates] li').nth(1).getAttribute('class')).toContain('chosen');
    await page.keyboard.press('1');
    expect(await top.getAttribute('class')).toContain('chosen');
    await page.keyboard.press('d');
    await page.locator('[data-testid=assigned-vehicles]').waitFor();
    expect(await page.textContent('[data-testid=toast]')).toContain(rec.candidates[0]!.callSign);

    const assigned = await dispatcherApi.call('getIncident', { params: { id: incident.id } });
    expect(assigned.status).toBe('assigned');
    const live = assigned.assignments[0]!;
    expect(live).toMatchObject({ callSign: rec.candidates[0]!.callSign, destinationHospitalId: proposedHospital.hospitalId, status: 'dispatched' });
    assignment = { id: live.id, vehicleId: live.vehicleId, callSign: live.callSign };
    // The route of the dispatch is on the map, and the vehicle is busy on the board.
    await page.locator('path.route-line').waitFor();
    await page.waitForFunction((cs) => document.querySelector(`[data-testid=fleet-board] tr[data-vehicle="${cs}"] .vstatus`)?.textContent === '已派车', assignment.callSign);
    await screenshot(page, 'console-03-dispatched');
  });

  it('takes a second call by clicking the map and shows which vehicles are excluded and why', async () => {
    // A point on a county road, at least 1.5 km from every station and hospital icon (which would take the click).
    const roads = (await dispatcherApi.call('roads', { query: { bbox: '111.7,36.8,112.2,37.2', zoom: '12' } })).features as any[];
    const icons = [...(await dispatcherApi.call('listStations')), ...(await dispatcherApi.call('listHospitals')).filter((h: any) => h.kind !== 'village_clinic')];
    const map = page.locator('[data-testid=map]');
    const box = (await map.boundingBox())!;
    const pixelOf = await mapProjector(page);
    let target: [number, number] | undefined;
    let position = { x: 0, y: 0 };
    for (const f of roads.filter((r) => /^(tertiary|unclassified)$/.test(r.properties.highway))) {
      const [lon, lat] = along(f.geometry.coordinates, 0.5);
      if (icons.some((i: any) => Math.hypot((i.location.lon - lon) * 89_000, (i.location.lat - lat) * 111_000) < 1500)) continue;
      position = pixelOf([lon, lat]);
      // Inside the view, clear of the zoom buttons and the layer panel.
      if (position.x > 60 && position.x < box.width - 260 && position.y > 80 && position.y < box.height - 40) {
        target = [lon, lat];
        break;
      }
    }
    expect(target).toBeDefined();
    await map.click({ position });
    const [, lon, lat] = /已定位 ([\d.]+), ([\d.]+)/.exec((await page.textContent('[data-testid=picked-location]'))!)!.map(Number);
    // A pixel is about 100 m at this zoom.
    expect(Math.abs(lon! - target![0])).toBeLessThan(0.003);
    expect(Math.abs(lat! - target![1])).toBeLessThan(0.003);
    await page.selectOption('select[name=category]', 'fever');
    await page.click('[data-testid=create-call]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=incident-queue] li').length === 2);
    await page.locator('[data-testid=excluded] summary').click();
    const feverId = (await dispatcherApi.call('listIncidents')).find((i) => i.category === 'fever')!.id;
    const rec = await dispatcherApi.call('getRecommendations', { params: { id: feverId } });
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=excluded] li').length === n, rec.excluded.length);
    const excluded = (await page.textContent('[data-testid=excluded]'))!;
    const reasons: Record<string, string> = { busy: '任务中', missing_capability: '能力不符', out_of_service: '停用', unreachable: '路网不可达', no_position: '无定位' };
    for (const x of rec.excluded) expect(excluded).toMatch(new RegExp(`${x.callSign}\\s*${reasons[x.reason]}`));
    // The vehicle just dispatched is out (busy, or unfit anyway); vehicles without negative pressure cannot take a fever patient.
    expect(rec.excluded.map((x: any) => x.callSign)).toContain(assignment.callSign);
    expect(rec.excluded.map((x: any) => x.reason)).toContain('missing_capability');
    await screenshot(page, 'console-04-map-click-call-excluded');
    // Back to the first call with the keyboard (it is first in the queue: priority 1).
    await page.keyboard.press('Escape');
    await page.locator(`[data-incident="${incident.number}"]`).click();
    await page.locator('[data-testid=timeline]').waitFor();
  });

  it('follows a crew that acknowledges, drives, reaches the patient and starts transport', async () => {
    const login = server.logins.crews.find((c) => c.callSign === assignment.callSign)!;
    const { token, api: crewApi } = await server.as(login.username);
    crew = await openSocket(server.baseUrl, token);
    const report = (status: string, location?: { lon: number; lat: number }) =>
      crew!.socket.emitWithAck('status.reported', {
        assignmentId: assignment.id,
        eventId: crypto.randomUUID(),
        status,
        deviceTime: new Date().toISOString(),
        ...(location ? { location } : {}),
      });
    const drive = (points: [number, number][]) =>
      crew!.socket.emitWithAck('positions.reported', points.map(([lon, lat], i) => ({
        lon, lat, speedMps: 14, headingDeg: 90, deviceTime: new Date(Date.now() - (points.length - 1 - i) * 1000).toISOString(),
      })));

    expect(await report('acknowledged')).toMatchObject({ ok: true });
    expect(await report('en_route')).toMatchObject({ ok: true });
    const route = (await crewApi.call('getAssignment', { params: { id: assignment.id } })).route!.geometry.coordinates as [number, number][];
    const label = page.locator('.vehicle-label.on-task', { hasText: assignment.callSign });
    await page.waitForFunction((cs) => document.querySelector(`[data-testid=fleet-board] tr[data-vehicle="${cs}"] .vstatus`)?.textContent === '出车', assignment.callSign);
    await label.waitFor();
    const before = (await label.boundingBox())!;
    expect(await drive([along(route, 0.2), along(route, 0.4)])).toMatchObject({ ok: true, stored: 2 });
    await page.waitForTimeout(600);
    expect(await drive([along(route, 0.6), along(route, 0.8)])).toMatchObject({ ok: true, stored: 2 });
    // The vehicle glides on the map: its label leaves where it was.
    await page.waitForFunction(
      ({ cs, x, y }) => {
        const el = [...document.querySelectorAll('.vehicle-label.on-task')].find((e) => e.textContent?.includes(cs));
        const r = el?.getBoundingClientRect();
        return !!r && Math.hypot(r.x - x, r.y - y) > 20;
      },
      { cs: assignment.callSign, x: before.x, y: before.y },
      { timeout: 8000 },
    );
    // A fresh fix: the position age on the board restarts and is not flagged stale.
    await page.waitForFunction((cs) => {
      const cell = document.querySelector(`[data-testid=fleet-board] tr[data-vehicle="${cs}"] td:last-child`);
      return !!cell && /^00:0\d$/.test(cell.textContent ?? '') && !cell.classList.contains('stale');
    }, assignment.callSign);
    await screenshot(page, 'console-05-crew-driving');

    // A click on the vehicle itself opens its incident (the vehicles' canvas finds the vehicle under the pointer),
    // and the map beneath does not take it as a call's location.
    for (let i = 0; i < 3 && (await page.locator('[data-testid=timeline]').count()) > 0; i++) await page.keyboard.press('Escape');
    await page.locator('[data-testid=timeline]').waitFor({ state: 'detached' });
    const located = await page.locator('[data-testid=picked-location]').textContent();
    const vehicleAt = (await mapProjector(page))(along(route, 0.8));
    const mapBox = (await page.locator('[data-testid=map]').boundingBox())!;
    // Its glide over: the label beside the last fix (to its right, centred on it).
    await page.waitForFunction(
      ({ cs, x, y }) => {
        const r = [...document.querySelectorAll('.vehicle-label.on-task')].find((e) => e.textContent?.includes(cs))?.getBoundingClientRect();
        return !!r && r.left > x && r.left < x + 30 && Math.abs(r.top + r.height / 2 - y) < 4;
      },
      { cs: assignment.callSign, x: mapBox.x + vehicleAt.x, y: mapBox.y + vehicleAt.y },
    );
    await page.locator('[data-testid=map]').click({ position: vehicleAt });
    await page.waitForFunction((n) => !!document.querySelector('[data-testid=timeline] .panel-title')?.textContent?.includes(`#${n}`), incident.number);
    expect(await page.locator('[data-testid=picked-location]').textContent()).toBe(located);

    const at = (await dispatcherApi.call('getIncident', { params: { id: incident.id } })).location;
    expect(await drive([[at.lon, at.lat]])).toMatchObject({ ok: true });
    expect(await report('on_scene', at)).toMatchObject({ ok: true });
    const toScene = await page.getAttribute('path.route-line', 'd');
    expect(await report('transporting', at)).toMatchObject({ ok: true });
    await page.waitForFunction(() => document.querySelector('[data-testid=assigned-vehicles] .task-status')?.textContent === '转运途中');
    // The map now shows the way to the hospital instead of the way to the patient.
    await page.waitForFunction((before) => {
      const d = document.querySelector('path.route-line')?.getAttribute('d');
      return !!d && d !== before;
    }, toScene);
  });

  it('shows the hospital the incoming patient with a live ETA countdown, takes its acknowledgement and its load status', async () => {
    const login = server.logins.hospitals.find((h) => h.name === proposedHospital.name)!;
    hospitalPage = await newPage(browser, { width: 1280, height: 720 });
    const hospitalErrors = collectErrors(hospitalPage, tileOrigin);
    await logIn(hospitalPage, server.baseUrl, login.username, server.logins.passwords[login.username]!);

    const card = hospitalPage.locator(`[data-notice="${incident.number}"]`);
    await card.waitFor();
    expect(await card.textContent()).toContain('男，68岁，胸痛30分钟');
    expect(await card.textContent()).toContain('65岁以上');
    expect(await card.textContent()).toContain(assignment.callSign);
    const countdown = card.locator('[data-testid=eta-countdown]');
    await hospitalPage.waitForFunction(() => /^还有 \d+ 分钟$/.test(document.querySelector('[data-testid=eta-countdown]')?.textContent ?? ''));
    const seconds = async () => Number(await countdown.getAttribute('data-seconds'));
    const first = await seconds();
    await hospitalPage.waitForTimeout(2100);
    expect(await seconds()).toBeLessThan(first);
    await screenshot(hospitalPage, 'hospital-01-incoming');

    // Most of the way to the hospital: the server recomputes the ETA from the new fix and pushes it.
    const incidentAt = (await dispatcherApi.call('getIncident', { params: { id: incident.id } })).location;
    const hospital = await dispatcherApi.call('getHospital', { params: { id: proposedHospital.hospitalId } });
    const toHospital = await dispatcherApi.call('route', { query: { from: `${incidentAt.lon},${incidentAt.lat}`, to: `${hospital.location.lon},${hospital.location.lat}` } });
    const near = along(toHospital.geometry.coordinates, 0.85);
    expect(await crew!.socket.emitWithAck('positions.reported', [{ lon: near[0], lat: near[1], deviceTime: new Date().toISOString() }])).toMatchObject({ ok: true });
    await hospitalPage.waitForFunction(
      (limit) => {
        const left = document.querySelector('[data-testid=eta-countdown]')?.getAttribute('data-seconds');
        return !!left && Number(left) < limit;
      },
      first - 120,
      { timeout: 10_000 },
    );

    await card.locator('[data-testid=acknowledge]').click();
    await card.locator('.acked').waitFor();
    expect((await dispatcherApi.call('listNotices')).find((n) => n.incidentId === incident.id)).toMatchObject({ status: 'acknowledged' });
    // The dispatcher sees the hospital has it.
    await page.waitForFunction((name) => {
      const line = document.querySelector('[data-testid=notice-line]')?.textContent ?? '';
      return line.includes(name) && line.includes('已确认');
    }, proposedHospital.name);

    await hospitalPage.click('[data-load=yellow]');
    await hospitalPage.waitForFunction(() => document.querySelector('[data-load=yellow]')?.getAttribute('aria-pressed') === 'true');
    // The dispatcher's map recolours the hospital at once.
    await page.locator('.hospital-icon.load-yellow').first().waitFor();
    await screenshot(hospitalPage, 'hospital-02-acknowledged-yellow');
    expect(hospitalErrors.join('\n')).toBe('');
  });

  it('lists every step on the dispatcher’s timeline with its time and who did it, in Chinese or English', async () => {
    const steps = ['call_received', 'dispatched', 'acknowledged', 'en_route', 'on_scene', 'transporting'];
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=timeline] tbody tr').length >= n, steps.length);
    const rows = await page.$$eval('[data-testid=timeline] tbody tr', (trs) =>
      trs.map((tr) => ({ status: tr.getAttribute('data-status'), cells: [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '') })),
    );
    expect(rows.map((r) => r.status)).toEqual(steps);
    const crewLogin = server.logins.crews.find((c) => c.callSign === assignment.callSign)!.username;
    // Who, and from where (in the screen's language): the dispatcher at the console, the crew on its tablet.
    expect(rows.map((r) => r.cells[3]!.replace(/\s+/g, ' ').trim())).toEqual([
      'dispatcher 调度台', 'dispatcher 调度台', `${crewLogin} 车载平板`, `${crewLogin} 车载平板`, `${crewLogin} 车载平板`, `${crewLogin} 车载平板`,
    ]);
    expect(rows[1]!.cells[1]).toContain('已派车');
    expect(rows.every((r) => /^\d\d:\d\d:\d\d$/.test(r.cells[0]!))).toBe(true);

    await page.click('.lang-switch button:has-text("EN")');
    expect(await page.textContent('[data-testid=timeline] .panel-title')).toContain('Timeline');
    expect(await page.textContent('[data-testid=timeline] tbody')).toContain('Transporting');
    expect(await page.textContent('[data-testid=timeline] tbody')).toContain('dispatcher console');
    // The language survives a reload (and so does the session).
    await page.reload();
    await page.locator('[data-testid=fleet-board]').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.locator(`[data-incident="${incident.number}"]`).click();
    await page.locator('[data-testid=timeline] tbody tr').first().waitFor();
    await screenshot(page, 'console-06-timeline-english');
    await page.click('.lang-switch button:has-text("中文")');
    expect(pageErrors.join('\n')).toBe('');
  });

  it('shows a banner while the server restarts, then reconnects and resynchronises without reloading the page', async () => {
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const port = (server.app.http.address() as AddressInfo).port;
    crew?.close();
    crew = null;
    await server.app.close();
    await page.locator('[data-testid=disconnected-banner]').waitFor({ timeout: 10_000 });
    expect(await page.textContent('[data-testid=disconnected-banner]')).toContain('连接已断开');
    await screenshot(page, 'console-07-disconnected');

    // A call taken while this console was away (another console, straight into the database): no event will tell.
    const { incident: missed } = await createIncident(
      { db: server.database.db, events: { publish: () => undefined } },
      { principal: null, remoteAddr: null },
      { placeName: '义棠镇', category: 'trauma', priority: 2, patientSummary: '车祸，腿部外伤' },
    );

    restarted = createApp({ config: server.config, db: server.database.db, redis: server.redis, log: createLogger('silent') });
    await new Promise<void>((done) => restarted!.http.listen(port, '127.0.0.1', done));

    await page.locator('[data-testid=disconnected-banner]').waitFor({ state: 'detached', timeout: 15_000 });
    await page.locator(`[data-incident="${missed.number}"]`).waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await page.textContent('[data-testid=connection-state]')).toContain('在线');
    // Events flow again after the reconnect: the hospital (its board reconnected too) goes red on the map.
    await hospitalPage.locator('[data-testid=disconnected-banner]').waitFor({ state: 'detached', timeout: 15_000 });
    await hospitalPage.click('[data-load=red]');
    await page.locator('.hospital-icon.load-red').first().waitFor({ timeout: 10_000 });
    await screenshot(page, 'console-08-resynchronised');
  }, 90_000);
});

/** Metres between two [lon, lat] points (haversine). */
const metresBetween = ([lon1, lat1]: [number, number], [lon2, lat2]: [number, number]) => {
  const rad = Math.PI / 180;
  const h = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
};

describe.skipIf(!hasChromium)(chromiumSuite('the console on a Chinese (GCJ-02) basemap'), () => {
  const suite = browserSuite(startDemoServer, { env: { TILE_COORDINATES: 'gcj02' } });
  let page: Page;
  let pageErrors: string[];
  let crew: Crew | null = null;

  beforeAll(async () => {
    page = await newPage(suite.browser);
    pageErrors = collectErrors(page, suite.tileOrigin);
    await logIn(page, suite.server.baseUrl, 'dispatcher', suite.server.logins.passwords.dispatcher!);
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 24, fleetRows);
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await screenshot(page, `failed-gcj02-${task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  afterAll(() => {
    crew?.close();
  });

  it('draws a vehicle where the GCJ-02 tiles put its WGS-84 fix, and files a call clicked on the map at the WGS-84 point within 1 m', async () => {
    const dispatcherApi = (await suite.server.as('dispatcher')).api;
    // A vehicle parked on a county road, 1.5 km from every station and hospital icon.
    const roads = (await dispatcherApi.call('roads', { query: { bbox: '111.7,36.8,112.2,37.2', zoom: '12' } })).features as any[];
    const icons = [...(await dispatcherApi.call('listStations')), ...(await dispatcherApi.call('listHospitals'))];
    const target = roads
      .filter((r) => /^(tertiary|unclassified)$/.test(r.properties.highway))
      .map((r) => along(r.geometry.coordinates, 0.5))
      .find(([lon, lat]) => icons.every((i: any) => metresBetween([i.location.lon, i.location.lat], [lon, lat]) > 1500));
    expect(target).toBeDefined();
    const login = suite.server.logins.crews[0]!;
    crew = await openSocket(suite.server.baseUrl, (await suite.server.as(login.username)).token);
    expect(await crew.socket.emitWithAck('positions.reported', [{ lon: target![0], lat: target![1], deviceTime: new Date().toISOString() }])).toMatchObject({ ok: true });
    await page.waitForFunction((cs) => /^00:0\d$/.test(document.querySelector(`[data-testid=fleet-board] tr[data-vehicle="${cs}"] td:last-child`)?.textContent ?? ''), login.callSign);

    // Zoomed in around where the vehicle should be drawn, until a metre is more than a pixel.
    const map = page.locator('[data-testid=map]');
    const box = (await map.boundingBox())!;
    const drawn = wgs84ToGcj02(...target!);
    let pixelOf = await mapProjector(page);
    for (let i = 0; i < 10 && Number((await map.getAttribute('data-view'))!.split('/')[0]) < 18; i++) {
      const p = pixelOf(drawn);
      await page.mouse.move(box.x + p.x, box.y + p.y);
      await page.mouse.wheel(0, -400);
      pixelOf = await mapProjector(page);
    }
    expect(Number((await map.getAttribute('data-view'))!.split('/')[0])).toBeGreaterThanOrEqual(18);
    const at = pixelOf(drawn);
    const unshifted = pixelOf(target!);
    // The two are far apart on the screen, so finding the vehicle at one of them tells which one it was drawn at.
    expect(Math.hypot(at.x - unshifted.x, at.y - unshifted.y)).toBeGreaterThan(200);
    await page.mouse.move(box.x + at.x, box.y + at.y);
    await page.locator('.vehicle-label', { hasText: login.callSign }).waitFor();
    await screenshot(page, 'console-gcj02-01-vehicle');

    // A call 40 m north of the vehicle, clicked where the GCJ-02 tiles show that point.
    const call: [number, number] = [target![0], target![1] + 0.00036];
    const clickAt = pixelOf(wgs84ToGcj02(...call));
    expect(clickAt.y).toBeGreaterThan(80);
    await map.click({ position: clickAt });
    const [, lon, lat] = /已定位 ([\d.]+), ([\d.]+)/.exec((await page.textContent('[data-testid=picked-location]'))!)!.map(Number);
    expect(metresBetween([lon!, lat!], call)).toBeLessThan(1.5);
    await page.selectOption('select[name=category]', 'fever');
    await page.click('[data-testid=create-call]');
    await page.locator('.incident-icon').first().waitFor();
    const created = (await dispatcherApi.call('listIncidents')).find((i) => i.category === 'fever')!;
    expect(metresBetween([created.location.lon, created.location.lat], call)).toBeLessThan(1);
    // And its marker is drawn on the GCJ-02 tiles where the click was.
    // The marker may be re-drawn once more as the incident list refreshes: wait until one is laid out.
    let iconBox: { x: number; y: number; width: number; height: number } | null = null;
    for (let i = 0; i < 50 && !iconBox; i++) {
      iconBox = await page.locator('.incident-icon').first().boundingBox();
      if (!iconBox) await page.waitForTimeout(100);
    }
    if (!iconBox) throw new Error('the incident marker was never laid out');
    pixelOf = await mapProjector(page);
    const iconAt = pixelOf(wgs84ToGcj02(created.location.lon, created.location.lat));
    expect(Math.abs(iconBox.x + iconBox.width / 2 - box.x - iconAt.x)).toBeLessThan(2);
    expect(Math.abs(iconBox.y + iconBox.height / 2 - box.y - iconAt.y)).toBeLessThan(2);
    await screenshot(page, 'console-gcj02-02-call-at-click');
    expect(pageErrors.join('\n')).toBe('');
  });
});
