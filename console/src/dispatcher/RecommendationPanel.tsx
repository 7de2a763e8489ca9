import type { CandidateDto, ExcludedVehicleDto, HospitalNoticeDto, HospitalOptionDto, IncidentDto, RecommendationDto } from '@dispatch/protocol';
import { useState } from 'react';
import { colourOf, LOAD_COLOURS, vehicleColour } from '@dispatch/ui';
import { etaMinutes, km } from '../common/format';
import { GroupBadges, Panel, Prio } from '../common/Panel';
import { useI18n } from '../i18n/i18n';
import { CrossCentreHelp } from '../centres/CrossCentreHelp';

export interface RecommendationPanelProps {
  incident: IncidentDto | null;
  recommendation: RecommendationDto | null;
  /** The incident's hospital notices, with the receiving hospital's name. */
  notices: (HospitalNoticeDto & { hospitalName: string })[];
  selectedIndex: number;
  onSelectIndex: (i: number) => void;
  hospitalId: string | null;
  onHospital: (id: string) => void;
  onDispatch: () => void;
  onCancelIncident: () => void;
  onCloseIncident: () => void;
  /** With a vehicle already on the way, the ranking folds away until the dispatcher asks to send another. */
  reinforce: boolean;
  onReinforce: (open: boolean) => void;
  dispatching: boolean;
  /** The chosen hospital is full or closed: dispatching there waits for this confirmation (the server insists too). */
  confirmingLoad: boolean;
  onConfirmLoad: () => void;
  onCancelConfirm: () => void;
  error: string | null;
}

/** The best few stay in view with the dispatch action; the rest unfold on demand (or when 6–9 picks one of them). */
const VISIBLE_CANDIDATES = 5;


function LoadDot({ load }: { load: string }) {
  return <span className={`load-dot load-${load}`} style={{ background: colourOf(LOAD_COLOURS, load) }} />;
}

/**
 * The decision: vehicles ranked by road ETA with the best one unmistakable, why the others are out, the
 * responsible station and the proposed hospital with its load. One action (D) dispatches.
 */
export function RecommendationPanel(props: RecommendationPanelProps) {
  const { incident, recommendation: rec, selectedIndex, onSelectIndex, hospitalId, onHospital, onDispatch, dispatching, error } = props;
  const { t, label, clock, lang } = useI18n();
  const colon = lang === 'en' ? ': ' : '：';
  const [showAll, setShowAll] = useState(false);
  if (!incident) {
    return (
      <Panel className="recs" testId="recommendations" title={t('recommendations')}>
        <div className="muted pad">{t('selectIncident')}</div>
      </Panel>
    );
  }
  const live = incident.assignments.filter((a) => !a.endedAt);
  const finished = incident.status === 'closed' || incident.status === 'cancelled';
  const chosen = rec?.candidates[selectedIndex];
  const hospitalOption: HospitalOptionDto | undefined =
    rec?.hospitalOptions.find((h) => h.hospitalId === hospitalId) ?? rec?.proposedHospital ?? undefined;
  const unfolded = showAll || selectedIndex >= VISIBLE_CANDIDATES;
  const shown = rec ? (unfolded ? rec.candidates : rec.candidates.slice(0, VISIBLE_CANDIDATES)) : [];
  const folded = (rec?.candidates.length ?? 0) - VISIBLE_CANDIDATES;

  return (
    <Panel
      className="recs"
      testId="recommendations"
      title={
        <>
          <Prio priority={incident.priority} /> #{incident.number} {label('category', incident.category)}
          <span className={`istatus istatus-${incident.status}`}>{label('incidentStatus', incident.status)}</span>
        </>
      }
    >
      <div className="incident-facts">
        <div>{incident.placeName ?? incident.address ?? `${incident.location.lon.toFixed(5)}, ${incident.location.lat.toFixed(5)}`}</div>
        {incident.patientSummary && <div className="summary">{incident.patientSummary}</div>}
        {incident.priorityGroups.length > 0 && <GroupBadges groups={incident.priorityGroups} />}
        {incident.requiredVehicleCapabilities.length > 0 && (
          <div className="muted small">
            {incident.requiredVehicleCapabilities.map((c) => label('vehicleCapability', c)).join(' · ')} →{' '}
            {incident.requiredHospitalCapabilities.map((c) => label('hospitalCapability', c)).join(' · ')}
          </div>
        )}
      </div>

      {live.length > 0 && (
        <div className="assigned" data-testid="assigned-vehicles">
          <div className="sub-title">{t('assignedVehicles')}</div>
          {live.map((a) => (
            <div key={a.id} className="assigned-row">
              <span className="veh-dot" style={{ background: vehicleColour('busy', a.status) }} />
              <b>{a.callSign}</b> <span className="task-status">{label('taskStatus', a.status)}</span>
              {a.routeEtaSeconds !== null && ['dispatched', 'acknowledged', 'en_route'].includes(a.status) && (
                <span className="muted">
                  {' '}
                  · {t('eta')} {etaMinutes(a.routeEtaSeconds)} {t('minShort')} · {km(a.routeDistanceM ?? 0)} {t('km')}
                </span>
              )}
            </div>
          ))}
          {props.notices.map((n) => (
            <div key={n.id} className={`notice-line nstatus-${n.status}`} data-testid="notice-line">
              {t('hospitalNotice')} → {n.hospitalName} · {label('noticeStatus', n.status)}
              {n.etaAt && n.status !== 'arrived' && <span className="muted"> · {t('eta')} {clock(n.etaAt)}</span>}
            </div>
          ))}
        </div>
      )}

      {!finished && rec && (
        <>
          <div className="plan">
            <div>
              <span className="muted">{t('responsibleStation')}{colon}</span>
              <b data-testid="responsible-station">{rec.responsibleStation?.name ?? '—'}</b>
              {rec.responsibleStation && (
                <span className="muted"> · {etaMinutes(rec.responsibleStation.etaSeconds)} {t('minShort')}</span>
              )}
            </div>
            <div className="hospital-choice">
              <span className="muted">{t('proposedHospital')}{colon}</span>
              {hospitalOption && <LoadDot load={hospitalOption.loadStatus} />}
              <select
                value={hospitalOption?.hospitalId ?? ''}
                onChange={(e) => onHospital(e.target.value)}
                data-testid="hospital-choice"
                aria-label={t('destination')}
              >
                {rec.hospitalOptions.map((h) => (
                  <option key={h.hospitalId} value={h.hospitalId}>
                    {h.hospitalId === rec.proposedHospital?.hospitalId ? '★ ' : ''}
                    {h.name} · {label('load', h.loadStatus).split(' · ')[0]} · {etaMinutes(h.etaSeconds)} {t('minShort')}
                    {h.skippedBecause ? ` (${t('skipped')})` : ''}
                  </option>
                ))}
              </select>
            </div>
            {hospitalOption && <div className="load-text" style={{ color: colourOf(LOAD_COLOURS, hospitalOption.loadStatus) }}>{label('load', hospitalOption.loadStatus)}</div>}
          </div>

          {rec.queued && (
            <div className="queued-note" data-testid="queued-note">
              {t('queued', { station: rec.responsibleStation?.name ?? '—' })}
              {rec.nextBest && <NextBest nextBest={rec.nextBest} />}
            </div>
          )}

          {rec.candidates.length === 0 && !rec.queued && <div className="muted pad">{t('noCandidates')}</div>}
          {live.length > 0 && rec.candidates.length > 0 && (
            <label className="reinforce">
              <input type="checkbox" checked={props.reinforce} onChange={(e) => props.onReinforce(e.target.checked)} />{' '}
              {t('reinforce', { count: rec.candidates.length + (rec.moreCandidates ?? 0) })}
            </label>
          )}
          {(live.length === 0 || props.reinforce) && (
          <>
          <ol className="candidates" data-testid="candidates">
            {shown.map((c, i) => (
              <li
                key={c.vehicleId}
                className={`candidate${i === 0 ? ' top' : ''}${i === selectedIndex ? ' chosen' : ''}`}
                onClick={() => onSelectIndex(i)}
                data-vehicle={c.callSign}
              >
                <span className="key">{i < 9 ? <kbd>{i + 1}</kbd> : null}</span>
                <div className="cand-main">
                  <div className="cand-head">
                    <b className="callsign">{c.callSign}</b>
                    {i === 0 && <span className="badge best">{t('topChoice')}</span>}
                    {c.returning && <span className="badge warn">{label('vehicleState', 'returning')}</span>}
                  </div>
                  <div className="caps">
                    {c.capabilities.map((cap) => (
                      <span key={cap} className={`badge cap cap-${cap}`}>
                        {label('vehicleCapability', cap)}
                      </span>
                    ))}
                    {c.stale && (
                      <span className="stale-note" title={t('fromStation')}>
                        ⚠ {t('staleShort')}
                      </span>
                    )}
                  </div>
                  <ReserveNote candidate={c} />
                  {c.fallbackExtraM != null && (
                    <div className="muted small" data-testid="off-network">
                      {t('offNetwork', { m: Math.round(c.fallbackExtraM) })}
                    </div>
                  )}
                </div>
                <div className="cand-eta">
                  <div className="eta-min">
                    {etaMinutes(c.etaSeconds)}
                    <small>{t('minShort')}</small>
                  </div>
                  <div className="muted small">
                    {km(c.distanceM)} {t('km')}
                  </div>
                </div>
              </li>
            ))}
          </ol>
          {folded > 0 && (
            <button type="button" className="ghost more-candidates" onClick={() => setShowAll(!unfolded)} data-testid="more-candidates">
              {unfolded ? t('fewerCandidates') : t('moreCandidates', { count: folded })}
            </button>
          )}
          {unfolded && (rec.moreCandidates ?? 0) > 0 && (
            <div className="muted pad" data-testid="unlisted-candidates">
              {t('unlistedCandidates', { count: rec.moreCandidates ?? 0 })}
            </div>
          )}

          {rec.candidates.length > 0 && !props.confirmingLoad && (
            <button type="button" className="primary dispatch-btn" onClick={onDispatch} disabled={dispatching || !chosen} data-testid="dispatch">
              {dispatching ? t('dispatching') : `${t('dispatch')} ${chosen?.callSign ?? ''}`}
              {hospitalOption ? ` → ${hospitalOption.name}` : ''} <kbd>D</kbd>
            </button>
          )}
          {props.confirmingLoad && hospitalOption && (
            <div className="confirm-load" role="alertdialog" aria-labelledby="confirm-load-title" data-testid="confirm-load">
              <div id="confirm-load-title" className="confirm-load-title">
                <LoadDot load={hospitalOption.loadStatus} />
                {t('confirmLoad', { hospital: hospitalOption.name, load: label('load', hospitalOption.loadStatus) })}
              </div>
              <div>{t('confirmLoadAsk')}</div>
              <div className="confirm-load-actions">
                <button type="button" className="primary danger" onClick={props.onConfirmLoad} disabled={dispatching} autoFocus data-testid="confirm-load-dispatch">
                  {t('confirmLoadDispatch')} {chosen?.callSign ?? ''} <kbd>D</kbd>
                </button>
                <button type="button" className="ghost" onClick={props.onCancelConfirm}>
                  {t('cancelConfirm')} <kbd>Esc</kbd>
                </button>
              </div>
            </div>
          )}
          </>
          )}
          {error && <div className="error" role="alert">{error}</div>}

          <CrossCentreHelp incident={incident} recommendation={rec} />
          {rec.excluded.length > 0 && (
            <details className="excluded" data-testid="excluded">
              <summary>{t('excluded', { count: rec.excluded.length + (rec.moreExcluded ?? []).reduce((n, m) => n + m.count, 0) })}</summary>
              <ul>
                {rec.excluded.map((x) => (
                  <li key={x.vehicleId}>
                    <b>{x.callSign}</b> <span className={`badge reason-${x.reason}`}>{label('exclusion', x.reason)}</span>{' '}
                    <span className="muted">
                      <ExclusionDetail excluded={x} />
                    </span>
                  </li>
                ))}
              </ul>
              {/* A province leaves thousands out: the server lists the nearest few of each reason and counts the rest. */}
              {(rec.moreExcluded ?? []).map((m) => (
                <div key={m.reason} className="muted small unlisted-excluded" data-testid="unlisted-excluded" data-reason={m.reason}>
                  {t('unlistedExcluded', { count: m.count, reason: label('exclusion', m.reason), listed: rec.excluded.filter((x) => x.reason === m.reason).length })}
                </div>
              ))}
            </details>
          )}
          <div className="muted small">
            {t('recomputed', { time: clock(rec.computedAt), ms: Math.round(rec.computeMs) })}
            {rec.incidentSnapDistanceM > 50 && <> · {t('snapDistance', { m: Math.round(rec.incidentSnapDistanceM) })}</>}
            {rec.incidentFallbackExtraM != null && <> · {t('offNetwork', { m: Math.round(rec.incidentFallbackExtraM) })}</>}
          </div>
        </>
      )}
      {!finished && !rec && live.length === 0 && (error ? <div className="error" role="alert">{error}</div> : <div className="muted pad">{t('computing')}</div>)}
      {!finished && (
        <div className="incident-actions">
          {live.length === 0 && incident.status !== 'open' && incident.status !== 'queued' ? (
            <button type="button" className="ghost" onClick={props.onCloseIncident}>
              {t('closeIncident')}
            </button>
          ) : null}
          <button type="button" className="ghost danger" onClick={props.onCancelIncident}>
            {t('cancelIncident')}
          </button>
        </div>
      )}
    </Panel>
  );
}


/** Why a vehicle is left out, in the screen's language (the server's detail is English; shown only from a server without the fields). */
function ExclusionDetail({ excluded: x }: { excluded: ExcludedVehicleDto }) {
  const { t, label, lang } = useI18n();
  if (x.reason === 'out_of_service') return null;
  if (x.reason === 'missing_capability' && x.lacks) {
    return <>{t('excludedLacks', { caps: x.lacks.map((c) => label('vehicleCapability', c)).join(lang === 'zh-CN' ? '、' : ', ') })}</>;
  }
  if (x.reason === 'busy' && x.taskStatus) return <>{t('excludedBusy', { status: label('taskStatus', x.taskStatus), number: x.incidentNumber ?? '—' })}</>;
  if (x.reason === 'unreachable' && x.unreachable) return <>{label('unreachableReason', x.unreachable)}</>;
  return <>{x.detail}</>;
}

/** The busy vehicle to free first for a queued call, in the screen's language (the server's detail is English; shown only from a server without the fields). */
function NextBest({ nextBest: n }: { nextBest: NonNullable<RecommendationDto['nextBest']> }) {
  const { t, label } = useI18n();
  const detail =
    n.taskStatus && n.etaSeconds !== undefined
      ? t('nextBestDetail', { status: label('taskStatus', n.taskStatus), number: n.incidentNumber ?? '—', minutes: etaMinutes(n.etaSeconds) })
      : n.detail;
  return <div data-testid="next-best">{t('nextBest', { callSign: n.callSign, detail })}</div>;
}

/** Why a mobile CT or neonatal ambulance sits where it does in the ranking of a call that does not need it. */
function ReserveNote({ candidate: { reserve } }: { candidate: CandidateDto }) {
  const { t } = useI18n();
  if (!reserve) return null;
  const minutes = (s: number) => Math.max(0, Math.round(s / 60));
  return (
    <div className={`reserve-note${reserve.heldBack ? ' held' : ''}`} data-testid="reserve-note">
      {!reserve.heldBack
        ? t('reserveAhead', { gain: minutes(reserve.gainSeconds) })
        : reserve.gainSeconds > 0
          ? t('reserveHeld', { gain: minutes(reserve.gainSeconds), margin: minutes(reserve.marginSeconds) })
          : t('reserveHeldSlower')}
    </div>
  );
}
