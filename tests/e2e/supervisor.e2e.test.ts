import { readFile } from 'node:fs/promises';
import type { ApiClient } from '@dispatch/protocol';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer } from '../support/demoServer';
import { dayKey, DAY, expectedStats, insertFixes, KNOWN, knownBase, seedKnownIncidents } from '../support/knownIncidents';
import { chromiumSuite, collectErrors, hasChromium, logIn, newPage, screenshot } from './browser';
import { browserSuite } from './suite';

/**
 * The supervisor's screens in real Chromium against the real server: the live board with a call waiting, the
 * response-time report built from known incidents (figures read from the table and the chart's data), its CSV and
 * Excel downloads, the print view, the incident search and record with the route driven, and the audit log filter.
 */
describe.skipIf(!hasChromium)(chromiumSuite('the supervisor console in real Chromium'), () => {
  const suite = browserSuite(startDemoServer);
  let dispatcher: ApiClient;
  let seeded: Awaited<ReturnType<typeof seedKnownIncidents>>;

  beforeAll(async () => {
    dispatcher = (await suite.server.as('dispatcher')).api;
    seeded = await seedKnownIncidents(suite.server.database.db, dispatcher, (await suite.server.as('telephony')).api);
    const first = seeded.incidents[0]!;
    await insertFixes(suite.server.database.db, seeded.vehicles[0]!.id, [
      [first.dispatchedAt + 30_000, 111.9, 37.02],
      [first.dispatchedAt + 90_000, 111.905, 37.024],
      [first.dispatchedAt + 150_000, 111.913, 37.027],
    ]);
  });

  async function supervisorPage(locale: 'zh-CN' | 'en'): Promise<{ page: Page; errors: string[] }> {
    const page = await newPage(suite.browser, { locale, timeoutMs: 20_000 });
    const errors = collectErrors(page, suite.tileOrigin);
    await logIn(page, suite.server.baseUrl, 'supervisor', suite.server.logins.passwords.supervisor!);
    await page.locator('[data-testid=live-board]').waitFor();
    return { page, errors };
  }

  it('opens on the live board, which shows a new call waiting with its age, the fleet, hospitals, coverage and today\'s indicators', { timeout: 90_000 }, async () => {
    const { page, errors } = await supervisorPage('zh-CN');
    expect(await page.locator('[data-testid=nav-board]').getAttribute('aria-current')).toBe('page');
    const waiting = await dispatcher.call('createIncident', { body: { location: { lon: 111.92, lat: 37.03 }, category: 'trauma', priority: 1, address: '城区迎宾街' } });
    const row = page.locator(`[data-testid=board-waiting] tr[data-incident="${waiting.number}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain('创伤');
    await expect.poll(() => row.locator('[data-testid=waiting-age]').innerText()).toMatch(/^00:0\d$/);
    // The server's alert for the new call, on the board too.
    await expect.poll(() => page.locator('[data-testid=board-alerts]').innerText()).toContain(`${waiting.number} 号警情`);
    const fleet = await dispatcher.call('listVehicles');
    const free = fleet.filter((v) => v.inService && v.state === 'available').length;
    await expect.poll(() => page.locator('[data-testid=board-fleet] tr.sum').innerText()).toMatch(new RegExp(`^合计\\s+${free}\\s+\\d+\\s+\\d+\\s+${fleet.length}$`));
    await page.locator('[data-testid=coverage-share]').waitFor();
    expect(await page.locator('[data-testid=coverage-share]').innerText()).toMatch(/^\d+(\.\d)?%$/);
    await expect.poll(() => page.locator('[data-testid=board-indicators] [data-indicator=answer10s]').innerText()).toContain('≥ 95%');
    expect(await page.locator('[data-testid=answer-sources]').innerText()).toContain('调度员录入');
    await screenshot(page, 'supervisor-board-zh');
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => page.locator('[data-testid=board-waiting]').innerText()).toContain('Trauma');
    await screenshot(page, 'supervisor-board-en');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('draws the response-time breakdown of known incidents with the right figures, and downloads it as CSV and Excel', { timeout: 90_000 }, async () => {
    const { page, errors } = await supervisorPage('zh-CN');
    await page.click('[data-testid=nav-reports]');
    await page.fill('input[name=from]', dayKey(knownBase));
    await page.fill('input[name=to]', dayKey(knownBase + DAY));
    await page.selectOption('select[name=by]', 'station');
    await page.getByRole('button', { name: '查询' }).click();
    const table = page.locator('[data-testid=breakdown-table]');
    const [s0, s1] = seeded.stations;
    const cell = (station: string, interval: string, stat: string) => table.locator(`tr[data-group="${station}"] td[data-interval=${interval}][data-stat=${stat}]`);
    await cell(s0!.id, 'turnout', 'p50').waitFor();
    for (const [index, station] of [s0!, s1!].entries()) {
      const stats = expectedStats(KNOWN.filter((k) => k.station === index));
      for (const [interval, s] of Object.entries(stats)) {
        expect(Number(await cell(station.id, interval, 'p50').getAttribute('data-seconds')), `${interval} p50`).toBeCloseTo(s.p50!, 6);
        expect(Number(await cell(station.id, interval, 'p90').getAttribute('data-seconds')), `${interval} p90`).toBeCloseTo(s.p90!, 6);
      }
    }
    // Two turnouts of 60 s and 120 s: the median 01:30 and the 90th percentile 01:54, shown and drawn.
    expect(await cell(s0!.id, 'turnout', 'p50').innerText()).toBe('01:30');
    expect(await cell(s0!.id, 'turnout', 'p90').innerText()).toBe('01:54');
    const chart = page.locator('[data-testid=breakdown-chart]');
    await chart.locator('canvas').waitFor();
    const series = JSON.parse((await chart.getAttribute('data-series'))!) as { name: string; data: number[] }[];
    const groups = JSON.parse((await chart.getAttribute('data-groups'))!) as string[];
    expect(groups).toEqual(expect.arrayContaining([s0!.name, s1!.name]));
    expect(series.map((s) => s.name)).toEqual(['振铃→接听', '接听→派车', '出车', '途中', '现场', '转运', '交接']);
    expect(series.find((s) => s.name === '出车')!.data[groups.indexOf(s0!.name)]).toBe(90);
    expect(await page.locator('[data-testid=report-answer-sources]').innerText()).toMatch(/电话系统 1.*调度员录入 3/);
    await screenshot(page, 'supervisor-reports-zh');
    await page.getByRole('button', { name: '90百分位' }).click();
    await expect.poll(async () => (JSON.parse((await chart.getAttribute('data-series'))!) as { data: number[] }[])[2]!.data[groups.indexOf(s0!.name)]).toBe(114);

    const csvDownload = page.waitForEvent('download');
    await page.click('[data-testid=export-csv]');
    const csv = await csvDownload;
    expect(csv.suggestedFilename()).toMatch(/^response-times-station-[\d-]+\.csv$/);
    const rows = parse(await readFile((await csv.path())!), { bom: true }) as string[][];
    expect(rows[0]!.slice(0, 2)).toEqual(['站点', '编号']);
    expect(rows.slice(1).map((r) => r[1]).sort()).toEqual([s0!.id, s1!.id].sort());
    const xlsxDownload = page.waitForEvent('download');
    await page.click('[data-testid=export-xlsx]');
    const xlsx = await xlsxDownload;
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile((await xlsx.path())!)) as unknown as ArrayBuffer);
    expect(workbook.worksheets[0]!.rowCount).toBe(3);

    // The print view: white paper, no navigation, no controls.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.section-nav').isVisible()).toBe(false);
    expect(await page.locator('.report-controls').isVisible()).toBe(false);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)');
    await screenshot(page, 'supervisor-reports-print');
    await page.emulateMedia({ media: 'screen' });

    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.selectOption('select[name=by]', 'category');
    await page.getByRole('button', { name: 'Show' }).click();
    await table.locator('tr[data-group=chest_pain]').waitFor();
    expect(await table.locator('tr[data-group=chest_pain] td').first().innerText()).toBe('Chest pain');
    await screenshot(page, 'supervisor-reports-en');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('finds incidents by caller number and opens the record with its timeline and the route driven', { timeout: 90_000 }, async () => {
    const { page, errors } = await supervisorPage('zh-CN');
    await page.click('[data-testid=nav-incidents]');
    await page.fill('input[name=from]', `${dayKey(knownBase)}T00:00`);
    await page.fill('input[name=callerPhone]', '1111 2222');
    await page.getByRole('button', { name: '查询' }).click();
    const first = seeded.incidents[0]!;
    await expect.poll(() => page.locator('[data-testid=search-total]').innerText()).toBe('共 1 条');
    const row = page.locator(`[data-testid=search-results] tr[data-incident="${first.number}"]`);
    expect(await row.innerText()).toContain('张兰镇西街');
    await screenshot(page, 'supervisor-search-zh');
    await row.click();
    await page.locator('[data-testid=incident-record]').waitFor();
    expect(page.url()).toContain(`#/incidents/${first.id}`);
    await expect.poll(() => page.locator('[data-testid=track-map]').getAttribute('data-lines')).toBe('1');
    await page.locator('[data-testid=track-map] path.track-line').waitFor();
    expect(await page.locator('[data-testid=record-timeline] tr[data-step=call_received]').count()).toBe(1);
    expect(await page.locator('[data-testid=record-answer-source]').innerText()).toContain('调度员录入');
    const eido = page.waitForEvent('download');
    await page.getByRole('button', { name: 'NENA EIDO' }).click();
    const eidoFile = JSON.parse(await readFile((await (await eido).path())!, 'utf8')) as { incidentComponent: { localIncidentIdentifier: string } };
    expect(eidoFile.incidentComponent.localIncidentIdentifier).toBe(String(first.number));
    await screenshot(page, 'supervisor-record-zh');
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => page.locator('[data-testid=incident-record]').innerText()).toContain('Route driven');
    await screenshot(page, 'supervisor-record-en');
    await page.goBack();
    await page.locator('[data-testid=incident-search]').waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('filters the audit log by who and what', { timeout: 60_000 }, async () => {
    const { page, errors } = await supervisorPage('zh-CN');
    await page.click('[data-testid=nav-audit]');
    await page.locator('[data-testid=audit-entries] tbody tr').first().waitFor();
    await page.selectOption('select[name=actor]', 'dispatcher');
    await page.fill('input[name=action]', 'incident.created');
    await page.getByRole('button', { name: '筛选' }).click();
    const rows = page.locator('[data-testid=audit-entries] tbody tr');
    await expect.poll(async () => new Set(await rows.evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute('data-actor')} ${tr.getAttribute('data-action')}`)))).toEqual(new Set(['dispatcher incident.created']));
    expect(await rows.count()).toBeGreaterThanOrEqual(KNOWN.length);
    expect(await rows.first().innerText()).toMatch(/调度员[\s\S]*受理警情/);
    await screenshot(page, 'supervisor-audit-zh');
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => page.locator('[data-testid=audit-log]').innerText()).toContain('Audit log');
    await screenshot(page, 'supervisor-audit-en');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
