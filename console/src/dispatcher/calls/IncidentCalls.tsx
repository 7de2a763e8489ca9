import type { IncidentDto } from '@dispatch/protocol';
import { useLoaded } from '@dispatch/ui';
import { useI18n } from '../../i18n/i18n';
import { useLive, useLiveContext } from '../../realtime/useLive';

/**
 * The incident's call: the call-back number, when the phone rang and was answered (the phone system's times when it
 * came through it), the recording of each call and how many follow-up calls came since.
 */
export function IncidentCalls({ incident }: { incident: IncidentDto }) {
  const { t, clock } = useI18n();
  const { api } = useLiveContext();
  // A call of this incident that ended since (its recording) or was linked since is a reason to read them again.
  const { phoneCalls } = useLive();
  const pushed = [...phoneCalls.values()].filter((c) => c.incidentId === incident.id).map((c) => `${c.id}:${c.state}:${c.recordingRef ?? ''}`).join(',');
  const loaded = useLoaded(`${incident.id}|${incident.followUps}|${pushed}`, async () => ({
    id: incident.id,
    calls: await api.call('getIncidentCalls', { params: { id: incident.id } }),
  }));
  const calls = loaded?.id === incident.id ? loaded.calls : [];
  const recordings = calls.filter((c) => c.recordingRef);
  return (
    <div className="incident-calls small" data-testid="incident-calls">
      <b>{t('callBackNumber')}</b> <span className="number">{incident.callerPhone ?? '—'}</span> · {t('ringAt')} {clock(incident.callReceivedAt)}
      {incident.callAnsweredAt && ` · ${t('answerAt')} ${clock(incident.callAnsweredAt)}`}
      {incident.followUps > 0 && <span className="badge warn"> {t('followUpCalls', { count: incident.followUps })}</span>}
      {recordings.map((c) => (
        <div key={c.id} className="muted">
          {t('recording')}: <span className="mono">{c.recordingRef}</span>
        </div>
      ))}
    </div>
  );
}
