import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiClient } from '../support/api';
import { startDemoServer } from '../support/demoServer';
import { createUser, loginAs } from '../support/server';
import { chromiumSuite, collectErrors, hasChromium, logIn, newPage, shotsIn } from './browser';
import { browserSuite } from './suite';

/** Screenshots of these screens go outside the repository, for a person to look at. */
const SHOTS = '/tmp/shots/f4';
const shot = shotsIn(SHOTS);

const hour = 3600_000;

// The tests build on each other in order, as an administrator's first day would: the station, then its vehicle, then
// the vehicle's roster and its crew's login.
describe.skipIf(!hasChromium)(chromiumSuite("administrator's screens in real Chromium against the real server"), () => {
  // Sessions are checked every second here, so a disabled login's open console sees it soon.
  const suite = browserSuite((env) => startDemoServer({ ...env, SESSION_RECHECK_S: '1' }), { tablet: true });
  const password = () => suite.server.logins.passwords.admin!;
  const openAdmin = async (locale: 'zh-CN' | 'en' = 'zh-CN', hash = '') => {
    const page = await newPage(suite.browser, { width: 1500, height: 900, locale, timeoutMs: 20_000 });
    const collected = collectErrors(page, suite.tileOrigin);
    await logIn(page, `${suite.server.baseUrl}/${hash}`, 'admin', password());
    // A login (an argon2id check) and the first page take a while on a machine busy with other suites.
    await page.locator('[data-testid=nav-stations]').waitFor({ timeout: 40_000 });
    // The refusals these tests provoke on purpose are logged by Chromium as failed loads; anything else is a fault.
    const errors = { filter: () => collected.filter((e) => !/status of 4(00|09)/.test(e)) };
    return { page, errors };
  };

  it('opens on the stations screen; a bad field is named beside it in Chinese; the station is created', async () => {
    const { page, errors } = await openAdmin();
    await page.locator('[data-testid=admin-stations] [data-testid=admin-table] tbody tr').first().waitFor();
    expect(await page.locator('[data-testid=nav-stations]').getAttribute('aria-current')).toBe('page');
    // The desk stays a later tab.
    expect(await page.locator('[data-testid=nav-dispatch]').count()).toBe(1);
    const form = page.locator('[data-testid=station-form]');
    await form.locator('input[name=code]').fill('坏 编号');
    await form.locator('input[name=name]').fill('测试分站');
    await form.locator('input[name=lon]').fill('111.93');
    await form.locator('[data-testid=form-save]').click();
    const codeError = form.locator('[data-testid=field-error-code]');
    await codeError.waitFor();
    expect(await codeError.innerText()).toMatch(/只能用字母、数字/);
    expect(await form.locator('[data-testid=field-error-lat]').innerText()).toMatch(/必填/);
    // Beside its own field, and nothing in English on the Chinese screen.
    expect(await form.locator('[data-field=code] [data-testid=field-error-code]').count()).toBe(1);
    expect(await form.innerText()).not.toMatch(/[a-z]{4,}/);
    await shot(page, '01-station-field-errors-zh');

    await form.locator('input[name=code]').fill('F4-ST');
    await form.locator('input[name=address]').fill('介休市测试路 1 号');
    await form.locator('input[name=lat]').fill('37.04');
    await form.locator('[data-testid=form-save]').click();
    await form.locator('[data-testid=form-note]').waitFor();
    await page.locator('[data-testid=row-F4-ST]').waitFor();
    await shot(page, '02-stations-zh');

    // A station vehicles are based at cannot be deleted, and the screen says why; an unused one goes.
    page.on('dialog', (dialog) => void dialog.accept());
    await page.click('[data-testid=row-JX-YT]');
    await form.locator('[data-testid=form-delete]').click();
    expect(await form.locator('[data-testid=form-error]').innerText()).toMatch(/仍被引用，不能删除/);
    const admin = apiClient(suite.server.baseUrl, await loginAs(suite.server.baseUrl, 'admin', password()));
    await admin.call('createStation', { body: { code: 'F4-DEL', name: '待删除', kind: 'substation', location: { lon: 111.9, lat: 37.0 } } });
    await page.click('[data-testid=row-F4-DEL]');
    await form.locator('[data-testid=form-delete]').click();
    await page.locator('[data-testid=row-F4-DEL]').waitFor({ state: 'detached' });
    expect(errors.filter()).toEqual([]);
    await page.close();
  }, 60_000);

  it("creates a vehicle that a second admin's list and the dispatcher's fleet board show without reload, binds its device, places it by an OsmAnd fix, and takes it out of service with the reason", async () => {
    const dispatcher = await newPage(suite.browser, { width: 1500, height: 900 });
    await logIn(dispatcher, suite.server.baseUrl, 'dispatcher', suite.server.logins.passwords.dispatcher!);
    await dispatcher.locator('[data-testid=fleet-board] tbody tr').first().waitFor();

    // A second administrator watching the fleet list filtered to the new call sign, before it exists.
    const { page: second } = await openAdmin('zh-CN', '#/vehicles');
    await second.fill('[data-testid=list-search]', 'F4');
    await expect.poll(async () => second.locator('[data-testid=list-total]').innerText()).toBe('共 0 条');

    const { page, errors } = await openAdmin('zh-CN', '#/vehicles');
    await page.locator('[data-testid=admin-vehicles] [data-testid=admin-table] tbody tr').first().waitFor();
    await page.click('[data-testid=add]');
    const form = page.locator('[data-testid=vehicle-form]');
    await form.locator('input[name=callSign]').fill('测试120-F4');
    await form.locator('select[name=kind]').selectOption('multipurpose');
    await form.locator('input[name="capabilities.bls"]').check();
    await form.locator('select[name=homeStationId]').selectOption({ label: '测试分站' });
    await form.locator('[data-testid=form-save]').click();
    await form.locator('[data-testid=form-note]').waitFor();
    // The other consoles learnt of it by push: the dispatcher's fleet board and the second admin's list.
    await dispatcher.locator('[data-testid=fleet-board] tr[data-vehicle="测试120-F4"]').waitFor();
    await second.locator('[data-testid="row-测试120-F4"]').waitFor();

    // A device id already bound elsewhere is refused beside the field.
    const taken = (await apiClient(suite.server.baseUrl, await loginAs(suite.server.baseUrl, 'admin', password())).call('listVehicles')).find((v) => v.deviceId);
    const deviceForm = page.locator('[data-testid=device-form]');
    if (taken) {
      await deviceForm.locator('input[name=deviceId]').fill(taken.deviceId!);
      await deviceForm.locator('[data-testid=bind-device]').click();
      expect(await deviceForm.locator('[data-testid=field-error-deviceId]').innerText()).toMatch(/已绑定在其他车辆/);
    }
    await deviceForm.locator('input[name=deviceId]').fill('f4-osmand-phone');
    await deviceForm.locator('[data-testid=bind-device]').click();
    await deviceForm.locator('[data-testid=device-note]').waitFor();
    await page.fill('[data-testid=list-search]', 'F4');
    await page.locator('[data-testid="row-测试120-F4"] td.mono', { hasText: 'f4-osmand-phone' }).waitFor();
    await shot(page, '03-vehicle-device-bound-zh');

    const row = dispatcher.locator('[data-testid=fleet-board] tr[data-vehicle="测试120-F4"]');
    expect(await row.locator('td').last().innerText()).toMatch(/无位置|—|无/);
    const fix = new URLSearchParams({ id: 'f4-osmand-phone', lat: '37.041', lon: '111.931', timestamp: String(Math.floor(Date.now() / 1000)), speed: '0' });
    expect((await fetch(`${suite.server.baseUrl}/osmand?${fix}`)).status).toBe(200);
    await expect.poll(async () => row.locator('td').last().innerText(), { timeout: 10_000 }).toMatch(/\d/);
    await dispatcher.screenshot({ path: join(SHOTS, '04-dispatcher-fleet-sees-new-vehicle-zh.png') });

    // Out of service with the reason: the list says why, and so does the second admin's.
    await form.locator('input[name=inService]').uncheck();
    await form.locator('input[name=outOfServiceReason]').fill('更换轮胎');
    await form.locator('[data-testid=form-save]').click();
    await page.locator('[data-testid="row-测试120-F4"]', { hasText: '更换轮胎' }).waitFor();
    await second.locator('[data-testid="row-测试120-F4"]', { hasText: '更换轮胎' }).waitFor();
    await dispatcher.locator('[data-testid=fleet-board] tr[data-vehicle="测试120-F4"] td.vstatus', { hasText: '停用' }).waitFor();
    await shot(second, '04b-second-admin-out-of-service-zh');
    await form.locator('input[name=inService]').check();
    await form.locator('[data-testid=form-save]').click();
    await second.locator('[data-testid="row-测试120-F4"]', { hasText: '待命' }).waitFor();
    expect(errors.filter()).toEqual([]);
    await dispatcher.close();
    await second.close();
    await page.close();
  }, 90_000);

  it('sorts, filters and pages the fleet on the server', async () => {
    const { page } = await openAdmin('zh-CN', '#/vehicles');
    const table = page.locator('[data-testid=admin-vehicles] [data-testid=admin-table] tbody tr');
    await table.first().waitFor();
    const sorted = page.waitForRequest((r) => r.url().includes('/api/pages/vehicles') && r.url().includes('sort=-callSign'));
    await page.click('[data-testid=sort-callSign]');
    await sorted;
    const last = await lastCallSign();
    await expect.poll(async () => (await table.first().getAttribute('data-testid')) ?? '').toBe(`row-${last}`);
    const filtered = page.waitForResponse((r) => r.url().includes('/api/pages/vehicles') && r.url().includes('q=120-2'));
    await page.fill('[data-testid=list-search]', '120-2');
    const answer = (await (await filtered).json()) as { total: number; items: { callSign: string }[] };
    expect(answer.items.every((v) => v.callSign.includes('120-2'))).toBe(true);
    await expect.poll(async () => page.locator('[data-testid=list-total]').innerText()).toBe(`共 ${answer.total} 条`);
    await page.fill('[data-testid=list-search]', '');
    const second = page.waitForRequest((r) => r.url().includes('/api/pages/vehicles') && r.url().includes('page=2'));
    await expect.poll(async () => page.locator('[data-testid=page-next]').isEnabled()).toBe(true);
    await page.click('[data-testid=page-next]');
    await second;
    await expect.poll(async () => page.locator('[data-testid=page-of]').innerText()).toMatch(/第 2 \//);
    await shot(page, '05-vehicles-page-2-zh');
    await page.close();
  }, 60_000);

  it('rosters a crew member with a login of its own, which signs on to the vehicle of its shift on the tablet', async () => {
    const { page, errors } = await openAdmin('zh-CN', '#/crews');
    const memberForm = page.locator('[data-testid=member-form]');
    await memberForm.locator('input[name=name]').waitFor();
    await memberForm.locator('input[name=name]').fill('王排班');
    await memberForm.locator('select[name=crewRole]').selectOption('doctor');
    await memberForm.locator('[data-testid=form-save]').click();
    await page.locator('[data-testid="member-王排班"]').waitFor();

    const shiftForm = page.locator('[data-testid=shift-form]');
    await shiftForm.locator('select[name=vehicleId]').selectOption({ label: '测试120-F4' });
    // An end before the start is named beside the end.
    // The page's clock is the dispatch centre's (Asia/Shanghai, UTC+8, no daylight saving).
    const now = new Date();
    const local = (ms: number) => new Date(ms + 8 * hour).toISOString().slice(0, 16);
    await shiftForm.locator('input[name=startsAt]').fill(local(now.getTime() - hour));
    await shiftForm.locator('input[name=endsAt]').fill(local(now.getTime() - 2 * hour));
    await shiftForm.getByText('王排班').click();
    await shiftForm.locator('[data-testid=form-save]').click();
    expect(await shiftForm.locator('[data-testid=field-error-endsAt]').innerText()).toMatch(/结束时间须晚于开始时间/);
    await shiftForm.locator('input[name=endsAt]').fill(local(now.getTime() + 8 * hour));
    await shiftForm.locator('[data-testid=form-save]').click();
    await shiftForm.locator('[data-testid=shift-note]').waitFor();
    await page.locator('[data-testid="roster-测试120-F4"] [data-testid=shift-chip]', { hasText: '王排班' }).first().waitFor();
    await shot(page, '06-roster-week-zh');

    await page.click('[data-testid=nav-users]');
    const userForm = page.locator('[data-testid=user-form]');
    await userForm.locator('input[name=username]').fill('wang.paiban');
    await userForm.locator('input[name=displayName]').fill('王排班');
    await userForm.locator('input[name=password]').fill('短');
    await userForm.locator('select[name=role]').selectOption('crew');
    await userForm.locator('input[name=crewBinding][value=member]').check();
    await userForm.locator('[data-testid=form-save]').click();
    expect(await userForm.locator('[data-testid=field-error-password]').innerText()).toMatch(/至少 10 个字符/);
    expect(await userForm.locator('[data-testid=field-error-crewMemberId]').innerText()).toMatch(/车组账号须绑定车辆或人员/);
    await shot(page, '07-user-field-errors-zh');
    await userForm.locator('input[name=password]').fill('a long enough password');
    await userForm.locator('select[name=crewMemberId]').selectOption({ label: '王排班 · 医生' });
    await userForm.locator('[data-testid=form-save]').click();
    await userForm.locator('[data-testid=form-note]').waitFor();
    await page.fill('[data-testid=list-search]', 'wang');
    await page.locator('[data-testid="row-wang.paiban"]', { hasText: '排班：王排班' }).waitFor();
    expect(errors.filter()).toEqual([]);

    const tablet = await newPage(suite.browser, { width: 1024, height: 700 });
    await logIn(tablet, `${suite.server.baseUrl}/tablet/`, 'wang.paiban', 'a long enough password');
    await tablet.locator('.callsign', { hasText: '测试120-F4' }).waitFor();
    await tablet.screenshot({ path: join(SHOTS, '08-tablet-signed-on-zh.png') });
    await tablet.close();
    await page.close();
  }, 90_000);

  it('disables a login from the users screen and its open console returns to the login form', async () => {
    const user = await createUser(suite.server.database, { username: 'f4-leaver', role: 'dispatcher' });
    const victim = await newPage(suite.browser, { width: 1200, height: 800 });
    await logIn(victim, suite.server.baseUrl, user.username, user.password);
    await victim.locator('[data-testid=fleet-board]').waitFor();

    const { page } = await openAdmin('zh-CN', '#/users');
    await page.fill('[data-testid=list-search]', 'f4-leaver');
    const row = page.locator('[data-testid=row-f4-leaver]');
    await row.waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await row.locator('[data-testid=disable]').click();
    await row.getByText('已停用').waitFor();
    await victim.locator('[data-testid=login-form]').waitFor({ timeout: 20_000 });
    // A one-time password, shown once: the login must set its own at the next login.
    await row.locator('[data-testid=reset-password]').click();
    const secret = page.locator('[data-testid=temporary-password] .secret');
    await secret.waitFor();
    const temporary = await secret.innerText();
    const reset = await apiClient(suite.server.baseUrl).call('login', { body: { username: 'f4-leaver', password: temporary } }).catch((e: Error) => e);
    // Still disabled: the one-time password does not enable the login.
    expect(reset).toBeInstanceOf(Error);
    await shot(page, '09-user-disabled-password-reset-zh');
    await victim.close();
    await page.close();
  }, 60_000);

  it('speaks English when chosen: every admin screen, its field errors, and names shown as text', async () => {
    const admin = apiClient(suite.server.baseUrl, await loginAs(suite.server.baseUrl, 'admin', password()));
    const planted = '<img src=x onerror="window.__xss=1">站';
    await admin.call('createStation', { body: { code: 'XSS-F4', name: planted, nameEn: planted, kind: 'substation', location: { lon: 111.95, lat: 37.01 } } });
    const { page, errors } = await openAdmin('en', '#/stations');
    await page.fill('[data-testid=list-search]', 'XSS');
    await expect.poll(async () => page.locator('[data-testid=list-total]').innerText()).toBe('1 in all');
    expect(await page.locator('[data-testid=row-XSS-F4]').innerText()).toContain(planted);
    expect(await page.locator('[data-testid=admin-table] img').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    await page.click('[data-testid=add]');
    await page.locator('[data-testid=station-form] [data-testid=form-save]').click();
    expect(await page.locator('[data-testid=field-error-name]').innerText()).toMatch(/Required/);
    expect(await page.locator('[data-testid=field-error-code]').innerText()).toMatch(/Required/);
    await page.fill('[data-testid=station-form] input[name=code]', 'bad code');
    await page.locator('[data-testid=station-form] [data-testid=form-save]').click();
    await expect.poll(async () => page.locator('[data-testid=field-error-code]').innerText()).toMatch(/Letters, digits/);
    await shot(page, '16-station-field-errors-en');
    for (const [id, name] of [['stations', '10-stations-en'], ['vehicles', '11-vehicles-en'], ['hospitals', '12-hospitals-en'], ['users', '13-users-en'], ['crews', '14-roster-en']] as const) {
      await page.click(`[data-testid=nav-${id}]`);
      await page.locator(`[data-testid=admin-${id}] [data-testid=admin-table] tbody tr`).first().waitFor();
      // The screen's own words are English (the names in the data stay as entered).
      expect(await page.locator(`[data-testid=admin-${id}] .panel-title`).first().innerText()).toMatch(/^[A-Za-z (),&]+/);
      await shot(page, name);
    }
    await page.click('[data-testid=nav-hospitals]');
    await page.locator('[data-testid=admin-hospitals] [data-testid=admin-table] tbody tr').first().click();
    await shot(page, '15-hospital-edit-en');
    expect(errors.filter()).toEqual([]);
    await page.close();
  }, 60_000);

  /** The call sign the fleet ends with in code-point order (the server's descending sort starts there). */
  async function lastCallSign(): Promise<string> {
    const admin = apiClient(suite.server.baseUrl, await loginAs(suite.server.baseUrl, 'admin', password()));
    return (await admin.call('vehiclePage', { query: { sort: '-callSign', pageSize: 1 } })).items[0]!.callSign;
  }
});
