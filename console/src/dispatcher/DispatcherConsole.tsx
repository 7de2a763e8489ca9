import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, type ClientConfigDto, type HospitalLoad, type IncidentDto, type RecommendationDto, type RelatedIncidentDto, type RoadRegionDto } from '@dispatch/protocol';
import { AlertBar } from '../alerts/AlertBar';
import { useCrewMessageCue } from '../alerts/useCrewMessageCue';
import { useDeskAlerts } from '../alerts/useDeskAlerts';
import { useI18n } from '../i18n/i18n';
import { MapView } from '../map/MapView';
import { useLive, useLiveContext } from '../realtime/useLive';
import { IncidentRegister, IntakeRegister } from '../register/RegisterFlags';
import { CallContext } from './calls/CallContext';
import { IncidentCalls } from './calls/IncidentCalls';
import { IncomingCalls } from './calls/IncomingCalls';
import { useIncomingCalls } from './calls/useIncomingCalls';
import { FleetBoard } from './FleetBoard';
import { IncidentQueue } from './IncidentQueue';
import { sortQueue } from './queue';
import { emptyDraft, type Draft } from './draft';
import { IntakeForm, type IntakeFormHandle } from './IntakeForm';
import { MoveUpCard } from './MoveUpCard';
import { RecommendationPanel } from './RecommendationPanel';
import { ShortcutBar } from './ShortcutBar';
import { TaskMessages } from './TaskMessages';
import { IncidentConsultations } from './IncidentConsultations';
import { Timeline } from './Timeline';

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/** The dispatcher's screen: intake and queue, live map and fleet, recommendation and timeline. */
export function DispatcherConsole({ config, region }: { config: ClientConfigDto; region: RoadRegionDto | null }) {
  const { t, lang, label, error: errorText } = useI18n();
  const { api, connection } = useLiveContext();
  const live = useLive();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [candidateIndex, setCandidateIndex] = useState(0);
  const [hospitalChoice, setHospitalChoice] = useState<string | null>(null);
  const [dispatching, setDispatching] = useState(false);
  const [confirmingLoad, setConfirmingLoad] = useState(false);
  const [reinforce, setReinforce] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [toast, setToast] = useState<string | null>(null);
  const intakeRef = useRef<IntakeFormHandle>(null);

  const queue = useMemo(() => sortQueue(live.incidents.values()), [live.incidents]);
  const phone = useIncomingCalls(draft, setDraft, intakeRef);
  const incident = selectedId ? (live.incidents.get(selectedId) ?? null) : null;
  const rawRec = selectedId ? (live.recommendations.get(selectedId) ?? null) : null;
  // The ranking is a snapshot: a vehicle dispatched since then is no longer offered, and each hospital shows the
  // load it has now (a hospital turning red after the ranking must not still look blue).
  const rec = useMemo<RecommendationDto | null>(() => {
    if (!rawRec) return null;
    const free = rawRec.candidates.filter((c) => {
      const v = live.vehicles.get(c.vehicleId);
      return !v || v.state === 'available' || v.state === 'returning';
    });
    const withLoad = <H extends { hospitalId: string; loadStatus: HospitalLoad }>(h: H): H => ({
      ...h,
      loadStatus: live.hospitals.get(h.hospitalId)?.loadStatus ?? h.loadStatus,
    });
    return {
      ...rawRec,
      candidates: free,
      hospitalOptions: rawRec.hospitalOptions.map(withLoad),
      proposedHospital: rawRec.proposedHospital && withLoad(rawRec.proposedHospital),
    };
  }, [rawRec, live.vehicles, live.hospitals]);

  const fail = useCallback((e: unknown) => setActionError(`${t('errorPrefix')}${errorText(e)}`), [t, errorText]);
  const select = useCallback((id: string | null) => {
    setSelectedId(id);
    setCandidateIndex(0);
    setHospitalChoice(null);
    setActionError(null);
    setReinforce(false);
    setConfirmingLoad(false);
  }, []);
  // Sounds, notifications and the tab title; the incidents whose queue entry flashes.
  const flashing = useDeskAlerts(live.alerts, live.incidents, select);
  const unreadMessages = useCrewMessageCue(live.lastPushedMessage, live.incidents, selectedId, select);

  // Ask for the ranking when the push did not arrive (opened after a reload, or computed before we connected).
  const needsRec = incident && !rawRec && (incident.status === 'open' || incident.status === 'queued') ? incident.id : null;
  useEffect(() => {
    if (!needsRec) return;
    let cancelled = false;
    api
      .call('getRecommendations', { params: { id: needsRec } })
      .then((r) => !cancelled && connection.rememberRecommendation(r))
      .catch((e) => !cancelled && fail(e));
    return () => {
      cancelled = true;
    };
  }, [api, connection, needsRec, fail]);

  // Routes of the selected incident's live assignments; a task dispatched elsewhere is fetched once.
  const liveAssignments = useMemo(() => incident?.assignments.filter((a) => !a.endedAt) ?? [], [incident]);
  const missingRoutes = liveAssignments.filter((a) => !live.routes.has(a.id)).map((a) => a.id).join(',');
  useEffect(() => {
    if (!missingRoutes) return;
    for (const id of missingRoutes.split(',')) {
      api
        .call('getAssignment', { params: { id } })
        .then((offer) => offer.route && connection.rememberRoute(id, offer.route))
        .catch(() => undefined);
    }
  }, [api, connection, missingRoutes]);
  // Once transporting, the line that matters is the one to the hospital, from where the vehicle is then.
  const destinationOf = (a: { destinationHospitalId: string | null }) => a.destinationHospitalId ?? incident?.destinationHospitalId ?? null;
  const missingTransport = liveAssignments
    .filter((a) => a.status === 'transporting' && destinationOf(a) && !live.routes.has(`${a.id}:hospital`))
    .map((a) => `${a.id}|${a.vehicleId}|${destinationOf(a)}`)
    .join(',');
  useEffect(() => {
    if (!missingTransport) return;
    for (const item of missingTransport.split(',')) {
      const [assignmentId, vehicleId, hospitalId] = item.split('|') as [string, string, string];
      const from = connection.latestPosition(vehicleId) ?? connection.getState().vehicles.get(vehicleId)?.position;
      const to = connection.getState().hospitals.get(hospitalId)?.location;
      if (!from || !to) continue;
      api
        .call('route', { query: { from: `${from.lon},${from.lat}`, to: `${to.lon},${to.lat}` } })
        .then((route) => connection.rememberRoute(`${assignmentId}:hospital`, route))
        .catch(() => undefined);
    }
  }, [api, connection, missingTransport]);
  const routes = useMemo(
    () =>
      liveAssignments.flatMap((a) => {
        const route = a.status === 'transporting' ? (live.routes.get(`${a.id}:hospital`) ?? live.routes.get(a.id)) : live.routes.get(a.id);
        return route && !['at_hospital', 'handover', 'back_in_service', 'back_at_base'].includes(a.status) ? [route] : [];
      }),
    [liveAssignments, live.routes],
  );

  const highlight = useMemo(() => {
    const ids = new Set(liveAssignments.map((a) => a.vehicleId));
    const chosen = rec?.candidates[candidateIndex];
    if (chosen && liveAssignments.length === 0) ids.add(chosen.vehicleId);
    return ids;
  }, [liveAssignments, rec, candidateIndex]);

  // What the map frames with the incident: the vehicles on the way, or else the best candidates shown.
  const frameVehicleIds = useMemo(
    () => (liveAssignments.length ? liveAssignments.map((a) => a.vehicleId) : (rec?.candidates.slice(0, 5).map((c) => c.vehicleId) ?? [])),
    [liveAssignments, rec],
  );

  const dispatch = useCallback(async (confirmedLoad = false) => {
    const chosen = rec?.candidates[candidateIndex];
    if (!incident || !rec || !chosen || dispatching) return;
    // D on an incident that already has a vehicle sends another only when asked for.
    if (incident.assignments.some((a) => !a.endedAt) && !reinforce) return;
    const hospital = rec.hospitalOptions.find((h) => h.hospitalId === hospitalChoice) ?? rec.proposedHospital;
    if (!confirmedLoad && (hospital?.loadStatus === 'red' || hospital?.loadStatus === 'closed')) {
      setConfirmingLoad(true);
      return;
    }
    setDispatching(true);
    setActionError(null);
    try {
      const offer = await api.call('assignVehicle', {
        params: { id: incident.id },
        body: { vehicleId: chosen.vehicleId, ...(hospital ? { destinationHospitalId: hospital.hospitalId, confirmDestinationLoad: confirmedLoad } : {}) },
      });
      if (offer.route) connection.rememberRoute(offer.assignment.id, offer.route);
      setToast(t('dispatched', { callSign: offer.assignment.callSign }));
      setCandidateIndex(0);
      setReinforce(false);
      setConfirmingLoad(false);
    } catch (e) {
      // The hospital filled up between the look and the key: ask now, as if it had been red on screen.
      if (e instanceof ApiError && e.code === 'destination_load_unconfirmed') setConfirmingLoad(true);
      else fail(e);
    } finally {
      setDispatching(false);
    }
  }, [api, connection, incident, rec, candidateIndex, hospitalChoice, dispatching, reinforce, t, fail]);

  const cancelIncident = () => {
    const reason = incident && window.prompt(t('cancelReason'))?.trim();
    if (incident && reason) void api.call('cancelIncident', { params: { id: incident.id }, body: { reason } }).then((i) => connection.apply('incidents', i)).catch(fail);
  };
  const closeIncident = () => {
    if (incident) void api.call('closeIncident', { params: { id: incident.id } }).then((i) => connection.apply('incidents', i)).catch(fail);
  };

  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), 4000);
    return () => clearTimeout(timer);
  }, [toast]);

  // The common path without the mouse: F2/N new call, Enter submit, 1–9 pick, D dispatch, Esc back, ↑↓ queue.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const typing = isTyping(e.target);
      if (e.key === 'F2' || (!typing && (e.key === 'n' || e.key === 'N'))) {
        e.preventDefault();
        intakeRef.current?.focus();
        return;
      }
      if (e.key === 'Escape' && confirmingLoad) {
        setConfirmingLoad(false);
        return;
      }
      if (e.key === 'Escape') {
        if (typing) (e.target as HTMLElement).blur();
        else if (draft.location) setDraft(emptyDraft());
        else select(null);
        return;
      }
      if (typing) return;
      if (/^[1-9]$/.test(e.key) && rec) {
        const i = Number(e.key) - 1;
        if (i < rec.candidates.length) setCandidateIndex(i);
      } else if (e.key === 'd' || e.key === 'D') {
        e.preventDefault();
        void dispatch(confirmingLoad);
      } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const at = queue.findIndex((i) => i.id === selectedId);
        const next = queue[Math.min(queue.length - 1, Math.max(0, at + (e.key === 'ArrowDown' ? 1 : -1)))];
        if (next) select(next.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [rec, dispatch, queue, selectedId, select, draft.location, confirmingLoad]);

  const onCreated = useCallback(
    (created: IncidentDto, related: RelatedIncidentDto[]) => {
      setDraft(emptyDraft());
      select(created.id);
      if (related.length > 0) setToast(t('createdWithRelated', { number: created.number, list: related.map((r) => `#${r.incident.number}`).join(', ') }));
      // Leave the form so 1–9 and D act on the recommendation at once.
      (document.activeElement as HTMLElement | null)?.blur();
    },
    [select, t],
  );
  // The call was recorded on an open incident as a follow-up: the intake is free again, the incident opened.
  const onLinked = useCallback(
    (linked: IncidentDto) => {
      setDraft(emptyDraft());
      select(linked.id);
      setToast(t('linkedFollowUp', { number: linked.number }));
    },
    [select, t],
  );

  const onPick = useCallback((point: { lon: number; lat: number }) => setDraft((d) => ({ ...d, location: point, placeName: null })), []);

  const escalated = [...live.notices.values()].filter((n) => n.status === 'escalated');
  const incidentNotices = useMemo(
    () =>
      [...live.notices.values()]
        .filter((n) => n.incidentId === selectedId && n.status !== 'cancelled')
        .map((n) => ({ ...n, hospitalName: live.hospitals.get(n.hospitalId)?.name ?? '' })),
    [live.notices, live.hospitals, selectedId],
  );

  return (
    <div className="dispatcher">
      <aside className="col-left">
        <IncomingCalls calls={phone.calls} takingId={draft.phoneCallId} onTake={phone.take} />
        <IntakeForm ref={intakeRef} draft={draft} onChange={setDraft} onCreated={onCreated} />
        <CallContext draft={draft} call={phone.takingCall} onLinked={onLinked} />
        <IntakeRegister draft={draft} />
        <IncidentQueue incidents={queue} selectedId={selectedId} onSelect={select} flashing={flashing} unreadMessages={unreadMessages} />
      </aside>
      <main className="col-centre">
        <MapView
          config={config}
          region={region}
          selectedIncidentId={selectedId}
          onSelectIncident={select}
          onPick={onPick}
          picked={draft.location}
          callerLocation={phone.takingCall?.location ?? null}
          routes={routes}
          highlightVehicles={highlight}
          frameVehicleIds={frameVehicleIds}
          proposedHospitalId={hospitalChoice ?? rec?.proposedHospital?.hospitalId ?? incident?.destinationHospitalId ?? null}
        />
        <FleetBoard vehicles={live.vehicles} stations={live.stations} incidents={live.incidents} highlight={highlight} staleAfterS={config.positionStaleAfterS} onSelectIncident={select} />
      </main>
      <aside className="col-right">
        {escalated.length > 0 && (
          <div className="escalations" role="alert">
            <b>{t('escalatedNotices')}</b>
            {escalated.map((n) => (
              <button type="button" key={n.id} className="escalation-row" onClick={() => select(n.incidentId)}>
                #{n.incidentNumber} · {n.vehicleCallSign} → {live.hospitals.get(n.hospitalId)?.name ?? ''}
              </button>
            ))}
          </div>
        )}
        <MoveUpCard />
        <RecommendationPanel
          key={selectedId ?? ''}
          incident={incident}
          recommendation={rec}
          notices={incidentNotices}
          selectedIndex={candidateIndex}
          onSelectIndex={setCandidateIndex}
          hospitalId={hospitalChoice}
          onHospital={(id) => {
            setHospitalChoice(id);
            setConfirmingLoad(false);
          }}
          onDispatch={() => void dispatch()}
          onCancelIncident={cancelIncident}
          onCloseIncident={closeIncident}
          reinforce={reinforce}
          onReinforce={setReinforce}
          dispatching={dispatching}
          confirmingLoad={confirmingLoad}
          onConfirmLoad={() => void dispatch(true)}
          onCancelConfirm={() => setConfirmingLoad(false)}
          error={actionError}
        />
        {live.stuckEvents.size > 0 && (
          <div className="escalations" role="alert" data-testid="stuck-events">
            <b>{t('stuckEvents')}</b>
            {[...live.stuckEvents.values()].map((s) => (
              <div key={s.id}>
                {live.vehicles.get(s.vehicleId)?.callSign ?? s.vehicleId} · {s.status ? label('taskStatus', s.status) : `${s.count} ${t('stuckPositions')}`} ·{' '}
                {new Date(s.deviceTime).toLocaleTimeString(lang)} · {s.httpStatus}
              </div>
            ))}
          </div>
        )}
        {incident && <IncidentRegister incident={incident} />}
        {incident && <TaskMessages incident={incident} />}
        {incident && <IncidentConsultations incident={incident} />}
        {incident && <IncidentCalls incident={incident} />}
        {incident && <Timeline incident={incident} />}
        <AlertBar onSelect={select} />
      </aside>
      <ShortcutBar />
      {toast && (
        <div className="toast" role="status" data-testid="toast">
          {toast}
        </div>
      )}
    </div>
  );
}
