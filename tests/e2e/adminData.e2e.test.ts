import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { ApiClient } from '@dispatch/protocol';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer } from '../support/demoServer';
import { chromiumSuite, collectErrors, hasChromium, logIn, newPage } from './browser';
import { browserSuite } from './suite';

/** Where this suite's screenshots go for a person to look at (never into the repository). */
const SHOTS = process.env.ADMIN_SHOTS_DIR ?? '/tmp/shots/f6';
mkdirSync(SHOTS, { recursive: true });
const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

const stationsCsv = (rows: string[]) => Buffer.from(['编码,名称,英文名称,类型,地址,经度,纬度', ...rows].join('\n'), 'utf8');
const badStations = stationsCsv([
  'E-001,浏览器分站一,Browser Substation 1,substation,城区 1 号,111.93,37.03',
  'E-002,,,substation,,111.94,37.04',
  'E-003,浏览器分站三,,hub,,111.95,37.05',
  'E-004,浏览器分站四,,substation,,abc,37.05',
]);
const goodStations = stationsCsv(['E-001,浏览器分站一,Browser Substation 1,substation,城区 1 号,111.93,37.03', 'E-005,浏览器分站五,,substation,"东街 5 号",111.96,37.06']);

/**
 * The administrator's road networks, operator data and bulk import screens in real Chromium against the real server:
 * a file with bad rows previewed with every error in Chinese (and in English), nothing stored; the fixed file
 * imported; the export downloaded and checked row by row against the server; a road file uploaded with the job
 * followed to its end; a speed changed.
 */
describe.skipIf(!hasChromium)(chromiumSuite('administrator data screens in real Chromium'), () => {
  const suite = browserSuite(startDemoServer);
  let admin: ApiClient;

  beforeAll(async () => {
    admin = (await suite.server.as('admin')).api;
  });

  async function adminPage(locale: 'zh-CN' | 'en', section: string): Promise<{ page: Page; errors: string[] }> {
    const page = await newPage(suite.browser, { locale, timeoutMs: 20_000 });
    const errors = collectErrors(page, suite.tileOrigin);
    await logIn(page, suite.server.baseUrl, 'admin', suite.server.logins.passwords.admin!);
    await page.locator('[data-testid=nav-import]').waitFor();
    await page.locator(`[data-testid=nav-${section}]`).click();
    return { page, errors };
  }
  const rowErrors = (page: Page, row: number) => page.locator(`[data-testid=bulk-rows] tr[data-row="${row}"] [data-testid=row-error]`).allInnerTexts();

  it('previews a file with bad rows, every error shown in Chinese beside its row and column, and stores nothing', { timeout: 90_000 }, async () => {
    const { page, errors } = await adminPage('zh-CN', 'import');
    await page.locator('[data-testid=bulk-kind]').selectOption('stations');
    await page.locator('[data-testid=bulk-file]').setInputFiles({ name: '站点.csv', mimeType: 'text/csv', buffer: badStations });
    await page.locator('[data-testid=bulk-preview]').click();
    await page.locator('[data-testid=bulk-has-errors]').waitFor();
    expect(await page.locator('[data-testid=bulk-has-errors]').innerText()).toContain('不会存储任何一行');
    expect(await rowErrors(page, 3)).toEqual(['名称：不能为空']);
    expect(await rowErrors(page, 4)).toEqual(['类型：不是允许的取值']);
    expect(await rowErrors(page, 5)).toEqual(['经度：格式不正确']);
    expect(await page.locator('[data-testid=bulk-rows] tr[data-row="2"]').innerText()).toContain('新增');
    expect(await page.locator('[data-testid=bulk-commit]').isDisabled()).toBe(true);
    // No English on the Chinese screen: the server's English details stay out of it.
    expect(await page.locator('[data-testid=bulk-preview-result]').innerText()).not.toMatch(/[a-z]{4,}/);
    await shot(page, 'bulk-preview-errors-zh');
    expect((await admin.call('listStations')).some((s) => s.code.startsWith('E-'))).toBe(false);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows the same errors in English', { timeout: 60_000 }, async () => {
    const { page, errors } = await adminPage('en', 'import');
    await page.locator('[data-testid=bulk-file]').setInputFiles({ name: 'stations.csv', mimeType: 'text/csv', buffer: badStations });
    await page.locator('[data-testid=bulk-preview]').click();
    await page.locator('[data-testid=bulk-has-errors]').waitFor();
    expect(await rowErrors(page, 3)).toEqual(['name: is empty']);
    expect(await rowErrors(page, 4)).toEqual(['kind: is not an allowed value']);
    await shot(page, 'bulk-preview-errors-en');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('imports the fixed file, and exports CSV and Excel files that match the stored stations row by row', { timeout: 90_000 }, async () => {
    const { page, errors } = await adminPage('zh-CN', 'import');
    await page.locator('[data-testid=bulk-file]').setInputFiles({ name: '站点.csv', mimeType: 'text/csv', buffer: goodStations });
    await page.locator('[data-testid=bulk-preview]').click();
    await expect.poll(() => page.locator('[data-testid=bulk-commit]').isEnabled()).toBe(true);
    await page.locator('[data-testid=bulk-commit]').click();
    await page.locator('[data-testid=bulk-committed]').waitFor();
    expect(await page.locator('[data-testid=bulk-committed]').innerText()).toBe('已导入：新增 2，更新 0，无变化 0。');
    await shot(page, 'bulk-committed-zh');
    const stations = (await admin.call('listStations')).sort((a, b) => (a.code < b.code ? -1 : 1));
    expect(stations.filter((s) => s.code.startsWith('E-')).map((s) => s.name)).toEqual(['浏览器分站一', '浏览器分站五']);

    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=bulk-export-csv]').click()]);
    expect(csvDownload.suggestedFilename()).toBe('stations.csv');
    const csvRows = parse(await readFile((await csvDownload.path())!), { bom: true }) as string[][];
    expect(csvRows[0]).toEqual(['编码', '名称', '英文名称', '类型', '地址', '经度', '纬度']);
    // The kind as the county writes it (分站), in the screen's language.
    const kindWord = { centre: '急救中心', substation: '分站' } as const;
    const expected = stations.map((s) => [s.code, s.name, s.nameEn ?? '', kindWord[s.kind], s.address ?? '', String(s.location.lon), String(s.location.lat)]);
    expect(csvRows.slice(1)).toEqual(expected);

    const [xlsxDownload] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=bulk-export-xlsx]').click()]);
    expect(xlsxDownload.suggestedFilename()).toBe('stations.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile((await xlsxDownload.path())!)) as unknown as ArrayBuffer);
    const sheetRows: string[][] = [];
    workbook.worksheets[0]!.eachRow((row) => sheetRows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
    expect(sheetRows).toEqual(csvRows.map((r) => r.map((c) => c)));
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows imported logins\' one-time passwords once, in the result', { timeout: 60_000 }, async () => {
    const { page, errors } = await adminPage('zh-CN', 'import');
    await page.locator('[data-testid=bulk-kind]').selectOption('users');
    const users = Buffer.from(['用户名,显示名,角色,车辆呼号,医院编码', 'e-disp1,浏览器调度员,dispatcher,,', 'e-super1,浏览器值班长,supervisor,,'].join('\n'));
    await page.locator('[data-testid=bulk-file]').setInputFiles({ name: '用户.csv', mimeType: 'text/csv', buffer: users });
    await page.locator('[data-testid=bulk-preview]').click();
    await expect.poll(() => page.locator('[data-testid=bulk-commit]').isEnabled()).toBe(true);
    await page.locator('[data-testid=bulk-commit]').click();
    await page.locator('[data-testid=bulk-passwords]').waitFor();
    const lines = await page.locator('[data-testid=bulk-passwords] tr').allInnerTexts();
    expect(lines.map((l) => l.split('\t')[0])).toEqual(['e-disp1', 'e-super1']);
    await shot(page, 'bulk-users-passwords-zh');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('uploads a road file, follows its import job to the end, and lists the region with its report', { timeout: 90_000 }, async () => {
    const { page, errors } = await adminPage('zh-CN', 'roads');
    await page.locator('[data-testid=road-regions] tr[data-region]').first().waitFor();
    const line = (coordinates: number[][]) => ({ type: 'Feature', properties: { highway: 'residential', name: '测试路' }, geometry: { type: 'LineString', coordinates } });
    // As overpass turbo exports it: a footway and a point among the roads, left out and said so.
    const footway = { type: 'Feature', properties: { highway: 'footway' }, geometry: { type: 'LineString', coordinates: [[111.9, 37.0], [111.9, 37.01]] } };
    const point = { type: 'Feature', properties: { highway: 'traffic_signals' }, geometry: { type: 'Point', coordinates: [111.91, 37.0] } };
    const geojson = JSON.stringify({ type: 'FeatureCollection', features: [line([[111.9, 37.0], [111.91, 37.0]]), line([[111.91, 37.0], [111.91, 37.01]]), footway, point] });
    await page.locator('[data-testid=road-file]').setInputFiles({ name: 'browser-test.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(geojson) });
    expect(await page.locator('[data-testid=road-region]').inputValue()).toBe('browser-test');
    await page.locator('[data-testid=road-upload]').click();
    await page.locator('[data-testid=road-jobs] tr[data-state=completed]').waitFor();
    expect(await page.locator('[data-testid=road-jobs] tr[data-state=completed]').innerText()).toContain('已完成');
    await page.locator('[data-testid=road-regions] tr[data-region=browser-test]').waitFor();
    expect(await page.locator('[data-testid=road-regions] tr[data-region=browser-test]').innerText()).toContain('设为在用');
    const skipped = await page.locator('[data-testid=road-regions] tr[data-region=browser-test] [data-testid=road-skipped]').innerText();
    expect(skipped).toContain('1 非机动车道 (footway)');
    expect(skipped).toContain('1 非线要素 (Point)');
    await shot(page, 'roads-zh');
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => page.locator('[data-testid=road-regions]').innerText()).toContain('Make live');
    expect(await page.locator('[data-testid=road-regions] tr[data-region=browser-test]').innerText()).toContain('1 not for cars (footway)');
    await shot(page, 'roads-en');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('changes a road-class speed and a category requirement from the operator data screen', { timeout: 60_000 }, async () => {
    const { page, errors } = await adminPage('zh-CN', 'settings');
    await page.locator('[data-testid=speed-residential]').fill('20');
    await page.locator('[data-testid=save-speeds]').click();
    await expect.poll(() => page.locator('[data-testid=operator-data] [role=status]').innerText()).toMatch(/已保存：重新计算了 \d+ 个区域共 [\d,]+ 条路段/);
    expect((await admin.call('listRoadClassSpeeds')).speeds.find((s) => s.highway === 'residential')!.kmh).toBe(20);
    await page.locator('[data-testid=speed-tertiary]').fill('0');
    expect(await page.locator('[data-testid=save-speeds]').isDisabled()).toBe(true);
    await page.locator('[data-testid=speed-tertiary]').fill('38');
    const stroke = page.locator('[data-testid=category-requirements] tr[data-category=stroke]');
    await stroke.locator('label.chip', { hasText: '移动CT' }).click();
    await expect.poll(() => stroke.locator('label.chip.on', { hasText: '移动CT' }).count()).toBe(1);
    await page.locator('[data-testid=save-category-stroke]').click();
    await expect.poll(async () => (await admin.call('listCategoryRequirements')).find((c) => c.category === 'stroke')!.vehicleCapabilities).toContain('mobile_ct');
    await shot(page, 'settings-zh');
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => page.locator('[data-testid=road-speeds]').innerText()).toContain('Residential');
    await shot(page, 'settings-en');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows another administrator\'s change on an open settings screen, and an open desk reads its road region again', { timeout: 60_000 }, async () => {
    const { page, errors } = await adminPage('zh-CN', 'settings');
    await expect.poll(() => page.locator('[data-testid=speed-motorway]').inputValue()).not.toBe('');
    const desk = await newPage(suite.browser, { locale: 'zh-CN', timeoutMs: 20_000 });
    await logIn(desk, suite.server.baseUrl, 'dispatcher', suite.server.logins.passwords.dispatcher!);
    await desk.locator('[data-testid=map]').waitFor();
    const regionRead = desk.waitForRequest((r) => r.url().endsWith('/api/roads/region'), { timeout: 20_000 });
    const motorway = (await admin.call('listRoadClassSpeeds')).speeds.find((s) => s.highway === 'motorway')!;
    await admin.call('updateRoadClassSpeeds', { body: { speeds: [{ highway: 'motorway', kmh: motorway.kmh - 1 }] } });
    await expect.poll(() => page.locator('[data-testid=speed-motorway]').inputValue()).toBe(String(motorway.kmh - 1));
    await regionRead;
    await admin.call('updateRoadClassSpeeds', { body: { speeds: [motorway] } });
    expect(errors).toEqual([]);
    await desk.context().close();
    await page.context().close();
  });
});
