import { mkdirSync } from 'node:fs';
import type { ApiClient, LiveCoverageDto, StationDto } from '@dispatch/protocol';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer } from '../support/demoServer';
import { chromiumSuite, collectErrors, hasChromium, logIn, newPage } from './browser';
import { browserSuite } from './suite';

const SHOTS = '/tmp/shots/moveup';
const shot = async (page: Page, name: string, dir = SHOTS) => {
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: `${dir}/${name}.png` });
};

/**
 * Move-up in real Chromium against the real server: the Zhanglan substation's vehicles leave on calls, the
 * dispatcher's desk shows DMEXCLP's suggestion and sends it with one action, the crew's tablet shows "move to
 * <station>" with its route and reports the arrival, and the supervisor's board shows the live 30-minute share.
 */
describe.skipIf(!hasChromium)(chromiumSuite('move-up and the live 30-minute circle in real Chromium'), () => {
  const suite = browserSuite(startDemoServer, { tablet: true });
  let dispatcher: ApiClient;
  let zhanglan: StationDto;

  beforeAll(async () => {
    dispatcher = (await suite.server.as('dispatcher')).api;
    zhanglan = (await dispatcher.call('listStations')).find((s) => s.code === 'JX-ZL')!;
    // One village without a population: the board says how such villages count.
    await suite.server.database.db.query(
      `UPDATE places SET population = NULL WHERE id = (SELECT id FROM gazetteer WHERE kind = 'village' ORDER BY name LIMIT 1)`);
    const away = (await dispatcher.call('listVehicles')).filter((v) => v.homeStationId === zhanglan.id);
    for (const [i, v] of away.entries()) {
      const incident = await dispatcher.call('createIncident', {
        body: { location: { lon: zhanglan.location.lon + 0.002 * i, lat: zhanglan.location.lat + 0.001 }, category: 'trauma', priority: 2 },
      });
      await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: v.id } });
    }
  });

  it('shows the dispatcher the suggestion card, sends it, and the crew tablet shows the move with its route', { timeout: 120_000 }, async () => {
    const { server, browser, tileOrigin } = suite;
    const suggestion = (await dispatcher.call('moveUpSuggestions')).suggestions[0]!;
    expect(suggestion.stationId).toBe(zhanglan.id);

    const desk = await newPage(browser, { locale: 'zh-CN', timeoutMs: 20_000 });
    const deskErrors = collectErrors(desk, tileOrigin);
    await logIn(desk, server.baseUrl, 'dispatcher', server.logins.passwords.dispatcher!);
    const card = desk.locator('[data-testid=move-up]');
    await card.waitFor();
    expect(await card.locator('[data-testid=move-up-line]').innerText()).toBe(`${suggestion.callSign} → ${zhanglan.name}`);
    expect(await card.innerText()).toContain('补位建议');
    expect(await card.innerText()).toContain('DMEXCLP');
    // The villages outside the circle are on the map.
    const live: LiveCoverageDto = await dispatcher.call('liveCoverage');
    expect(live.uncovered.length).toBeGreaterThan(0);
    await expect.poll(() => desk.locator('[data-uncovered-villages]').getAttribute('data-uncovered-villages')).toBe(String(live.uncovered.length));
    await shot(desk, 'desk-suggestion-zh');
    await desk.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => card.innerText()).toContain('Move-up suggestion');
    expect(await card.locator('[data-testid=move-up-line]').innerText()).toBe(`${suggestion.callSign} → ${zhanglan.nameEn}`);
    await shot(desk, 'desk-suggestion-en');
    await desk.getByRole('button', { name: '中文', exact: true }).click();

    const crew = server.logins.crews.find((c) => c.callSign === suggestion.callSign)!;
    const tablet = await newPage(browser, { locale: 'zh-CN', timeoutMs: 20_000 });
    const tabletErrors = collectErrors(tablet, tileOrigin);
    await logIn(tablet, `${server.baseUrl}/tablet/`, crew.username, server.logins.passwords[crew.username]!);
    await tablet.locator('[data-testid=task-status]').waitFor();

    await card.locator('[data-testid=move-up-send]').click();
    await expect.poll(() => card.locator('[data-testid=move-up-sent]').innerText()).toContain('已派出');
    const reposition = tablet.locator('[data-testid=reposition]');
    await reposition.waitFor();
    expect(await reposition.locator('h2').innerText()).toBe(`前往 ${zhanglan.name} 待命`);
    expect(await reposition.innerText()).toMatch(/\d+ 分钟/);
    await tablet.locator('[data-testid=reposition-accept]').click();
    await expect.poll(() => card.locator('[data-testid=move-up-sent]').innerText()).toContain('已接受');
    await shot(tablet, 'tablet-move-zh');
    await tablet.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => reposition.locator('h2').innerText()).toBe(`Move to ${zhanglan.nameEn}`);
    await shot(tablet, 'tablet-move-en');
    await tablet.locator('[data-testid=reposition-arrived]').click();
    await reposition.waitFor({ state: 'detached' });
    await expect.poll(() => card.locator('[data-testid=move-up-sent]').innerText()).toContain('已到达');
    await shot(desk, 'desk-arrived-zh');
    expect(deskErrors).toEqual([]);
    expect(tabletErrors).toEqual([]);
    await desk.context().close();
    await tablet.context().close();
  });

  it('shows the supervisor the live share of villages inside the 30-minute circle', { timeout: 90_000 }, async () => {
    const { server, browser, tileOrigin } = suite;
    const page = await newPage(browser, { locale: 'zh-CN', timeoutMs: 20_000 });
    const errors = collectErrors(page, tileOrigin);
    await logIn(page, server.baseUrl, 'supervisor', server.logins.passwords.supervisor!);
    const share = page.locator('[data-testid=coverage-share]');
    await share.waitFor();
    const live: LiveCoverageDto = await dispatcher.call('liveCoverage');
    await expect.poll(() => share.innerText()).toBe(`${(live.ambulanceShare * 100).toFixed(1)}%`);
    expect(await page.locator('[data-testid=board-coverage]').innerText()).toContain('空闲救护车');
    expect(await page.locator('[data-testid=coverage-facility-share]').innerText()).toContain(`${(live.facilityShare * 100).toFixed(1)}%`);
    // The share of the villages' population beside the share of villages, and how a village without one counts.
    expect(await page.locator('[data-testid=coverage-population-share]').innerText()).toBe(`${(live.ambulancePopulationShare * 100).toFixed(1)}%`);
    expect(await page.locator('[data-testid=coverage-facility-share]').innerText()).toContain(`按人口 ${(live.facilityPopulationShare * 100).toFixed(1)}%`);
    expect(live.populationKnown).toBe(162);
    expect(await page.locator('[data-testid=coverage-population-known]').innerText()).toBe(
      `162/163 个村庄有人口数据，其余按中位数 ${Math.round(live.populationFallback)} 人计`);
    expect(await page.locator('[data-testid=board-coverage]').innerText()).toContain('人口覆盖率');
    expect(await page.locator('[data-testid=board-coverage]').innerText()).not.toMatch(/[A-Za-z]{3,}/);
    await shot(page, 'board-zh');
    await shot(page, 'board-zh', '/tmp/shots/population');
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => page.locator('[data-testid=board-coverage]').innerText()).toContain('free ambulances');
    expect(await page.locator('[data-testid=board-coverage]').innerText()).toContain('Population covered');
    expect(await page.locator('[data-testid=coverage-population-known]').innerText()).toContain('Population known for 162 of 163 villages');
    await shot(page, 'board-en');
    await shot(page, 'board-en', '/tmp/shots/population');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
