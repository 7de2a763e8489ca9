import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDemoServer } from '../support/demoServer';
import { chromiumSuite, collectErrors, hasChromium, logIn, newPage, screenshot } from './browser';
import { browserSuite } from './suite';

describe.skipIf(!hasChromium)(chromiumSuite('call intake by a place name that is no sure match, in real Chromium'), () => {
  const suite = browserSuite(startDemoServer);
  const db = () => suite.server.database.db;
  let page: Page;
  let errors: string[];
  // Chromium logs every 4xx answer; the 422s with the candidates are what these tests ask for.
  const pageErrors = () => errors.filter((e) => !/status of 422 .*\/api\/incidents\)$/.test(e));

  beforeAll(async () => {
    page = await newPage(suite.browser);
    errors = collectErrors(page, suite.tileOrigin);
    await logIn(page, suite.server.baseUrl, 'dispatcher', suite.server.logins.passwords.dispatcher!);
    await page.locator('[data-testid=place-search]').waitFor();
  });

  /** Types a name, closes the suggestions and sends the call with the name as typed (keyboard only). */
  async function sendTyped(name: string) {
    await page.keyboard.press('F2');
    await page.fill('[data-testid=place-search]', name);
    await page.locator('.place-results').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.place-results').waitFor({ state: 'detached' });
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/incidents') && r.request().method() === 'POST');
    await page.keyboard.press('Enter');
    return answered;
  }

  it('offers the candidates of a weak name and sends the call again with the one chosen by keyboard', async () => {
    const before = (await db().query('SELECT count(*)::int AS n FROM incidents')).rows[0].n;
    expect((await sendTyped('中王')).status()).toBe(422);
    const list = page.locator('[data-testid=place-candidates]');
    await list.waitFor();
    expect(await list.textContent()).toContain('“中王”不能确定是哪里');
    const options = list.locator('li[role=option]');
    expect(await options.count()).toBeGreaterThanOrEqual(2);
    const names = await options.locator('.name').allTextContents();
    expect(names.slice(0, 2).sort()).toEqual(['中王堡', '中王庄']);
    expect(await options.first().textContent()).toMatch(/村.*近.*(镇|乡).*匹配度 0\.\d\d/);
    // The list has the keyboard: nothing stored yet.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('listbox');
    expect((await db().query('SELECT count(*)::int AS n FROM incidents')).rows[0].n).toBe(before);
    await screenshot(page, 'console-intake-place-candidates');

    const second = names[1]!;
    const created = page.waitForResponse((r) => r.url().endsWith('/api/incidents') && r.request().method() === 'POST');
    await page.keyboard.press('ArrowDown');
    expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Enter');
    const answer = await created;
    expect(answer.status()).toBe(201);
    const incident = (await answer.json()) as { id: string; placeName: string; location: { lon: number; lat: number } };
    expect(incident.placeName).toBe(second);
    const place = (await db().query('SELECT ST_X(location) AS lon, ST_Y(location) AS lat FROM places WHERE name = $1', [second])).rows[0];
    expect(incident.location.lon).toBeCloseTo(place.lon, 6);
    expect(incident.location.lat).toBeCloseTo(place.lat, 6);
    await list.waitFor({ state: 'detached' });
    expect(pageErrors()).toEqual([]);
  });

  it('shows the same choice in English', async () => {
    await page.click('.lang-switch button:has-text("EN")');
    expect((await sendTyped('ab')).status()).toBe(422);
    const list = page.locator('[data-testid=place-candidates]');
    await list.waitFor();
    expect(await list.textContent()).toContain('Not sure where “ab” is');
    expect(await list.locator('li[role=option]').first().textContent()).toMatch(/village.*near .*(Town|Township).*match 0\.\d\d/);
    await screenshot(page, 'console-intake-place-candidates-english');
    // Esc gives the keyboard back to the search, nothing sent.
    await page.keyboard.press('Escape');
    await list.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('place-search');
    await page.click('.lang-switch button:has-text("中文")');
    expect(pageErrors()).toEqual([]);
  });
});
