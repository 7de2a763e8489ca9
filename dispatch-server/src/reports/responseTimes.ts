import { BreakdownRowDto, domainLabel, RESPONSE_INTERVALS, type BreakdownDto, type BreakdownExportQuery, type BreakdownQuery } from '@dispatch/protocol';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { type Db, sqlFile } from '@dispatch/db';
import { HttpError } from '../http/errors';

const sql = sqlFile(new URL('./responseTimes.sql', import.meta.url), {
  breakdown: {
    params: z.object({ from: z.string(), to: z.string(), by: z.string(), timeZone: z.string(), centreId: z.string().nullable() }),
    row: BreakdownRowDto.extend({ intervals: z.record(z.string(), z.object({ n: z.number(), p50: z.number().nullable(), p90: z.number().nullable() })) }),
  },
});

/**
 * The response-time breakdown of the calls received in [from, to) by station, vehicle, category or period: for each
 * interval (ring → answer … at hospital → handover) how many responses had both ends, the median and the 90th
 * percentile (percentile_cont in the database), and how many answer times came from the phone system.
 */
/** `centreId`: one centre's calls (its supervisor's report), null for the province's. */
export async function responseTimeBreakdown(db: Db, query: z.output<typeof BreakdownQuery>, centreId: string | null): Promise<BreakdownDto> {
  const rows = await sql.breakdown.rows(db, { from: query.from, to: query.to, by: query.by, timeZone: query.timeZone, centreId }).catch((error: unknown) => {
    // A name the browser knows and this database's zone files do not (invalid_parameter_value): the caller's input.
    if ((error as { code?: string }).code === '22023') throw new HttpError(400, `timeZone: ${query.timeZone} is not a time zone this server knows`);
    throw error;
  });
  const none = { n: 0, p50: null, p90: null };
  return {
    from: query.from,
    to: query.to,
    by: query.by,
    timeZone: query.timeZone,
    rows: rows.map((r) => ({ ...r, intervals: Object.fromEntries(RESPONSE_INTERVALS.map((k) => [k, r.intervals[k] ?? none])) as BreakdownRowDto['intervals'] })),
  };
}

/** The export's own words (its column headings and group names), in the two languages of the console. */
const words = {
  'zh-CN': {
    group: { station: '站点', vehicle: '车辆', category: '类别', day: '日', week: '周（起始日）', month: '月' },
    key: '编号', incidents: '警情数', responses: '出车数', phone: '接听时间来自电话系统', dispatcher: '接听时间由调度员录入',
    none: '未派车', median: '中位数（秒）', p90: '90百分位（秒）', n: '样本数', sheet: '响应时间',
    interval: { answer: '振铃→接听', callToDispatch: '接听→派车', turnout: '出车', travel: '途中', onScene: '现场', transport: '转运', handover: '交接' },
  },
  en: {
    group: { station: 'Station', vehicle: 'Vehicle', category: 'Category', day: 'Day', week: 'Week (first day)', month: 'Month' },
    key: 'Key', incidents: 'Incidents', responses: 'Responses', phone: 'Answer time from the phone system', dispatcher: 'Answer time from the dispatcher',
    none: 'No vehicle sent', median: 'median (s)', p90: '90th percentile (s)', n: 'count', sheet: 'Response times',
    interval: { answer: 'Ring → answer', callToDispatch: 'Answer → dispatch', turnout: 'Turnout', travel: 'Travel', onScene: 'On scene', transport: 'Transport', handover: 'Handover' },
  },
} as const;

/** The breakdown as a table: one heading row, then a row per group (seconds rounded to 0.1 s). */
function asTable(report: BreakdownDto, lang: 'zh-CN' | 'en'): (string | number | null)[][] {
  const w = words[lang];
  const heading = [
    w.group[report.by], w.key, w.incidents, w.responses, w.phone, w.dispatcher,
    ...RESPONSE_INTERVALS.flatMap((k) => [`${w.interval[k]} ${w.n}`, `${w.interval[k]} ${w.median}`, `${w.interval[k]} ${w.p90}`]),
  ];
  const round = (s: number | null) => (s === null ? null : Math.round(s * 10) / 10);
  const rows = report.rows.map((r) => [
    r.key === 'none' ? w.none : report.by === 'category' ? domainLabel(lang, 'category', r.key) : ((lang === 'en' ? r.labelEn : r.label) ?? r.label ?? r.key),
    r.key, r.incidents, r.responses, r.answerSources.phone, r.answerSources.dispatcher,
    ...RESPONSE_INTERVALS.flatMap((k) => [r.intervals[k].n, round(r.intervals[k].p50), round(r.intervals[k].p90)]),
  ]);
  return [heading, ...rows];
}

export interface ExportFile {
  contentType: string;
  filename: string;
  body: Buffer;
}

/** The breakdown as a CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese) or an Excel workbook. */
export async function exportResponseTimes(db: Db, query: z.output<typeof BreakdownExportQuery>, centreId: string | null): Promise<ExportFile> {
  const report = await responseTimeBreakdown(db, query, centreId);
  const table = asTable(report, query.lang);
  const filename = `response-times-${query.by}-${query.from.slice(0, 10)}-${query.to.slice(0, 10)}.${query.format}`;
  if (query.format === 'csv') {
    return { contentType: 'text/csv; charset=utf-8', filename, body: Buffer.from(stringify(table, { bom: true })) };
  }
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(words[query.lang].sheet);
  sheet.addRows(table);
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1, xSplit: 1 }];
  return {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    filename,
    body: Buffer.from(await workbook.xlsx.writeBuffer()),
  };
}
