import type { ApiClient, PhoneCallDto } from '@dispatch/protocol';
import { NEIGHBOUR_PHONE_LINE } from '@dispatch/server/demo/demoNeighbour';
import { newPbxCallId } from '@dispatch/server/telephony/phonePlayer';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api';
import { loginAs } from '../support/server';
import { chromiumSuite, collectErrors, hasChromium, logIn, newPage, shotsIn } from './browser';
import { browserSuite, startCentresServer } from './suite';

const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots/centre-phone';
const shot = shotsIn(SHOTS);

describe.skipIf(!hasChromium)(chromiumSuite("phone calls of several centres: each county's console pops up its own line's calls, the province's names each call's centre, in real Chromium"), () => {
  const suite = browserSuite(startCentresServer);
  let phone: ApiClient;

  beforeAll(async () => {
    phone = apiClient(suite.server.baseUrl, await loginAs(suite.server.baseUrl, 'telephony', suite.server.logins.passwords.telephony!));
  });

  /** The phone system reports a call ringing on a line (the PBX edge, played by the test). */
  const ring = (lineId: string, callerNumber: string): Promise<PhoneCallDto> =>
    phone.call('reportPhoneCall', { body: { event: 'ringing', callId: newPbxCallId(), lineId, callerNumber, at: new Date().toISOString() } });

  it("shows the province every centre's ringing calls with the centre whose line rang (zh-CN and English)", async () => {
    const theirs = await ring(NEIGHBOUR_PHONE_LINE, '13912347001');
    const ours = await ring('120-1', '13912347002');
    for (const locale of ['zh-CN', 'en'] as const) {
      const page = await newPage(suite.browser, { width: 1366, height: 900, locale, timeoutMs: 20_000 });
      const errors = collectErrors(page, suite.tileOrigin);
      await logIn(page, `${suite.server.baseUrl}/#/dispatch`, 'province', suite.server.logins.passwords.province!);
      const calls = page.locator('[data-testid=incoming-calls]');
      const row = (call: PhoneCallDto) => calls.locator(`[data-call="${call.pbxCallId}"]`);
      await row(theirs).waitFor();
      await row(ours).waitFor();
      expect(await row(theirs).locator('[data-testid=call-centre]').innerText()).toBe(locale === 'en' ? 'Pingyao 120 Dispatch Centre' : '平遥县120急救指挥中心');
      expect(await row(ours).locator('[data-testid=call-centre]').innerText()).toBe(locale === 'en' ? 'Jiexiu 120 Dispatch Centre' : '介休市120急救指挥中心');
      await shot(page, `${locale}-1-province-calls`);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it("names the centre whose line rang on the province's call being taken, as in the list (zh-CN and English)", async () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const theirs = await ring(NEIGHBOUR_PHONE_LINE, locale === 'en' ? '13912347006' : '13912347005');
      const page = await newPage(suite.browser, { width: 1366, height: 900, locale, timeoutMs: 20_000 });
      const errors = collectErrors(page, suite.tileOrigin);
      await logIn(page, `${suite.server.baseUrl}/#/dispatch`, 'province', suite.server.logins.passwords.province!);
      const row = page.locator(`[data-testid=incoming-calls] [data-call="${theirs.pbxCallId}"]`);
      await row.waitFor();
      // A ringing call pops up into the blank intake by itself (the first one); ours is taken unless it was that one.
      const card = page.locator('[data-testid=taking-call]');
      await card.waitFor();
      if (!(await card.innerText()).includes(theirs.callerPhone!)) await row.locator('[data-testid=take-call]').click();
      await card.filter({ hasText: theirs.callerPhone! }).waitFor();
      const tag = card.locator('[data-testid=call-centre]');
      const name = locale === 'en' ? 'Pingyao 120 Dispatch Centre' : '平遥县120急救指挥中心';
      expect(await tag.innerText()).toBe(name);
      expect(await tag.getAttribute('title')).toBe(locale === 'en' ? `Rang on the line of ${name}` : `来电线路所属中心：${name}`);
      // The same tag as the list's: one look for the centre of a call wherever it is shown.
      expect(await tag.getAttribute('class')).toBe(await row.locator('[data-testid=call-centre]').getAttribute('class'));
      // Shown whole, on the card's line beside the line's number.
      expect(await tag.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
      expect(await card.innerText()).toContain(locale === 'en' ? `Line ${NEIGHBOUR_PHONE_LINE}` : `线路 ${NEIGHBOUR_PHONE_LINE}`);
      await shot(page, `${locale}-3-province-taking-call`);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it("pops up only the demo county's own calls on its dispatcher's console, without a centre tag", async () => {
    const page = await newPage(suite.browser, { width: 1366, height: 900, timeoutMs: 20_000 });
    const errors = collectErrors(page, suite.tileOrigin);
    await logIn(page, suite.server.baseUrl, 'dispatcher', suite.server.logins.passwords.dispatcher!);
    const calls = page.locator('[data-testid=incoming-calls]');
    // Both ring while the console is open: Pingyao's first, so once the county's own is shown, Pingyao's would be too.
    const theirs = await ring(NEIGHBOUR_PHONE_LINE, '13912347003');
    const ours = await ring('120-1', '13912347004');
    await calls.locator(`[data-call="${ours.pbxCallId}"]`).waitFor();
    expect(await calls.locator(`[data-call="${theirs.pbxCallId}"]`).count()).toBe(0);
    expect(await calls.locator('[data-testid=call-centre]').count()).toBe(0);
    // Nor on the call being taken: a county's staff see only their own.
    const card = page.locator('[data-testid=taking-call]');
    await card.waitFor();
    if (!(await card.innerText()).includes(ours.callerPhone!)) await calls.locator(`[data-call="${ours.pbxCallId}"] [data-testid=take-call]`).click();
    await card.filter({ hasText: ours.callerPhone! }).waitFor();
    expect(await page.locator('[data-testid=taking-call] [data-testid=call-centre]').count()).toBe(0);
    await shot(page, 'zh-CN-2-county-calls');
    expect(errors).toEqual([]);
    await page.close();
  });
});
