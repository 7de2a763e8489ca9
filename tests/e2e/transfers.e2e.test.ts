import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startDemoServer } from '../support/demoServer';
import { chromiumSuite, collectErrors, hasChromium, logIn, newPage, screenshot } from './browser';
import { browserSuite } from './suite';

const PEOPLES = '介休市人民医院';
/** Where the screenshots are looked at (never the repository). */
const SHOTS = '/tmp/shots/transfers';

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  await screenshot(page, `transfers-${name}`);
}

describe.skipIf(!hasChromium)(chromiumSuite('transfers in real Chromium: a township health centre requests, the county hospital accepts, the dispatcher dispatches'), () => {
  const suite = browserSuite((env) => startDemoServer(env), { tablet: true });

  it('goes from the request on one board to the acceptance on the other, the dispatch on the console and the two legs on the tablet, each board following live', async () => {
    const { server, browser, tileOrigin } = suite;
    const township = server.logins.hospitals.find((h) => h.name.endsWith('卫生院'))!;
    const county = server.logins.hospitals.find((h) => h.name === PEOPLES)!;
    const password = (username: string) => server.logins.passwords[username]!;

    // The township health centre (Chinese) fills in the request form.
    const sender = await newPage(browser, { width: 1280, height: 1000 });
    const senderErrors = collectErrors(sender, tileOrigin);
    await logIn(sender, server.baseUrl, township.username, password(township.username));
    await sender.locator('[data-testid=transfer-form]').waitFor();
    const toOption = sender.locator('select[name=toHospitalId] option', { hasText: PEOPLES });
    await sender.selectOption('select[name=toHospitalId]', (await toOption.getAttribute('value'))!);
    expect(await sender.isChecked('input[name=direction][value=up]')).toBe(true);
    await sender.selectOption('select[name=category]', 'newborn_transfer');
    await sender.check('input[name=needs][value=neonatal]');
    await sender.check('input[name=needs][value=monitoring]');
    // Script in the summary stays text.
    await sender.fill('textarea[name=patientSummary]', '新生儿 2 天 呼吸窘迫 <img src=x onerror=alert(1)>');
    // Sent without a receiving hospital first: the refusal names the field in words.
    const chosen = await sender.$eval('select[name=toHospitalId]', (s) => (s as HTMLSelectElement).value);
    await sender.selectOption('select[name=toHospitalId]', '');
    await sender.click('[data-testid=submit-transfer]');
    await sender.locator('.transfers [role=alert]', { hasText: '接收医院' }).waitFor();
    await sender.selectOption('select[name=toHospitalId]', chosen);
    await sender.click('[data-testid=submit-transfer]');
    const outgoing = sender.locator('[data-testid=outgoing-transfers] [data-transfer]').first();
    await outgoing.waitFor();
    expect(await outgoing.locator('[data-testid=transfer-phase]').textContent()).toBe('待接收');
    expect(await outgoing.locator('.transfer-summary').textContent()).toContain('<img src=x onerror=alert(1)>');
    expect(await sender.locator('.transfer-summary img').count()).toBe(0);
    const number = Number(await outgoing.getAttribute('data-transfer'));
    await shot(sender, 'township-zh-requested');

    // The county hospital (English) sees it arrive on its board and accepts.
    const receiver = await newPage(browser, { width: 1280, height: 1000, locale: 'en' });
    const receiverErrors = collectErrors(receiver, tileOrigin);
    await logIn(receiver, server.baseUrl, county.username, password(county.username));
    const incoming = receiver.locator(`[data-testid=incoming-transfers] [data-transfer="${number}"]`);
    await incoming.waitFor();
    expect(await incoming.locator('[data-testid=transfer-phase]').textContent()).toBe('Awaiting answer');
    expect(await incoming.textContent()).toContain('Neonatal vehicle');
    await shot(receiver, 'county-en-incoming');
    await incoming.locator('[data-testid=accept-transfer]').click();
    await receiver.waitForFunction((n) => document.querySelector(`[data-transfer="${n}"] [data-testid=transfer-phase]`)?.textContent === 'Waiting for a vehicle', number);
    // The sender's board follows by push.
    await sender.waitForFunction((n) => document.querySelector(`[data-transfer="${n}"] [data-testid=transfer-phase]`)?.textContent === '排队派车', number);

    // A second one, for later: it holds no vehicle and shows in the dispatcher's "coming" list.
    const { api: senderApi } = await server.as(township.username);
    const { api: receiverApi } = await server.as(county.username);
    const hospitals = await senderApi.call('listHospitals');
    const later = await senderApi.call('requestTransfer', {
      body: {
        fromHospitalId: hospitals.find((h) => h.name === township.name)!.id, toHospitalId: hospitals.find((h) => h.name === PEOPLES)!.id,
        direction: 'up', category: 'stroke', greenChannel: true, patientSummary: '脑卒中 溶栓后', needs: ['monitoring', 'escort'],
        scheduledAt: new Date(Date.now() + 2 * 3600_000).toISOString(),
      },
    });
    await receiverApi.call('acceptTransfer', { params: { id: later.id } });

    // The dispatcher sees the transfer in the queue, marked 转运, and dispatches it like a call.
    const desk = await newPage(browser);
    const deskErrors = collectErrors(desk, tileOrigin);
    await logIn(desk, server.baseUrl, 'dispatcher', password('dispatcher'));
    const row = desk.locator('[data-testid=incident-queue] [data-incident]', { has: desk.locator('[data-testid=transfer-badge]') }).first();
    await row.waitFor();
    expect(await row.locator('[data-testid=transfer-badge]').textContent()).toBe('转运·上转');
    await desk.locator(`[data-testid=coming-transfers] [data-transfer="${later.number}"]`).waitFor();
    await row.click();
    await desk.locator('[data-testid=candidates] li').first().waitFor();
    // Only vehicles with the needs: the neonatal ambulance.
    expect(await desk.locator('[data-testid=candidates] li').first().getAttribute('data-vehicle')).toBe('介休新生儿-01');
    await shot(desk, 'dispatcher-zh-queue');
    await desk.click('[data-testid=dispatch]');
    await desk.locator('[data-testid=assigned-vehicles]').waitFor();

    // Both boards show the vehicle on its way to pick up, with its call sign and ETA.
    await sender.waitForFunction((n) => document.querySelector(`[data-transfer="${n}"] [data-testid=transfer-phase]`)?.textContent === '车辆前往转出医院', number);
    await receiver.waitForFunction((n) => document.querySelector(`[data-transfer="${n}"] [data-testid=transfer-phase]`)?.textContent === 'Vehicle on its way to pick up', number);
    expect(await sender.locator(`[data-transfer="${number}"] .vehicle-tag`).textContent()).toBe('介休新生儿-01');
    expect(await receiver.locator(`[data-transfer="${number}"] [data-testid=transfer-eta]`).textContent()).toMatch(/^ETA \d\d:\d\d/);
    const transfer = (await receiverApi.call('listTransfers')).find((x) => x.number === number)!;
    const incident = await (await server.as('dispatcher')).api.call('getIncident', { params: { id: transfer.incidentId! } });
    expect(incident.assignments[0]?.destinationHospitalId).toBe(hospitals.find((h) => h.name === PEOPLES)!.id);
    await shot(sender, 'township-zh-dispatched');
    await shot(receiver, 'county-en-dispatched');

    // The crew's tablet: two legs, pick up at the health centre, then deliver to the county hospital.
    const crew = server.logins.crews.find((c) => c.callSign === '介休新生儿-01')!;
    const base = (await server.database.db.query(
      `SELECT ST_X(s.location) AS lon, ST_Y(s.location) AS lat FROM vehicles v JOIN stations s ON s.id = v.home_station_id WHERE v.call_sign = $1`, [crew.callSign],
    )).rows[0]!;
    const tablet = await newPage(browser, { width: 1280, height: 800, timeoutMs: 30_000, geolocation: { longitude: base.lon, latitude: base.lat, accuracy: 10 } });
    await logIn(tablet, `${server.baseUrl}/tablet/`, crew.username, password(crew.username));
    await tablet.locator('[data-testid=transfer-legs]').waitFor();
    expect(await tablet.textContent('[data-testid=leg-pickup]')).toBe(`① 接患者：${township.name}`);
    expect(await tablet.textContent('[data-testid=leg-deliver]')).toBe(`② 送往：${PEOPLES}`);
    expect(await tablet.textContent('[data-testid=transfer-needs]')).toBe('转运需求：新生儿转运车、监护');
    await tablet.getByText(`前往接患者 · ${township.name}`).first().waitFor();
    await shot(tablet, 'tablet-zh-pickup');
    for (const step of ['acknowledged', 'en_route', 'on_scene', 'at_patient', 'transporting']) {
      await tablet.click(`button[data-step=${step}]`);
      await tablet.locator(`button[data-step=${step}]`).waitFor({ state: 'detached' });
    }
    await tablet.getByText(`送往 · ${PEOPLES}`).first().waitFor();
    await sender.waitForFunction((n) => document.querySelector(`[data-transfer="${n}"] [data-testid=transfer-phase]`)?.textContent === '转运途中', number);
    await receiver.waitForFunction((n) => document.querySelector(`[data-transfer="${n}"] [data-testid=transfer-phase]`)?.textContent === 'On the way', number);
    await tablet.click('button.lang');
    await tablet.getByText("Deliver to · Jiexiu People's Hospital").first().waitFor();
    await shot(tablet, 'tablet-en-deliver');
    await shot(sender, 'township-zh-transporting');

    // The dispatcher's view in English.
    const deskEn = await newPage(browser, { locale: 'en' });
    await logIn(deskEn, server.baseUrl, 'dispatcher', password('dispatcher'));
    await deskEn.locator('[data-testid=transfer-badge]').first().waitFor();
    expect(await deskEn.locator('[data-testid=transfer-badge]').first().textContent()).toBe('Transfer (Referral up)');
    expect(await deskEn.locator('[data-testid=coming-transfers]').textContent()).toContain('Coming transfers');
    await shot(deskEn, 'dispatcher-en-queue');

    // The one refusal on purpose (no receiving hospital) is the only error any page logged.
    expect(senderErrors.filter((e) => /status of 400/.test(e) && /\/api\/transfers\)$/.test(e))).toHaveLength(1);
    await tablet.context().close();
    expect([...senderErrors.filter((e) => !/status of 400/.test(e)), ...receiverErrors, ...deskErrors]).toEqual([]);
  }, 180_000);
});
