import { CATEGORY_REQUIREMENTS, tileCoordinatesOf, type AssignmentOfferDto, type HospitalDto, type TaskStatus, type TileCoordinates } from '@dispatch/protocol';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { RouteResult } from '../agent/api';
import { taskRank } from '@dispatch/protocol';
import { nextSteps } from '../agent/lifecycle';
import { watchBrowserGeolocation } from '../gps/browserGeolocation';
import { distanceM, type LonLat } from '../simulator/geometry';
import {
  CAPABILITY_LABEL,
  CATEGORY_LABEL,
  GROUP_LABEL,
  LOAD_LABEL,
  MANEUVER_ARROW,
  MANEUVER_LABEL,
  STATUS_LABEL,
  STEP_BUTTON,
  formatDistance,
  useLang,
  useT,
} from './i18n';
import { prepareRoute, progressOn, type NavRoute } from './navigation';
import { TaskMap } from './TaskMap';
import type { AgentHandle } from './useCrewAgent';

/** A fix every few seconds is plenty for the dispatch centre; the browser may deliver one a second. */
const POSITION_REPORT_EVERY_MS = 3000;

type Leg = 'scene' | 'hospital' | 'base' | null;

function legFor(status: string | null): Leg {
  if (!status) return null;
  const r = taskRank(status);
  if (r <= taskRank('en_route')) return 'scene';
  if (r <= taskRank('at_hospital')) return 'hospital';
  if (status === 'back_in_service' || status === 'handover') return 'base';
  return null;
}

export function TaskScreen({ handle, token, onLogout, toggleLang }: { handle: AgentHandle; token: string; onLogout(): void; toggleLang(): void }) {
  const t = useT();
  const lang = useLang();
  const { agent, state } = handle;
  const [config, setConfig] = useState<{ tileUrl: string; tileAttribution: string; tileCoordinates: TileCoordinates } | null>(null);
  const [vehicle, setVehicle] = useState<{ callSign: string; home: LonLat | null; last: LonLat | null } | null>(null);
  const [hospitals, setHospitals] = useState<HospitalDto[]>([]);
  const [gps, setGps] = useState<LonLat | null>(null);
  const [gpsProblem, setGpsProblem] = useState<string | null>(null);
  const [legRoute, setLegRoute] = useState<{ key: string; route: RouteResult | null } | null>(null);
  const [choosing, setChoosing] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const lastReport = useRef(0);

  const vehicleId = state?.vehicleId ?? null;
  const offer = state?.offer ?? null;
  const status = state?.taskStatus ?? null;

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    if (!agent || !vehicleId) return;
    let cancelled = false;
    (async () => {
      const [cfg, v, stations] = await Promise.all([agent.api.config(), agent.api.vehicle(vehicleId), agent.api.stations()]);
      if (cancelled) return;
      const station = stations.find((s) => s.id === v.homeStationId);
      setConfig({ ...cfg, tileCoordinates: tileCoordinatesOf(cfg) });
      setVehicle({
        callSign: v.callSign,
        home: station ? [station.location.lon, station.location.lat] : null,
        last: v.position ? [v.position.lon, v.position.lat] : null,
      });
    })().catch(() => undefined);
    const loadHospitals = () => agent.api.hospitals().then((h) => !cancelled && setHospitals(h), () => undefined);
    void loadHospitals();
    const timer = setInterval(loadHospitals, 60_000);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [agent, vehicleId]);

  useEffect(() => {
    if (!agent || !navigator.geolocation) return;
    return watchBrowserGeolocation(navigator.geolocation, {
      fix(fix) {
        setGps([fix.lon, fix.lat]);
        setGpsProblem(null);
        if (Date.now() - lastReport.current < POSITION_REPORT_EVERY_MS) return;
        lastReport.current = Date.now();
        void agent.reportPosition(fix).catch(() => undefined);
      },
      rejected(r) {
        setGpsProblem(r.reason);
      },
    });
  }, [agent]);

  const position: LonLat | null = gps ?? vehicle?.last ?? null;
  const leg = legFor(status);
  const scene: LonLat | null = offer ? [offer.incident.location.lon, offer.incident.location.lat] : null;
  const destination = offer?.destinationHospital ?? null;
  const destinationLoad = hospitals.find((h) => h.id === destination?.id)?.loadStatus ?? destination?.loadStatus ?? 'blue';
  const target: LonLat | null =
    leg === 'hospital' && destination ? [destination.location.lon, destination.location.lat] : leg === 'base' ? (vehicle?.home ?? null) : null;
  const legKey = target ? `${leg}:${target.join(',')}:${offer?.assignment.id}` : null;

  // The scene leg comes with the offer; the legs to hospital and home are asked for when they begin, and asked
  // again every 10 s while the server cannot be reached, and at once when the connection comes back.
  const [attempt, setAttempt] = useState(0);
  const online = state?.connection === 'online';
  useEffect(() => {
    if (!agent || !legKey || !target || !online) return;
    const from = position ?? scene;
    if (!from) return;
    let cancelled = false;
    let retry: ReturnType<typeof setTimeout> | null = null;
    agent.api.route(from, target).then(
      (route) => !cancelled && setLegRoute({ key: legKey, route }),
      () => {
        if (cancelled) return;
        setLegRoute({ key: legKey, route: null });
        retry = setTimeout(() => setAttempt((n) => n + 1), 10_000);
      },
    );
    return () => {
      cancelled = true;
      if (retry) clearTimeout(retry);
    };
    // Only a new leg (or a retry) asks again; the vehicle moving along it does not.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [agent, legKey, attempt, online]);

  const route: NavRoute | null = leg === 'scene' ? (offer?.route ?? null) : legRoute?.key === legKey ? (legRoute?.route ?? null) : null;
  const prepared = useMemo(() => (route ? prepareRoute(route) : null), [route]);
  const progress = prepared ? progressOn(prepared, position) : null;

  const report = (step: TaskStatus) => {
    if (!agent) return;
    void agent.reportStatus(step, position ? { location: { lon: position[0], lat: position[1] } } : {});
  };

  const connection = state?.connection ?? 'connecting';
  const queued = state?.queued ?? 0;

  return (
    <div className="screen">
      <header className="topbar">
        <div className="callsign">{vehicle?.callSign ?? '…'}</div>
        <div className="task-status" data-testid="task-status">
          {offer ? STATUS_LABEL[lang][status ?? ''] ?? status : t.standby}
        </div>
        <div className={`conn ${connection}`} data-testid="connection">
          <span className="dot" />
          {connection === 'online' ? t.online : connection === 'offline' ? t.offline : t.connecting}
          <span className={`queue ${queued ? 'pending' : ''}`} data-testid="queued">
            {queued ? t.queued(queued) : t.allSent}
          </span>
        </div>
        {handle.databaseUnavailable ? (
          <div className="gps-off" role="alert" data-testid="database-banner">
            {t.databaseUnavailable}
          </div>
        ) : (
          handle.bootError && <div className="gps-off" data-testid="boot-error">{handle.bootError}</div>
        )}
        {!gps && <div className="gps-off" title={gpsProblem ?? ''}>{t.gpsOff}</div>}
        <button className="lang" onClick={toggleLang}>
          {lang === 'zh' ? 'EN' : '中文'}
        </button>
        <button className="logout" onClick={onLogout}>
          {t.logout}
        </button>
      </header>
      <div className="body">
        <TaskMap
          tileUrl={config ? config.tileUrl || null : undefined}
          tileAttribution={config?.tileAttribution ?? ''}
          tileCoordinates={config?.tileCoordinates}
          token={token}
          route={route?.geometry.coordinates ?? null}
          scene={scene}
          hospital={destination ? { lonLat: [destination.location.lon, destination.location.lat], load: destinationLoad } : null}
          home={vehicle?.home ?? null}
          vehicle={position}
        />
        <aside className="panel">
          {handle.notices.map((n) => (
            <div key={n.id} className={`notice ${n.kind}`} role="alert">
              <span>
                <b>{n.kind === 'rejected' ? t.rejected : t.withdrawn}</b> {n.text}
              </span>
              <button onClick={() => handle.dismiss(n.id)}>{t.dismiss}</button>
            </div>
          ))}
          {(state?.stuck ?? []).map((s) => {
            const first = s.entries[0]!;
            return (
              <div key={s.id} className="notice stuck" role="alert" data-testid="stuck-event">
                <span>
                  <b>{t.stuck}</b> {first.kind === 'status' ? (STATUS_LABEL[lang][first.status] ?? first.status) : t.stuckPositions(s.entries.length)} · {s.status}
                </span>
                <span className="actions">
                  <button onClick={() => void agent?.resolveStuck(s.id, 'retry')}>{t.retry}</button>
                  <button className="secondary" onClick={() => void agent?.resolveStuck(s.id, 'discard')}>{t.discard}</button>
                </span>
              </div>
            );
          })}
          {offer ? (
            <>
              <AssignmentCard offer={offer} />
              {status === 'dispatched' && <AckCountdown deadline={offer.ackDeadline} now={now} />}
              <StepButtons status={status} onStep={report} />
              <Directions leg={leg} route={route} progress={progress} now={now} />
              <Destination
                destination={destination}
                nameEn={hospitals.find((h) => h.id === destination?.id)?.nameEn ?? null}
                load={destinationLoad}
                position={position ?? scene}
                onChange={() => setChoosing(true)}
                canChange={status !== null && taskRank(status) < taskRank('at_hospital')}
              />
            </>
          ) : (
            <div className="standby">
              <h2>{t.standby}</h2>
              <p>{t.standbyHint}</p>
            </div>
          )}
        </aside>
      </div>
      {choosing && offer && (
        <HospitalDialog
          hospitals={hospitals}
          current={destination?.id ?? null}
          from={position ?? scene}
          needs={CATEGORY_REQUIREMENTS[offer.incident.category].hospital}
          onClose={() => setChoosing(false)}
          onChoose={async (id) => {
            setChoosing(false);
            await agent?.changeDestination(id).catch(() => undefined);
          }}
        />
      )}
    </div>
  );
}

function AssignmentCard({ offer }: { offer: AssignmentOfferDto }) {
  const t = useT();
  const lang = useLang();
  const i = offer.incident;
  return (
    <section className="card assignment" data-testid="assignment">
      <div className="card-head">
        <span className={`priority p${i.priority}`}>{t.priority(i.priority)}</span>
        <span className="category">{CATEGORY_LABEL[lang][i.category] ?? i.category}</span>
        <span className="number">
          {t.incident} #{i.number}
        </span>
      </div>
      <div className="address">{[i.placeName, i.address].filter(Boolean).join(' · ') || `${i.location.lat.toFixed(5)}, ${i.location.lon.toFixed(5)}`}</div>
      {i.patientSummary && <div className="summary">{i.patientSummary}</div>}
      {i.priorityGroups.length > 0 && (
        <div className="flags" aria-label={t.flags}>
          {i.priorityGroups.map((g) => (
            <span key={g} className={`flag ${g}`}>
              {GROUP_LABEL[lang][g] ?? g}
            </span>
          ))}
        </div>
      )}
    </section>
  );
}

function AckCountdown({ deadline, now }: { deadline: string; now: number }) {
  const t = useT();
  const left = Math.round((Date.parse(deadline) - now) / 1000);
  return (
    <div className={`countdown ${left <= 15 ? 'urgent' : ''}`} data-testid="ack-countdown">
      {left > 0 ? (
        <>
          {t.ackWithin} <b>{`${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`}</b>
        </>
      ) : (
        t.ackOverdue
      )}
    </div>
  );
}

function StepButtons({ status, onStep }: { status: string | null; onStep(step: TaskStatus): void }) {
  const lang = useLang();
  const steps = nextSteps(status);
  if (steps.length === 0) return null;
  return (
    <div className="steps">
      {steps.map((step, i) => (
        <button key={step} className={i === 0 ? 'step primary' : 'step secondary'} data-step={step} onClick={() => onStep(step)}>
          {STEP_BUTTON[lang][step]}
        </button>
      ))}
    </div>
  );
}

function Directions({ leg, route, progress, now }: { leg: Leg; route: NavRoute | null; progress: ReturnType<typeof progressOn> | null; now: number }) {
  const t = useT();
  const lang = useLang();
  if (!leg) return null;
  const title = leg === 'scene' ? t.toScene : leg === 'hospital' ? t.toHospital : t.toBase;
  if (!route || !progress) {
    return (
      <section className="card directions">
        <h3>{title}</h3>
        <p className="muted">{t.noRoute}</p>
      </section>
    );
  }
  const next = route.steps[progress.nextIndex];
  const later = route.steps.slice(progress.nextIndex + 1, progress.nextIndex + 3);
  const eta = new Date(now + progress.remainingS * 1000);
  return (
    <section className="card directions" data-testid="directions">
      <div className="eta">
        <h3>{title}</h3>
        <span>
          {t.eta} <b>{eta.toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour: '2-digit', minute: '2-digit' })}</b> ·{' '}
          {t.minutes(Math.max(1, Math.round(progress.remainingS / 60)))} · {formatDistance(progress.remainingM)}
        </span>
      </div>
      {next && (
        <div className="next-maneuver">
          <span className="arrow">{MANEUVER_ARROW[next.maneuver] ?? '↑'}</span>
          <div>
            <div className="in">{formatDistance(progress.toNextM)}</div>
            <div className="what">
              {MANEUVER_LABEL[lang][next.maneuver] ?? next.maneuver}
              {next.streetName ? ` · ${next.streetName}` : ''}
            </div>
          </div>
        </div>
      )}
      {later.length > 0 && (
        <ol className="later">
          {later.map((s, i) => (
            <li key={i}>
              <span className="arrow small">{MANEUVER_ARROW[s.maneuver] ?? '↑'}</span>
              <span>
                {MANEUVER_LABEL[lang][s.maneuver] ?? s.maneuver}
                {s.streetName ? ` · ${s.streetName}` : ''}
              </span>
              <span className="muted">{formatDistance(s.distanceM)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Destination({
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
  const t = useT();
  const lang = useLang();
  return (
    <section className="card destination" data-testid="destination">
      <h3>{t.destination}</h3>
      <div className="hospital-row">
        {destination ? (
          <>
            <span className={`load ${load}`}>{LOAD_LABEL[lang][load] ?? load}</span>
            <span className="name">{lang === 'en' && nameEn ? nameEn : destination.name}</span>
            {position && <span className="muted">{formatDistance(distanceM(position, [destination.location.lon, destination.location.lat]))}</span>}
          </>
        ) : (
          <span className="muted">{t.noDestination}</span>
        )}
        {canChange && (
          <button className="secondary change" onClick={onChange} data-testid="change-destination">
            {t.changeDestination}
          </button>
        )}
      </div>
    </section>
  );
}

function HospitalDialog({
  hospitals,
  current,
  from,
  needs,
  onClose,
  onChoose,
}: {
  hospitals: HospitalDto[];
  current: string | null;
  from: LonLat | null;
  needs: string[];
  onClose(): void;
  onChoose(id: string): void;
}) {
  const t = useT();
  const lang = useLang();
  const rows = hospitals
    .filter((h) => h.kind !== 'village_clinic')
    .map((h) => ({ h, d: from ? distanceM(from, [h.location.lon, h.location.lat]) : 0, able: needs.every((c) => h.capabilities.includes(c as never)) }))
    .sort((a, b) => Number(b.able) - Number(a.able) || a.d - b.d);
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div className="dialog" role="dialog" aria-label={t.chooseHospital} onClick={(e) => e.stopPropagation()}>
        <div className="dialog-head">
          <h2>{t.chooseHospital}</h2>
          <button className="secondary" onClick={onClose}>
            {t.cancel}
          </button>
        </div>
        <ul className="hospital-list">
          {rows.map(({ h, d, able }) => (
            <li key={h.id}>
              <button className={`hospital-choice ${h.id === current ? 'current' : ''} ${able ? '' : 'unable'}`} onClick={() => onChoose(h.id)}>
                <span className={`load ${h.loadStatus}`}>{LOAD_LABEL[lang][h.loadStatus] ?? h.loadStatus}</span>
                <span className="name">
                  {lang === 'en' && h.nameEn ? h.nameEn : h.name}
                  {h.id === current && <em> · {t.current}</em>}
                  {!able && (
                    <em className="muted">
                      {' '}
                      · {t.needs} {needs.map((c) => CAPABILITY_LABEL[lang][c] ?? c).join(', ')}
                    </em>
                  )}
                </span>
                {from && <span className="muted">{formatDistance(d)}</span>}
              </button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
