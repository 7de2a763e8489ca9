import { mkdirSync } from 'node:fs';
import { formatAml, type ApiClient, type PhoneCallDto } from '@dispatch/protocol';
import { newPbxCallId } from '@dispatch/server/telephony/phonePlayer';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer } from '../support/demoServer';
import { chromiumSuite, collectErrors, hasChromium, logIn, newPage } from './browser';
import { browserSuite } from './suite';

/** 东赵堡, a village of the demo county: the caller stands a few metres off its centre. */
const CALLER = { lon: 111.9731, lat: 37.1135 };
const NUMBER = '13912345601';
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots/f1';

describe.skipIf(!hasChromium)(chromiumSuite('the phone system pops up the intake (来电弹屏), in real Chromium'), () => {
  const suite = browserSuite(startDemoServer);
  let page: Page;
  let errors: string[];
  let phone: ApiClient;
  let dispatcher: ApiClient;

  /** The phone system reports an event of a call (the PBX edge, played by the test). */
  const report = (event: 'ringing' | 'answered' | 'ended', callId: string, extra: object = {}): Promise<PhoneCallDto> =>
    phone.call('reportPhoneCall', { body: { event, callId, lineId: '120-1', callerNumber: NUMBER, at: new Date().toISOString(), ...extra } });
  const shot = (name: string) => page.screenshot({ path: `${SHOTS}/${name}.png` });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    phone = (await suite.server.as('telephony')).api;
    dispatcher = (await suite.server.as('dispatcher')).api;
    // The number called once before: a fall, cancelled (the patient went by himself).
    const earlier = await dispatcher.call('createIncident', {
      body: { location: CALLER, address: '东赵堡村 12号', category: 'trauma', priority: 3, callerPhone: NUMBER },
    });
    await dispatcher.call('cancelIncident', { params: { id: earlier.id }, body: { reason: '患者自行就医' } });
    page = await newPage(suite.browser);
    errors = collectErrors(page, suite.tileOrigin);
    await logIn(page, suite.server.baseUrl, 'dispatcher', suite.server.logins.passwords.dispatcher!);
    await page.locator('[data-testid=place-search]').waitFor();
  });

  it("pops up the intake with the number, the caller's circle on the map and the caller's history; the incident keeps the call's times", async () => {
    const callId = newPbxCallId();
    const ringing = await report('ringing', callId, { location: { format: 'aml', message: formatAml({ ...CALLER, radiusM: 30, at: new Date() }) } });
    const taking = page.locator('[data-testid=taking-call]');
    await taking.waitFor();
    expect(await taking.textContent()).toContain(NUMBER);
    expect(await page.inputValue('input[name=callerPhone]')).toBe(NUMBER);
    expect(await page.locator('[data-testid=caller-location]').textContent()).toBe('来电定位：半径 30 米 · 手机卫星定位 (AML)');
    await page.locator('path.caller-circle').waitFor();
    // A precise fix is where the patient is: the intake took the point.
    expect(await page.locator('[data-testid=picked-location]').textContent()).toContain('111.97310');
    const history = page.locator('[data-testid=caller-history]');
    await history.locator('li').first().waitFor();
    expect(await history.textContent()).toMatch(/该号码既往警情.*创伤 · 未派车.*东赵堡村 12号/);
    // Located already: the intake's keyboard is on the category, what the call-taker asks next.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('category');
    await shot('popup-zh');

    const answered = await report('answered', callId);
    await page.locator('[data-testid=taking-call] .state.answered').waitFor();
    await page.selectOption('select[name=category]', 'stroke');
    await page.fill('textarea[name=patientSummary]', '男, 72岁, 突发左侧肢体无力');
    const created = page.waitForResponse((r) => r.url().endsWith('/api/incidents') && r.request().method() === 'POST');
    await page.press('textarea[name=patientSummary]', 'Enter');
    const incident = (await (await created).json()) as { id: string; number: number; callReceivedAt: string; callAnsweredAt: string; callerPhone: string };
    expect(Date.parse(incident.callReceivedAt)).toBe(Date.parse(ringing.ringingAt!));
    expect(Date.parse(incident.callAnsweredAt)).toBe(Date.parse(answered.answeredAt!));
    expect(incident.callerPhone).toBe(NUMBER);
    await report('ended', callId, { recordingRef: `rec/${callId}.wav` });
    // The incident shows its call-back number, its call's times and its recording.
    const detail = page.locator('[data-testid=incident-calls]');
    await detail.locator(`text=rec/${callId}.wav`).waitFor();
    expect(await detail.textContent()).toContain(`回拨号码 ${NUMBER}`);
    await page.locator('[data-testid=timeline] tr[data-status=call_received] .caller').waitFor();
    await taking.waitFor({ state: 'detached' });
    await shot('incident-from-call-zh');
  });

  it('offers a second call from the same number as a follow-up (催车) of the open incident, linked by keyboard onto its timeline', async () => {
    const open = (await dispatcher.call('listIncidents')).find((i) => i.callerPhone === NUMBER && i.status === 'open')!;
    const callId = newPbxCallId();
    await report('ringing', callId, { location: { format: 'aml', message: formatAml({ lon: CALLER.lon + 0.0005, lat: CALLER.lat, radiusM: 20, at: new Date() }) } });
    await page.locator('[data-testid=taking-call]').waitFor();
    await report('answered', callId);
    const related = page.locator('[data-testid=related-incidents]');
    await related.locator(`li[data-incident="${open.number}"]`).waitFor();
    expect(await related.textContent()).toMatch(/可能是同一事件.*同一号码.*附近（300 米内、30 分钟内）/);
    await page.fill('textarea[name=patientSummary]', '家属催车, 患者说话不清');
    await shot('follow-up-offer-zh');

    const before = (await dispatcher.call('listIncidents')).length;
    const link = related.locator(`li[data-incident="${open.number}"] [data-testid=link-follow-up]`);
    await link.focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=toast]', { hasText: `已作为催车/重复来电记入 #${open.number}` }).waitFor();
    const entry = page.locator('[data-testid=timeline] tr[data-status=call_follow_up]');
    await entry.waitFor();
    expect(await entry.textContent()).toMatch(new RegExp(`催车/重复来电.*☎ ${NUMBER}.*家属催车, 患者说话不清`));
    expect(await page.locator('[data-testid=incident-calls]').textContent()).toContain('催车/重复来电 1 次');
    expect((await dispatcher.call('listIncidents')).length).toBe(before);
    await shot('follow-up-linked-zh');
  });

  it('says the same in English, a carrier cell circle framing the map without taking a point', async () => {
    await page.click('.lang-switch button:has-text("EN")');
    const callId = newPbxCallId();
    // The same caller a third time, now located by the cell only.
    await phone.call('reportPhoneCall', {
      body: { event: 'ringing', callId, lineId: '120-2', callerNumber: NUMBER, at: new Date().toISOString(), location: { format: 'cell', lon: CALLER.lon + 0.005, lat: CALLER.lat, radiusM: 1500 } },
    });
    await page.locator('[data-testid=taking-call]').waitFor();
    expect(await page.locator('[data-testid=caller-location]').textContent()).toBe('Caller location: within 1500 m · Carrier cell');
    expect(await page.locator('[data-testid=picked-location]').textContent()).not.toMatch(/111\.97/);
    expect(await page.locator('[data-testid=incoming-calls]').textContent()).toMatch(new RegExp(`Incoming calls.*${NUMBER}.*Line 120-2.*Ringing.*Taking a call`));
    const related = page.locator('[data-testid=related-incidents]');
    await related.locator('li').first().waitFor();
    expect(await related.textContent()).toMatch(/Possibly the same emergency \(open incidents\).*same number.*nearby \(within 300 m, 30 min\).*Link as follow-up call/);
    await page.locator('[data-testid=caller-history] li').first().waitFor();
    expect(await page.locator('[data-testid=caller-history]').textContent()).toMatch(/Earlier incidents from this number.*Stroke.*Trauma · No vehicle sent/);
    await shot('popup-cell-en');
    await page.click('.intake button.ghost:has-text("Clear")');
    await page.click('.lang-switch button:has-text("中文")');
    expect(errors).toEqual([]);
  });

  it('measures keys and seconds from a ringing call with a handset fix to a dispatched vehicle', async () => {
    const started = Date.now();
    const callId = newPbxCallId();
    await phone.call('reportPhoneCall', {
      body: { event: 'ringing', callId, lineId: '120-1', callerNumber: '13912345603', at: new Date().toISOString(), location: { format: 'aml', message: formatAml({ lon: 111.9411, lat: 37.1125, radiusM: 15, at: new Date() }) } },
    });
    await page.locator('[data-testid=taking-call]').waitFor();
    // The intake has the number and the point and the keyboard is on the category: ↓ chooses the first (胸痛),
    // Enter takes the call, D sends the first vehicle.
    const keys = ['ArrowDown', 'Enter', 'D'];
    const created = page.waitForResponse((r) => r.url().endsWith('/api/incidents') && r.request().method() === 'POST');
    await page.keyboard.press(keys[0]!);
    await page.keyboard.press(keys[1]!);
    const { number } = (await (await created).json()) as { number: number };
    await page.locator('.col-right', { hasText: `#${number}` }).locator('[data-testid=dispatch]:enabled').waitFor();
    await page.keyboard.press(keys[2]!);
    await page.locator('[data-testid=toast]', { hasText: '已派' }).waitFor();
    const seconds = (Date.now() - started) / 1000;
    console.log(JSON.stringify({ measure: 'ringing call to dispatched vehicle', keys: keys.length, seconds }));
    await shot('dispatched-from-call-zh');
    expect(errors).toEqual([]);
  });
});
