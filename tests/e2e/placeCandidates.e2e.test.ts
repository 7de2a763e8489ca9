import { mkdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDemoServer } from '../support/demoServer';
import { chromiumSuite, collectErrors, hasChromium, logIn, newPage, screenshot } from './browser';
import { browserSuite } from './suite';

/** Screenshots of the gazetteer's screens, looked at by whoever works on them (never in the repository). */
const SHOTS = '/tmp/shots/f2';

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
    await page.selectOption('select[name=category]', 'trauma');
    await page.focus('[data-testid=place-search]');
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
    expect(await options.first().textContent()).toMatch(/^中王.+村近.*(镇|乡|街道)名称 · 开头匹配/);
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
    expect(await list.locator('li[role=option]').first().textContent()).toMatch(/Village.*near .*(Town|Township|Subdistrict).*English name · contains/);
    await screenshot(page, 'console-intake-place-candidates-english');
    // Esc gives the keyboard back to the search, nothing sent.
    await page.keyboard.press('Escape');
    await list.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('place-search');
    await page.click('.lang-switch button:has-text("中文")');
    expect(pageErrors()).toEqual([]);
  });

  const shot = async (name: string) => {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/${name}.png` });
  };
  const results = () => page.locator('[data-testid=place-result]');
  /** Types into the place search and waits for the answer of the search it starts. */
  async function search(text: string) {
    const answered = page.waitForResponse((r) => r.url().includes('/api/places?') && r.url().includes(`q=${encodeURIComponent(text)}`));
    await page.fill('[data-testid=place-search]', text);
    const answer = await answered;
    // Sent with the map's view centre.
    expect(new URL(answer.url()).searchParams.get('near')).toMatch(/^\d+\.\d+,\d+\.\d+$/);
    await results().first().waitFor();
  }

  it('finds 张兰 by its pinyin initials and a hospital by part of its name, each with kind and town; Enter never takes a weak match', async () => {
    await page.keyboard.press('F2');
    await page.selectOption('select[name=category]', 'trauma');
    await search('zl');
    expect(await results().first().textContent()).toMatch(/^张兰镇.*乡镇.*首字母 · 开头匹配.*公里$/);
    expect(await page.locator('.place-results li.hint').textContent()).toContain('没有确定的匹配');
    expect(await page.locator('.place-results li.active').count()).toBe(0);
    await shot('search-zl-zh');
    // Enter sends the typed initials, and the server answers with the choices: nothing taken silently.
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/incidents') && r.request().method() === 'POST');
    await page.keyboard.press('Enter');
    expect((await answered).status()).toBe(422);
    const list = page.locator('[data-testid=place-candidates]');
    await list.waitFor();
    expect(await list.locator('li[role=option] .name').first().textContent()).toBe('张兰镇');
    await shot('search-zl-candidates-zh');
    await page.keyboard.press('Escape');
    await list.waitFor({ state: 'detached' });

    await search('人民医院');
    const first = results().first();
    expect(await first.textContent()).toMatch(/^介休市人民医院.*医院.*近.*街道.*名称 · 包含/);
    await shot('search-hospital-zh');
    // ↓ then Enter takes it.
    await page.keyboard.press('ArrowDown');
    expect(await first.getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid=picked-location]').textContent()).toContain('介休市人民医院');

    await page.click('.lang-switch button:has-text("EN")');
    await search('zl');
    expect(await results().first().textContent()).toMatch(/^Zhanglan Town.*Town.*initials · starts with/);
    await shot('search-zl-en');
    await page.keyboard.press('Escape');
    await page.click('.lang-switch button:has-text("中文")');
    await page.click('[data-testid=intake-form] button.ghost');
    expect(pageErrors()).toEqual([]);
  });

  it('names the nearest road and place of a map click, and takes either as the incident location', async () => {
    const map = (await page.locator('[data-testid=map]').boundingBox())!;
    const clickAt = async (fx: number, fy: number) => {
      const answered = page.waitForResponse((r) => r.url().includes('/api/places/nearest'));
      await page.mouse.click(map.x + map.width * fx, map.y + map.height * fy);
      return (await (await answered).json()) as { road: { name: string; closest: { lon: number; lat: number } } | null; place: { name: string } | null };
    };
    const nearby = await clickAt(0.42, 0.45);
    expect(nearby.road).not.toBeNull();
    expect(nearby.place).not.toBeNull();
    const road = page.locator('[data-testid=nearby-road]');
    const place = page.locator('[data-testid=nearby-place]');
    expect(await road.textContent()).toMatch(new RegExp(`^最近道路${nearby.road!.name}道路.*(米|公里)设为事发地点$`));
    expect(await place.textContent()).toContain(`最近地点${nearby.place!.name}`);
    await shot('map-click-nearby-zh');
    // The place: its point and its name.
    await place.locator('button').click();
    await expect.poll(() => page.locator('[data-testid=picked-location]').textContent()).toContain(nearby.place!.name);
    await page.locator('[data-testid=nearby]').waitFor({ state: 'detached' });

    await page.click('.lang-switch button:has-text("EN")');
    const again = await clickAt(0.6, 0.55);
    expect(await road.textContent()).toMatch(/^Nearest road.*Street.*Use as incident location$/);
    await shot('map-click-nearby-en');
    // The road: its point nearest the click, and its name as the address (by keyboard).
    await road.locator('button').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.inputValue('[data-testid=intake-form] input[name=address]')).toContain(again.road!.name);
    expect(await page.locator('[data-testid=picked-location]').textContent()).toContain(again.road!.closest.lon.toFixed(5));
    await page.click('.lang-switch button:has-text("中文")');
    await page.click('[data-testid=intake-form] button.ghost');
    expect(pageErrors()).toEqual([]);
  });
});
