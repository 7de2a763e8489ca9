import type { PhoneCallDto } from '@dispatch/protocol';
import { CallCentreTag, useCallCentre } from '../../centres/CallCentre';
import { useI18n } from '../../i18n/i18n';

/**
 * The phone system's calls not yet taken into an incident (来电): number, line, state and ring time, each with the
 * action that takes it into the intake. The call being taken is marked, not offered again. A login of every centre
 * sees every centre's calls, each with the centre whose line rang.
 */
export function IncomingCalls({ calls, takingId, onTake }: { calls: readonly PhoneCallDto[]; takingId: string | null; onTake: (call: PhoneCallDto) => void }) {
  const { t, clock } = useI18n();
  const centreOf = useCallCentre();
  if (calls.length === 0) return null;
  return (
    <section className="panel incoming-calls" data-testid="incoming-calls" aria-live="polite">
      <div className="panel-title">{t('incomingCalls')}</div>
      <ul>
        {calls.map((c) => (
          <li key={c.id} className={`call ${c.state}${c.id === takingId ? ' taking' : ''}`} data-call={c.pbxCallId}>
            <span className="number">{c.callerPhone ?? t('withheldNumber')}</span>
            <span className="muted">{t('callLine', { line: c.lineId })}</span>
            {centreOf(c.centreId) && <CallCentreTag name={centreOf(c.centreId)!} />}
            <span className={`state ${c.state}`}>{t(`callState_${c.state}`)}</span>
            {c.ringingAt && <span className="mono muted">{clock(c.ringingAt)}</span>}
            {c.id === takingId ? (
              <span className="badge">{t('takingCall')}</span>
            ) : (
              <button type="button" className="primary small" onClick={() => onTake(c)} data-testid="take-call">
                {t('takeCall')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
