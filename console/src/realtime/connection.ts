import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  type AlertDto,
  type AlertState,
  type ConsultationEntryDto,
  type MessageDto,
  type ApiClient,
  type ClientToServerEvents,
  type HospitalDto,
  type HospitalNoticeDto,
  type IncidentDto,
  type LiveCoverageDto,
  type PhoneCallDto,
  type RecommendationDto,
  type RepositionDto,
  type ResourceChange,
  type Role,
  type RouteDto,
  type ServerToClientEvents,
  type StationDto,
  type StuckEventNotice,
  type TransferDto,
  type VehicleDto,
  type VehiclePositionDto,
  type VersionMismatch,
  unpackPositions,
} from '@dispatch/protocol';

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

/** Everything the screens show, replaced (never mutated) on each change so React sees new references. */
export interface LiveState {
  status: ConnectionStatus;
  /** When the connection was lost (ms epoch), for the banner. */
  disconnectedAt: number | null;
  reconnectAttempt: number;
  lastError: string | null;
  /** The server answers but cannot reach its database (REST 503, handshake "unavailable"): the session lives on. */
  databaseUnavailable: boolean;
  /** The server refused the handshake because one side speaks an older protocol: retrying cannot help. */
  versionMismatch: VersionMismatch | null;
  /** When the last full snapshot arrived (ms epoch); null until the first one. */
  syncedAt: number | null;
  /** Counts the settings changes pushed (live region, road network, speeds, requirements): what reads them reads again. */
  settingsVersion: number;
  incidents: ReadonlyMap<string, IncidentDto>;
  vehicles: ReadonlyMap<string, VehicleDto>;
  hospitals: ReadonlyMap<string, HospitalDto>;
  stations: readonly StationDto[];
  notices: ReadonlyMap<string, HospitalNoticeDto>;
  /** Inter-facility transfers: a hospital's own (sent or received), every open one for the dispatchers. */
  transfers: ReadonlyMap<string, TransferDto>;
  recommendations: ReadonlyMap<string, RecommendationDto>;
  /** Routes of assignments, by assignment id, as the dispatch answered or a later fetch gave them. */
  routes: ReadonlyMap<string, RouteDto>;
  /** Crew reports a tablet could not deliver (server faults), until the crew sends them again or gives them up. */
  stuckEvents: ReadonlyMap<string, StuckEventNotice>;
  /** Calls of the phone system not yet taken into an incident (ringing, in progress or just ended), by id. */
  phoneCalls: ReadonlyMap<string, PhoneCallDto>;
  /** The alerts whose condition holds (the server derives them), with this login's acknowledgement or mute. */
  alerts: ReadonlyMap<string, AlertDto>;
  /** Task messages by assignment id, as fetched for an open incident and pushed since. */
  messages: ReadonlyMap<string, readonly MessageDto[]>;
  /** The last message pushed live (not fetched): a crew's reply to make noticed. */
  lastPushedMessage: MessageDto | null;
  /** The 30-minute circle now (free ambulances' live positions), pushed when it changes; staff only. */
  coverage: LiveCoverageDto | null;
  /** Move-ups by vehicle id, as sent and answered since this console connected (ended ones stay with their state). */
  repositions: ReadonlyMap<string, RepositionDto>;
}

type Socketish = Socket<ServerToClientEvents, ClientToServerEvents>;
type PositionListener = (batch: readonly VehiclePositionDto[]) => void;
/** The live maps a snapshot replaces. */
type SnapshotKey = 'incidents' | 'vehicles' | 'hospitals' | 'notices' | 'transfers';

const byId = <T extends { id: string }>(items: T[]) => new Map(items.map((i) => [i.id, i]));

/** Changes within this are one read of the alert list; and it is read this often anyway (a push lost in a reconnect). */
const ALERTS_DEBOUNCE_MS = 150;
const ALERTS_REFRESH_MS = 20_000;

/**
 * The one owner of the console's socket. It keeps the live state: a full snapshot over REST on every
 * (re)connect — so a server restart resynchronises without a reload — then events applied on top.
 * Position bursts are coalesced by vehicle id: the map gets the latest fix per vehicle once per frame. They never
 * change the live state (a thousand vehicles moving every second would re-render every screen each second): what
 * shows a fix reads it with positionOf or listens with subscribePositions.
 */
export class Connection {
  private state: LiveState = {
    status: 'connecting',
    disconnectedAt: null,
    reconnectAttempt: 0,
    lastError: null,
    databaseUnavailable: false,
    versionMismatch: null,
    syncedAt: null,
    settingsVersion: 0,
    incidents: new Map(),
    vehicles: new Map(),
    hospitals: new Map(),
    stations: [],
    notices: new Map(),
    transfers: new Map(),
    recommendations: new Map(),
    routes: new Map(),
    stuckEvents: new Map(),
    phoneCalls: new Map(),
    alerts: new Map(),
    messages: new Map(),
    lastPushedMessage: null,
    coverage: null,
    repositions: new Map(),
  };
  private alertsTimer: ReturnType<typeof setTimeout> | null = null;
  private alertsInterval: ReturnType<typeof setInterval> | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly positionListeners = new Set<PositionListener>();
  private readonly changeListeners = new Set<(change: ResourceChange) => void>();
  private readonly consultationListeners = new Set<(entry: ConsultationEntryDto) => void>();
  private readonly pendingPositions = new Map<string, VehiclePositionDto>();
  private readonly latestPositions = new Map<string, VehiclePositionDto>();
  private positionFrame: number | null = null;
  private notifyScheduled = false;
  private socket: Socketish | null = null;
  private snapshotSeq = 0;
  /**
   * What events changed while a snapshot was being read: laid over it when it arrives, since the snapshot may have
   * been read before them (a call taken while a console connects would otherwise vanish from it until its next update).
   */
  private sinceSnapshot: { seq: number; applied: Map<SnapshotKey, Map<string, unknown>>; forgotten: Map<SnapshotKey, Set<string>> } | null = null;

  constructor(
    private readonly api: ApiClient,
    private readonly token: string,
    private readonly role: Role,
    private readonly onUnauthorized: () => void,
    /** The login's centre (issue 15); null for a login of every centre. */
    private readonly centreId: string | null = null,
  ) {}

  start(): void {
    if (this.socket) return;
    const socket: Socketish = io({
      path: '/socket.io',
      auth: { token: this.token, protocolVersion: PROTOCOL_VERSION },
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
    });
    this.socket = socket;
    socket.on('connect', () => {
      this.set({ status: 'connected', disconnectedAt: null, reconnectAttempt: 0, lastError: null });
      void this.resync();
    });
    socket.on('disconnect', (reason) => {
      this.set({ status: 'disconnected', disconnectedAt: this.state.disconnectedAt ?? Date.now(), lastError: reason });
      // The server closed this socket on purpose (e.g. shutting down): socket.io does not retry by itself then.
      if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1000);
    });
    socket.on('connect_error', (error) => {
      if (/^unauthorized/.test(error.message)) {
        this.onUnauthorized();
        return;
      }
      const mismatch = (error as Error & { data?: { mismatch?: VersionMismatch } }).data?.mismatch;
      if (mismatch) {
        this.set({ status: 'disconnected', versionMismatch: mismatch, lastError: error.message });
        return;
      }
      // "unavailable:" is the server unable to check the session now: retry, never a logout.
      if (/^unavailable/.test(error.message)) this.set({ databaseUnavailable: true });
      this.set({
        status: 'disconnected',
        disconnectedAt: this.state.disconnectedAt ?? Date.now(),
        lastError: error.message,
        reconnectAttempt: this.state.reconnectAttempt + 1,
      });
      // A refused handshake (middleware error) is not retried by socket.io; a restarting server is.
      if (!socket.active) setTimeout(() => socket.connect(), 2000);
    });

    socket.on('incident.created', (i) => this.apply('incidents', i));
    socket.on('incident.updated', (i) => this.apply('incidents', i));
    socket.on('phoneCall.ringing', (c) => this.applyPhoneCall(c));
    socket.on('phoneCall.updated', (c) => this.applyPhoneCall(c));
    // Alerts follow from incidents, tasks and notices: any change of those is a new read of the list.
    for (const event of ['incident.created', 'incident.updated', 'assignment.updated', 'notice.updated', 'notice.escalated'] as const) {
      socket.on(event, () => this.refreshAlerts());
    }
    socket.on('alert.raised', (a) => {
      const known = this.state.alerts.get(a.id);
      this.set({ alerts: new Map(this.state.alerts).set(a.id, known ? { ...a, state: known.state } : a) });
      // The alert it replaces (a new call past its limit) leaves the list with the next read.
      this.refreshAlerts();
    });
    socket.on('message.posted', (m) => {
      this.rememberMessages(m.assignmentId, [m]);
      this.set({ lastPushedMessage: m });
    });
    socket.on('assignment.updated', (a) => {
      const incident = this.state.incidents.get(a.incidentId);
      if (!incident) return;
      const others = incident.assignments.filter((x) => x.id !== a.id);
      this.apply('incidents', { ...incident, assignments: [...others, a] });
    });
    socket.on('recommendation.computed', (r) => this.rememberRecommendation(r));
    // A vehicle update may carry an older position than the stream already delivered. Another centre's vehicle is this
    // console's while it helps on one of its calls (issue 15; the server sends it here only then): the update that ends
    // that task takes it off, as a resync would, and so does the one moving an idle vehicle to another centre's station.
    // (Not checked against the incidents held: a resync may not have them yet.)
    socket.on('vehicle.updated', (v) => {
      const helpEnded = this.centreId !== null && v.centreId !== this.centreId && v.incidentId === null;
      if (helpEnded) {
        this.forget({ kind: 'vehicle', id: v.id, deleted: true });
        return;
      }
      // One new to this console (a helper) is drawn where it was last seen, not only from its next fix on.
      if (!this.state.vehicles.has(v.id)) this.queuePositions(snapshotFixes([v]));
      this.apply('vehicles', this.withNewestFix(v));
    });
    socket.on('hospital.loadChanged', (h) => this.apply('hospitals', h));
    // An administrator's changes: the desk's map and fleet board follow them, the admin lists fetch their page again.
    socket.on('hospital.updated', (h) => this.apply('hospitals', h));
    socket.on('station.updated', (s) => this.set({ stations: [...this.state.stations.filter((x) => x.id !== s.id), s] }));
    socket.on('resource.changed', (change) => {
      if (change.deleted) this.forget(change);
      for (const listener of this.changeListeners) listener(change);
    });
    socket.on('settings.changed', () => this.set({ settingsVersion: this.state.settingsVersion + 1 }));
    socket.on('notice.sent', (n) => this.apply('notices', n));
    socket.on('notice.updated', (n) => this.apply('notices', n));
    socket.on('notice.escalated', (n) => this.apply('notices', n));
    socket.on('transfer.updated', (t) => this.apply('transfers', t));
    socket.on('vehicle.positionsUpdated', (batch) => this.queuePositions(unpackPositions(batch)));
    socket.on('consultation.posted', (entry) => {
      for (const listener of this.consultationListeners) listener(entry);
    });
    socket.on('coverage.updated', (coverage) => this.set({ coverage }));
    socket.on('reposition.updated', (r) => this.set({ repositions: new Map(this.state.repositions).set(r.vehicleId, r) }));
    socket.on('crew.eventStuck', (n) => {
      const stuck = new Map(this.state.stuckEvents);
      if (n.state === 'stuck') stuck.set(n.id, n);
      else stuck.delete(n.id);
      this.set({ stuckEvents: stuck });
    });
  }

  stop(): void {
    if (this.alertsTimer) clearTimeout(this.alertsTimer);
    if (this.alertsInterval) clearInterval(this.alertsInterval);
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    if (this.positionFrame !== null) cancelAnimationFrame(this.positionFrame);
  }

  getState = (): LiveState => this.state;

  /** What the last REST answer said of the database (the API client reports every answer). */
  setDatabaseReachable(reachable: boolean): void {
    if (this.state.databaseUnavailable === reachable) this.set({ databaseUnavailable: !reachable });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Coalesced position batches for the map, and the latest fix of every vehicle known so far. */
  /** Every administrator's change (the kind and id only), for lists to read their page again. */
  subscribeChanges(listener: (change: ResourceChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Consultation entries as they are pushed (the open thread merges them; a resync reads it again). */
  subscribeConsultations = (listener: (entry: ConsultationEntryDto) => void): (() => void) => {
    this.consultationListeners.add(listener);
    return () => this.consultationListeners.delete(listener);
  };

  private forget({ kind, id }: ResourceChange): void {
    if (kind === 'station') this.set({ stations: this.state.stations.filter((s) => s.id !== id) });
    const key = kind === 'vehicle' ? 'vehicles' : kind === 'hospital' ? 'hospitals' : null;
    if (key && this.sinceSnapshot) {
      this.sinceSnapshot.applied.get(key)?.delete(id);
      this.sinceSnapshot.forgotten.set(key, (this.sinceSnapshot.forgotten.get(key) ?? new Set()).add(id));
    }
    if (!key || !this.state[key].has(id)) return;
    const next = new Map(this.state[key] as ReadonlyMap<string, unknown>);
    next.delete(id);
    this.set({ [key]: next } as Partial<LiveState>);
  }

  subscribePositions(listener: PositionListener): () => void {
    this.positionListeners.add(listener);
    if (this.latestPositions.size > 0) listener([...this.latestPositions.values()]);
    return () => this.positionListeners.delete(listener);
  }

  latestPosition(vehicleId: string): VehiclePositionDto | undefined {
    return this.latestPositions.get(vehicleId);
  }

  /** Where a vehicle is as far as this console knows: the stream's newest fix, else the snapshot's or the last update's. */
  positionOf(vehicleId: string): { lon: number; lat: number; deviceTime: string } | undefined {
    return this.latestPositions.get(vehicleId) ?? this.state.vehicles.get(vehicleId)?.position ?? undefined;
  }

  /** Keeps a route the server answered (dispatch, or a fetched task) for the map. */
  rememberRoute(assignmentId: string, route: RouteDto): void {
    this.set({ routes: new Map(this.state.routes).set(assignmentId, route) });
  }

  rememberRecommendation(r: RecommendationDto): void {
    this.set({ recommendations: new Map(this.state.recommendations).set(r.incidentId, r) });
  }

  /** Reads the alert list again soon (several changes in a burst make one read); dispatchers' roles only. */
  refreshAlerts(): void {
    if (this.role === 'hospital' || this.alertsTimer) return;
    this.alertsInterval ??= setInterval(() => this.refreshAlerts(), ALERTS_REFRESH_MS);
    this.alertsTimer = setTimeout(() => {
      this.alertsTimer = null;
      this.api
        .call('listAlerts')
        .then((list) => this.set({ alerts: byId(list) }))
        .catch(() => undefined);
    }, ALERTS_DEBOUNCE_MS);
  }

  /** This login acknowledges, mutes or re-activates an alert: shown at once, kept by the server (a reload keeps it). */
  async setAlertState(alertId: string, state: AlertState): Promise<void> {
    const known = this.state.alerts.get(alertId);
    if (known) this.set({ alerts: new Map(this.state.alerts).set(alertId, { ...known, state }) });
    await this.api.call('setAlertState', { body: { alertId, state } });
  }

  /** Adds task messages (fetched, pushed or answered), once each, oldest first. */
  rememberMessages(assignmentId: string, list: readonly MessageDto[]): void {
    const known = this.state.messages.get(assignmentId) ?? [];
    const ids = new Set(known.map((m) => m.id));
    const fresh = list.filter((m) => !ids.has(m.id));
    if (fresh.length === 0 && this.state.messages.has(assignmentId)) return;
    const merged = [...known, ...fresh].sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt));
    this.set({ messages: new Map(this.state.messages).set(assignmentId, merged) });
  }

  /** The calls that rang lately and are not yet an incident: a reload or a reconnect keeps their pop-ups. */
  private async refreshPhoneCalls(seq: number): Promise<void> {
    const asked = Date.now();
    const calls = await this.api.call('listPhoneCalls', { query: {} }).catch(() => null);
    if (!calls || seq !== this.snapshotSeq) return;
    // A call pushed while the list was being read is newer than the list: kept as pushed.
    const next = byId(calls);
    for (const [id, at] of this.phoneCallPushedAt) {
      const pushed = this.state.phoneCalls.get(id);
      if (at >= asked && pushed) next.set(id, pushed);
    }
    this.set({ phoneCalls: next });
  }

  /** The circle as it is now (a push after this replaces it); a login that may not read it keeps none. */
  private async refreshCoverage(seq: number): Promise<void> {
    const coverage = await this.api.call('liveCoverage').catch(() => null);
    if (coverage && seq === this.snapshotSeq) this.set({ coverage });
  }

  private readonly phoneCallPushedAt = new Map<string, number>();
  private applyPhoneCall(call: PhoneCallDto): void {
    this.phoneCallPushedAt.set(call.id, Date.now());
    this.apply('phoneCalls', call);
  }

  /** Refetches everything this role may see. Events arriving meanwhile are kept: they are newer. */
  async resync(): Promise<void> {
    const seq = ++this.snapshotSeq;
    this.sinceSnapshot = { seq, applied: new Map(), forgotten: new Map() };
    const dispatcherRole = this.role !== 'hospital';
    try {
      const [incidents, listed, hospitals, stations, notices, transfers] = await Promise.all([
        dispatcherRole ? this.api.call('listIncidents') : Promise.resolve<IncidentDto[]>([]),
        dispatcherRole ? this.api.call('listVehicles') : Promise.resolve<VehicleDto[]>([]),
        this.api.call('listHospitals'),
        dispatcherRole ? this.api.call('listStations') : Promise.resolve<StationDto[]>([]),
        this.api.call('listNotices'),
        // Not every login reads transfers (a crew's): none rather than no snapshot.
        this.api.call('listTransfers').catch(() => [] as TransferDto[]),
      ]);
      if (seq !== this.snapshotSeq) return;
      const vehicles = listed.map((v) => this.withNewestFix(v));
      const since = this.sinceSnapshot!;
      this.sinceSnapshot = null;
      /** The snapshot's rows with what events brought while it was read laid over them. */
      const merged = <T extends { id: string }>(key: SnapshotKey, rows: T[]): Map<string, T> => {
        const map = byId(rows);
        for (const id of since.forgotten.get(key) ?? []) map.delete(id);
        for (const [id, item] of since.applied.get(key) ?? []) map.set(id, item as T);
        return map;
      };
      this.set({
        incidents: merged('incidents', incidents),
        vehicles: merged('vehicles', vehicles),
        hospitals: merged('hospitals', hospitals),
        stations,
        notices: merged('notices', notices),
        transfers: merged('transfers', transfers),
        syncedAt: Date.now(),
      });
      if (dispatcherRole) void this.refreshPhoneCalls(seq);
      if (dispatcherRole) void this.refreshCoverage(seq);
      this.refreshAlerts();
      // Vehicles placed where the snapshot says, unless the stream already has a newer fix.
      this.queuePositions(snapshotFixes(vehicles));
    } catch (error) {
      this.set({ lastError: (error as Error).message });
      // The socket is up but REST failed (server still starting): try again shortly.
      if (this.state.status === 'connected') setTimeout(() => void this.resync(), 2000);
    }
  }

  private queuePositions(batch: readonly VehiclePositionDto[]): void {
    for (const p of batch) {
      const known = this.latestPositions.get(p.vehicleId);
      if (known && Date.parse(known.deviceTime) > Date.parse(p.deviceTime)) continue;
      this.pendingPositions.set(p.vehicleId, p);
      this.latestPositions.set(p.vehicleId, p);
    }
    if (this.pendingPositions.size === 0) return;
    if (this.positionFrame === null) {
      this.positionFrame = requestAnimationFrame(() => {
        this.positionFrame = null;
        const flushed = [...this.pendingPositions.values()];
        this.pendingPositions.clear();
        for (const listener of this.positionListeners) listener(flushed);
      });
    }
  }

  /** The vehicle with the stream's fix when that is newer than the one it carries. */
  private withNewestFix(v: VehicleDto): VehicleDto {
    const fix = this.latestPositions.get(v.id);
    return fix && v.position && Date.parse(fix.deviceTime) > Date.parse(v.position.deviceTime) ? { ...v, position: toVehiclePosition(fix) } : v;
  }

  /** Applies an item an event brought, or a REST call answered (at once, without waiting for the event that will follow). */
  apply<K extends 'incidents' | 'vehicles' | 'hospitals' | 'notices' | 'phoneCalls' | 'transfers'>(
    key: K,
    item: LiveState[K] extends ReadonlyMap<string, infer T> ? T : never,
  ): void {
    const id = (item as { id: string }).id;
    const next = new Map(this.state[key] as ReadonlyMap<string, typeof item>);
    next.set(id, item);
    this.set({ [key]: next } as Partial<LiveState>);
    if (this.sinceSnapshot && key !== 'phoneCalls') {
      const applied = this.sinceSnapshot.applied;
      applied.set(key as SnapshotKey, (applied.get(key as SnapshotKey) ?? new Map()).set(id, item));
      this.sinceSnapshot.forgotten.get(key as SnapshotKey)?.delete(id);
    }
  }

  private set(patch: Partial<LiveState>): void {
    this.state = { ...this.state, ...patch };
    // Many events in one tick (a burst after reconnect) make one render.
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false;
      for (const listener of this.listeners) listener();
    });
  }
}

/** The vehicles' last known positions as fixes of the stream. */
function snapshotFixes(vehicles: readonly VehicleDto[]): VehiclePositionDto[] {
  return vehicles.flatMap((v) =>
    v.position
      ? [{ vehicleId: v.id, lon: v.position.lon, lat: v.position.lat, speedMps: null, headingDeg: null, accuracyM: null, deviceTime: v.position.deviceTime, receivedAt: v.position.deviceTime, source: 'snapshot' as const }]
      : [],
  );
}

function toVehiclePosition(fix: VehiclePositionDto): NonNullable<VehicleDto['position']> {
  return { lon: fix.lon, lat: fix.lat, deviceTime: fix.deviceTime, ageSeconds: 0, stale: false };
}
