import type { RepositionDto, RepositionStatusRequest } from '@dispatch/protocol';
import { formatDistance, useI18n } from './i18n';

/** A move-up: "move to <station>" with the drive, accepted and then arrived by one tap each; dispatchable meanwhile. */
export function RepositionCard({ reposition, onReport }: { reposition: RepositionDto; onReport(state: RepositionStatusRequest['state']): void }) {
  const { t, name } = useI18n();
  const route = reposition.route;
  return (
    <section className="card reposition" data-testid="reposition">
      <h2>{t('repositionTitle', { station: name({ name: reposition.stationName, nameEn: reposition.stationNameEn }) })}</h2>
      {route && (
        <div className="eta">
          {t('minutes', { m: Math.max(1, Math.round(route.durationS / 60)) })} · {formatDistance(route.distanceM)}
        </div>
      )}
      <p className="hint">{t('repositionHint')}</p>
      <div className="steps">
        {reposition.state === 'offered' ? (
          <button className="step primary" data-testid="reposition-accept" onClick={() => onReport('accepted')}>
            {t('repositionAccept')}
          </button>
        ) : (
          <div className="muted">{t('repositionAccepted')}</div>
        )}
        <button className={`step ${reposition.state === 'offered' ? 'secondary' : 'primary'}`} data-testid="reposition-arrived" onClick={() => onReport('arrived')}>
          {t('repositionArrived')}
        </button>
      </div>
    </section>
  );
}
