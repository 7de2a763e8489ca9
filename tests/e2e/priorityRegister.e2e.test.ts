import { mkdirSync } from 'node:fs';
import { DEMO_REGISTER_PHONES, formatAml, type ApiClient } from '@dispatch/protocol';
import { newPbxCallId } from '@dispatch/server/telephony/phonePlayer';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer } from '../support/demoServer';
import { chromiumSuite, collectErrors, hasChromium, logIn, newPage } from './browser';
import { browserSuite } from './suite';

/** Where this suite's screenshots go for a person to look at (never into the repository). */
const SHOTS = process.env.REGISTER_SHOTS_DIR ?? '/tmp/shots/register';
mkdirSync(SHOTS, { recursive: true });
const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

/** 东赵堡, a village of the demo county: the caller stands a few metres off its centre. */
const CALLER = { lon: 111.9731, lat: 37.1135 };
const NUMBER = '13912345681';

const CSV = Buffer.from(
  [
    '健康档案编号,姓名,出生日期,联系电话,现住址,重点人群,档案标识,家庭医生团队,团队联系电话',
    `E2E-0001,李秀英,1948-03-02,${NUMBER},东赵堡村12号,高血压、糖尿病,橙色;红色,城关社区家庭医生一团队,0354-7220001`,
    'E2E-0002,王建国,1990-07-15,13912345682,东赵堡村3号,残疾人,绿色,张兰镇卫生院二团队,13700000002',
    'E2E-0003,周平,1980-05-05,13912345683,,,,,',
    'E2E-0004,陈明,1970-13-40,13912345684,,慢性病,橙色,,',
  ].join('\n'),
  'utf8',
);
const BUNDLE = Buffer.from(
  JSON.stringify({
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { fullUrl: 'urn:uuid:e2e-p1', resource: { resourceType: 'Patient', id: 'E2E-F-1', name: [{ text: '刘桂兰' }], birthDate: '1950-06-01', telecom: [{ system: 'phone', value: '13912345691' }] } },
      { resource: { resourceType: 'Flag', status: 'active', code: { coding: [{ code: 'yellow' }] }, subject: { reference: 'urn:uuid:e2e-p1' } } },
      { resource: { resourceType: 'Flag', status: 'active', code: { text: 'purple' }, subject: { reference: 'urn:uuid:e2e-p1' } } },
    ],
  }),
  'utf8',
);

/**
 * The priority-group register in real Chromium against the real server: the administrator imports a 公卫 CSV and a
 * FHIR bundle and reads the report (zh-CN, English); a call from a registered number pops up with the resident's
 * record flags and family-doctor team beside the intake, and the incident keeps them; the receiving hospital's board
 * shows the colours only.
 */
describe.skipIf(!hasChromium)(chromiumSuite('the priority-group register (重点人群) in real Chromium'), () => {
  const suite = browserSuite(startDemoServer);
  let dispatcher: ApiClient;

  let closedNumber: number;

  beforeAll(async () => {
    dispatcher = (await suite.server.as('dispatcher')).api;
    // A call from a demo resident's number, closed: her family-doctor team has a follow-up notice waiting.
    const closed = await dispatcher.call('createIncident', { body: { location: CALLER, category: 'other', priority: 3, callerPhone: DEMO_REGISTER_PHONES[1] } });
    await dispatcher.call('closeIncident', { params: { id: closed.id } });
    closedNumber = closed.number;
  });

  async function adminPage(locale: 'zh-CN' | 'en') {
    const page = await newPage(suite.browser, { locale, timeoutMs: 20_000 });
    const errors = collectErrors(page, suite.tileOrigin);
    await logIn(page, suite.server.baseUrl, 'admin', suite.server.logins.passwords.admin!);
    await page.locator('[data-testid=nav-register]').click();
    await page.locator('[data-testid=register-screen]').waitFor();
    return { page, errors };
  }

  it('imports a 公卫 CSV on the admin screen: the report in Chinese, the residents searched on the server', { timeout: 90_000 }, async () => {
    const { page, errors } = await adminPage('zh-CN');
    await page.locator('[data-testid=register-file]').setInputFiles({ name: '重点人群.csv', mimeType: 'text/csv', buffer: CSV });
    await page.locator('[data-testid=register-import]').click();
    const counts = page.locator('[data-testid=register-counts]');
    await counts.waitFor();
    expect(await counts.innerText()).toBe('导入结果：新增 2，匹配（已更新） 0，跳过 1，拒绝 1');
    expect(await page.locator('[data-testid=register-report] tr[data-outcome=refused]').innerText()).toMatch(/E2E-0004\s+拒绝\s+格式不对 \(出生日期\)/);
    expect(await page.locator('[data-testid=register-report] tr[data-outcome=skipped]').innerText()).toContain('无重点人群和档案标识');
    await page.locator('[data-testid=register-q]').fill('东赵堡');
    // Searched on the server: the two residents of that village, none of the demo's.
    await page.locator('[data-testid=register-search]', { hasText: '共 2 人' }).waitFor();
    const row = await page.locator('[data-testid=register-residents] tr[data-record=E2E-0001]').innerText();
    expect(row).toMatch(/李秀英\t78\t13912345681\t东赵堡村12号\t慢性病、65岁以上老人.*橙色·慢性病.*红色·重大疾病.*城关社区家庭医生一团队/s);
    expect(await page.locator('[data-testid=register-residents] tbody tr').count()).toBe(2);
    const followUp = page.locator(`[data-testid=register-follow-ups] tr[data-follow-up="${closedNumber}"]`);
    expect(await followUp.innerText()).toMatch(new RegExp(`#${closedNumber}\\s+李卫东\\s+张兰镇卫生院家庭医生团队 0354-7220011.*待送达`, 's'));
    await shot(page, 'admin-import-zh');
    await followUp.locator('button').click();
    await followUp.locator('text=已送达').waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('imports a FHIR bundle with its report in English', { timeout: 60_000 }, async () => {
    const { page, errors } = await adminPage('en');
    await page.locator('[data-testid=register-file]').setInputFiles({ name: 'register.json', mimeType: 'application/json', buffer: BUNDLE });
    await page.locator('[data-testid=register-import]').click();
    const counts = page.locator('[data-testid=register-counts]');
    await counts.waitFor();
    expect(await counts.innerText()).toBe('Import: 1 added, 0 matched (updated), 0 skipped, 1 refused');
    expect(await page.locator('[data-testid=register-report] tr[data-outcome=refused]').innerText()).toMatch(/entry\[2\]\s+E2E-F-1\s+Refused\s+not an allowed value \(Flag\.code\)/);
    await page.locator('[data-testid=register-flag]').selectOption('yellow');
    // Filtered on the server: the demo's blue-flagged child goes, the bundle's yellow-flagged resident stays.
    await page.locator('[data-testid=register-residents] tr[data-record=DEMO-0005]').waitFor({ state: 'detached' });
    expect(await page.locator('[data-testid=register-residents] tr[data-record=E2E-F-1]').innerText()).toMatch(/刘桂兰.*Over 65.*Yellow · severe mental illness/s);
    await shot(page, 'admin-import-en');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows the flags and the team of a call from a registered number, on the call being taken and on the incident', { timeout: 90_000 }, async () => {
    const page = await newPage(suite.browser, { timeoutMs: 20_000 });
    const errors = collectErrors(page, suite.tileOrigin);
    await logIn(page, suite.server.baseUrl, 'dispatcher', suite.server.logins.passwords.dispatcher!);
    await page.locator('[data-testid=place-search]').waitFor();
    const phone = (await suite.server.as('telephony')).api;
    const callId = newPbxCallId();
    await phone.call('reportPhoneCall', {
      body: { event: 'ringing', callId, lineId: '120-1', callerNumber: NUMBER, at: new Date().toISOString(), location: { format: 'aml', message: formatAml({ ...CALLER, radiusM: 30, at: new Date() }) } },
    });
    await page.locator('[data-testid=taking-call]').waitFor();
    const intake = page.locator('[data-testid=intake-register]');
    await intake.waitFor();
    expect(await intake.innerText()).toMatch(/重点人群档案\s*李秀英 · \d+ 岁 · 来电号码匹配/);
    expect(await intake.locator('.record-flag').allInnerTexts()).toEqual(['橙色·慢性病', '红色·重大疾病']);
    expect(await intake.locator('[data-testid=register-team]').innerText()).toBe('家庭医生团队：城关社区家庭医生一团队 0354-7220001');
    await shot(page, 'intake-flags-zh');

    await phone.call('reportPhoneCall', { body: { event: 'answered', callId, lineId: '120-1', callerNumber: NUMBER, at: new Date().toISOString() } });
    await page.fill('input[name=address]', '东赵堡村 12 号');
    await page.selectOption('select[name=category]', 'chest_pain');
    await page.fill('textarea[name=patientSummary]', '女, 78岁, 胸痛伴大汗');
    const created = page.waitForResponse((r) => r.url().endsWith('/api/incidents') && r.request().method() === 'POST');
    await page.press('textarea[name=patientSummary]', 'Enter');
    const incident = (await (await created).json()) as { id: string; number: number };
    const onIncident = page.locator('[data-testid=incident-register]');
    await onIncident.waitFor();
    // The number and the address (spaces aside) both name her.
    expect(await onIncident.innerText()).toMatch(/李秀英.*来电号码匹配 \/ 地址匹配/s);
    await shot(page, 'incident-flags-zh');
    await page.click('.lang-switch button:has-text("EN")');
    await onIncident.locator('text=caller number matches / address matches').waitFor();
    expect(await onIncident.locator('.record-flag').allInnerTexts()).toEqual(['Orange · chronic disease', 'Red · major disease']);
    await shot(page, 'incident-flags-en');
    expect(errors).toEqual([]);
    await page.context().close();

    // The receiving hospital sees the colours on its incoming patient, nothing else of the register.
    const pick = (await dispatcher.call('getRecommendations', { params: { id: incident.id } })).candidates[0]!;
    const offer = await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: pick.vehicleId } });
    const login = suite.server.logins.hospitals[0]!;
    const hospitalId = (await dispatcher.call('listHospitals')).find((h) => h.name === login.name)!.id;
    await dispatcher.call('sendNotice', { params: { id: offer.assignment.id }, body: { hospitalId } });
    const board = await newPage(suite.browser, { timeoutMs: 20_000 });
    const boardErrors = collectErrors(board, suite.tileOrigin);
    await logIn(board, suite.server.baseUrl, login.username, suite.server.logins.passwords[login.username]!);
    const notice = board.locator(`[data-notice="${incident.number}"]`);
    await notice.locator('[data-testid=care-flags]').waitFor();
    expect(await notice.locator('[data-testid=care-flags] .record-flag').allInnerTexts()).toEqual(['红色·重大疾病', '橙色·慢性病']);
    const text = await notice.innerText();
    for (const hidden of ['李秀英', '城关社区', '0354']) expect(text).not.toContain(hidden);
    await shot(board, 'hospital-care-flags-zh');
    expect(boardErrors).toEqual([]);
    await board.context().close();
  });
});

/** The crew's tablet: the task of a call from a number of the demo county's register shows the resident's record. */
describe.skipIf(!hasChromium)(chromiumSuite('the priority-group register on the crew tablet, in real Chromium'), () => {
  const suite = browserSuite(startDemoServer, { console: false, tablet: true });

  it("shows the crew the linked resident's flags, groups and family-doctor team with the task", { timeout: 120_000 }, async () => {
    const { server, browser } = suite;
    const { api: dispatcher } = await server.as('dispatcher');
    const vehicleId = (await server.database.db.query<{ vehicle_id: string }>(`SELECT vehicle_id FROM users WHERE username = 'crew-06'`)).rows[0]!.vehicle_id;
    const page = await newPage(browser, { width: 1280, height: 800, timeoutMs: 30_000 });
    const errors = collectErrors(page, suite.tileOrigin);
    await logIn(page, `${server.baseUrl}/tablet/`, 'crew-06', server.logins.passwords['crew-06']!);
    await page.locator('[data-testid=connection].online').waitFor();
    const incident = await dispatcher.call('createIncident', {
      body: { location: CALLER, category: 'chest_pain', priority: 1, callerPhone: DEMO_REGISTER_PHONES[0], patientSummary: '女, 80岁, 胸痛' },
    });
    await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId } });
    const card = page.locator('[data-testid=task-register]');
    await card.waitFor();
    expect(await card.innerText()).toMatch(/重点人群档案\s*张桂芳 · \d+ 岁/);
    expect(await card.locator('.flag.record').allInnerTexts()).toEqual(['橙色·慢性病', '红色·重大疾病']);
    expect(await card.innerText()).toContain('家庭医生团队：城关社区家庭医生一团队 0354-7220010');
    await shot(page, 'tablet-zh');
    await page.locator('button.lang').click();
    await card.locator('text=Priority-group record').waitFor();
    expect(await card.locator('.flag.record').allInnerTexts()).toEqual(['Orange · chronic disease', 'Red · major disease']);
    await shot(page, 'tablet-en');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
