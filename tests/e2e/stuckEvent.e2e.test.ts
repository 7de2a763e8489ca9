import { describe, expect, it } from 'vitest';
import { startDemoServer } from '../support/demoServer';
import { refuseStatusEvents } from '../support/faults';
import { chromiumSuite, hasChromium, logIn, newPage, screenshot } from './browser';
import { browserSuite } from './suite';

/**
 * A crew step the server keeps failing on (a real fault: a trigger in the test's database refuses it with an
 * exception) is parked on the tablet with "send again" and "discard", and the dispatcher's console lists it until
 * the crew resolves it.
 */
describe.skipIf(!hasChromium)(chromiumSuite('a stuck crew step in the tablet and the console'), () => {
  const suite = browserSuite(startDemoServer, { tablet: true, env: { ACK_TIMEOUT_S: '900' } });

  it('shows the parked step to the crew and to the dispatcher, and clears it once the crew sends it again', { timeout: 120_000 }, async () => {
    const { server, browser } = suite;
    const db = server.database.db;
    const crew = server.logins.crews[0]!.username;
    const vehicleId = (await db.query<{ vehicle_id: string }>('SELECT vehicle_id FROM users WHERE username = $1', [crew])).rows[0]!.vehicle_id;
    await refuseStatusEvents(db, 'refuse_acknowledgement', "NEW.status = 'acknowledged'");

    const consolePage = await newPage(browser, { height: 900, timeoutMs: 30_000 });
    await logIn(consolePage, server.baseUrl, server.logins.dispatcher, server.logins.passwords[server.logins.dispatcher]!);
    const tablet = await newPage(browser, { width: 1280, height: 800, timeoutMs: 30_000 });
    await logIn(tablet, `${server.baseUrl}/tablet/`, crew, server.logins.passwords[crew]!);
    await tablet.locator('[data-testid=connection].online').waitFor({ timeout: 15_000 });

    const { api } = await server.as(server.logins.dispatcher);
    const incident = await api.call('createIncident', { body: { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 } });
    await api.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId } });
    await tablet.locator('[data-testid=assignment]').waitFor({ timeout: 10_000 });
    await tablet.click('button[data-step=acknowledged]');

    // Five server faults with backoff, then parked: the next step can be tapped and is delivered.
    const stuck = tablet.locator('[data-testid=stuck-event]');
    await stuck.waitFor({ timeout: 30_000 });
    await expect.poll(() => stuck.innerText()).toContain('已接收');
    await consolePage.locator('[data-testid=stuck-events]').waitFor({ timeout: 10_000 });
    await expect.poll(() => consolePage.locator('[data-testid=stuck-events]').innerText()).toContain('已接收命令');
    await screenshot(tablet, 'tablet-stuck-step');
    await screenshot(consolePage, 'console-stuck-step');
    // A reload of the tablet still shows it (kept in the browser's storage).
    await tablet.reload();
    await tablet.locator('[data-testid=connection].online').waitFor({ timeout: 15_000 });
    await expect.poll(() => stuck.innerText()).toContain('已接收');

    // The same in English.
    await tablet.getByRole('button', { name: 'EN' }).click();
    await expect.poll(() => stuck.innerText()).toContain('Not delivered');
    await consolePage.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => consolePage.locator('[data-testid=stuck-events]').innerText()).toContain('Acknowledged');
    await screenshot(tablet, 'tablet-stuck-step-en');
    await screenshot(consolePage, 'console-stuck-step-en');

    await db.query('DROP TRIGGER refuse_acknowledgement ON status_events');
    await stuck.getByRole('button', { name: 'Send again' }).click();
    await stuck.waitFor({ state: 'detached', timeout: 10_000 });
    await consolePage.locator('[data-testid=stuck-events]').waitFor({ state: 'detached', timeout: 10_000 });
    await expect.poll(async () => (await db.query('SELECT status FROM assignments WHERE vehicle_id = $1', [vehicleId])).rows[0]?.status).toBe('acknowledged');
  });
});
