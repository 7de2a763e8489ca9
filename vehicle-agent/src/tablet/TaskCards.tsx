import { colourOf, LOAD_COLOURS, PRIORITY_COLOURS } from '@dispatch/ui';
import type { AssignmentOfferDto, OrderedTaskStatus, TransferBrief } from '@dispatch/protocol';
import { nextSteps } from '../agent/lifecycle';
import { distanceM, type LonLat } from '../simulator/geometry';
import type { Leg } from './hooks/useTaskNavigation';
import { formatDistance, MANEUVER_ARROW, STEP_ACTIONS, useI18n } from './i18n';
import type { NavProgress, NavRoute } from './navigation';

export function AssignmentCard({ offer }: { offer: AssignmentOfferDto }) {
  const { t, label, name, lang } = useI18n();
  const i = offer.incident;
  const transfer = i.transfer;
  return (
    <section className="card assignment" data-testid="assignment">
      <div className="card-head">
        <span className={`priority p${i.priority}`} style={{ background: colourOf(PRIORITY_COLOURS, i.priority) }}>
          {label('priority', i.priority)}
        </span>
        <span className="category">{label('category', i.category)}</span>
        <span className="number">
          {t('incident')} #{i.number}
        </span>
      </div>
      {transfer ? (
        // A transfer's two legs: pick the patient up at the sending hospital, deliver to the one that accepted.
        <div className="transfer-legs" data-testid="transfer-legs">
          <div className="transfer-kind">
            {t('transfer')} · {t(transfer.direction === 'up' ? 'referralUp' : 'referralDown')}
          </div>
          <div className="address" data-testid="leg-pickup">{t('pickUpAt', { name: name(transfer.from) })}</div>
          <div className="address" data-testid="leg-deliver">{t('deliverTo', { name: name(transfer.to) })}</div>
          {transfer.needs.length > 0 && (
            <div className="transfer-needs" data-testid="transfer-needs">
              {t('transferNeeds', { needs: transfer.needs.map((n) => t(`need.${n}`)).join(lang === 'en' ? ', ' : '、') })}
            </div>
          )}
        </div>
      ) : (
        <div className="address">{[i.placeName, i.address].filter(Boolean).join(' · ') || `${i.location.lat.toFixed(5)}, ${i.location.lon.toFixed(5)}`}</div>
      )}
      {i.patientSummary && <div className="summary">{i.patientSummary}</div>}
      {i.priorityGroups.length > 0 && (
        <div className="flags" aria-label={t('flags')}>
          {i.priorityGroups.map((g) => (
            <span key={g} className={`flag ${g}`}>
              {label('priorityGroup', g)}
            </span>
          ))}
        </div>
      )}
    </section>
  );
}

export function AckCountdown({ deadline, now }: { deadline: string; now: number }) {
  const { t } = useI18n();
  const left = Math.round((Date.parse(deadline) - now) / 1000);
  return (
    <div className={`countdown ${left <= 15 ? 'urgent' : ''}`} data-testid="ack-countdown">
      {left > 0 ? (
        <>
          {t('ackWithin')} <b>{`${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`}</b>
        </>
      ) : (
        t('ackOverdue')
      )}
    </div>
  );
}

export function StepButtons({ status, onStep }: { status: string | null; onStep(step: OrderedTaskStatus): void }) {
  const { lang } = useI18n();
  const steps = nextSteps(status).filter((s) => s !== 'dispatched');
  if (steps.length === 0) return null;
  return (
    <div className="steps">
      {steps.map((step, i) => (
        <button key={step} className={i === 0 ? 'step primary' : 'step secondary'} data-step={step} onClick={() => onStep(step)}>
          {STEP_ACTIONS[lang][step]}
        </button>
      ))}
    </div>
  );
}

export function Directions({
  leg, route, progress, now, transfer = null,
}: { leg: Leg; route: NavRoute | null; progress: NavProgress | null; now: number; transfer?: TransferBrief | null }) {
  const { t, lang, label, name } = useI18n();
  if (!leg) return null;
  const title =
    transfer && leg === 'scene'
      ? t('toPickUp', { name: name(transfer.from) })
      : transfer && leg === 'hospital'
        ? t('toDeliver', { name: name(transfer.to) })
        : t(leg === 'scene' ? 'toScene' : leg === 'hospital' ? 'toHospital' : 'toBase');
  if (!route || !progress) {
    return (
      <section className="card directions">
        <h3>{title}</h3>
        <p className="muted">{t('noRoute')}</p>
      </section>
    );
  }
  const next = route.steps[progress.nextIndex];
  const later = route.steps.slice(progress.nextIndex + 1, progress.nextIndex + 3);
  const eta = new Date(now + progress.remainingS * 1000);
  const arrow = (maneuver: string) => MANEUVER_ARROW[maneuver as keyof typeof MANEUVER_ARROW] ?? '↑';
  const what = (s: NavRoute['steps'][number]) => `${label('maneuver', s.maneuver)}${s.streetName ? ` · ${s.streetName}` : ''}`;
  return (
    <section className="card directions" data-testid="directions">
      <div className="eta">
        <h3>{title}</h3>
        <span>
          {t('eta')} <b>{eta.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit', hour12: false })}</b> ·{' '}
          {t('minutes', { m: Math.max(1, Math.round(progress.remainingS / 60)) })} · {formatDistance(progress.remainingM)}
        </span>
      </div>
      {next && (
        <div className="next-maneuver">
          <span className="arrow">{arrow(next.maneuver)}</span>
          <div>
            <div className="in">{formatDistance(progress.toNextM)}</div>
            <div className="what">{what(next)}</div>
          </div>
        </div>
      )}
      {later.length > 0 && (
        <ol className="later">
          {later.map((s, i) => (
            <li key={i}>
              <span className="arrow small">{arrow(s.maneuver)}</span>
              <span>{what(s)}</span>
              <span className="muted">{formatDistance(s.distanceM)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** A hospital's load as a chip in the shared load colour. */
export function LoadChip({ load }: { load: string }) {
  const { label } = useI18n();
  return (
    <span className={`load ${load}`} style={{ background: colourOf(LOAD_COLOURS, load) }}>
      {label('load', load)}
    </span>
  );
}

export function Destination({
  destination,
  nameEn,
  load,
  position,
  onChange,
  canChange,
}: {
  destination: AssignmentOfferDto['destinationHospital'];
  nameEn: string | null;
  load: string;
  position: LonLat | null;
  onChange(): void;
  canChange: boolean;
}) {
  const { t, name } = useI18n();
  return (
    <section className="card destination" data-testid="destination">
      <h3>{t('destination')}</h3>
      <div className="hospital-row">
        {destination ? (
          <>
            <LoadChip load={load} />
            <span className="name">{name({ name: destination.name, nameEn })}</span>
            {position && <span className="muted">{formatDistance(distanceM(position, [destination.location.lon, destination.location.lat]))}</span>}
          </>
        ) : (
          <span className="muted">{t('noDestination')}</span>
        )}
        {canChange && (
          <button className="secondary change" onClick={onChange} data-testid="change-destination">
            {t('changeDestination')}
          </button>
        )}
      </div>
    </section>
  );
}
