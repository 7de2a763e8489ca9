import { CATEGORY_REQUIREMENTS, type AssignmentOfferDto, type HospitalDto, type RepositionDto } from '@dispatch/protocol';
import type { CrewAgent } from '../agent/crewAgent';
import { MeasuredLine, distanceM, type LonLat } from './geometry';

/** How a simulated crew spends its time, in simulated seconds; `speedup` compresses all of it for tests. */
export interface CrewTiming {
  /** Simulated seconds per real second (1 = real time). */
  speedup: number;
  /** Position reports while driving. */
  positionIntervalS: number;
  /** Position reports while parked at the station. */
  idlePositionIntervalS: number;
  /** From the offer to "acknowledged". */
  ackDelayS: number;
  /** From "acknowledged" to "en_route" (getting into the vehicle). */
  turnoutS: number;
  /** From "on_scene" to "transporting" (reaching and treating the patient). */
  sceneS: number;
  /** From "at_hospital" to "handover". */
  handoverS: number;
}

export type CrewLogEvent =
  | { type: 'status'; callSign: string; status: string; incidentNumber: number }
  | { type: 'withdrawn'; callSign: string; reason: string }
  | { type: 'rejected'; callSign: string; status: number; error: string }
  | { type: 'problem'; callSign: string; detail: string };

class Aborted extends Error {}

/** Speeds used when no road route can be had: straight line at a plausible rural ambulance speed. */
const FALLBACK_SPEED_MPS = 11;
/** Real-time floor between two position reports, so a high speedup does not flood the server. */
const MIN_REAL_INTERVAL_MS = 200;

/**
 * One simulated ambulance: it answers offers as a crew would, drives the offered route at the speed its duration
 * implies, reports positions every few seconds and walks the whole lifecycle, then drives home. Everything it
 * reports goes through its CrewAgent (and so the outbox), exactly as a tablet's reports would.
 */
export class SimulatedCrew {
  position: LonLat = [0, 0];
  home: LonLat = [0, 0];
  callSign = '';
  private stopped = false;
  private task: AbortController | null = null;
  private wake: (() => void) | null = null;
  private pendingOffer: AssignmentOfferDto | null = null;
  /** A move-up the dispatcher sent: driven to when no task is running (a task comes first and ends it). */
  private pendingReposition: RepositionDto | null = null;
  private hospitals: HospitalDto[] | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    readonly agent: CrewAgent,
    private readonly timing: CrewTiming,
    private readonly log: (event: CrewLogEvent) => void = () => undefined,
  ) {}

  /** Logs in, finds its home station and starts living. */
  async start(): Promise<void> {
    await this.agent.start();
    const vehicle = await this.agent.api.call('getVehicle', { params: { id: this.agent.vehicleId } });
    this.callSign = vehicle.callSign;
    const station = (await this.agent.api.call('listStations')).find((s) => s.id === vehicle.homeStationId);
    if (!station) throw new Error(`vehicle ${vehicle.callSign}: home station ${vehicle.homeStationId} not found`);
    this.home = [station.location.lon, station.location.lat];
    this.position = vehicle.position ? [vehicle.position.lon, vehicle.position.lat] : this.home;
    this.agent.on('offered', (offer) => {
      this.pendingOffer = offer;
      this.task?.abort();
      this.wake?.();
    });
    this.agent.on('withdrawn', (payload) => {
      this.log({ type: 'withdrawn', callSign: this.callSign, reason: payload.reason });
      if (this.agent.state.offer === null) this.task?.abort();
    });
    this.agent.on('repositionUpdated', (r) => {
      if (r.state === 'offered') {
        this.pendingReposition = r;
        // Driving home or standing by: the move-up replaces that; a task keeps running.
        if (!this.agent.state.offer) this.task?.abort();
        this.wake?.();
      } else if (r.state === 'cancelled' && this.pendingReposition?.id === r.id) this.pendingReposition = null;
    });
    this.agent.on('rejected', (r) => this.log({ type: 'rejected', callSign: this.callSign, status: r.status, error: r.error }));
    // A task already running when the simulator (re)starts is picked up where the server has it.
    if (this.agent.state.offer) this.pendingOffer = this.agent.state.offer;
    this.loop = this.live();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.task?.abort();
    this.wake?.();
    await this.loop;
    await this.agent.stop();
  }

  private async live(): Promise<void> {
    while (!this.stopped) {
      const offer = this.pendingOffer;
      if (offer) {
        this.pendingOffer = null;
        this.task = new AbortController();
        try {
          await this.runTask(offer, this.task.signal);
        } catch (error) {
          if (!(error instanceof Aborted)) this.log({ type: 'problem', callSign: this.callSign, detail: (error as Error).message });
          // Withdrawn (or failed): unless a new task is waiting, the vehicle drives home quietly.
          if (!this.pendingOffer && !this.pendingReposition && !this.stopped) await this.goHome(null).catch(() => undefined);
        }
        continue;
      }
      const reposition = this.pendingReposition;
      if (reposition) {
        this.pendingReposition = null;
        this.task = new AbortController();
        try {
          await this.runReposition(reposition, this.task.signal);
        } catch (error) {
          if (!(error instanceof Aborted)) this.log({ type: 'problem', callSign: this.callSign, detail: `move-up: ${(error as Error).message}` });
        }
        continue;
      }
      await this.report(0).catch(() => undefined);
      await new Promise<void>((done) => {
        const timer = setTimeout(done, this.realMs(this.timing.idlePositionIntervalS));
        this.wake = () => {
          clearTimeout(timer);
          done();
        };
      });
      this.wake = null;
    }
  }

  private async runTask(offer: AssignmentOfferDto, signal: AbortSignal): Promise<void> {
    const step = async (status: Parameters<CrewAgent['reportStatus']>[0]) => {
      this.check(signal);
      await this.agent.reportStatus(status, { assignmentId: offer.assignment.id, location: { lon: this.position[0], lat: this.position[1] } });
      this.log({ type: 'status', callSign: this.callSign, status, incidentNumber: offer.incident.number });
    };
    let status = this.agent.state.taskStatus ?? offer.assignment.status;
    const scene: LonLat = [offer.incident.location.lon, offer.incident.location.lat];
    if (status === 'dispatched') {
      await this.wait(this.timing.ackDelayS, signal);
      await step((status = 'acknowledged'));
    }
    if (status === 'acknowledged') {
      await this.wait(this.timing.turnoutS, signal);
      await step((status = 'en_route'));
    }
    if (status === 'en_route') {
      const route = offer.route && distanceM(this.position, offer.route.geometry.coordinates[0] as LonLat) < 200 ? offer.route : null;
      await this.driveTo(scene, signal, route);
      await step((status = 'on_scene'));
    }
    if (status === 'on_scene') {
      await this.wait(Math.min(60, this.timing.sceneS / 4), signal);
      await step((status = 'at_patient'));
    }
    if (status === 'at_patient') {
      await this.wait(this.timing.sceneS - Math.min(60, this.timing.sceneS / 4), signal);
      await step((status = 'transporting'));
    }
    if (status === 'transporting') {
      if (offer.incident.priority <= 2) void this.consult(offer).catch(() => undefined);
      // The destination may change on the way (dispatcher or crew): drive again from where the vehicle is.
      for (;;) {
        const hospital = await this.destination(offer);
        const changed = await this.driveTo(hospital, signal, null, () => !sameTarget(this.currentDestination(offer.assignment.id), hospital));
        if (!changed) break;
      }
      await step((status = 'at_hospital'));
    }
    if (status === 'at_hospital') {
      await this.wait(this.timing.handoverS, signal);
      await step((status = 'handover'));
    }
    if (status === 'handover') {
      await this.wait(Math.min(60, this.timing.handoverS / 2), signal);
      await step((status = 'back_in_service'));
    }
    if (status === 'back_in_service') await this.goHome(signal, () => step('back_at_base'));
    else await this.goHome(signal);
  }

  /** A move-up: accepted after the acknowledgement delay, driven along its route, arrived; it stays there until its next task. */
  private async runReposition(reposition: RepositionDto, signal: AbortSignal): Promise<void> {
    const report = (state: 'accepted' | 'arrived') => this.agent.api.call('reportReposition', { params: { id: this.agent.vehicleId }, body: { state } });
    await this.wait(this.timing.ackDelayS, signal);
    await report('accepted');
    const station: LonLat = [reposition.stationLon, reposition.stationLat];
    const route = reposition.route && distanceM(this.position, reposition.route.geometry.coordinates[0] as LonLat) < 200 ? reposition.route : null;
    await this.driveTo(station, signal, route);
    await report('arrived');
  }

  private async goHome(signal: AbortSignal | null, arrived?: () => Promise<void>): Promise<void> {
    const controller = signal ? null : (this.task = new AbortController());
    const s = signal ?? controller!.signal;
    await this.driveTo(this.home, s, null);
    await arrived?.();
  }

  private currentDestination(assignmentId: string): LonLat | null {
    const offer = this.agent.state.offer;
    if (offer?.assignment.id !== assignmentId || !offer.destinationHospital) return null;
    return [offer.destinationHospital.location.lon, offer.destinationHospital.location.lat];
  }

  /**
   * The task's destination hospital. When the dispatch centre chose none, the crew picks the nearest one with what
   * the category needs (skipping red and closed ones when it can) and tells the server, as a real crew would.
   */
  /**
   * The demo's consultation (远程会诊) for a patient a doctor wants to know of early: a reading of vital signs (a point
   * of the series, which the notice carries too) and a note to the receiving hospital, on its board as it arrives.
   */
  private async consult(offer: AssignmentOfferDto): Promise<void> {
    const id = offer.assignment.id;
    const n = offer.incident.number;
    const vitals = { heartRate: 88 + (n % 30), systolicBp: 100 + (n % 50), diastolicBp: 60 + (n % 25), spo2: 90 + (n % 9), measuredAt: this.agent.deviceTime() };
    await this.agent.api.call('recordVitals', { params: { id }, body: vitals });
    await this.agent.api.call('sendConsultationText', { params: { id }, body: { entryId: crypto.randomUUID(), text: '已出发送院，生命体征见上，请接诊医生会诊' } });
  }

  private async destination(offer: AssignmentOfferDto): Promise<LonLat> {
    const chosen = this.currentDestination(offer.assignment.id);
    if (chosen) return chosen;
    this.hospitals ??= await this.agent.api.call('listHospitals');
    const needs = CATEGORY_REQUIREMENTS[offer.incident.category].hospital;
    const able = this.hospitals.filter((h) => h.kind !== 'village_clinic' && needs.every((c) => h.capabilities.includes(c)));
    const open = able.filter((h) => h.loadStatus === 'blue' || h.loadStatus === 'yellow');
    const fallback = this.hospitals.filter((h) => h.capabilities.includes('emergency') && h.loadStatus !== 'closed');
    const candidates = open.length ? open : able.length ? able : fallback;
    if (candidates.length === 0) throw new Error('no hospital to take the patient to');
    const nearest = candidates.reduce((best, h) =>
      distanceM(this.position, [h.location.lon, h.location.lat]) < distanceM(this.position, [best.location.lon, best.location.lat]) ? h : best,
    );
    try {
      await this.agent.changeDestination(nearest.id);
    } catch (error) {
      this.log({ type: 'problem', callSign: this.callSign, detail: `could not set the destination: ${(error as Error).message}` });
    }
    return [nearest.location.lon, nearest.location.lat];
  }

  /**
   * Drives to `target` along `route` (or one asked from the server) at the speed its duration implies.
   * @returns true when `divert` asked to stop early
   */
  private async driveTo(
    target: LonLat,
    signal: AbortSignal,
    route: { geometry: { coordinates: [number, number][] }; durationS: number } | null,
    divert?: () => boolean,
  ): Promise<boolean> {
    let path = route;
    if (!path) {
      try {
        path = await this.agent.api.call('route', { query: { from: this.position.join(','), to: target.join(',') } });
      } catch (error) {
        this.log({ type: 'problem', callSign: this.callSign, detail: `no road route, driving straight: ${(error as Error).message}` });
      }
    }
    const coordinates = (path?.geometry.coordinates as LonLat[] | undefined) ?? [this.position, target];
    const line = new MeasuredLine([this.position, ...coordinates, target]);
    const durationS = Math.max(1, path ? path.durationS : line.lengthM / FALLBACK_SPEED_MPS);
    const speedMps = line.lengthM / durationS;
    const started = performance.now();
    for (;;) {
      this.check(signal);
      const elapsedS = ((performance.now() - started) / 1000) * this.timing.speedup;
      const { lonLat, headingDeg } = line.at(speedMps * elapsedS);
      this.position = lonLat;
      const arrived = elapsedS >= durationS;
      await this.report(arrived ? 0 : speedMps, headingDeg);
      if (arrived) return false;
      if (divert?.()) return true;
      await this.wait(this.timing.positionIntervalS, signal);
    }
  }

  private async report(speedMps: number, headingDeg: number | null = null): Promise<void> {
    await this.agent.reportPosition({
      lon: this.position[0],
      lat: this.position[1],
      speedMps: Math.min(speedMps, 100),
      headingDeg: speedMps > 0 ? headingDeg : null,
      accuracyM: 5,
    });
  }

  private realMs(simSeconds: number): number {
    return Math.max(MIN_REAL_INTERVAL_MS, (simSeconds * 1000) / this.timing.speedup);
  }

  private wait(simSeconds: number, signal: AbortSignal): Promise<void> {
    this.check(signal);
    return new Promise((done, fail) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        done();
      }, this.realMs(simSeconds));
      const onAbort = () => {
        clearTimeout(timer);
        fail(new Aborted());
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private check(signal: AbortSignal): void {
    if (signal.aborted || this.stopped) throw new Aborted();
  }
}

const sameTarget = (a: LonLat | null, b: LonLat) => a === null || (a[0] === b[0] && a[1] === b[1]);
