import type { IncidentDto, RecommendationDto } from '@dispatch/protocol';
import { useState } from 'react';
import { etaMinutes, km } from '../common/format';
import './centres.css';
import { useI18n } from '../i18n/i18n';
import { useLiveContext } from '../realtime/useLive';
import { centreName } from './useCentres';
import { useCentreWords } from './words';

/**
 * The other centres' nearest free vehicles for this incident (issue 15): never ranked with the centre's own, each with
 * a "request help" that asks for a reason before it sends the vehicle; the server records the reason in the audit log
 * and both centres then follow the task.
 */
export function CrossCentreHelp({ incident, recommendation }: { incident: IncidentDto; recommendation: RecommendationDto }) {
  const { t: common, lang, error: errorText } = useI18n();
  const { t } = useCentreWords();
  const { api, connection } = useLiveContext();
  const [asking, setAsking] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [sending, setSending] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const help = recommendation.crossCentre ?? [];
  // As the ranking folds once a vehicle is on the way, so does the help (the list would be of before the dispatch).
  const covered = incident.assignments.some((a) => !a.endedAt);
  if (covered && outcome?.ok) return <div className="help-sent" role="status" data-testid="help-outcome">{outcome.text}</div>;
  if (help.length === 0 || covered || incident.status === 'closed' || incident.status === 'cancelled') return null;
  const chosen = help.find((c) => c.vehicleId === asking);

  const send = async () => {
    if (!chosen || !reason.trim()) return;
    setSending(true);
    try {
      const offer = await api.call('assignVehicle', {
        params: { id: incident.id },
        body: { vehicleId: chosen.vehicleId, crossCentreHelp: { reason: reason.trim() } },
      });
      if (offer.route) connection.rememberRoute(offer.assignment.id, offer.route);
      setOutcome({ ok: true, text: t('helpSent', { callSign: chosen.callSign, centre: centreName({ name: chosen.centreName, nameEn: chosen.centreNameEn }, lang) }) });
      setAsking(null);
      setReason('');
    } catch (e) {
      setOutcome({ ok: false, text: `${common('errorPrefix')}${errorText(e)}` });
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="cross-centre" data-testid="cross-centre">
      <h4>{t('helpTitle')}</h4>
      <p className="muted small">{t('helpNote')}</p>
      <ul>
        {help.map((c) => (
          <li key={c.vehicleId} data-testid="cross-centre-vehicle">
            <b>{c.callSign}</b> <span className="badge">{centreName({ name: c.centreName, nameEn: c.centreNameEn }, lang)}</span>{' '}
            <span className="muted">
              {t('helpEta', { eta: `${etaMinutes(c.etaSeconds)} ${common('minShort')}`, km: `${km(c.distanceM)} ${common('km')}` })}
            </span>{' '}
            <button type="button" className="ghost" data-testid="request-help" onClick={() => { setAsking(c.vehicleId); setOutcome(null); }}>
              {t('requestHelp')}
            </button>
          </li>
        ))}
      </ul>
      {chosen && (
        <form className="help-confirm" data-testid="help-confirm" onSubmit={(e) => { e.preventDefault(); void send(); }}>
          <label>
            {t('helpReason')}
            <input data-testid="help-reason" value={reason} maxLength={500} placeholder={t('helpReasonPlaceholder')} onChange={(e) => setReason(e.target.value)} autoFocus />
          </label>
          <button type="submit" className="primary" data-testid="confirm-help" disabled={sending || !reason.trim()}>
            {t('confirmHelp', { callSign: chosen.callSign })}
          </button>
          <button type="button" className="ghost" onClick={() => setAsking(null)}>
            {t('cancel')}
          </button>
        </form>
      )}
      {outcome && <div className={outcome.ok ? 'help-sent' : 'error'} role={outcome.ok ? 'status' : 'alert'} data-testid="help-outcome">{outcome.text}</div>}
    </section>
  );
}
