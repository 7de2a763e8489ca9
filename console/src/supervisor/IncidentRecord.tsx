import { useState } from 'react';
import { TaskStatus, type ClientConfigDto } from '@dispatch/protocol';
import { useLoaded } from '@dispatch/ui';
import { GroupBadges, Panel, Prio } from '../common/Panel';
import { useLiveContext } from '../realtime/useLive';
import { downloadFile } from './download';
import { TrackMap } from './TrackMap';
import { useWords } from './words';

/**
 * One incident's record: the call, the full timeline (device and receive time, who, from where), the route each
 * vehicle actually drove, and the standard exports (NEMSIS eTimes, NENA EIDO, the FHIR bundle of each hospital notice).
 */
export function IncidentRecord({ id, config }: { id: string; config: ClientConfigDto }) {
  const { t, label, lang, error: say } = useWords();
  const { api, session } = useLiveContext();
  const [exportError, setExportError] = useState<string | null>(null);
  const record = useLoaded(id, () =>
    Promise.all([
      api.call('getIncident', { params: { id } }),
      api.call('getTimeline', { params: { id } }),
      api.call('getIncidentTrack', { params: { id } }),
      api.call('listNotices'),
    ]).then(([incident, timeline, track, notices]) => ({ incident, timeline, track, notices: notices.filter((n) => n.incidentId === id) })),
  );
  if (!record || record.incident.id !== id) return <div className="pad muted">{t('loading')}</div>;
  const { incident, timeline, track, notices } = record;
  const when = (at: string | null) => (at ? new Date(at).toLocaleString(lang) : '—');
  const callSigns = new Map(incident.assignments.map((a) => [a.vehicleId, a.callSign]));
  const save = (route: 'getEtimes' | 'getEido' | 'getNoticeFhir', paramId: string, filename: string) => {
    setExportError(null);
    downloadFile(route, { params: { id: paramId } }, session.token, filename).catch((e: unknown) => setExportError(say(e)));
  };

  return (
    <div className="supervisor record" data-testid="incident-record">
      <Panel
        className="record-head"
        title={
          <>
            <a href="#/incidents" className="no-print">← {t('recordBack')}</a>
            <span>{t('recordTitle', { number: incident.number })}</span>
            <Prio priority={incident.priority} />
            <span>{label('category', incident.category)}</span>
            <span className="istatus">{label('incidentStatus', incident.status)}</span>
          </>
        }
      >
        <dl className="facts">
          <dt>{t('colReceived')}</dt>
          <dd className="mono">{when(incident.callReceivedAt)}</dd>
          <dt>{t('recordAnswered')}</dt>
          <dd className="mono">
            {when(incident.callAnsweredAt ?? incident.createdAt)}{' '}
            <span className={`badge source-${track.answerSource}`} data-testid="record-answer-source">
              {t('answerSource')}: {t(track.answerSource === 'phone' ? 'sourcePhone' : 'sourceDispatcher')}
            </span>
          </dd>
          <dt>{t('recordClosed')}</dt>
          <dd className="mono">{when(incident.closedAt)}</dd>
          <dt>{t('colPlace')}</dt>
          <dd>{incident.placeName ?? '—'}</dd>
          <dt>{t('recordAddress')}</dt>
          <dd>{incident.address ?? '—'}</dd>
          <dt>{t('recordCaller')}</dt>
          <dd className="mono">{incident.callerPhone ?? '—'}</dd>
          <dt>{t('recordSummary')}</dt>
          <dd>{incident.patientSummary ?? '—'} <GroupBadges groups={incident.priorityGroups} /></dd>
        </dl>
        <div className="exports no-print">
          <span className="muted">{t('recordExports')}:</span>
          <button type="button" onClick={() => save('getEtimes', id, `etimes-${incident.number}.json`)}>NEMSIS eTimes</button>
          <button type="button" onClick={() => save('getEido', id, `eido-${incident.number}.json`)}>NENA EIDO</button>
          {notices.map((n) => (
            <button key={n.id} type="button" onClick={() => save('getNoticeFhir', n.id, `fhir-${incident.number}-${n.id.slice(0, 8)}.json`)}>
              FHIR · {n.vehicleCallSign}
            </button>
          ))}
        </div>
        {exportError && <div className="error">{exportError}</div>}
      </Panel>
      <div className="record-body">
        <Panel className="record-timeline" title={t('recordTimeline')}>
          <table className="dense" data-testid="record-timeline">
            <thead>
              <tr>
                <th>{t('tlTime')}</th>
                <th>{t('tlReceived')}</th>
                <th>{t('tlStep')}</th>
                <th>{t('tlVehicle')}</th>
                <th>{t('tlWho')}</th>
                <th>{t('tlSource')}</th>
              </tr>
            </thead>
            <tbody>
              {timeline.map((e) => (
                <tr key={`${e.assignmentId ?? ''}${e.id}`} data-step={e.status}>
                  <td className="mono">{when(e.deviceTime)}</td>
                  <td className="mono muted">{when(e.receivedAt)}</td>
                  <td>{label('taskStatus', e.status)}</td>
                  <td>{e.vehicleId ? (callSigns.get(e.vehicleId) ?? '—') : ''}</td>
                  <td>{e.actor ?? '—'}</td>
                  <td>{e.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
        {incident.assignments.length > 0 && (
          <Panel className="record-task-times" title={t('recordTaskTimes')}>
            <table className="dense" data-testid="record-task-times">
              <thead>
                <tr>
                  <th>{t('tlStep')}</th>
                  {incident.assignments.map((a) => (
                    <th key={a.id}>{a.callSign}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {TaskStatus.options
                  .filter((step) => incident.assignments.some((a) => a.timestamps[step]))
                  .map((step) => (
                    <tr key={step} data-step={step}>
                      <td>{label('taskStatus', step)}</td>
                      {incident.assignments.map((a) => (
                        <td key={a.id} className="mono">{when(a.timestamps[step] ?? null)}</td>
                      ))}
                    </tr>
                  ))}
              </tbody>
            </table>
          </Panel>
        )}
        <Panel className="record-route" title={t('recordRoute')}>
          <TrackMap config={config} location={incident.location} tracks={track.tracks} />
          <ul className="track-legend small">
            {track.tracks.map((tr) => (
              <li key={tr.assignmentId} data-points={tr.points}>
                {tr.points > 1 ? t('recordPoints', { callSign: tr.callSign, points: tr.points }) : `${tr.callSign}: ${t('recordNoTrack')}`}
              </li>
            ))}
          </ul>
        </Panel>
      </div>
    </div>
  );
}
