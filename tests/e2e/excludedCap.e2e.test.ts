import { mkdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '@dispatch/protocol';
import type { Page } from 'playwright-core';
import { startDemoServer } from '../support/demoServer';
import { chromiumSuite, collectErrors, hasChromium, logIn, newPage, screenshot } from './browser';
import { browserSuite } from './suite';

/** Where the panel's own pictures go besides the suite's artifacts (SHOTS_DIR, e.g. /tmp/shots/<name>). */
const shotsDir = process.env.SHOTS_DIR;

describe.skipIf(!hasChromium)(chromiumSuite('the vehicles left out of a recommendation, capped per reason, in real Chromium'), () => {
  const suite = browserSuite(startDemoServer);
  let page: Page;
  let errors: string[];
  let admin: ApiClient;

  beforeAll(async () => {
    page = await newPage(suite.browser, { width: 1366, height: 900 });
    errors = collectErrors(page, suite.tileOrigin);
    admin = (await suite.server.as('admin')).api;
    await logIn(page, suite.server.baseUrl, 'dispatcher', suite.server.logins.passwords.dispatcher!);
    await page.locator('[data-testid=fleet-board]').waitFor();
  });

  it('lists the nearest vehicles of a reason past ten and says, in the screen language, how many more are not listed', async () => {
    // Fourteen transport (BLS) ambulances more, at the county's stations: with the county's own, over ten without ALS.
    const stations = await admin.call('listStations');
    for (let i = 0; i < 14; i++) {
      const callSign = `转运-${String(i + 1).padStart(2, '0')}`;
      await admin.call('createVehicle', { body: { callSign, kind: 'multipurpose', capabilities: ['bls'], homeStationId: stations[i % stations.length]!.id } });
    }
    // The open board hears of each (below the fold of its scroll: look for the rows, not at the screenshot).
    for (let i = 0; i < 14; i++) await page.locator(`[data-testid=fleet-board] tr[data-vehicle="转运-${String(i + 1).padStart(2, '0')}"]`).waitFor({ state: 'attached' });
    const incident = await admin.call('createIncident', { body: { placeName: '张兰', category: 'chest_pain', priority: 1 } });
    await page.click(`[data-incident="${incident.number}"]`);
    await page.locator('[data-testid=candidates] li').first().waitFor();
    const rec = await admin.call('getRecommendations', { params: { id: incident.id } });
    const lacking = rec.excluded.filter((x) => x.reason === 'missing_capability');
    const more = rec.moreExcluded?.find((m) => m.reason === 'missing_capability');
    expect(lacking).toHaveLength(10);
    expect(more?.count).toBeGreaterThanOrEqual(4);
    const total = rec.excluded.length + (rec.moreExcluded ?? []).reduce((n, m) => n + m.count, 0);

    await page.locator('[data-testid=excluded] summary').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=excluded] li').length === n, rec.excluded.length);
    expect(await page.textContent('[data-testid=excluded] summary')).toBe(`不可派车辆（${total}）`);
    const line = page.locator('[data-testid=unlisted-excluded][data-reason=missing_capability]');
    expect(await line.textContent()).toBe(`另有 ${more!.count} 辆未列出（能力不符，仅列出距现场最近的 10 辆）`);
    // Every listed vehicle is shown with its reason; no other reason has a line unless the server counted some.
    const text = (await page.textContent('[data-testid=excluded]'))!;
    for (const x of rec.excluded) expect(text).toContain(x.callSign);
    // Why, in the screen language: the server's detail is English ("lacks als").
    expect(await page.textContent('[data-testid=excluded] li:has-text("转运-")')).toMatch(/能力不符\s*缺少监护型$/);
    expect(text).not.toMatch(/lacks|on incident|out of service/);
    expect(await page.locator('[data-testid=unlisted-excluded]').count()).toBe(rec.moreExcluded!.length);
    await page.locator('[data-testid=excluded]').scrollIntoViewIfNeeded();
    await screenshot(page, 'excluded-01-capped-zh');
    if (shotsDir) {
      mkdirSync(shotsDir, { recursive: true });
      await page.locator('[data-testid=recommendations]').screenshot({ path: `${shotsDir}/excluded-capped-zh.png` });
    }

    await page.click('.lang-switch button:has-text("EN")');
    await page.waitForFunction(() => document.querySelector('[data-testid=excluded] summary')?.textContent?.startsWith('Not available'));
    expect(await page.textContent('[data-testid=excluded] summary')).toBe(`Not available (${total})`);
    expect(await line.textContent()).toBe(`${more!.count} more not listed (Missing capability; only the 10 nearest to the scene are listed)`);
    expect(await page.textContent('[data-testid=excluded] li:has-text("转运-")')).toMatch(/Missing capability\s*lacks ALS$/);
    await screenshot(page, 'excluded-02-capped-en');
    if (shotsDir) await page.locator('[data-testid=recommendations]').screenshot({ path: `${shotsDir}/excluded-capped-en.png` });
    await page.click('.lang-switch button:has-text("中文")');
    expect(errors).toEqual([]);
  });
});
