import { useState } from 'react';
import { CATEGORY_REQUIREMENTS, taskRank, type TaskStatus } from '@dispatch/protocol';
import { useNow } from '@dispatch/ui';
import type { LonLat } from '../simulator/geometry';
import { HospitalDialog } from './HospitalDialog';
import { ConsultationPanel } from './ConsultationPanel';
import { Messages } from './Messages';
import { RegisterCard } from './RegisterCard';
import { useGps } from './hooks/useGps';
import { useReposition } from './hooks/useReposition';
import { RepositionCard } from './RepositionCard';
import { useTaskNavigation } from './hooks/useTaskNavigation';
import { useTaskResources } from './hooks/useTaskResources';
import { useI18n } from './i18n';
import { AckCountdown, AssignmentCard, Destination, Directions, StepButtons } from './TaskCards';
import { TaskMap } from './TaskMap';
import type { AgentHandle } from './useCrewAgent';

/** The one screen of a shift: the task and the way there beside the map, or standing by. */
export function TaskScreen({ handle, onLogout }: { handle: AgentHandle; onLogout(): void }) {
  const { t, lang, setLang, label } = useI18n();
  const { agent, state } = handle;
  const offer = state?.offer ?? null;
  const status = state?.taskStatus ?? null;
  const now = useNow();
  const { config, vehicle, hospitals, loadRoads, syntheticRoads } = useTaskResources(agent, state?.vehicleId ?? null);
  const gps = useGps(agent);
  const position: LonLat | null = gps.fix ?? vehicle?.last ?? null;
  const connection = state?.connection ?? 'connecting';
  const { leg, route, progress } = useTaskNavigation(agent, { offer, status, online: connection === 'online', home: vehicle?.home ?? null, position });
  const [choosing, setChoosing] = useState(false);
  // A move-up shows only while there is no task: a dispatch ends it.
  const { reposition: openReposition, report: reportReposition } = useReposition(agent, state?.vehicleId ?? null);
  const reposition = offer ? null : openReposition;

  const scene: LonLat | null = offer ? [offer.incident.location.lon, offer.incident.location.lat] : null;
  const destination = offer?.destinationHospital ?? null;
  const destinationHospital = hospitals.find((h) => h.id === destination?.id);
  const destinationLoad = destinationHospital?.loadStatus ?? destination?.loadStatus ?? 'blue';
  const queued = state?.queued ?? 0;
  const report = (step: TaskStatus) => void agent?.reportStatus(step, position ? { location: { lon: position[0], lat: position[1] } } : {});

  return (
    <div className="screen">
      <header className="topbar">
        <div className="callsign">{vehicle?.callSign ?? '…'}</div>
        <div className="task-status" data-testid="task-status">
          {offer ? label('taskStatus', status ?? '') : t('standby')}
        </div>
        <div className={`conn ${connection}`} data-testid="connection">
          <span className="dot" />
          {t(connection === 'online' ? 'online' : connection === 'offline' ? 'offline' : 'connecting')}
          <span className={`queue ${queued ? 'pending' : ''}`} data-testid="queued">
            {queued ? t('queued', { n: queued }) : t('allSent')}
          </span>
        </div>
        {handle.databaseUnavailable ? (
          <div className="gps-off" role="alert" data-testid="database-banner">
            {t('databaseBanner')}
          </div>
        ) : (
          handle.bootError && <div className="gps-off" data-testid="boot-error">{handle.bootError}</div>
        )}
        {!gps.fix && <div className="gps-off" title={gps.problem ?? ''}>{t('gpsOff')}</div>}
        <button className="lang" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>
          {lang === 'en' ? '中文' : 'EN'}
        </button>
        <button className="logout" onClick={onLogout}>
          {t('logout')}
        </button>
      </header>
      <div className="body">
        <TaskMap
          config={config}
          loadRoads={loadRoads}
          synthetic={syntheticRoads}
          route={reposition?.route?.geometry.coordinates ?? route?.geometry.coordinates ?? null}
          scene={scene}
          hospital={destination ? { lonLat: [destination.location.lon, destination.location.lat], load: destinationLoad } : null}
          home={reposition ? [reposition.stationLon, reposition.stationLat] : (vehicle?.home ?? null)}
          vehicle={position}
        />
        <aside className="panel">
          {handle.notices.map((n) => (
            <div key={n.id} className={`notice ${n.kind}`} role="alert">
              <span>
                <b>{t(n.kind)}</b> {n.text}
              </span>
              <button onClick={() => handle.dismiss(n.id)}>{t('dismiss')}</button>
            </div>
          ))}
          {(state?.stuck ?? []).map((s) => {
            const first = s.entries[0]!;
            return (
              <div key={s.id} className="notice stuck" role="alert" data-testid="stuck-event">
                <span>
                  <b>{t('stuck')}</b>{' '}
                  {first.kind === 'status' ? label('taskStatus', first.status) : first.kind === 'message' ? t('stuckMessage') : t('stuckPositions', { n: s.entries.length })} · {s.status}
                </span>
                <span className="actions">
                  <button onClick={() => void agent?.resolveStuck(s.id, 'retry')}>{t('retry')}</button>
                  <button className="secondary" onClick={() => void agent?.resolveStuck(s.id, 'discard')}>
                    {t('discard')}
                  </button>
                </span>
              </div>
            );
          })}
          {offer ? (
            <>
              <AssignmentCard offer={offer} />
              <RegisterCard agent={agent} assignmentId={offer.assignment.id} />
              {status === 'dispatched' && <AckCountdown deadline={offer.ackDeadline} now={now} />}
              <StepButtons status={status} onStep={report} />
              <Directions leg={leg} route={route} progress={progress} now={now} transfer={offer.incident.transfer} />
              <Destination
                destination={destination}
                nameEn={destinationHospital?.nameEn ?? null}
                load={destinationLoad}
                position={position ?? scene}
                onChange={() => setChoosing(true)}
                canChange={status !== null && taskRank(status) < taskRank('at_hospital')}
              />
              {state && <Messages agent={agent} state={state} />}
              {agent && <ConsultationPanel agent={agent} offer={offer} />}
            </>
          ) : reposition ? (
            <RepositionCard reposition={reposition} onReport={(s) => void reportReposition(s).catch(() => undefined)} />
          ) : (
            <div className="standby">
              <h2>{t('standby')}</h2>
              <p>{t('standbyHint')}</p>
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
