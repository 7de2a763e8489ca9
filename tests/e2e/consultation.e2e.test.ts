import { copyFile, mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startDemoServer } from '../support/demoServer';
import { chromiumSuite, collectErrors, hasChromium, logIn, newPage, screenshot } from './browser';
import { browserSuite } from './suite';

/** Screenshots also go where the reviewer of this work looks at them. */
const shot = async (page: Page, name: string) => {
  const path = await screenshot(page, `consult-${name}`);
  await mkdir('/tmp/shots/consult', { recursive: true });
  await copyFile(path, `/tmp/shots/consult/${name}.png`);
};

/** A real PNG "photo" of an ECG strip, drawn and captured by the browser itself. */
async function ecgPhoto(page: Page): Promise<Buffer> {
  const beats = Array.from({ length: 8 }, (_, i) => {
    const x = 20 + i * 70;
    return `${x},80 ${x + 20},80 ${x + 26},70 ${x + 32},80 ${x + 38},84 ${x + 42},20 ${x + 47},100 ${x + 52},80 ${x + 62},74 ${x + 70},80`;
  }).join(' ');
  await page.setContent(
    `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="140" style="background:#fde8ec">` +
      `<defs><pattern id="g" width="10" height="10" patternUnits="userSpaceOnUse"><path d="M10 0H0V10" fill="none" stroke="#f4a3b4" stroke-width="0.6"/></pattern></defs>` +
      `<rect width="600" height="140" fill="url(#g)"/><polyline points="${beats}" fill="none" stroke="#111" stroke-width="2"/></svg>`,
  );
  return page.locator('svg').screenshot({ type: 'png' });
}

/**
 * The consultation from the vehicle (远程会诊) in real Chromium against the real server: the crew sends a message
 * and a photo of the ECG strip from the tablet, the receiving hospital's doctor sees them on the board and
 * answers, the crew sees the answer, and the dispatcher reads the thread on the incident. Every text planted with
 * markup stays text.
 */
describe.skipIf(!hasChromium)(chromiumSuite('consultation between the crew tablet and the hospital board in Chromium'), () => {
  const suite = browserSuite(startDemoServer, { tablet: true, env: { ACK_TIMEOUT_S: '900', HOSPITAL_ACK_TIMEOUT_S: '900' } });

  it('carries the crew’s message and photo to the hospital doctor and the answer back, and shows the dispatcher the thread', { timeout: 180_000 }, async () => {
    const { server, browser } = suite;
    const db = server.database.db;
    const { api: dispatcher } = await server.as('dispatcher');
    const hospitalLogin = server.logins.hospitals[0]!;
    const hospitalId = (await dispatcher.call('listHospitals')).find((h) => h.name === hospitalLogin.name)!.id;
    const crewUser = 'crew-05';
    const vehicleId = (await db.query<{ vehicle_id: string }>(`SELECT vehicle_id FROM users WHERE username = $1`, [crewUser])).rows[0]!.vehicle_id;

    const incident = await dispatcher.call('createIncident', {
      body: { location: { lon: 111.92, lat: 37.03 }, category: 'chest_pain', priority: 1, patientSummary: '男, 63岁, 胸痛 40 分钟' },
    });
    const offer = await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId, destinationHospitalId: hospitalId } });
    await dispatcher.call('sendNotice', { params: { id: offer.assignment.id }, body: { hospitalId } });

    // The crew: a message and a photo from the tablet.
    const tablet = await newPage(browser, { width: 1280, height: 800, timeoutMs: 30_000 });
    const tabletErrors = collectErrors(tablet, suite.tileOrigin);
    const photo = await ecgPhoto(tablet);
    await logIn(tablet, `${server.baseUrl}/tablet/`, crewUser, server.logins.passwords[crewUser]!);
    const panel = tablet.locator('[data-testid=consultation-card]');
    await panel.waitFor();
    const planted = '<img src=x onerror=alert(1)> ST 段抬高，请看心电图';
    await panel.locator('[data-testid=consult-input]').fill(planted);
    await panel.locator('[data-testid=consult-send]').click();
    await panel.locator('.consult-entry[data-side=crew]', { hasText: 'ST 段抬高' }).waitFor();
    await panel.locator('[data-testid=consult-file]').setInputFiles({ name: '心电图.png', mimeType: 'image/png', buffer: photo });
    const tabletPhoto = panel.locator('[data-testid=consult-photo]');
    await tabletPhoto.waitFor();
    await expect.poll(() => tabletPhoto.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(600);
    await panel.locator('[data-vital=heartRate]').fill('118');
    await panel.locator('[data-vital=systolicBp]').fill('92');
    await panel.locator('[data-vital=diastolicBp]').fill('60');
    await panel.locator('[data-vital=spo2]').fill('93');
    await panel.locator('[data-testid=consult-record-vitals]').click();
    await panel.locator('[data-testid=consult-vitals] tbody tr').waitFor();
    // A file of another type is refused before it is sent, in words.
    await panel.locator('[data-testid=consult-file]').setInputFiles({ name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<script>alert(1)</script>') });
    await expect.poll(() => panel.locator('[data-testid=consult-error]').innerText()).toContain('只接受 JPEG、PNG 照片或 PDF 文件');

    // The receiving hospital's doctor: the thread on the incoming patient, and an answer to the crew's question.
    const board = await newPage(browser, { timeoutMs: 30_000 });
    const boardErrors = collectErrors(board, suite.tileOrigin);
    await logIn(board, server.baseUrl, hospitalLogin.username, server.logins.passwords[hospitalLogin.username]!);
    const notice = board.locator(`[data-notice="${incident.number}"]`);
    const thread = notice.locator('[data-testid=consultation]');
    await thread.waitFor();
    await thread.locator('.consult-entry[data-side=crew]', { hasText: 'ST 段抬高' }).waitFor();
    const boardPhoto = thread.locator('[data-testid=consult-photo]');
    await expect.poll(() => boardPhoto.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(600);
    expect(await thread.locator('[data-testid=consult-vitals] tbody').innerText()).toMatch(/118\s+92\/60\s+93/);
    await thread.locator('.consult-entry[data-side=crew]', { hasText: 'ST 段抬高' }).locator('[data-testid=consult-reply]').click();
    const answer = '<b>按 STEMI 处理</b>，直送导管室，途中阿司匹林 300mg 嚼服';
    await thread.locator('[data-testid=consult-input]').fill(answer);
    await thread.locator('[data-testid=consult-send]').click();
    await thread.locator('.consult-entry[data-side=hospital]', { hasText: '直送导管室' }).waitFor();
    await shot(board, 'hospital-board-zh');

    // The crew sees the doctor's answer, marked as the answer to its question.
    const answered = panel.locator('.consult-entry[data-side=hospital]', { hasText: '直送导管室' });
    await answered.waitFor();
    expect(await answered.innerText()).toContain('医生答复');
    expect(await answered.innerText()).toContain('答复：<img src=x onerror=alert(1)> ST 段抬高');
    expect(await answered.locator('.consult-text').innerText()).toBe(answer);
    await panel.scrollIntoViewIfNeeded();
    await shot(tablet, 'tablet-zh');

    // The dispatcher reads the thread on the incident.
    const desk = await newPage(browser, { height: 1100, timeoutMs: 30_000 });
    const deskErrors = collectErrors(desk, suite.tileOrigin);
    await logIn(desk, server.baseUrl, 'dispatcher', server.logins.passwords.dispatcher!);
    await desk.locator(`.queue-row[data-incident="${incident.number}"]`).click();
    const deskThread = desk.locator('[data-testid=incident-consultations] [data-testid=consultation]');
    await deskThread.locator('.consult-entry[data-side=hospital]', { hasText: '直送导管室' }).waitFor();
    await deskThread.scrollIntoViewIfNeeded();
    await shot(desk, 'dispatcher-zh');

    // Nothing planted became markup on any screen.
    for (const page of [tablet, board, desk]) {
      expect(await page.locator('img[src="x"], b:has-text("按 STEMI 处理")').count()).toBe(0);
    }

    // English on each screen.
    await tablet.locator('button.lang').click();
    await expect.poll(() => answered.innerText()).toContain("Doctor's answer");
    await expect.poll(() => panel.locator('.consult-title').innerText()).toContain('Consultation');
    await shot(tablet, 'tablet-en');
    await board.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => thread.locator('caption').innerText()).toBe('Vital signs');
    await shot(board, 'hospital-board-en');
    await desk.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => desk.locator('[data-testid=incident-consultations] .panel-title').innerText()).toContain('Consultation');
    await deskThread.scrollIntoViewIfNeeded();
    await shot(desk, 'dispatcher-en');

    expect([...tabletErrors, ...boardErrors, ...deskErrors]).toEqual([]);
    for (const page of [tablet, board, desk]) await page.context().close();
  });
});
