import { mkdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BULK_MEDIA_TYPES, type ApiClient, type BulkResultDto } from '@dispatch/protocol';
import type { Page } from 'playwright-core';
import { startDemoServer } from '../support/demoServer';
import { chromiumSuite, collectErrors, hasChromium, logIn, newPage, screenshot } from './browser';
import { browserSuite } from './suite';

/** Where the panel's own pictures go besides the suite's artifacts (SHOTS_DIR, e.g. /tmp/shots/<name>). */
const shotsDir = process.env.SHOTS_DIR;

/**
 * An open dispatcher console, in real Chromium: a vehicle an administrator adds (one by one or by a bulk import) is on
 * its fleet board at once, and a queued call names the busy vehicle to free first in the screen's language.
 */
describe.skipIf(!hasChromium)(chromiumSuite('the fleet board and the queued call of an open console, in real Chromium'), () => {
  const suite = browserSuite(startDemoServer);
  let page: Page;
  let errors: string[];
  let admin: ApiClient;
  let adminToken: string;

  beforeAll(async () => {
    page = await newPage(suite.browser, { width: 1366, height: 900 });
    errors = collectErrors(page, suite.tileOrigin);
    ({ api: admin, token: adminToken } = await suite.server.as('admin'));
    await logIn(page, suite.server.baseUrl, 'dispatcher', suite.server.logins.passwords.dispatcher!);
    await page.locator('[data-testid=fleet-board] table[data-vehicle-count]').waitFor();
  });

  it('shows a vehicle added through the API or a bulk import on the open fleet board at once', async () => {
    const board = page.locator('[data-testid=fleet-board] table');
    // The board holds the whole fleet first (its snapshot), then hears of each addition.
    const before = (await admin.call('listVehicles')).length;
    await page.waitForFunction((n) => document.querySelector('[data-testid=fleet-board] table')?.getAttribute('data-vehicle-count') === String(n), before);
    const [station, other] = await admin.call('listStations');
    await admin.call('createVehicle', { body: { callSign: '新增-01', kind: 'multipurpose', capabilities: ['bls'], homeStationId: station!.id } });
    await page.locator('[data-testid=fleet-board] tr[data-vehicle="新增-01"]').waitFor();
    const res = await fetch(`${suite.server.baseUrl}/api/bulk/commit?kind=vehicles&format=csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': BULK_MEDIA_TYPES.csv },
      body: `callSign,kind,capabilities,homeStation,inService\n导入-01,multipurpose,bls,${other!.code},true\n`,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as BulkResultDto).counts).toMatchObject({ create: 1, error: 0 });
    const imported = page.locator('[data-testid=fleet-board] tr[data-vehicle="导入-01"]');
    await imported.waitFor();
    expect(await board.getAttribute('data-vehicle-count')).toBe(String(before + 2));
    expect(await imported.textContent()).toMatch(/^导入-01\s*多功能.*待命/);
  });

  it("names the busy vehicle to free first for a queued call in the screen's language", async () => {
    // The county's one neonatal ambulance takes a newborn transfer: the next one is queued behind it.
    const first = await admin.call('createIncident', { body: { placeName: '张兰', category: 'newborn_transfer', priority: 2 } });
    const neonatal = (await admin.call('getRecommendations', { params: { id: first.id } })).candidates[0]!;
    await admin.call('assignVehicle', { params: { id: first.id }, body: { vehicleId: neonatal.vehicleId } });
    const second = await admin.call('createIncident', { body: { placeName: '张兰', category: 'newborn_transfer', priority: 2 } });
    const rec = await admin.call('getRecommendations', { params: { id: second.id } });
    expect(rec.queued).toBe(true);
    const { callSign, incidentNumber, etaSeconds } = rec.nextBest!;
    expect(incidentNumber).toBe(first.number);
    const minutes = Math.max(1, Math.round(etaSeconds! / 60));

    await page.click(`[data-incident="${second.number}"]`);
    const line = page.locator('[data-testid=next-best]');
    await line.waitFor();
    expect(await line.textContent()).toBe(`建议优先释放：${callSign}（已派车，警情 #${first.number}，距现场 ${minutes} 分钟）`);
    // No English in the Chinese screen (the server's detail says "dispatched on incident #…; … min from here").
    expect(await page.textContent('[data-testid=queued-note]')).not.toMatch(/[A-Za-z]/);
    // Nor in its timeline: where the call was taken is worded too (the API says 'console').
    await page.locator('[data-testid=timeline] td:has-text("调度台")').waitFor();
    expect(await page.textContent('[data-testid=timeline]')).not.toContain('console');
    await page.locator('[data-testid=queued-note]').scrollIntoViewIfNeeded();
    await screenshot(page, 'queued-01-next-best-zh');
    if (shotsDir) {
      mkdirSync(shotsDir, { recursive: true });
      await page.locator('[data-testid=recommendations]').screenshot({ path: `${shotsDir}/queued-next-best-zh.png` });
    }

    await page.click('.lang-switch button:has-text("EN")');
    await page.waitForFunction(() => document.querySelector('[data-testid=next-best]')?.textContent?.startsWith('Free first'));
    expect(await line.textContent()).toBe(`Free first: ${callSign} (Dispatched on incident #${first.number}; ${minutes} min from here)`);
    await page.locator('[data-testid=timeline] td:has-text("console")').waitFor();
    // English punctuation in the English screen ("Responsible station: ", not the Chinese full-width colon).
    expect(await page.textContent('[data-testid=recommendations] .muted:has-text("Responsible station")')).toBe('Responsible station: ');
    await screenshot(page, 'queued-02-next-best-en');
    if (shotsDir) await page.locator('[data-testid=recommendations]').screenshot({ path: `${shotsDir}/queued-next-best-en.png` });
    await page.click('.lang-switch button:has-text("中文")');
    expect(errors).toEqual([]);
  });
});
