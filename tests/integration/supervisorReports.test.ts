import { randomUUID } from 'node:crypto';
import type { BreakdownDto, ResponseInterval } from '@dispatch/protocol';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectRefusal } from '../support/expectations';
import { demoSuite } from '../support/demoSuite';
import { DAY, dayKey, expectedStats, insertFixes, iso, KNOWN, knownBase, seedKnownIncidents, type Known } from '../support/knownIncidents';

const base = knownBase;
const known = KNOWN;

describe('supervisor reports: response-time breakdown, exports, incident search, route driven, audit filters', () => {
  const { server, clients: [dispatcher, supervisor, telephony], tokens } = demoSuite({}, 'dispatcher', 'supervisor', 'telephony');
  let stations: { id: string; name: string }[] = [];
  let vehicles: { id: string; callSign: string }[] = [];
  let incidents: Awaited<ReturnType<typeof seedKnownIncidents>>['incidents'] = [];
  const from = iso(base);
  const to = iso(base + 2 * DAY);
  const db = () => server.database.db;

  beforeAll(async () => {
    ({ stations, vehicles, incidents } = await seedKnownIncidents(db(), dispatcher, telephony));
  });

  const expected = expectedStats;
  const expectRow = (report: BreakdownDto, key: string, members: Known[]) => {
    const row = report.rows.find((r) => r.key === key);
    expect(row, key).toBeDefined();
    expect(row!.incidents).toBe(members.length);
    for (const [k, stats] of Object.entries(expected(members))) {
      const got = row!.intervals[k as ResponseInterval];
      expect(got.n, `${key} ${k} n`).toBe(stats.n);
      expect(got.p50!, `${key} ${k} p50`).toBeCloseTo(stats.p50!, 6);
      expect(got.p90!, `${key} ${k} p90`).toBeCloseTo(stats.p90!, 6);
    }
    return row!;
  };

  it('computes medians and 90th percentiles of every interval by station, vehicle, category and day', async () => {
    const byStation = await supervisor.call('responseTimes', { query: { from, to, by: 'station' } });
    expect(byStation.rows.map((r) => r.key)).toEqual(expect.arrayContaining(stations.map((s) => s.id)));
    expect(byStation.rows).toHaveLength(2);
    const first = expectRow(byStation, stations[0]!.id, known.filter((k) => k.station === 0));
    expect(first.label).toBe(stations[0]!.name);
    // Two turnouts of 60 s and 120 s: median 90 s, 90th percentile 60 + 0.9 × 60 = 114 s.
    expect(first.intervals.turnout).toEqual({ n: 2, p50: 90, p90: 114 });
    expectRow(byStation, stations[1]!.id, known.filter((k) => k.station === 1));

    const byVehicle = await supervisor.call('responseTimes', { query: { from, to, by: 'vehicle' } });
    expect(expectRow(byVehicle, vehicles[1]!.id, known.filter((k) => k.station === 1)).label).toBe(vehicles[1]!.callSign);

    const byCategory = await supervisor.call('responseTimes', { query: { from, to, by: 'category' } });
    expect(byCategory.rows.map((r) => r.key)).toEqual(['chest_pain', 'stroke', 'trauma']);
    expectRow(byCategory, 'chest_pain', known.filter((k) => k.category === 'chest_pain'));
    expectRow(byCategory, 'trauma', known.filter((k) => k.category === 'trauma'));

    const byDay = await supervisor.call('responseTimes', { query: { from, to, by: 'day' } });
    expect(byDay.rows.map((r) => r.key)).toEqual([dayKey(base), dayKey(base + DAY)]);
    const firstDay = expectRow(byDay, dayKey(base), known.filter((k) => k.day === 0));
    // Three answers of 4, 8 and 12 s: median 8 s, 90th percentile 8 + 0.8 × 4 = 11.2 s.
    expect(firstDay.intervals.answer.p50).toBe(8);
    expect(firstDay.intervals.answer.p90).toBeCloseTo(11.2, 9);

    for (const by of ['week', 'month'] as const) {
      const report = await supervisor.call('responseTimes', { query: { from, to, by } });
      expect(report.rows.reduce((sum, r) => sum + r.incidents, 0)).toBe(4);
      // A period is named by its first day in the centre's time zone: weeks start on Monday, months on the 1st.
      for (const r of report.rows) {
        const first = new Date(`${r.key}T00:00:00Z`);
        expect(by === 'week' ? first.getUTCDay() : first.getUTCDate(), `${by} ${r.key}`).toBe(1);
      }
    }
  });

  it('says where each answer time comes from: the phone system or the dispatcher', async () => {
    const byDay = await supervisor.call('responseTimes', { query: { from, to, by: 'day' } });
    expect(byDay.rows.map((r) => r.answerSources)).toEqual([{ phone: 0, dispatcher: 3 }, { phone: 1, dispatcher: 0 }]);
    const quality = await supervisor.call('qualityReport', { query: { from, to } });
    expect(quality.answerSources).toEqual({ phone: 1, dispatcher: 3 });
    const page = await supervisor.call('searchIncidents', { query: { from, to } });
    expect(page.items.map((i) => i.answerSource)).toEqual(['phone', 'dispatcher', 'dispatcher', 'dispatcher']);
    expect((await dispatcher.call('getIncidentTrack', { params: { id: incidents[3]!.id } })).answerSource).toBe('phone');
  });

  it('refuses a breakdown without a proper window, naming the field, and refuses dispatchers', async () => {
    await expectRefusal(supervisor.call('responseTimes', { query: { from: to, to: from } }), 400, /^to:/);
    await expectRefusal(supervisor.call('responseTimes', { query: { from, to, by: 'hour' as never } }), 400, /^by:/);
    await expectRefusal(supervisor.call('responseTimes', { query: { from, to, timeZone: 'Mars/Olympus' } }), 400, /^timeZone:/);
    // An offset is refused: PostgreSQL would read "+08:00" as eight hours west.
    await expectRefusal(supervisor.call('responseTimes', { query: { from, to, timeZone: '+08:00' } }), 400, /^timeZone:/);
    expect((await dispatcher.send('responseTimes', { query: { from, to } })).status).toBe(403);
  });

  const download = async (format: 'csv' | 'xlsx', lang: 'zh-CN' | 'en', by = 'station') => {
    const res = await fetch(`${server.baseUrl}/api/reports/response-times/export?${new URLSearchParams({ from, to, by, format, lang })}`, {
      headers: { authorization: `Bearer ${tokens.supervisor}` },
    });
    return { res, body: Buffer.from(await res.arrayBuffer()) };
  };

  it('exports the breakdown as CSV with a filename, the rows the report has', async () => {
    const { res, body } = await download('csv', 'zh-CN');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?response-times-station-[\d-]+\.csv"?$/);
    const rows = parse(body, { bom: true }) as string[][];
    expect(rows[0]!.slice(0, 4)).toEqual(['站点', '编号', '警情数', '出车数']);
    expect(rows).toHaveLength(3);
    const row = rows.find((r) => r[1] === stations[0]!.id)!;
    expect(row[0]).toBe(stations[0]!.name);
    const turnoutMedian = rows[0]!.indexOf('出车 中位数（秒）');
    expect([row[turnoutMedian], row[turnoutMedian + 1]]).toEqual(['90', '114']);
    const { body: english } = await download('csv', 'en', 'category');
    const en = parse(english, { bom: true }) as string[][];
    expect(en[0]!.slice(0, 2)).toEqual(['Category', 'Key']);
    expect(en.slice(1).map((r) => r[1])).toEqual(['chest_pain', 'stroke', 'trauma']);
    expect(en.slice(1).map((r) => r[0])).toEqual(['Chest pain', 'Stroke', 'Trauma']);
    const { body: chinese } = await download('csv', 'zh-CN', 'category');
    expect((parse(chinese, { bom: true }) as string[][]).slice(1).map((r) => r[0])).toEqual(['胸痛', '卒中', '创伤']);
  });

  it('exports the breakdown as an Excel workbook that reads back to the same figures', async () => {
    const { res, body } = await download('xlsx', 'en', 'day');
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?response-times-day-[\d-]+\.xlsx"?$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(body as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('Response times');
    const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    expect(sheet.rowCount).toBe(3);
    expect(values(1).slice(0, 6)).toEqual(['Day', 'Key', 'Incidents', 'Responses', 'Answer time from the phone system', 'Answer time from the dispatcher']);
    const answerP90 = values(1).indexOf('Ring → answer 90th percentile (s)');
    expect(values(2)[1]).toBe(dayKey(base));
    expect(values(2).slice(2, 6)).toEqual([3, 3, 0, 3]);
    expect(values(2)[answerP90]).toBe(11.2);
  });

  it('refuses an export in an unknown format, and without a login', async () => {
    const bad = await fetch(`${server.baseUrl}/api/reports/response-times/export?${new URLSearchParams({ from, to, format: 'pdf' })}`, {
      headers: { authorization: `Bearer ${tokens.supervisor}` },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/^format:/);
    expect((await fetch(`${server.baseUrl}/api/reports/response-times/export?${new URLSearchParams({ from, to, format: 'csv' })}`)).status).toBe(401);
  });

  it('searches incidents by place text, category, vehicle and caller number, a page at a time', async () => {
    const numbers = (page: { items: { number: number }[] }) => page.items.map((i) => i.number);
    const n = incidents.map((i) => i.number);
    const all = await supervisor.call('searchIncidents', { query: { from, to } });
    expect(all.total).toBe(4);
    expect(numbers(all)).toEqual([n[3], n[2], n[1], n[0]]);
    expect(all.items[0]).toMatchObject({ category: 'stroke', address: '张兰镇东村', vehicles: [vehicles[1]!.callSign] });

    expect(numbers(await supervisor.call('searchIncidents', { query: { from, to, place: '张兰' } }))).toEqual([n[3], n[0]]);
    expect(numbers(await supervisor.call('searchIncidents', { query: { from, to, category: 'chest_pain' } }))).toEqual([n[1], n[0]]);
    expect(numbers(await supervisor.call('searchIncidents', { query: { from, to, vehicleId: vehicles[1]!.id } }))).toEqual([n[3], n[2]]);
    // Any part of the number, however it was written (+86 137-5555-6666).
    expect(numbers(await supervisor.call('searchIncidents', { query: { from, to, callerPhone: '5555 6666' } }))).toEqual([n[2]]);
    // A wildcard typed is a character, not a pattern.
    expect((await supervisor.call('searchIncidents', { query: { from, to, place: '%' } })).total).toBe(0);
    expect((await supervisor.call('searchIncidents', { query: { from: iso(base + DAY), to } })).total).toBe(1);

    const page1 = await supervisor.call('searchIncidents', { query: { from, to, page: 1, pageSize: 3 } });
    const page2 = await supervisor.call('searchIncidents', { query: { from, to, page: 2, pageSize: 3 } });
    expect([page1.total, page2.total, page2.page]).toEqual([4, 4, 2]);
    expect([...numbers(page1), ...numbers(page2)]).toEqual(numbers(all));
    expect((await supervisor.call('searchIncidents', { query: { from, to, page: 3, pageSize: 3 } })).items).toEqual([]);

    await expectRefusal(supervisor.call('searchIncidents', { query: { from, to, pageSize: 500 } }), 400, /^pageSize:/);
    await expectRefusal(supervisor.call('searchIncidents', { query: { from, to, callerPhone: 'abc' } }), 400, /^callerPhone:/);
    expect((await dispatcher.send('searchIncidents', { query: { from, to } })).status).toBe(403);
  });

  it('draws the route a vehicle drove from its positions between dispatch and release', async () => {
    const target = incidents[0]!;
    const vehicleId = vehicles[0]!.id;
    const fixes: [number, number, number][] = [
      [target.dispatchedAt - 60_000, 111.8, 37.0], // before the dispatch: not on this task
      [target.dispatchedAt + 30_000, 111.9, 37.02],
      [target.dispatchedAt + 90_000, 111.905, 37.024],
      [target.dispatchedAt + 150_000, 111.913, 37.027],
      [target.endedAt + 60_000, 111.95, 37.1], // after the release
    ];
    await insertFixes(db(), vehicleId, fixes);
    const track = await dispatcher.call('getIncidentTrack', { params: { id: target.id } });
    expect(track.tracks).toHaveLength(1);
    expect(track.tracks[0]).toMatchObject({ assignmentId: target.assignmentId, callSign: vehicles[0]!.callSign, points: 3 });
    expect(track.tracks[0]!.line).toEqual({ type: 'LineString', coordinates: [[111.9, 37.02], [111.905, 37.024], [111.913, 37.027]] });
    // Another incident of another vehicle: no positions, no line.
    expect((await dispatcher.call('getIncidentTrack', { params: { id: incidents[2]!.id } })).tracks[0]).toMatchObject({ points: 0, line: null });
    await expectRefusal(dispatcher.call('getIncidentTrack', { params: { id: randomUUID() } }), 404, /not found/);
  });

  it('filters the audit log by who, what and when, newest first, a page at a time', async () => {
    const creates = await supervisor.call('audit', { query: { actor: 'dispatcher', action: 'incident.created' } });
    expect(creates.map((e) => e.entityId)).toEqual(incidents.map((i) => i.id).reverse());
    expect(creates.every((e) => e.actor.username === 'dispatcher' && e.action === 'incident.created')).toBe(true);
    expect(await supervisor.call('audit', { query: { actor: 'supervisor', action: 'incident.created' } })).toEqual([]);
    expect(new Set((await supervisor.call('audit', { query: { action: 'assignment.' } })).map((e) => e.action))).toEqual(new Set(['assignment.created', 'assignment.cancelled']));
    // A family is a start, not a pattern: "incident_" matches nothing.
    expect(await supervisor.call('audit', { query: { action: 'incident_' } })).toEqual([]);
    const pageOne = await supervisor.call('audit', { query: { actor: 'dispatcher', limit: 2 } });
    const pageTwo = await supervisor.call('audit', { query: { actor: 'dispatcher', limit: 2, offset: 2 } });
    expect(pageOne[0]!.id).toBeGreaterThan(pageTwo[0]!.id);
    const newest = pageOne[0]!;
    const until = await supervisor.call('audit', { query: { actor: 'dispatcher', until: newest.at } });
    expect(until.map((e) => e.id)).not.toContain(newest.id);
    expect((await dispatcher.send('audit', { query: { actor: 'dispatcher' } })).status).toBe(403);
  });
});
