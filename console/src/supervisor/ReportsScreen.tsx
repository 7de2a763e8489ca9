import { lazy, Suspense, useState } from 'react';
import { RESPONSE_INTERVALS, type BreakdownDto, type BreakdownGroup, type BreakdownRowDto, type ResponseInterval } from '@dispatch/protocol';
import { useLoaded } from '@dispatch/ui';
import { formatDuration } from '../common/format';
import { Panel } from '../common/Panel';
import { useLiveContext } from '../realtime/useLive';
import { downloadFile } from './download';
import { browserTimeZone, dayStart, daysAgo } from './period';
import { useWords, type SupervisorKey } from './words';
import './supervisor.css';

const BreakdownChart = lazy(() => import('./BreakdownChart'));

const GROUPS: Record<BreakdownGroup, SupervisorKey> = { station: 'byStation', vehicle: 'byVehicle', category: 'byCategory', day: 'byDay', week: 'byWeek', month: 'byMonth' };
export const INTERVAL_WORDS: Record<ResponseInterval, SupervisorKey> = {
  answer: 'ivAnswer', callToDispatch: 'ivCallToDispatch', turnout: 'ivTurnout', travel: 'ivTravel', onScene: 'ivOnScene', transport: 'ivTransport', handover: 'ivHandover',
};

interface Filter {
  from: string;
  to: string;
  by: BreakdownGroup;
}

/**
 * The response-time report: the breakdown of each response (ring → answer … handover) by station, vehicle, category
 * or period, medians and 90th percentiles computed by the server, drawn as stacked bars beside the table of figures,
 * exported as CSV or Excel by the server, and printable (the print style drops the navigation and the controls).
 */
export function ReportsScreen() {
  const { t, lang } = useWords();
  const { api, session } = useLiveContext();
  const [draft, setDraft] = useState<Filter>(() => ({ from: daysAgo(6), to: daysAgo(0), by: 'station' }));
  const [filter, setFilter] = useState<Filter>(draft);
  const [stat, setStat] = useState<'p50' | 'p90'>('p50');
  const [exportError, setExportError] = useState<string | null>(null);
  const query = { from: dayStart(filter.from).toISOString(), to: dayStart(filter.to, 1).toISOString(), by: filter.by, timeZone: browserTimeZone() };
  const report = useLoaded(JSON.stringify(query), () => api.call('responseTimes', { query }));
  const current = report && report.by === filter.by && report.from === query.from && report.to === query.to ? report : null;

  const exportAs = (format: 'csv' | 'xlsx') => {
    setExportError(null);
    downloadFile('exportResponseTimes', { query: { ...query, format, lang } }, session.token).catch((e: Error) => setExportError(t('exportFailed', { error: e.message })));
  };

  return (
    <div className="supervisor reports" data-testid="reports">
      <Panel className="report-controls no-print" title={t('reportsTitle')}>
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            setFilter(draft);
          }}
        >
          <label>
            {t('reportFrom')}
            <input type="date" name="from" value={draft.from} max={draft.to} onChange={(e) => setDraft({ ...draft, from: e.target.value })} required />
          </label>
          <label>
            {t('reportTo')}
            <input type="date" name="to" value={draft.to} min={draft.from} onChange={(e) => setDraft({ ...draft, to: e.target.value })} required />
          </label>
          <label>
            {t('reportBy')}
            <select name="by" value={draft.by} onChange={(e) => setDraft({ ...draft, by: e.target.value as BreakdownGroup })}>
              {Object.entries(GROUPS).map(([value, word]) => (
                <option key={value} value={value}>{t(word)}</option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary">{t('reportRun')}</button>
          <span className="spacer" />
          <button type="button" onClick={() => exportAs('csv')} data-testid="export-csv">{t('exportCsv')}</button>
          <button type="button" onClick={() => exportAs('xlsx')} data-testid="export-xlsx">{t('exportXlsx')}</button>
          <button type="button" onClick={() => window.print()}>{t('print')}</button>
        </form>
        {exportError && <div className="error">{exportError}</div>}
      </Panel>
      <h2 className="print-only">{t('reportsTitle')} · {t(GROUPS[filter.by])}</h2>
      {!current ? (
        <div className="pad muted">{t('loading')}</div>
      ) : (
        <ReportBody report={current} filter={filter} stat={stat} onStat={setStat} />
      )}
    </div>
  );
}

function ReportBody({ report, filter, stat, onStat }: { report: BreakdownDto; filter: Filter; stat: 'p50' | 'p90'; onStat: (s: 'p50' | 'p90') => void }) {
  const { t, lang } = useWords();
  const groupName = useGroupName(report.by);
  const phone = report.rows.reduce((s, r) => s + r.answerSources.phone, 0);
  const dispatcher = report.rows.reduce((s, r) => s + r.answerSources.dispatcher, 0);
  const groups = report.rows.map(groupName);
  const series = RESPONSE_INTERVALS.map((k) => ({ name: t(INTERVAL_WORDS[k]), data: report.rows.map((r) => r.intervals[k][stat]) }));
  // Minutes on the axis, unless every bar is shorter than three of them (a quiet day's answers and dispatches).
  const longest = Math.max(0, ...report.rows.map((_, i) => series.reduce((sum, s) => sum + (s.data[i] ?? 0), 0)));
  const inMinutes = longest >= 180;
  return (
    <>
      <Panel
        className="report-chart"
        title={
          <>
            {t('reportWindow', { from: filter.from, to: filter.to })} · {t(GROUPS[report.by])}
            <span className="spacer" />
            <span className="stat-switch no-print" role="group">
              <button type="button" className={stat === 'p50' ? 'on' : ''} onClick={() => onStat('p50')}>{t('median')}</button>
              <button type="button" className={stat === 'p90' ? 'on' : ''} onClick={() => onStat('p90')}>{t('p90')}</button>
            </span>
          </>
        }
      >
        <div className="small muted pad" data-testid="report-answer-sources">
          {t('answerSourcesNote', { phone, dispatcher })}
        </div>
        {report.rows.length === 0 ? (
          <div className="pad muted">{t('reportEmpty')}</div>
        ) : (
          <div data-testid="breakdown-chart" data-stat={stat} data-groups={JSON.stringify(groups)} data-series={JSON.stringify(series)}>
            <Suspense fallback={<div className="pad muted">{t('loading')}</div>}>
              <BreakdownChart title={t('chartTitle', { stat: t(stat === 'p50' ? 'median' : 'p90') })} groups={groups} series={series} lang={lang} unit={t(inMinutes ? 'minutesShort' : 'seconds')} secondsPerUnit={inMinutes ? 60 : 1} />
            </Suspense>
          </div>
        )}
      </Panel>
      {report.rows.length > 0 && <BreakdownTable report={report} groupName={groupName} />}
    </>
  );
}

/** The figures the chart draws, as a table: every interval's count, median and 90th percentile per group. */
function BreakdownTable({ report, groupName }: { report: BreakdownDto; groupName: (r: BreakdownRowDto) => string }) {
  const { t } = useWords();
  const seconds = (s: number | null) => (s === null ? '—' : formatDuration(Math.round(s)));
  return (
    <Panel className="report-table" title={t('figuresTitle')}>
      <div className="scroll-x">
        <table className="dense figures" data-testid="breakdown-table">
          <thead>
            <tr>
              <th rowSpan={2}>{t('group')}</th>
              <th rowSpan={2} className="num">{t('incidents')}</th>
              <th rowSpan={2} className="num">{t('responses')}</th>
              <th colSpan={2}>{t('answerSource')}</th>
              {RESPONSE_INTERVALS.map((k) => (
                <th key={k} colSpan={3} className="interval-head">{t(INTERVAL_WORDS[k])}</th>
              ))}
            </tr>
            <tr>
              <th className="num">{t('sourcePhone')}</th>
              <th className="num">{t('sourceDispatcher')}</th>
              {RESPONSE_INTERVALS.map((k) => [
                <th key={`${k}n`} className="num">{t('n')}</th>,
                <th key={`${k}m`} className="num">{t('median')}</th>,
                <th key={`${k}p`} className="num">{t('p90')}</th>,
              ])}
            </tr>
          </thead>
          <tbody>
            {report.rows.map((r) => (
              <tr key={r.key} data-group={r.key}>
                <td>{groupName(r)}</td>
                <td className="num">{r.incidents}</td>
                <td className="num">{r.responses}</td>
                <td className="num" data-source="phone">{r.answerSources.phone}</td>
                <td className="num" data-source="dispatcher">{r.answerSources.dispatcher}</td>
                {RESPONSE_INTERVALS.map((k) => {
                  const s = r.intervals[k];
                  return [
                    <td key={`${k}n`} className="num muted" data-interval={k} data-stat="n">{s.n}</td>,
                    <td key={`${k}m`} className="num mono" data-interval={k} data-stat="p50" data-seconds={s.p50 ?? ''}>{seconds(s.p50)}</td>,
                    <td key={`${k}p`} className="num mono" data-interval={k} data-stat="p90" data-seconds={s.p90 ?? ''}>{seconds(s.p90)}</td>,
                  ];
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}

/** A group's name in the current language: the station's, the call sign, the category's word, or the period. */
function useGroupName(by: BreakdownGroup) {
  const { t, label, name } = useWords();
  return (r: BreakdownRowDto): string => {
    if (r.key === 'none') return t('noVehicle');
    switch (by) {
      case 'station':
      case 'vehicle':
        return name({ name: r.label ?? r.key, nameEn: r.labelEn });
      case 'category':
        return label('category', r.key);
      case 'week':
        return t('weekOf', { date: r.key });
      case 'month':
        return r.key.slice(0, 7);
      default:
        return r.key;
    }
  };
}
