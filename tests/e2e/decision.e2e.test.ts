import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '@dispatch/protocol';
import type { Page } from 'playwright-core';
import { startDemoServer } from '../support/demoServer';
import { chromiumSuite, collectErrors, hasChromium, logIn, newPage, screenshot } from './browser';
import { browserSuite } from './suite';

describe.skipIf(!hasChromium)(chromiumSuite('the decision on one screen, made safely, in real Chromium'), () => {
  const suite = browserSuite(startDemoServer);
  let page: Page;
  let errors: string[];
  let api: ApiClient;

  beforeAll(async () => {
    page = await newPage(suite.browser, { width: 1366, height: 768 });
    errors = collectErrors(page, suite.tileOrigin);
    await logIn(page, suite.server.baseUrl, 'dispatcher', suite.server.logins.passwords.dispatcher!);
    await page.locator('[data-testid=fleet-board]').waitFor();
    api = (await suite.server.as('supervisor')).api;
  });

  it('keeps the best five and the dispatch action in view, and says why the mobile CT is held back', async () => {
    const incident = await api.call('createIncident', { body: { placeName: '张兰', category: 'chest_pain', priority: 1 } });
    await page.click(`[data-incident="${incident.number}"]`);
    await page.locator('[data-testid=candidates] li').first().waitFor();
    expect(await page.locator('[data-testid=candidates] li').count()).toBe(5);
    const dispatch = page.locator('[data-testid=dispatch]');
    const box = (await dispatch.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(768);
    await page.click('[data-testid=more-candidates]');
    // The mobile CT and the neonatal ambulance come last for a chest pain, each saying why.
    const held = await page.$$eval('[data-testid=candidates] li', (lis) =>
      lis.flatMap((li) => (li.querySelector('[data-testid=reserve-note]') ? [li.getAttribute('data-vehicle')] : [])),
    );
    expect(held.sort()).toEqual(['介休新生儿-01', '介休移动CT-01']);
    const shown = await page.$$eval('[data-testid=candidates] li', (lis) => lis.map((li) => li.getAttribute('data-vehicle')));
    expect(shown.slice(-2).sort()).toEqual(['介休新生儿-01', '介休移动CT-01']);
    const note = page.locator('[data-vehicle="介休移动CT-01"] [data-testid=reserve-note]');
    expect(await note.textContent()).toMatch(/^专用车留作专用：(仅快 \d+ 分钟（需快 5 分钟以上才优先）|不比普通车快)$/);
    await screenshot(page, 'decision-01-five-and-reserve');
    // The fleet board counts each station's free vehicles.
    expect(await page.textContent('[data-testid=fleet-board] tr.station-row')).toMatch(/\d+\/\d+/);
  });

  it('asks before sending a patient to a hospital that turned red, and the server records the confirmation', async () => {
    const incident = await api.call('createIncident', { body: { placeName: '义棠', category: 'stroke', priority: 1 } });
    await page.click(`[data-incident="${incident.number}"]`);
    await page.locator('[data-testid=candidates] li').first().waitFor();
    const hospitalId = await page.$eval('[data-testid=hospital-choice]', (s) => (s as HTMLSelectElement).value);
    // The hospital fills up after the ranking: the panel shows it at once and D asks first.
    await api.call('setHospitalLoad', { params: { id: hospitalId }, body: { loadStatus: 'red' } });
    await page.waitForFunction(() => document.querySelector('.load-text')?.textContent?.startsWith('红'));
    await page.keyboard.press('d');
    const confirm = page.locator('[data-testid=confirm-load]');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('红 · 满负荷');
    expect(await page.locator('[data-testid=dispatch]').count()).toBe(0);
    await screenshot(page, 'decision-02-confirm-red');
    // Esc goes back without dispatching; D twice dispatches with the confirmation.
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    expect((await api.call('getIncident', { params: { id: incident.id } })).assignments).toHaveLength(0);
    await page.keyboard.press('d');
    await confirm.waitFor();
    await page.keyboard.press('d');
    await page.locator('[data-testid=assigned-vehicles]').waitFor();
    const audit = await api.call('audit', { query: { entityType: 'incident', entityId: incident.id } });
    expect(audit.find((e) => e.action === 'assignment.destinationLoadConfirmed')?.details).toMatchObject({ hospitalId, loadStatus: 'red' });
    await api.call('setHospitalLoad', { params: { id: hospitalId }, body: { loadStatus: 'blue' } });
  });

  it('tells a refusal in the screen language, naming the field in its words, never the server English', async () => {
    await page.keyboard.press('F2');
    await page.fill('[data-testid=place-search]', '张兰');
    await page.locator('.place-results li.active').waitFor();
    await page.keyboard.press('Enter');
    // Without a category the call is not sent, and the form says so at the category.
    await page.click('[data-testid=create-call]');
    await page.waitForFunction(() => document.querySelector('[data-testid=intake-form] .error')?.textContent === '请选择警情类别');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('category');
    await page.selectOption('select[name=category]', 'trauma');
    await page.fill('input[name=callerPhone]', '请回电');
    await page.click('[data-testid=create-call]');
    const error = page.locator('[data-testid=intake-form] .error');
    await error.waitFor();
    expect(await error.textContent()).toBe('操作失败：输入有误：来电号码');
    await page.click('.lang-switch button:has-text("EN")');
    await page.click('[data-testid=create-call]');
    await page.waitForFunction(() => document.querySelector('[data-testid=intake-form] .error')?.textContent === 'Failed: Invalid input: Caller phone');
    await screenshot(page, 'decision-03-refusal-in-english');
    await page.click('.lang-switch button:has-text("中文")');
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  });
});
