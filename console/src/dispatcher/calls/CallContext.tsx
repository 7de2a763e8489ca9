import { useState } from 'react';
import type { IncidentDto, PhoneCallDto, RelatedQuery } from '@dispatch/protocol';
import { useAnswerAfterPause } from '@dispatch/ui';
import { CallCentreTag, useCallCentre } from '../../centres/CallCentre';
import { useI18n } from '../../i18n/i18n';
import { useLiveContext } from '../../realtime/useLive';
import type { Draft } from '../draft';

/** Typing pauses this long before the related incidents are asked for again. */
const QUERY_DELAY_MS = 300;
/** Mirrors the server's NEARBY_M and NEARBY_MINUTES (telephony/phoneCalls.ts), for the reason's words only. */
const NEARBY = { m: 300, min: 30 };

/**
 * Beside the intake, while a call is taken: the phone system's call (number, line, the caller's location), the open
 * incidents it may be the same emergency as, with the reasons (same number, nearby, same address) and the action that
 * records the call on one of them as a follow-up (催车 / 重复来电) instead of a new incident, and the number's
 * earlier incidents. Asked for again as the number, the place or the address is typed. A login of every centre sees
 * the centre whose line rang beside the line, as in the incoming calls: the incident will be that centre's.
 */
export function CallContext({ draft, call, onLinked }: { draft: Draft; call: PhoneCallDto | null; onLinked: (incident: IncidentDto) => void }) {
  const { t, label, clock, lang, error: describe } = useI18n();
  const { api, connection } = useLiveContext();
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const centreOf = useCallCentre();
  const callCentre = call && centreOf(call.centreId);

  const phone = draft.callerPhone.trim();
  const address = draft.address.trim();
  const query: RelatedQuery | null =
    draft.phoneCallId || phone || draft.location || address
      ? {
          ...(draft.phoneCallId ? { phoneCallId: draft.phoneCallId } : {}),
          // A number still being typed is not asked for: the server would refuse it.
          ...(/^\+?[0-9 -]{3,20}$/.test(phone) ? { callerPhone: phone } : {}),
          ...(draft.location ? { location: draft.location } : {}),
          ...(address ? { address } : {}),
          ...(draft.placeName ? { placeName: draft.placeName } : {}),
        }
      : null;
  // The answer of what is typed now; an older one (the typing went on) is not shown.
  const answer = useAnswerAfterPause(query, (body) => api.call('relatedIncidents', { body }), QUERY_DELAY_MS);

  const link = async (incident: IncidentDto) => {
    setBusy(incident.id);
    setFailure(null);
    try {
      await api.call('linkFollowUp', {
        params: { id: incident.id },
        body: {
          ...(draft.phoneCallId ? { phoneCallId: draft.phoneCallId } : {}),
          ...(/^\+?[0-9 -]{3,20}$/.test(phone) ? { callerPhone: phone } : {}),
          ...(draft.patientSummary.trim() ? { note: draft.patientSummary.trim() } : {}),
        },
      });
      const updated = await api.call('getIncident', { params: { id: incident.id } });
      connection.apply('incidents', updated);
      onLinked(updated);
    } catch (e) {
      setFailure(describe(e));
    } finally {
      setBusy(null);
    }
  };

  if (!call && !answer) return null;
  const related = answer?.related ?? [];
  const history = answer?.history ?? [];
  return (
    <section className="panel call-context" data-testid="call-context">
      {call && (
        <div className="call-head" data-testid="taking-call">
          <b>{t('takingCall')}</b> <span className="number">{call.callerPhone ?? t('withheldNumber')}</span>{' '}
          <span className="muted">{t('callLine', { line: call.lineId })}</span>{' '}
          {callCentre && (
            <>
              <CallCentreTag name={callCentre} />{' '}
            </>
          )}
          <span className={`state ${call.state}`}>{t(`callState_${call.state}`)}</span>
          {call.ringingAt && (
            <span className="muted small">
              {' '}
              · {t('ringAt')} {clock(call.ringingAt)}
              {call.answeredAt && ` · ${t('answerAt')} ${clock(call.answeredAt)}`}
            </span>
          )}
          {call.location && (
            <div className="small" data-testid="caller-location">
              {t('callerLocation', { radius: Math.round(call.location.radiusM), source: t(`locSource_${call.location.source}`) })}
            </div>
          )}
        </div>
      )}
      {related.length > 0 && (
        <div className="related" role="alert" data-testid="related-incidents">
          <div className="hint warn">{t('relatedIncidents')}</div>
          <ul>
            {related.map((r) => (
              <li key={r.incident.id} data-incident={r.incident.number}>
                <span>
                  #{r.incident.number} {label('category', r.incident.category)} · {label('incidentStatus', r.incident.status)}
                  {r.incident.address ? ` · ${r.incident.address}` : ''}
                </span>
                <span className="reasons">
                  {r.reasons.map((reason) => (
                    <span key={reason} className="badge warn">
                      {t(`reason_${reason}`, NEARBY)}
                    </span>
                  ))}
                  {r.distanceM !== null && <span className="muted small"> {t('distanceM', { m: r.distanceM })}</span>}
                </span>
                <button type="button" className="small" disabled={busy !== null} onClick={() => void link(r.incident)} data-testid="link-follow-up">
                  {t('linkFollowUp')}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {failure && (
        <div className="error" role="alert">
          {failure}
        </div>
      )}
      {(call?.callerPhone || /^\+?[0-9 -]{3,20}$/.test(phone)) && (
        <div className="history" data-testid="caller-history">
          <div className="hint">{history.length > 0 ? t('callerHistory') : t('noCallerHistory')}</div>
          {history.length > 0 && (
            <ul>
              {history.map((h) => (
                <li key={h.incidentId}>
                  <span className="mono">{new Date(h.callReceivedAt).toLocaleString(lang, { dateStyle: 'short', timeStyle: 'short', hour12: false })}</span>{' '}
                  <b>{label('category', h.category)}</b> ·{' '}
                  {h.outcome ? label('taskStatus', h.outcome) : h.status === 'open' || h.status === 'queued' ? label('incidentStatus', h.status) : t('outcomeNone')}
                  <div className="muted">{h.address ?? h.placeName ?? ''}</div>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
