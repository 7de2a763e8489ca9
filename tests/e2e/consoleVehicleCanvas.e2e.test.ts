import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openSocket } from '../support/api';
import { startDemoServer } from '../support/demoServer';
import { chromiumSuite, collectErrors, hasChromium, logIn, mapProjector, newPage, screenshot } from './browser';
import { browserSuite } from './suite';

const fleetRows = '[data-testid=fleet-board] tbody tr[data-vehicle]';

/** The vehicles' canvas's pixel (red, green, blue, alpha) at a point of the page, read from what the canvas shows. */
function pixelAt(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate(({ x, y }) => {
    const canvas = document.querySelector<HTMLCanvasElement>('.leaflet-vehicles-pane canvas')!;
    const r = canvas.getBoundingClientRect();
    const copy = document.createElement('canvas');
    copy.width = Math.round(r.width);
    copy.height = Math.round(r.height);
    const ctx = copy.getContext('2d')!;
    ctx.drawImage(canvas, 0, 0, copy.width, copy.height);
    return [...ctx.getImageData(Math.round(x - r.left), Math.round(y - r.top), 1, 1).data];
  }, { x, y });
}

const metresBetween = ([lon1, lat1]: [number, number], [lon2, lat2]: [number, number]) =>
  Math.hypot((lon2 - lon1) * 111_320 * Math.cos((lat1 * Math.PI) / 180), (lat2 - lat1) * 110_540);

describe.skipIf(!hasChromium)(chromiumSuite('the vehicles’ canvas in real Chromium'), () => {
  const suite = browserSuite(startDemoServer);
  const crews: { close(): void }[] = [];
  let page: Page | null = null;

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await screenshot(page, `failed-vehicle-canvas-${task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  afterAll(() => {
    for (const crew of crews) crew.close();
  });

  /**
   * A crew's vehicle parked on a county road clear of every icon, the dispatcher's map zoomed in on it; where it is
   * drawn, a point beside it, and its call sign.
   */
  async function vehicleOnTheMap(lang: 'zh-CN' | 'en', crewIndex: number, prepare?: (page: Page) => Promise<unknown>) {
    page = await newPage(suite.browser, { locale: lang });
    const errors = collectErrors(page, suite.tileOrigin);
    await prepare?.(page);
    await logIn(page, suite.server.baseUrl, 'dispatcher', suite.server.logins.passwords.dispatcher!);
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 24, fleetRows);
    const api = (await suite.server.as('dispatcher')).api;
    const roads = (await api.call('roads', { query: { bbox: '111.7,36.8,112.2,37.2', zoom: '12' } })).features as { properties: { highway: string }; geometry: { coordinates: [number, number][] } }[];
    const icons = [...(await api.call('listStations')), ...(await api.call('listHospitals'))];
    const spots = roads
      .filter((r) => /^(tertiary|unclassified)$/.test(r.properties.highway))
      .map((r) => r.geometry.coordinates[Math.floor(r.geometry.coordinates.length / 2)]!)
      .filter(([lon, lat]) => icons.every((i) => metresBetween([i.location.lon, i.location.lat], [lon, lat]) > 1500));
    const target = spots[crewIndex * 7 % spots.length]!;
    const login = suite.server.logins.crews[crewIndex]!;
    const crew = await openSocket(suite.server.baseUrl, (await suite.server.as(login.username)).token);
    crews.push(crew);
    expect(await crew.socket.emitWithAck('positions.reported', [{ lon: target[0], lat: target[1], deviceTime: new Date().toISOString() }])).toMatchObject({ ok: true });
    await page.waitForFunction((cs) => /^00:0\d$/.test(document.querySelector(`[data-testid=fleet-board] tr[data-vehicle="${cs}"] td:last-child`)?.textContent ?? ''), login.callSign);

    const map = page.locator('[data-testid=map]');
    const box = (await map.boundingBox())!;
    let pixelOf = await mapProjector(page);
    for (let i = 0; i < 10 && Number((await map.getAttribute('data-view'))!.split('/')[0]) < 16; i++) {
      const p = pixelOf(target);
      await page.mouse.move(box.x + p.x, box.y + p.y);
      await page.mouse.wheel(0, -400);
      pixelOf = await mapProjector(page);
    }
    const at = pixelOf(target);
    return { page, errors, callSign: login.callSign, at: { x: box.x + at.x, y: box.y + at.y } };
  }

  /** Drawn where its fix is (its fill there, nothing 40 px away), its label on hover as text, gone when the pointer leaves. */
  async function checkDrawnAndHovered(page: Page, at: { x: number; y: number }, callSign: string, status: string) {
    await expect.poll(async () => (await pixelAt(page, at.x, at.y))[3]).toBeGreaterThan(200);
    expect((await pixelAt(page, at.x + 40, at.y))[3]).toBe(0);
    await page.mouse.move(at.x, at.y);
    const label = page.locator('.vehicle-label', { hasText: callSign });
    await label.waitFor();
    expect(await label.evaluate((e) => e.querySelectorAll('*').length)).toBe(1);
    expect(await label.textContent()).toBe(`${callSign} · ${status}`);
    await page.mouse.move(at.x + 40, at.y);
    await label.waitFor({ state: 'detached' });
    await page.mouse.move(at.x, at.y);
    await label.waitFor();
  }

  it('draws the fleet in a worker: a vehicle shows at its fix, and the pointer over it finds it and labels it as text, in Chinese', async () => {
    const { page, errors, callSign, at } = await vehicleOnTheMap('zh-CN', 0);
    expect(await page.locator('.leaflet-vehicles-pane canvas').getAttribute('data-drawn-by')).toBe('worker');
    await checkDrawnAndHovered(page, at, callSign, '待命');
    await screenshot(page, 'vehicle-canvas-worker-zh');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('draws on the page where a canvas cannot be handed to a worker, the same vehicle and label, in English', async () => {
    const { page, errors, callSign, at } = await vehicleOnTheMap('en', 1, (p) => p.addInitScript('delete HTMLCanvasElement.prototype.transferControlToOffscreen'));
    expect(await page.locator('.leaflet-vehicles-pane canvas').getAttribute('data-drawn-by')).toBe('page');
    await checkDrawnAndHovered(page, at, callSign, 'Available');
    await screenshot(page, 'vehicle-canvas-page-en');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('draws on the page when its worker cannot be loaded, in place of the canvas the worker would have drawn', async () => {
    const { page, callSign, at } = await vehicleOnTheMap('zh-CN', 2, (p) => p.route('**/vehicleCanvas.worker-*.js', (route) => route.abort()));
    await page.waitForFunction(() => document.querySelector('.leaflet-vehicles-pane canvas')?.getAttribute('data-drawn-by') === 'page');
    expect(await page.locator('.leaflet-vehicles-pane canvas').count()).toBe(1);
    await checkDrawnAndHovered(page, at, callSign, '待命');
    await page.context().close();
  });
});
