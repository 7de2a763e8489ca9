import { afterEach, describe, expect, it } from 'vitest';
import { LOGIN_LIMITS } from '@dispatch/server/auth/loginThrottle';
import { startGatedDemoServer } from '../support/gatedServer';
import { createUser, loginAs } from '../support/server';
import { apiClient } from '../support/api';
import { chromiumSuite, hasChromium, logIn, newPage, screenshot } from './browser';
import { browserSuite } from './suite';

describe.skipIf(!hasChromium)(chromiumSuite('console sessions in real Chromium: logout, forced password change, throttle, database outage'), () => {
  const suite = browserSuite(startGatedDemoServer, { tablet: true });

  // A test that fails inside an outage must not leave the next ones without a database.
  afterEach(() => suite.server.gate.restore());

  const openPage = (locale: 'zh-CN' | 'en') => newPage(suite.browser, { width: 1280, height: 760, locale, timeoutMs: 15_000 });
  // After a reload during an outage the banner waits for the first answers; on a loaded machine that takes a while.
  const outageWait = { timeout: 40_000 };

  it('keeps the dispatcher logged in through a database outage, with a banner, and carries on after', async () => {
    const page = await openPage('zh-CN');
    await logIn(page, suite.server.baseUrl, 'dispatcher', suite.server.logins.passwords.dispatcher!);
    await page.locator('[data-testid=fleet-board] tbody tr').first().waitFor();
    await suite.server.gate.cut();
    // A reload is the harshest case: everything is fetched again and the socket shakes hands anew.
    await page.reload();
    await page.locator('[data-testid=database-banner]').waitFor(outageWait);
    expect(await page.locator('[data-testid=database-banner]').innerText()).toMatch(/数据库暂不可用/);
    expect(await page.locator('[data-testid=login-form]').count()).toBe(0);
    await screenshot(page, 'sessions-database-unavailable-zh');
    await suite.server.gate.restore();
    await page.locator('[data-testid=fleet-board] tbody tr').first().waitFor();
    await page.locator('[data-testid=database-banner]').waitFor({ state: 'detached' });
    await page.close();
  }, 60_000);

  it('keeps a crew logged in on the tablet through a database outage, with a banner in both languages, and logs out on the server', async () => {
    const page = await openPage('zh-CN');
    await logIn(page, `${suite.server.baseUrl}/tablet/`, 'crew-02', suite.server.logins.passwords['crew-02']!);
    await page.getByText('待命中').first().waitFor();
    await suite.server.gate.cut();
    await page.reload();
    const banner = page.locator('[data-testid=database-banner]');
    await banner.waitFor(outageWait);
    expect(await banner.innerText()).toMatch(/数据库暂不可用/);
    expect(await page.locator('input[name=password]').count()).toBe(0);
    await screenshot(page, 'sessions-tablet-database-unavailable-zh');
    await page.evaluate(() => localStorage.setItem('dispatch120.tablet.lang', 'en'));
    await page.reload();
    await banner.waitFor(outageWait);
    expect(await banner.innerText()).toMatch(/Database unavailable/);
    await screenshot(page, 'sessions-tablet-database-unavailable-en');
    await suite.server.gate.restore();
    await page.getByText('Standing by').first().waitFor();
    await banner.waitFor({ state: 'detached' });

    const token = await page.evaluate(() => (JSON.parse(localStorage.getItem('dispatch120.tablet.session')!) as { token: string }).token);
    const loggedOut = page.waitForResponse((r) => r.url().endsWith('/api/auth/logout'));
    await page.click('button.logout');
    expect((await loggedOut).status()).toBe(204);
    await page.locator('input[name=password]').waitFor();
    expect((await apiClient(suite.server.baseUrl, token).send('listVehicles')).status).toBe(401);
    await page.close();
  }, 90_000);

  it('logs out on the server: the token the page held is refused afterwards', async () => {
    const page = await openPage('en');
    await logIn(page, suite.server.baseUrl, 'supervisor', suite.server.logins.passwords.supervisor!);
    await page.locator('[data-testid=connection-state]').waitFor();
    const token = await page.evaluate(() => (JSON.parse(sessionStorage.getItem('dispatch120.session')!) as { token: string }).token);
    const loggedOut = page.waitForResponse((r) => r.url().endsWith('/api/auth/logout'));
    await page.getByRole('button', { name: 'Log out' }).click();
    expect((await loggedOut).status()).toBe(204);
    await page.locator('[data-testid=login-form]').waitFor();
    expect((await apiClient(suite.server.baseUrl, token).send('listIncidents')).status).toBe(401);
    await page.close();
  });

  it('makes a login with a reset password set its own before anything else, in both languages', async () => {
    const admin = apiClient(suite.server.baseUrl, await loginAs(suite.server.baseUrl, 'admin', suite.server.logins.passwords.admin!));
    for (const [locale, username] of [['zh-CN', 'reset-zh'], ['en', 'reset-en']] as const) {
      const user = await createUser(suite.server.database, { username, role: 'dispatcher' });
      const temporary = (await admin.call('resetUserPassword', { params: { id: user.id } })).temporaryPassword as string;
      const page = await openPage(locale);
      await logIn(page, suite.server.baseUrl, username, temporary);
      await page.locator('[data-testid=change-password-form]').waitFor();
      await page.fill('input[name=currentPassword]', temporary);
      await page.fill('input[name=newPassword]', 'my own passphrase');
      await page.fill('input[name=repeatPassword]', 'my own passphrase');
      await screenshot(page, `sessions-change-password-${locale}`);
      await page.press('input[name=repeatPassword]', 'Enter');
      await page.locator('[data-testid=fleet-board]').waitFor();
      await loginAs(suite.server.baseUrl, username, 'my own passphrase');
      await page.close();
    }
  }, 60_000);

  it('changes the own password from the header with the current one, and the old one is refused afterwards', async () => {
    const user = await createUser(suite.server.database, { username: 'changes-own', role: 'supervisor' });
    const page = await openPage('zh-CN');
    await logIn(page, suite.server.baseUrl, user.username, user.password);
    await page.locator('[data-testid=change-password]').waitFor();
    await screenshot(page, 'sessions-header-zh');
    await page.click('[data-testid=change-password]');
    await page.fill('input[name=currentPassword]', user.password);
    await page.fill('input[name=newPassword]', 'another passphrase');
    await page.fill('input[name=repeatPassword]', 'another passphrase');
    await screenshot(page, 'sessions-change-own-password-zh');
    await page.press('input[name=repeatPassword]', 'Enter');
    await page.locator('[data-testid=change-password]').waitFor();
    expect((await apiClient(suite.server.baseUrl).send('login', { body: { username: user.username, password: user.password } })).status).toBe(401);
    await loginAs(suite.server.baseUrl, user.username, 'another passphrase');
    await page.close();
  }, 60_000);

  it('says how long to wait once a login is throttled', async () => {
    const user = await createUser(suite.server.database, { username: 'guessed', role: 'dispatcher' });
    for (let i = 0; i < LOGIN_LIMITS.perLogin.points; i++) {
      await apiClient(suite.server.baseUrl).send('login', { body: { username: user.username, password: `wrong-${i}` } });
    }
    for (const locale of ['zh-CN', 'en'] as const) {
      const page = await openPage(locale);
      await logIn(page, suite.server.baseUrl, user.username, user.password);
      const alert = page.locator('[data-testid=login-form] [role=alert]');
      await alert.waitFor();
      expect(await alert.innerText()).toMatch(locale === 'en' ? /Too many failed logins: try again in \d+ s/ : /登录失败次数过多，请 \d+ 秒后再试/);
      await screenshot(page, `sessions-throttled-${locale}`);
      await page.close();
    }
  });
});
