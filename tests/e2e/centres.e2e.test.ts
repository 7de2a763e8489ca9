import { type ApiClient, DEFAULT_CENTRE_ID } from '@dispatch/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api';
import { loginAs } from '../support/server';
import { chromiumSuite, collectErrors, hasChromium, logIn, newPage, shotsIn } from './browser';
import { browserSuite, startCentresServer } from './suite';

const SHOTS = process.env.CENTRES_SHOTS_DIR ?? '/tmp/shots/centres';
const shot = shotsIn(SHOTS);
const ADMIN_SHOTS = process.env.ADMIN_SHOTS_DIR ?? '/tmp/shots/admin';
const adminShot = shotsIn(ADMIN_SHOTS);

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
  it("creates a Pingyao station through the administrator's form, listed with its centre (zh-CN and English)", async () => {
    const admin = apiClient(suite.server.baseUrl, await loginAs(suite.server.baseUrl, 'admin', suite.server.logins.passwords.admin!));
    const pingyao = (await admin.call('listCentres', {})).find((c) => c.code === 'PY')!;
    for (const locale of ['zh-CN', 'en'] as const) {
      const code = locale === 'en' ? 'PY-E2E-EN' : 'PY-E2E-ZH';
      const page = await newPage(suite.browser, { width: 1366, height: 768, locale, timeoutMs: 20_000 });
      const errors = collectErrors(page, suite.tileOrigin);
      await logIn(page, `${suite.server.baseUrl}/#/stations`, 'admin', suite.server.logins.passwords.admin!);
      const form = page.locator('[data-testid=station-form]');
      const centre = form.locator('select[name=centreId]');
      await centre.waitFor({ timeout: 40_000 });
      // A new station is the default centre's unless another is chosen.
      expect(await centre.inputValue()).toBe(DEFAULT_CENTRE_ID);
      expect(await form.locator('[data-field=centreId] .field-label').innerText()).toBe(locale === 'en' ? 'Centre' : '所属中心');
      await form.locator('input[name=code]').fill(code);
      await form.locator('input[name=name]').fill(locale === 'en' ? '平遥测试分站（英）' : '平遥测试分站');
      await centre.selectOption(pingyao.id);
      await form.locator('input[name=address]').fill('平遥县测试路 2 号');
      await form.locator('input[name=lon]').fill('112.17');
      await form.locator('input[name=lat]').fill('37.19');
      await form.locator('[data-testid=form-save]').click();
      await form.locator('[data-testid=form-note]').waitFor();
      await page.fill('[data-testid=admin-stations] input[type=search]', code);
      const row = page.locator(`[data-testid=row-${code}]`);
      await row.waitFor();
      expect(await row.locator('[data-testid=centre]').innerText()).toBe(locale === 'en' ? 'Pingyao 120 Dispatch Centre' : '平遥县120急救指挥中心');
      if (locale === 'zh-CN') expect((await page.locator('[data-testid=admin-stations]').innerText()).replace(/PY|JX|E2E|ZH/g, '')).not.toMatch(/[a-z]{4,}/);
      await adminShot(page, `${locale}-1-station-in-pingyao`);
      const stored = (await admin.call('listStations', {})).find((s) => s.code === code)!;
      expect(stored.centreId).toBe(pingyao.id);
      // The province sees it in Pingyao's fleet places; the audit names its centre.
      const audit = await admin.call('audit', { query: { entityType: 'station', entityId: stored.id } });
      expect(audit.find((e) => e.action === 'station.created')?.details).toMatchObject({ code, centreId: pingyao.id });

      // The logins' list and form: a dispatcher's centre, or the province.
      await page.click('[data-testid=nav-users]');
      const userForm = page.locator('[data-testid=user-form]');
      await userForm.locator('select[name=centreId]').waitFor();
      const search = page.locator('[data-testid=admin-users] [data-testid=list-search]');
      await search.fill('dispatcher-py');
      // Each dispatcher's and supervisor's centre is a choice on its row (moving it ends its sessions).
      expect(await page.locator('[data-testid=row-dispatcher-py] [data-testid=row-centre]').inputValue()).toBe(pingyao.id);
      await search.fill('province');
      const province = page.locator('[data-testid=row-province] [data-testid=row-centre]');
      expect(await province.inputValue()).toBe('');
      expect(await province.locator('option:checked').innerText()).toBe(locale === 'en' ? 'Province (every centre)' : '全省（所有中心）');
      await search.fill('');
      await page.locator('[data-testid=row-admin]').waitFor();
      await userForm.locator('select[name=role]').selectOption('crew');
      expect(await userForm.locator('select[name=centreId]').count()).toBe(0);
      await userForm.locator('select[name=role]').selectOption('supervisor');
      await page.selectOption('[data-testid=role-filter]', 'dispatcher');
      await page.locator('[data-testid=row-dispatcher-py] [data-testid=row-centre]').waitFor();
      await adminShot(page, `${locale}-2-users`);
      await page.click('[data-testid=nav-hospitals]');
      await page.locator('[data-testid=hospital-form] select[name=centreId]').waitFor();
      await page.locator('[data-testid=admin-hospitals] [data-testid=centre]').first().waitFor();
      await adminShot(page, `${locale}-3-hospitals`);
      expect(errors).toEqual([]);
      await page.close();
    }
  }, 240_000);

  it('fits the header in one line at 1366×768 and 1920×1080 for the dispatcher, supervisor, administrator and province, in both languages', async () => {
    const fits: unknown[] = [];
    for (const [width, height] of [[1366, 768], [1920, 1080]] as const) {
      for (const locale of ['zh-CN', 'en'] as const) {
        for (const user of ['dispatcher', 'supervisor', 'admin', 'province']) {
          const page = await newPage(suite.browser, { width, height, locale, timeoutMs: 20_000 });
          const errors = collectErrors(page, suite.tileOrigin);
          await logIn(page, suite.server.baseUrl, user, suite.server.logins.passwords[user]!);
          await page.locator('[data-testid=connection-state].conn-connected').waitFor({ timeout: 40_000 });
          if (user === 'dispatcher') await page.locator('[data-testid=fleet-board]').waitFor();
          const header = page.locator('header.top-bar');
          const fit = await header.evaluate((bar) => {
            const box = bar.getBoundingClientRect();
            // Every visible piece of the header inside it, on one line, none cut off (an ellipsis is a cut-off text); only
            // the alert chip, an incident's summary of any length, ends in an ellipsis by design (the list has it whole).
            const pieces = [...bar.querySelectorAll<HTMLElement>('h1, .synthetic-badge, .centre-badge, .top-right > *, .alert-bar > *')].filter((e) => e.offsetWidth > 0);
            return {
              overflow: bar.scrollWidth - bar.clientWidth,
              outside: pieces.filter((e) => {
                const r = e.getBoundingClientRect();
                return r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5;
              }).map((e) => e.className || e.tagName),
              clipped: pieces
                .filter((e) => !e.classList.contains('alert-chip') && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible')
                .map((e) => `${e.className || e.tagName}: ${e.textContent}`),
              overlapping: pieces.flatMap((e, i) =>
                pieces.slice(i + 1).filter((f) => {
                  const [r, q] = [e.getBoundingClientRect(), f.getBoundingClientRect()];
                  return !e.contains(f) && !f.contains(e) && Math.min(r.right, q.right) - Math.max(r.left, q.left) > 0.5 && Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top) > 0.5;
                }).map((f) => `${e.className || e.tagName} × ${f.className || f.tagName}`),
              ),
              height: box.height,
            };
          });
          await adminShot(page, `header-${width}-${locale}-${user}`, { x: 0, y: 0, width, height: 90 });
          // The browser's own favicon request is no part of the header (a busy test machine has answered it 503).
          fits.push({ user, locale, width, ...fit, errors: errors.filter((e) => !e.includes('/favicon.ico')) });
          await page.close();
        }
      }
    }
    expect(fits).toEqual(fits.map((f) => ({ ...(f as object), overflow: 0, outside: [], clipped: [], overlapping: [], height: 44, errors: [] })));
  }, 600_000);
  it('says how many farther free vehicles the recommendation leaves unlisted (more than 20 free), in both languages', async () => {
    const admin = apiClient(suite.server.baseUrl, await loginAs(suite.server.baseUrl, 'admin', suite.server.logins.passwords.admin!));
    const station = (await admin.call('listStations', {})).find((s) => s.code === 'JX-YT')!;
    for (let i = 1; i <= 10; i++) {
      await admin.call('createVehicle', { body: { callSign: `介休120-E${i}`, kind: 'multipurpose', capabilities: ['als', 'bls'], homeStationId: station.id } });
    }
    const incident = await borderCall();
    const rec = await api.dispatcher!.call('getRecommendations', { params: { id: incident.id } });
    expect(rec.candidates.length).toBe(20);
    expect(rec.moreCandidates ?? 0).toBeGreaterThan(0);
    for (const locale of ['zh-CN', 'en'] as const) {
      const page = await newPage(suite.browser, { width: 1366, height: 768, locale, timeoutMs: 20_000 });
      const errors = collectErrors(page, suite.tileOrigin);
      // The count the page shows is the one its own latest recommendation carried: the seeded fixes age past the stale
      // limit during a long run (the ETA then counts from the station), so an earlier API read may differ by then.
      let shownCount: number | undefined;
      page.on('response', async (response) => {
        if (!response.url().endsWith(`/api/incidents/${incident.id}/recommendations`) || !response.ok()) return;
        shownCount = ((await response.json()) as { moreCandidates?: number }).moreCandidates ?? 0;
      });
      await logIn(page, suite.server.baseUrl, 'dispatcher', suite.server.logins.passwords.dispatcher!);
      await page.locator('[data-testid=fleet-board]').waitFor({ timeout: 40_000 });
      await page.click(`[data-incident="${incident.number}"]`);
      await page.locator('[data-testid=more-candidates]').click();
      const unlisted = page.locator('[data-testid=unlisted-candidates]');
      await unlisted.scrollIntoViewIfNeeded();
      const text = (count: number | undefined) =>
        locale === 'en' ? `Free vehicles farther away, not listed: ${count}` : `另有 ${count} 辆更远的可用车辆未列出`;
      await expect.poll(async () => (await unlisted.innerText()) === text(shownCount), { timeout: 10_000 }).toBe(true);
      expect(shownCount).toBeGreaterThan(0);
      await adminShot(page, `${locale}-4-unlisted-candidates`);
      expect(errors).toEqual([]);
      await page.close();
    }
  }, 240_000);
});
