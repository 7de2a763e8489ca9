import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiClient } from '@dispatch/protocol';
import { seedDemo, type DemoLogins } from '@dispatch/server/demo/seedDemo';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api';
import { loginAs, startTestServer, type TestServer } from '../support/server';
import { chromiumSuite, collectErrors, hasChromium, logIn, newPage } from './browser';
import { browserSuite } from './suite';

const SHOTS = process.env.CENTRES_SHOTS_DIR ?? '/tmp/shots/centres';
const shot = async (page: Page, name: string) => {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
};

/** The demo county with its neighbouring centre and the province supervisor (issue 15). */
async function startCentresServer(env: Record<string, string>): Promise<TestServer & { logins: DemoLogins }> {
  const server = await startTestServer(env);
  return { ...server, logins: await seedDemo(server.database.db, { neighbour: true }) };
}

describe.skipIf(!hasChromium)(chromiumSuite('several dispatch centres: help from a neighbouring centre, the province board, in real Chromium'), () => {
  const suite = browserSuite(startCentresServer);
  const api: Record<string, ApiClient> = {};

  beforeAll(async () => {
    for (const user of ['dispatcher', 'supervisor', 'dispatcher-py']) {
      api[user] = apiClient(suite.server.baseUrl, await loginAs(suite.server.baseUrl, user, suite.server.logins.passwords[user]!));
    }
  });

  async function borderCall() {
    const place = (await api.dispatcher!.call('searchPlaces', { query: { q: '中王庄' } })).find((p) => p.name.startsWith('中王庄'))!;
    return api.dispatcher!.call('createIncident', { body: { location: { lon: place.lon, lat: place.lat }, category: 'chest_pain', priority: 1 } });
  }

  async function requestHelp(locale: 'zh-CN' | 'en', reason: string) {
    const page = await newPage(suite.browser, { width: 1366, height: 900, locale, timeoutMs: 20_000 });
    const errors = collectErrors(page, suite.tileOrigin);
    await logIn(page, suite.server.baseUrl, 'dispatcher', suite.server.logins.passwords.dispatcher!);
    await page.locator('[data-testid=fleet-board]').waitFor();
    const badge = await page.locator('[data-testid=centre-badge]').innerText();
    expect(badge).toBe(locale === 'en' ? 'Jiexiu 120 Dispatch Centre' : '介休市120急救指挥中心');
    const incident = await borderCall();
    try {
      await page.click(`[data-incident="${incident.number}"]`);
    } catch (error) {
      await shot(page, `${locale}-0-failed-click`);
      throw error;
    }
    await page.locator('[data-testid=cross-centre-vehicle]').first().waitFor();
    // The neighbour's vehicles are listed apart, never among the ranked candidates.
    const ranked = await page.$$eval('[data-testid=candidates] li', (lis) => lis.map((li) => li.getAttribute('data-vehicle') ?? ''));
    expect(ranked.some((v) => v.startsWith('平遥'))).toBe(false);
    const panel = page.locator('[data-testid=cross-centre]');
    expect(await panel.innerText()).toContain(locale === 'en' ? 'Pingyao 120 Dispatch Centre' : '平遥县120急救指挥中心');
    if (locale === 'zh-CN') expect((await panel.innerText()).replace(/km/g, '')).not.toMatch(/[A-Za-z]{2,}/);
    await page.locator('[data-testid=request-help]').first().click();
    await page.locator('[data-testid=help-confirm]').waitFor();
    // No reason, no request.
    expect(await page.locator('[data-testid=confirm-help]').isDisabled()).toBe(true);
    await page.fill('[data-testid=help-reason]', reason);
    await shot(page, `${locale}-1-request-help`);
    await page.click('[data-testid=confirm-help]');
    const outcome = await page.locator('[data-testid=help-outcome]').innerText();
    expect(outcome).toMatch(locale === 'en' ? /^Help requested: 平遥120-0\d of Pingyao 120 Dispatch Centre$/ : /^已请求 平遥县120急救指挥中心 的 平遥120-0\d 支援$/);
    await page.locator('[data-testid=assigned-vehicles]').waitFor();
    expect(await page.locator('[data-testid=assigned-vehicles]').innerText()).toMatch(/平遥120-0\d/);
    await shot(page, `${locale}-2-help-sent`);
    const audit = await api.supervisor!.call('audit', { query: { entityType: 'incident', entityId: incident.id } });
    expect(audit.find((e) => e.action === 'assignment.crossCentreHelp')?.details).toMatchObject({ reason });
    // The helping centre sees the task of its vehicle.
    expect((await api['dispatcher-py']!.call('listIncidents', {})).map((i) => i.id)).toContain(incident.id);
    expect(errors).toEqual([]);
    await page.close();
  }

  it('asks the Jiexiu dispatcher for a reason before sending a Pingyao ambulance to a border call, in Chinese', async () => {
    await requestHelp('zh-CN', '本县救护车均在20分钟以外');
  });

  it('does the same in English', async () => {
    await requestHelp('en', 'every own ambulance is 20 minutes away');
  });

  it("lets the province supervisor's live board show one centre at a time", async () => {
    const place = (await api.dispatcher!.call('searchPlaces', { query: { q: '下任堡' } })).find((p) => p.name.startsWith('下任堡'))!;
    const theirs = await api['dispatcher-py']!.call('createIncident', { body: { location: { lon: place.lon, lat: place.lat }, category: 'trauma', priority: 2 } });
    const ours = await borderCall();
    for (const locale of ['zh-CN', 'en'] as const) {
      const page = await newPage(suite.browser, { width: 1366, height: 900, locale, timeoutMs: 20_000 });
      const errors = collectErrors(page, suite.tileOrigin);
      await logIn(page, suite.server.baseUrl, 'province', suite.server.logins.passwords.province!);
      await page.locator('[data-testid=live-board]').waitFor();
      expect(await page.locator('[data-testid=centre-badge]').innerText()).toBe(locale === 'en' ? 'Province (every centre)' : '全省（所有中心）');
      const waiting = page.locator('[data-testid=board-waiting]');
      await waiting.locator(`[data-incident="${theirs.number}"]`).waitFor();
      await waiting.locator(`[data-incident="${ours.number}"]`).waitFor();
      const pingyao = (await api.dispatcher!.call('listCentres', {})).find((c) => c.code === 'PY')!;
      await page.selectOption('[data-testid=centre-filter] select', pingyao.id);
      await waiting.locator(`[data-incident="${ours.number}"]`).waitFor({ state: 'detached' });
      expect(await waiting.locator(`[data-incident="${theirs.number}"]`).count()).toBe(1);
      await shot(page, `${locale}-3-province-board`);
      expect(errors).toEqual([]);
      await page.close();
    }
  });
});
