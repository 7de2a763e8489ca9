import { ALERT_URGENCY, type HospitalDto, type IncidentDto, type QualityIndicatorsDto, type Rate, type StationDto, type VehicleDto } from '@dispatch/protocol';
import { memo, useState } from 'react';
import { CentreFilter } from '../centres/CentreFilter';
import { colourOf, LOAD_COLOURS, useLoaded, useNow } from '@dispatch/ui';
import { formatDuration } from '../common/format';
import { Panel, Prio } from '../common/Panel';
import { useLive, useLiveContext } from '../realtime/useLive';
import { startOfToday } from './period';
import { useWords } from './words';
import './supervisor.css';

/** A call waiting longer than this without a vehicle shows its age in red (the alerts follow the server's own limits). */
const WAITING_LATE_S = 60;
const LOAD_ORDER: Record<string, number> = { closed: 0, red: 1, yellow: 2, blue: 3 };

/**
 * The supervisor's live board: calls waiting and their ages, the fleet per station, hospitals by load, the 30-minute
 * circle, today's indicators against their targets and the alerts. Everything but the indicators and the coverage
 * comes from the console's one live connection; the indicators are asked again as calls and tasks change.
 */
export function LiveBoard() {
  const live = useLive();
  const now = useNow(1000);
  // A province supervisor may look at one centre at a time (issue 15); a centre's own sees only its own anyway.
  const [centre, setCentre] = useState<string | null>(null);
  const inCentre = (item: { centreId: string }) => centre === null || item.centreId === centre;
  const only = <T extends { centreId: string }>(items: ReadonlyMap<string, T>) => (centre === null ? items : new Map([...items].filter(([, v]) => inCentre(v))));
  const waiting = [...live.incidents.values()]
    .filter((i) => (i.status === 'open' || i.status === 'queued') && inCentre(i))
    .sort((a, b) => a.priority - b.priority || Date.parse(a.callReceivedAt) - Date.parse(b.callReceivedAt));
  return (
    <>
      <CentreFilter centre={centre} onCentre={setCentre} />
      <div className="supervisor board" data-testid="live-board">
        <WaitingCalls waiting={waiting} now={now} />
        <Alerts now={now} />
        <Indicators />
        <FleetByStation vehicles={only(live.vehicles)} stations={centre === null ? live.stations : live.stations.filter(inCentre)} />
        <HospitalsByLoad hospitals={only(live.hospitals)} />
        <Coverage />
      </div>
    </>
  );
}

function WaitingCalls({ waiting, now }: { waiting: IncidentDto[]; now: number }) {
  const { t, label, clock } = useWords();
  return (
    <Panel className="board-waiting" testId="board-waiting" title={<>{t('boardWaiting')} <span className="count">{waiting.length}</span></>}>
      {waiting.length === 0 ? (
        <div className="pad muted">{t('boardNoneWaiting')}</div>
      ) : (
        <table className="dense">
          <thead>
            <tr>
              <th>{t('colNumber')}</th>
              <th>{t('colPriority')}</th>
              <th>{t('colCategory')}</th>
              <th>{t('colPlace')}</th>
              <th>{t('colReceived')}</th>
              <th>{t('boardWaitedFor')}</th>
            </tr>
          </thead>
          <tbody>
            {waiting.map((i) => {
              const age = (now - Date.parse(i.callReceivedAt)) / 1000;
              return (
                <tr key={i.id} data-incident={i.number}>
                  <td className="mono">{i.number}</td>
                  <td><Prio priority={i.priority} /></td>
                  <td>{label('category', i.category)}</td>
                  <td>{i.placeName ?? i.address ?? '—'}</td>
                  <td className="mono">{clock(i.callReceivedAt)}</td>
                  <td className={`mono wait ${age > WAITING_LATE_S ? 'late' : ''}`} data-testid="waiting-age">{formatDuration(age)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

/**
 * The alerts the server derives for every desk (a new call, a call past its priority's limit without a vehicle, an
 * overdue crew acknowledgement, a re-offer, a hospital escalation), most urgent first, then what only the board
 * shows: hospitals full or closed, and crew reports their tablets could not deliver.
 */
function Alerts({ now }: { now: number }) {
  const { t, label, name } = useWords();
  const live = useLive();
  const alerts: { key: string; level: 'bad' | 'warn'; text: string }[] = [...live.alerts.values()]
    .sort((a, b) => ALERT_URGENCY.indexOf(a.kind) - ALERT_URGENCY.indexOf(b.kind) || Date.parse(a.raisedAt) - Date.parse(b.raisedAt))
    .map((a) => ({
      key: a.id,
      level: a.kind === 'newCall' ? 'warn' : 'bad',
      text: t('alertLine', { kind: label('alertKind', a.kind), n: a.incidentNumber, subject: a.subject ? ` ${a.subject}` : '', time: formatDuration((now - Date.parse(a.raisedAt)) / 1000) }),
    }));
  for (const h of live.hospitals.values()) {
    if (h.loadStatus === 'red' || h.loadStatus === 'closed') alerts.push({ key: `h${h.id}`, level: 'warn', text: t('alertHospitalFull', { hospital: name(h), load: label('load', h.loadStatus) }) });
  }
  for (const s of live.stuckEvents.values()) {
    const vehicle = live.vehicles.get(s.vehicleId);
    alerts.push({ key: `s${s.id}`, level: 'warn', text: t('alertStuck', { callSign: vehicle?.callSign ?? '—' }) });
  }
  return (
    <Panel className="board-alerts" testId="board-alerts" title={<>{t('boardAlerts')} <span className={`count ${alerts.length ? 'alerting' : ''}`}>{alerts.length}</span></>}>
      {alerts.length === 0 ? (
        <div className="pad muted">{t('boardNoAlerts')}</div>
      ) : (
        <ul className="alert-list">
          {alerts.map((a) => (
            <li key={a.key} className={a.level}>{a.text}</li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

function Indicators() {
  const { t } = useWords();
  const { api } = useLiveContext();
  const live = useLive();
  // Asked again when a call or a task step changes, and each minute (the day moves on).
  const minute = Math.floor(useNow(60_000) / 60_000);
  const changes = [...live.incidents.values()].reduce((sum, i) => sum + i.assignments.reduce((s, a) => s + Object.values(a.timestamps).filter(Boolean).length, 1), 0);
  const report = useLoaded(`${minute}/${live.incidents.size}/${changes}`, () =>
    api.call('qualityReport', { query: { from: startOfToday().toISOString(), to: new Date(Date.now() + 60_000).toISOString() } }),
  );
  return (
    <Panel className="board-indicators" testId="board-indicators" title={t('boardToday')}>
      {report ? <IndicatorTable report={report} /> : <div className="pad muted">{t('loading')}</div>}
    </Panel>
  );
}

function IndicatorTable({ report }: { report: QualityIndicatorsDto }) {
  const { t } = useWords();
  const row = (key: string, title: Parameters<typeof t>[0], rate: Rate) => (
    <tr key={key} data-indicator={key} className={rate.met === null ? '' : rate.met ? 'met' : 'not-met'}>
      <td>{t(title)}</td>
      <td className="mono big-figure">{rate.rate === null ? '—' : `${(rate.rate * 100).toFixed(1)}%`}</td>
      <td className="mono">≥ {Math.round(rate.target * 100)}%</td>
      <td className="mono">{rate.numerator}/{rate.denominator}</td>
      <td>{rate.met === null ? <span className="muted">{t('boardNoData')}</span> : rate.met ? <span className="badge ok">{t('boardMet')}</span> : <span className="badge bad">{t('boardNotMet')}</span>}</td>
    </tr>
  );
  const p90 = report.responseSeconds.p90;
  return (
    <>
      <table className="dense indicators">
        <thead>
          <tr>
            <th>{t('boardIndicator')}</th>
            <th>{t('boardValue')}</th>
            <th>{t('boardTarget')}</th>
            <th>{t('boardCount')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {row('answer10s', 'boardAnswer10s', report.answeredWithin10s)}
          {row('turnout3min', 'boardTurnout3min', report.turnoutWithin3min)}
          {row('nfpa1225', 'boardNfpa', report.nfpa1225AnswerToDispatch60s)}
          <tr data-indicator="p90">
            <td>{t('boardP90')}</td>
            <td className="mono big-figure">{p90 === null ? '—' : formatDuration(p90)}</td>
            <td />
            <td className="mono">{report.responseSeconds.arrived}</td>
            <td />
          </tr>
        </tbody>
      </table>
      <div className="small muted pad" data-testid="answer-sources">{t('answerSourcesNote', report.answerSources)}</div>
    </>
  );
}

// The board re-renders with its clock each second: the fleet and hospital panels only when their lists change.
const FleetByStation = memo(function FleetByStation({ vehicles, stations }: { vehicles: ReadonlyMap<string, VehicleDto>; stations: readonly StationDto[] }) {
  const { t, name } = useWords();
  const all = [...vehicles.values()];
  const count = (members: VehicleDto[]) => ({
    free: members.filter((v) => v.inService && v.state === 'available').length,
    busy: members.filter((v) => v.inService && (v.state === 'busy' || v.state === 'returning')).length,
    out: members.filter((v) => !v.inService || v.state === 'out_of_service').length,
    total: members.length,
  });
  const rows = stations.map((s) => ({ station: s, ...count(all.filter((v) => v.homeStationId === s.id)) })).filter((r) => r.total > 0);
  const sum = count(all);
  return (
    <Panel className="board-fleet" testId="board-fleet" title={t('boardFleet')}>
      <table className="dense">
        <thead>
          <tr>
            <th>{t('boardStation')}</th>
            <th className="num">{t('boardFree')}</th>
            <th className="num">{t('boardBusy')}</th>
            <th className="num">{t('boardOut')}</th>
            <th className="num">{t('boardTotal')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.station.id} data-station={r.station.code}>
              <td>{name(r.station)}</td>
              <td className="num free">{r.free}</td>
              <td className="num busy">{r.busy}</td>
              <td className="num out">{r.out}</td>
              <td className="num">{r.total}</td>
            </tr>
          ))}
          <tr className="sum">
            <td>{t('boardTotal')}</td>
            <td className="num free">{sum.free}</td>
            <td className="num busy">{sum.busy}</td>
            <td className="num out">{sum.out}</td>
            <td className="num">{sum.total}</td>
          </tr>
        </tbody>
      </table>
    </Panel>
  );
});

const HospitalsByLoad = memo(function HospitalsByLoad({ hospitals }: { hospitals: ReadonlyMap<string, HospitalDto> }) {
  const { t, label, name } = useWords();
  // Village clinics publish no load worth a board line: hospitals and health centres only, the fullest first.
  const list = [...hospitals.values()]
    .filter((h) => h.kind !== 'village_clinic')
    .sort((a, b) => (LOAD_ORDER[a.loadStatus] ?? 9) - (LOAD_ORDER[b.loadStatus] ?? 9) || a.name.localeCompare(b.name, 'zh-CN'));
  return (
    <Panel className="board-hospitals" testId="board-hospitals" title={t('boardHospitals')}>
      <ul className="hospital-loads">
        {list.map((h) => (
          <li key={h.id} data-load={h.loadStatus}>
            <span className="load-dot" style={{ background: colourOf(LOAD_COLOURS, h.loadStatus) }} />
            <span className="name">{name(h)}</span>
            <span className="load-text">{label('load', h.loadStatus)}</span>
          </li>
        ))}
      </ul>
    </Panel>
  );
});

/**
 * The 30-minute circle right now: the share of villages a free ambulance reaches within 30 minutes by road from
 * where the free ambulances are (the server pushes it a moment after the fleet changes) and the share of their
 * population, and below the shares a health facility reaches; when some villages have no population, how they count.
 */
function Coverage() {
  const { t } = useWords();
  const { coverage } = useLive();
  const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
  return (
    <Panel className="board-coverage" testId="board-coverage" title={t('boardCoverage')}>
      {coverage ? (
        <div className="pad">
          <div className="coverage-figures">
            <div>
              <div className="coverage-figure mono" data-testid="coverage-share">{percent(coverage.ambulanceShare)}</div>
              <div>{t('boardCoverageVillages')}</div>
            </div>
            <div>
              <div className="coverage-figure mono" data-testid="coverage-population-share">{percent(coverage.ambulancePopulationShare)}</div>
              <div>{t('boardCoveragePopulation')}</div>
            </div>
          </div>
          <div className="muted small">
            {t('boardCoverageOutside', { n: coverage.uncovered.filter((u) => u.byAmbulance).length })} · {t('boardCoverageFree', { n: coverage.freeVehicles })}
          </div>
          <div className="coverage-bar"><span style={{ width: `${coverage.ambulanceShare * 100}%` }} /></div>
          <div className="muted small" data-testid="coverage-facility-share">
            {t('boardCoverageFacility', { p: percent(coverage.facilityShare) })} · {t('boardCoverageFacilityPopulation', { p: percent(coverage.facilityPopulationShare) })}
          </div>
          {coverage.populationKnown < coverage.villages && (
            <div className="muted small" data-testid="coverage-population-known">
              {coverage.populationKnown === 0
                ? t('boardCoverageNoPopulation')
                : t('boardCoveragePopulationKnown', { known: coverage.populationKnown, n: coverage.villages, m: Math.round(coverage.populationFallback) })}
            </div>
          )}
        </div>
      ) : (
        <div className="pad muted">{t('loading')}</div>
      )}
    </Panel>
  );
}
