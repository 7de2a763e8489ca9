import { useState } from 'react';
import { HospitalLoad, type HospitalNoticeDto } from '@dispatch/protocol';
import { colourOf, LOAD_COLOURS, useNow } from '@dispatch/ui';
import { GroupBadges, Panel, Prio } from '../common/Panel';
import { useI18n } from '../i18n/i18n';
import { useLive, useLiveContext } from '../realtime/useLive';
import { NoticeConsultation } from './NoticeConsultation';
import { TransferPanel } from './TransferPanel';
import { NoticeCareFlags } from '../register/RegisterFlags';

const INCOMING = new Set(['sent', 'escalated', 'acknowledged']);

/**
 * The emergency department's screen: patients on their way with an ETA counting down (the server
 * recomputes it from the ambulance's position and pushes changes), the patient summary, one-tap
 * acknowledgement, and the hospital's own load status.
 */
export function HospitalBoard() {
  const { t, label, clock, error: errorText } = useI18n();
  const { api, connection, session } = useLiveContext();
  const live = useLive();
  const now = useNow();
  const [error, setError] = useState<string | null>(null);
  const hospital = session.user.hospitalId ? live.hospitals.get(session.user.hospitalId) : undefined;
  const notices = [...live.notices.values()].filter((n) => n.hospitalId === session.user.hospitalId);
  const incoming = notices
    .filter((n) => INCOMING.has(n.status))
    .sort((a, b) => Date.parse(a.etaAt ?? a.sentAt) - Date.parse(b.etaAt ?? b.sentAt));
  const arrived = notices.filter((n) => n.status === 'arrived').slice(0, 10);

  const act = async (action: () => Promise<void>) => {
    setError(null);
    await action().catch((e: unknown) => setError(`${t('errorPrefix')}${errorText(e)}`));
  };
  const acknowledge = (n: HospitalNoticeDto) => act(async () => connection.apply('notices', await api.call('acknowledgeNotice', { params: { id: n.id } })));
  const setLoad = (loadStatus: HospitalLoad) =>
    hospital && act(async () => connection.apply('hospitals', await api.call('setHospitalLoad', { params: { id: hospital.id }, body: { loadStatus } })));

  return (
    <div className="hospital-board" data-testid="hospital-board">
      <Panel className="load-panel" title={`${hospital?.name ?? ''} · ${t('loadStatus')}`}>
        <div className="load-buttons">
          {HospitalLoad.options.map((l) => (
            <button
              key={l}
              type="button"
              className={`load-btn load-${l}${hospital?.loadStatus === l ? ' on' : ''}`}
              style={{ borderColor: colourOf(LOAD_COLOURS, l) }}
              onClick={() => void setLoad(l)}
              data-load={l}
              aria-pressed={hospital?.loadStatus === l}
            >
              <span className="load-dot" style={{ background: colourOf(LOAD_COLOURS, l) }} />
              {label('load', l)}
            </button>
          ))}
        </div>
        {error && <div className="error" role="alert">{error}</div>}
      </Panel>

      <Panel className="incoming" testId="incoming" title={<>{t('incomingPatients')} <span className="count">{incoming.length}</span></>}>
        {incoming.length === 0 && <div className="muted pad big">{t('noIncoming')}</div>}
        {incoming.map((n) => {
          const remaining = n.etaAt ? (Date.parse(n.etaAt) - now) / 1000 : null;
          return (
            <article key={n.id} className={`notice notice-${n.status}`} data-notice={n.incidentNumber}>
              <div className="notice-eta">
                <div className="eta-label">{t('eta')}</div>
                {/* Minutes left, not mm:ss: a ward reads "12:30" as a clock time. */}
                <div className="eta-count" data-testid="eta-countdown" data-seconds={remaining === null ? '' : Math.max(0, Math.round(remaining))}>
                  {remaining === null ? t('etaUnknown') : remaining <= 0 ? t('arriving') : t('minutesLeft', { min: Math.ceil(remaining / 60) })}
                </div>
                {n.etaAt && <div className="muted small">{clock(n.etaAt)}</div>}
              </div>
              <div className="notice-main">
                <div className="notice-head">
                  <Prio priority={n.priority} />
                  <b>{label('category', n.category)}</b>
                  <span className="muted">#{n.incidentNumber}</span>
                  <span className="vehicle-tag">{n.vehicleCallSign}</span>
                </div>
                <div className="notice-summary">{n.patientSummary ?? '—'}</div>
                <GroupBadges groups={n.priorityGroups} />
                <NoticeConsultation notice={n} />
                <NoticeCareFlags noticeId={n.id} />
                <div className="muted small">
                  {t('sentAt')} {clock(n.sentAt)} · <span className={`nstatus nstatus-${n.status}`}>{label('noticeStatus', n.status)}</span>
                  {n.acknowledgedAt && <> · {clock(n.acknowledgedAt)}</>}
                </div>
              </div>
              <div className="notice-action">
                {n.status === 'acknowledged' ? (
                  <span className="acked">✔ {t('acknowledged')}</span>
                ) : (
                  <button type="button" className="primary big" onClick={() => void acknowledge(n)} data-testid="acknowledge">
                    {t('acknowledge')}
                  </button>
                )}
              </div>
            </article>
          );
        })}
      </Panel>

      <TransferPanel hospital={hospital} />

      {arrived.length > 0 && (
        <Panel className="arrived" title={t('recentArrivals')}>
          {arrived.map((n) => (
            <div key={n.id} className="muted">
              #{n.incidentNumber} {label('category', n.category)} · {n.vehicleCallSign} · {clock(n.sentAt)}
            </div>
          ))}
        </Panel>
      )}
    </div>
  );
}
