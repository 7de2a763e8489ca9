import { NEMSIS_ETIMES, type IncidentDto } from '@dispatch/protocol';
import { useLoaded } from '@dispatch/ui';
import { Panel, TableHead } from '../common/Panel';
import { useI18n } from '../i18n/i18n';
import { useLive, useLiveContext } from '../realtime/useLive';
import { arrivalFlags } from './arrivalFlags';

/** Receipts this much later than the device time are marked (a tablet that was offline replaying). */
const LATE_S = 10;

/**
 * Every status event of the incident in device-time order, with who did it, from where, and when the
 * server received it. Refetched whenever the incident or one of its assignments changes.
 */
export function Timeline({ incident }: { incident: IncidentDto }) {
  const { t, label, clock } = useI18n();
  const { api } = useLiveContext();
  const { vehicles, syncedAt } = useLive();
  // A change of any assignment step or of the incident's status is a new event to show.
  const version = `${incident.id}|${incident.status}|${incident.followUps}|${incident.assignments.map((a) => `${a.id}:${a.status}`).join(',')}|${syncedAt}`;
  const loaded = useLoaded(version, async () => ({ id: incident.id, events: await api.call('getTimeline', { params: { id: incident.id } }) }));
  const shown = loaded?.id === incident.id ? loaded.events : [];
  const flags = arrivalFlags(shown);
  return (
    <Panel className="timeline" testId="timeline" title={`${t('timeline')} · #${incident.number}`}>
      <table className="dense">
        <TableHead columns={['time', 'event', 'vehicle', 'actor', 'received']} />
        <tbody>
          {shown.map((e) => {
            const late = (Date.parse(e.receivedAt) - Date.parse(e.deviceTime)) / 1000;
            const flag = flags.get(e.id);
            return (
              <tr key={e.id} data-status={e.status} data-flag={flag} className={flag ? 'flagged' : undefined}>
                <td className="mono">{clock(e.deviceTime)}</td>
                <td>
                  <span title={NEMSIS_ETIMES[e.status as keyof typeof NEMSIS_ETIMES] ?? ''}>{label('taskStatus', e.status)}</span>
                  {flag && <span className="badge warn">{t(flag)}</span>}
                  {/* A call's entry: who called (the call-back number) and the dispatcher's note. */}
                  {e.callerPhone && <span className="muted small caller"> ☎ {e.callerPhone}</span>}
                  {e.note && <div className="small note">{e.note}</div>}
                </td>
                <td>{e.vehicleId ? (vehicles.get(e.vehicleId)?.callSign ?? '') : ''}</td>
                <td>
                  {e.actor ?? '—'} <span className="muted small">{label('eventSource', e.source)}</span>
                </td>
                <td className={`mono ${late > LATE_S ? 'late' : 'muted'}`}>
                  {clock(e.receivedAt)}
                  {late > LATE_S && <> ({t('lateBy', { s: Math.round(late) })})</>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Panel>
  );
}
