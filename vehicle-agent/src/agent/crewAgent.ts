import {
  AgentPosition,
  createApiClient,
  fixProblem,
  SendMessageRequest,
  PROTOCOL_VERSION,
  StatusReport,
  type ApiClient,
  type AssignmentDto,
  type AssignmentOfferDto,
  type ClientToServerEvents,
  type ConsultationEntryDto,
  type LoginResult,
  type MessageDto,
  type MessageSendResult,
  type RepositionDto,
  type QuickReply,
  type PositionsReportResult,
  type Principal,
  type ServerToClientEvents,
  type StatusReportResult,
  type StuckEventReport,
  type TaskStatus,
} from '@dispatch/protocol';
import { io, type Socket } from 'socket.io-client';
import { isoWithOffset, systemClock, type Clock } from './clock';
import { Emitter } from './emitter';
import { newEventId } from './ids';
import type { MessageOutboxPayload, Outbox, OutboxEntry, OutboxPayload, StatusOutboxPayload } from './outbox';
import type { StuckStore, StuckEvent } from './stuckStore';

export interface CrewAgentOptions {
  /** The dispatch server, e.g. http://127.0.0.1:8120 (the tablet uses its own origin). */
  baseUrl: string;
  /** Log in with these, or give `token`. */
  username?: string;
  password?: string;
  token?: string;
  outbox: Outbox;
  /** Device time comes from here; tests and the simulator inject their own. */
  clock?: Clock;
  /** UTC offset of the device time stamps in minutes east; default the machine's. */
  utcOffsetMinutes?: number;
  /** How long to wait for the server's acknowledgement of one send. */
  ackTimeoutMs?: number;
  /** Backoff after a 5xx or a missing acknowledgement: doubles from min to max. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /**
   * Server faults (5xx other than 503) one event may get before it is parked as stuck, so that it stops blocking
   * everything behind it. 503 and a missing answer mean "unavailable", not "this event", and are retried for ever.
   */
  maxServerFaults?: number;
  /** Keeps parked events across restarts (the tablet: localStorage); without it they live as long as the agent. */
  stuckStore?: StuckStore;
  /** Consecutive fixes sent in one `positions.reported`. */
  maxPositionsPerBatch?: number;
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
  transports?: ('websocket' | 'polling')[];
}

export type ConnectionState = 'connecting' | 'online' | 'offline';

/** An event the server refused for good (4xx, e.g. 409 illegal transition): dropped from the outbox and shown. */
export interface Rejection {
  entry: OutboxEntry;
  status: number;
  error: string;
}

export interface CrewAgentState {
  connection: ConnectionState;
  user: Principal | null;
  vehicleId: string | null;
  /** The current task as last offered, with the assignment kept up to date. */
  offer: AssignmentOfferDto | null;
  /** The task's step including steps reported but not yet acknowledged (what the crew did last). */
  taskStatus: string | null;
  /** Events in the outbox, not yet acknowledged by the server. */
  queued: number;
  lastRejection: Rejection | null;
  lastError: string | null;
  /** Events parked after repeated server faults, waiting for the crew to retry or discard them. */
  stuck: StuckEvent[];
  /** The current task's messages as the server stored them, oldest first. */
  messages: MessageDto[];
  /** The crew's messages of the current task still in the outbox (shown as "sending"). */
  outgoing: MessageOutboxPayload[];
}

export interface CrewAgentEvents {
  state: (state: CrewAgentState) => void;
  offered: (offer: AssignmentOfferDto) => void;
  assignmentUpdated: (assignment: AssignmentDto) => void;
  /** The task was cancelled, re-offered to another vehicle, or ended while the agent was offline. */
  withdrawn: (payload: { assignmentId: string; incidentId: string; reason: string }) => void;
  rejected: (rejection: Rejection) => void;
  /** Events the server acknowledged, in order. */
  delivered: (entries: OutboxEntry[]) => void;
  /** A send got no answer or a 5xx: the events stay at the head of the outbox and go again after `delayMs`. */
  retrying: (info: { entries: OutboxEntry[]; reason: string; delayMs: number }) => void;
  /** Events were parked after `maxServerFaults` server faults; later events go on. */
  stuck: (stuck: StuckEvent) => void;
  /** After a (re)connection: the outbox was flushed and the current task fetched again. */
  synced: () => void;
  /** An entry of the consultation of one of the vehicle's tasks (the crew's, the receiving hospital's or dispatch's). */
  consultationPosted: (entry: ConsultationEntryDto) => void;
  /** A message of the current task arrived from the dispatch centre. */
  message: (message: MessageDto) => void;
  /** A move-up for the vehicle was sent, answered or ended (not a task: the vehicle stays dispatchable). */
  repositionUpdated: (reposition: RepositionDto) => void;
}

export type PositionInput = {
  lon: number;
  lat: number;
  speedMps?: number | null;
  headingDeg?: number | null;
  accuracyM?: number | null;
  /** When the fix was measured; default: now on the agent's clock. */
  deviceTime?: string;
};

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * A crew's connection to the dispatch centre, used by the tablet app, headless agents and the fleet simulator.
 * Every status step and position goes into the durable outbox first, stamped with its device time, and is
 * delivered strictly in order over the socket; it leaves the outbox only once the server acknowledged it (or
 * refused it with a 4xx, which is surfaced). The server deduplicates by event id and by vehicle + device time,
 * so replaying after a lost acknowledgement changes nothing.
 */
export class CrewAgent extends Emitter<CrewAgentEvents> {
  /** The server's REST API with this agent's token. */
  readonly api: ApiClient;
  private readonly baseUrl: string;
  private token: string | null = null;
  private readonly clock: Clock;
  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  private stopped = false;
  private draining: Promise<void> | null = null;
  private dirty = false;
  private unsentSteps: (StatusOutboxPayload & { seq: number })[] = [];
  private unsentMessages: (MessageOutboxPayload & { seq: number })[] = [];
  /** The task's messages were fetched once since start. */
  private resynced = false;
  private drainWaiters: (() => void)[] = [];
  /** Ends a backoff pause early (stop, or a new connection). */
  private wakeDrain: (() => void) | null = null;
  private current: CrewAgentState = {
    connection: 'offline',
    user: null,
    vehicleId: null,
    offer: null,
    taskStatus: null,
    queued: 0,
    lastRejection: null,
    lastError: null,
    stuck: [],
    messages: [],
    outgoing: [],
  };

  constructor(private readonly options: CrewAgentOptions) {
    super();
    this.baseUrl = options.baseUrl.replace(/\/$/, '');
    this.api = createApiClient({ baseUrl: this.baseUrl, token: () => this.token });
    this.clock = options.clock ?? systemClock;
  }

  get state(): CrewAgentState {
    return this.current;
  }

  get vehicleId(): string {
    if (!this.current.vehicleId) throw new Error('the agent has not logged in as a crew bound to a vehicle');
    return this.current.vehicleId;
  }

  /** The device time of an event happening now, with the device's UTC offset. */
  deviceTime(): string {
    return isoWithOffset(this.clock.now(), this.options.utcOffsetMinutes);
  }

  /**
   * Logs in (or checks the token), reads what the outbox still holds, and connects. Throws when the login is
   * refused or the login is not a crew bound to a vehicle. The socket reconnects by itself from then on.
   */
  async start(): Promise<void> {
    this.stopped = false;
    let user: Principal;
    if (this.options.token) {
      this.token = this.options.token;
      user = await this.api.call('me');
    } else {
      user = (await this.login()).user;
    }
    if (user.role !== 'crew' || !user.vehicleId) throw new Error(`login ${user.username} is a ${user.role}, not a crew bound to a vehicle`);
    // IndexedDB takes a count up to 2^32 - 1 only.
    const pending = await this.options.outbox.peek(2 ** 31 - 1);
    this.unsentSteps = pending.filter((e): e is StatusOutboxPayload & { seq: number } => e.kind === 'status');
    this.unsentMessages = pending.filter((e): e is MessageOutboxPayload & { seq: number } => e.kind === 'message');
    const stuck = (await this.options.stuckStore?.load()) ?? [];
    this.update({ user, vehicleId: user.vehicleId, queued: pending.length, connection: 'connecting', stuck });
    this.connect();
  }

  /** Closes the socket; the outbox keeps what was not delivered (the caller closes the outbox). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeDrain?.();
    this.socket?.removeAllListeners();
    this.socket?.close();
    this.socket = null;
    await this.draining;
    this.update({ connection: 'offline' });
  }

  /** Logs in with the agent's credentials; REST calls and the next handshake carry the new token. */
  private async login(): Promise<LoginResult> {
    const { username, password } = this.options;
    if (!username || !password) throw new Error('CrewAgent needs username and password, or token');
    const result = await this.api.call('login', { body: { username, password } });
    this.token = result.token;
    return result;
  }

  private connect(): void {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(this.baseUrl, {
      auth: { token: this.token ?? '', protocolVersion: PROTOCOL_VERSION },
      transports: this.options.transports ?? ['websocket', 'polling'],
      reconnectionDelay: this.options.reconnectDelayMs ?? 500,
      reconnectionDelayMax: this.options.reconnectDelayMaxMs ?? 5_000,
      forceNew: true,
    });
    this.socket = socket;
    socket.on('connect', () => {
      this.update({ connection: 'online', lastError: null });
      void this.onConnected(socket);
    });
    socket.on('disconnect', (reason) => {
      this.update({ connection: 'offline' });
      // A server-side disconnect is not retried by socket.io itself; a restarting server is still worth retrying.
      if (reason === 'io server disconnect' && !this.stopped) setTimeout(() => this.stopped || socket.connect(), this.options.reconnectDelayMs ?? 500);
    });
    socket.on('connect_error', (error) => {
      this.update({ connection: 'offline', lastError: error.message });
      if (!socket.active && !this.stopped) void this.recoverFromRefusal(socket, error);
    });
    socket.on('assignment.offered', (offer) => this.takeOffer(offer));
    socket.on('assignment.updated', (assignment) => void this.takeAssignment(assignment));
    socket.on('assignment.withdrawn', (payload) => {
      if (this.current.offer?.assignment.id === payload.assignmentId) this.update({ offer: null, messages: [] });
      this.emit('withdrawn', payload);
    });
    socket.on('message.posted', (message) => this.takeMessages([message], true));
    socket.on('reposition.updated', (reposition) => this.emit('repositionUpdated', reposition));
    socket.on('consultation.posted', (entry) => this.emit('consultationPosted', entry));
  }

  /** The server refused the handshake: an expired token is renewed; a protocol mismatch is left for a human. */
  private async recoverFromRefusal(socket: Socket, error: Error): Promise<void> {
    if (error.message.startsWith('protocol mismatch')) return;
    try {
      if (error.message.startsWith('unauthorized') && this.options.username && this.options.password) {
        await this.login();
        socket.auth = { token: this.token ?? '', protocolVersion: PROTOCOL_VERSION };
      }
    } catch (loginError) {
      this.update({ lastError: (loginError as Error).message });
    }
    await sleep(this.options.reconnectDelayMaxMs ?? 5_000);
    if (!this.stopped && this.socket === socket && !socket.connected) socket.connect();
  }

  private async onConnected(socket: Socket): Promise<void> {
    for (const stuck of this.current.stuck) if (!stuck.announced) void this.announce(stuck, 'stuck');
    await this.drain();
    await this.syncWhileConnected(socket);
  }

  /**
   * Catches up with the server once connected, and again every few seconds until it answers: a socket can connect
   * while the database is down (the server checks a token it saw recently from memory), and the task must still
   * arrive once the database is back. A 503 is said as the handshake says it ("unavailable: …").
   */
  private async syncWhileConnected(socket: Socket): Promise<void> {
    if (this.stopped || this.socket !== socket || !socket.connected) return;
    try {
      await this.resync();
      this.emit('synced');
    } catch (error) {
      const message = (error as Error).message;
      this.update({ lastError: (error as { status?: number }).status === 503 ? `unavailable: ${message}` : message });
      setTimeout(() => void this.syncWhileConnected(socket), this.options.reconnectDelayMaxMs ?? 5_000);
    }
  }

  /** Fetches the current task again: whatever happened while offline (offers, cancellations) is caught up. */
  async resync(): Promise<void> {
    // Messages fetched at start are not told again (a restarted tablet has shown them); after a reconnect they are.
    const announce = this.resynced;
    this.resynced = true;
    // No answer (204) when the vehicle is free.
    const offer = await this.api.call('getVehicleAssignment', { params: { id: this.vehicleId } });
    if (offer) {
      this.takeOffer(offer);
      // What was written on the channel while offline is caught up with the task.
      this.takeMessages(await this.api.call('listMessages', { params: { id: offer.assignment.id } }), announce);
      return;
    }
    const held = this.current.offer;
    // The task ends at back_in_service, but the crew still has the drive back to report on.
    if (held && (this.current.taskStatus === 'back_in_service' || held.assignment.status === 'back_in_service')) return;
    if (held) {
      this.update({ offer: null });
      this.emit('withdrawn', { assignmentId: held.assignment.id, incidentId: held.incident.id, reason: 'ended while offline' });
    }
  }

  private takeOffer(offer: AssignmentOfferDto): void {
    const isNew = this.current.offer?.assignment.id !== offer.assignment.id;
    this.update(isNew ? { offer, messages: [] } : { offer });
    if (isNew) this.emit('offered', offer);
  }

  /** Adds messages of the current task (pushed, answered or fetched), once each, in the server's order; `announce` emits the dispatch centre's. */
  private takeMessages(messages: MessageDto[], announce = false): void {
    const assignmentId = this.current.offer?.assignment.id;
    const known = new Set(this.current.messages.map((m) => m.id));
    const fresh = messages.filter((m) => m.assignmentId === assignmentId && !known.has(m.id));
    if (fresh.length === 0) return;
    const all = [...this.current.messages, ...fresh].sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt));
    this.update({ messages: all });
    if (announce) for (const m of fresh) if (m.side === 'dispatch') this.emit('message', m);
  }

  /**
   * Writes a message to the current task's channel (a quick reply carries its code): stored in the outbox first and
   * delivered in order with the steps, so it survives going offline. Throws, naming the field, on a text the server
   * would refuse. Resolves once it is stored, not when the server has it.
   */
  async sendMessage(text: string, quickReply?: QuickReply): Promise<OutboxEntry> {
    const assignmentId = this.current.offer?.assignment.id;
    if (!assignmentId) throw new Error('assignmentId: there is no current assignment to write about');
    const payload: MessageOutboxPayload = { kind: 'message', messageId: newEventId(), assignmentId, text, deviceTime: this.deviceTime(), ...(quickReply ? { quickReply } : {}) };
    const parsed = SendMessageRequest.safeParse({ messageId: payload.messageId, text, quickReply, deviceTime: payload.deviceTime });
    if (!parsed.success) throw new Error(`${String(parsed.error.issues[0]?.path[0] ?? 'text')}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    payload.text = parsed.data.text;
    const entry = (await this.options.outbox.append(payload)) as MessageOutboxPayload & { seq: number };
    this.unsentMessages.push(entry);
    this.update({ queued: this.current.queued + 1 });
    void this.drain();
    return entry;
  }

  private async takeAssignment(assignment: AssignmentDto): Promise<void> {
    const offer = this.current.offer;
    if (!offer || offer.assignment.id !== assignment.id) return;
    const destinationChanged = assignment.destinationHospitalId !== offer.assignment.destinationHospitalId;
    this.update({ offer: { ...offer, assignment } });
    if (destinationChanged && assignment.destinationHospitalId) {
      try {
        const h = await this.api.call('getHospital', { params: { id: assignment.destinationHospitalId } });
        const latest = this.current.offer;
        if (latest?.assignment.id === assignment.id) {
          this.update({
            offer: { ...latest, destinationHospital: { id: h.id, name: h.name, loadStatus: h.loadStatus, location: h.location } },
          });
        }
      } catch (error) {
        this.update({ lastError: (error as Error).message });
      }
    }
    this.emit('assignmentUpdated', assignment);
  }

  /**
   * Records a lifecycle step of the current task (or of `assignmentId`) at the current device time: stored in the
   * outbox first, then delivered. Resolves once the step is stored, not when the server has it.
   */
  async reportStatus(
    status: TaskStatus,
    extra: { assignmentId?: string; location?: { lon: number; lat: number }; note?: string } = {},
  ): Promise<OutboxEntry> {
    const assignmentId = extra.assignmentId ?? this.current.offer?.assignment.id;
    if (!assignmentId) throw new Error('assignmentId: there is no current assignment to report on');
    const payload: StatusOutboxPayload = {
      kind: 'status',
      eventId: newEventId(),
      assignmentId,
      status,
      deviceTime: this.deviceTime(),
      ...(extra.location ? { location: extra.location } : {}),
      ...(extra.note ? { note: extra.note } : {}),
    };
    StatusReport.parse(payload);
    const entry = (await this.options.outbox.append(payload)) as StatusOutboxPayload & { seq: number };
    this.unsentSteps.push(entry);
    // The drive back is the crew's last step: the task is done on the tablet the moment they report it.
    const finished = status === 'back_at_base' && this.current.offer?.assignment.id === assignmentId;
    this.update({ queued: this.current.queued + 1, ...(finished ? { offer: null } : {}) });
    void this.drain();
    return entry;
  }

  /**
   * Records one GPS fix (device time from the fix, else the agent's clock); consecutive fixes travel as one batch.
   * A fix the server would refuse (protocol's fixProblem: 0,0, a receiver clock in 2099 or 1999) throws here,
   * naming the field, and never enters the outbox.
   */
  async reportPosition(fix: PositionInput): Promise<OutboxEntry> {
    const position = AgentPosition.parse({
      lon: fix.lon,
      lat: fix.lat,
      speedMps: fix.speedMps ?? null,
      headingDeg: fix.headingDeg ?? null,
      accuracyM: fix.accuracyM ?? null,
      deviceTime: fix.deviceTime ?? this.deviceTime(),
    });
    const problem = fixProblem(position, this.clock.now());
    if (problem) throw new Error(`${problem.field}: ${problem.message}`);
    const entry = await this.options.outbox.append({ kind: 'position', position });
    this.update({ queued: this.current.queued + 1 });
    void this.drain();
    return entry;
  }

  /** Changes the destination hospital of the current task (online only: the dispatch centre must agree now). */
  async changeDestination(hospitalId: string): Promise<AssignmentDto> {
    const offer = this.current.offer;
    if (!offer) throw new Error('assignmentId: there is no current assignment');
    const assignment = await this.api.call('changeDestination', { params: { id: offer.assignment.id }, body: { hospitalId } });
    await this.takeAssignment(assignment);
    return assignment;
  }

  /** Resolves once the outbox is empty (everything delivered or refused). */
  whenDelivered(): Promise<void> {
    if (this.current.queued === 0) return Promise.resolve();
    return new Promise((done) => this.drainWaiters.push(done));
  }

  /** Delivers the outbox from its head while the socket is up; a second call during a drain joins it. */
  private drain(): Promise<void> {
    this.dirty = true;
    if (this.draining) return this.draining;
    this.draining = this.drainLoop().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async drainLoop(): Promise<void> {
    const outbox = this.options.outbox;
    let backoff = this.options.retryMinMs ?? 500;
    let faults = 0;
    let faultSeq = -1;
    while (!this.stopped && this.socket?.connected) {
      this.dirty = false;
      const head = await outbox.peek(this.options.maxPositionsPerBatch ?? 200);
      if (head.length === 0) {
        if (this.dirty) continue;
        break;
      }
      const first = head[0]!;
      const batch = first.kind === 'position' ? takeWhilePositions(head) : [first];
      const answer = await this.send(batch);
      if (answer !== null && !answer.ok && answer.status >= 500 && answer.status !== 503) {
        faults = faultSeq === first.seq ? faults + 1 : 1;
        faultSeq = first.seq;
        if (faults >= (this.options.maxServerFaults ?? 5)) {
          // This event keeps failing where others would not: park it, so later steps and positions still go.
          await this.park(batch, answer.status, answer.error, faults);
          faults = 0;
          backoff = this.options.retryMinMs ?? 500;
          continue;
        }
      }
      if (answer === null || (!answer.ok && answer.status >= 500)) {
        // No answer or a server fault: the event stays at the head and is tried again, later each time.
        if (!this.socket?.connected) break;
        this.emit('retrying', { entries: batch, reason: answer === null ? 'no answer' : `${answer.status} ${answer.error}`, delayMs: backoff });
        await new Promise<void>((done) => {
          const timer = setTimeout(done, backoff);
          this.wakeDrain = () => {
            clearTimeout(timer);
            done();
          };
        });
        this.wakeDrain = null;
        backoff = Math.min(backoff * 2, this.options.retryMaxMs ?? 30_000);
        continue;
      }
      backoff = this.options.retryMinMs ?? 500;
      const last = batch[batch.length - 1]!;
      await outbox.acknowledgeThrough(last.seq);
      this.unsentSteps = this.unsentSteps.filter((e) => e.seq > last.seq);
      this.unsentMessages = this.unsentMessages.filter((e) => e.seq > last.seq);
      const queued = await outbox.size();
      if (answer.ok) {
        if ('assignment' in answer) await this.takeAssignment(answer.assignment);
        if ('message' in answer) this.takeMessages([answer.message]);
        this.update({ queued });
        this.emit('delivered', batch);
      } else {
        const rejection: Rejection = { entry: first, status: answer.status, error: answer.error };
        this.update({ queued, lastRejection: rejection });
        this.emit('rejected', rejection);
      }
      if (queued === 0) for (const done of this.drainWaiters.splice(0)) done();
    }
  }

  /** Takes events off the head of the outbox into `stuck`, and tells the dispatch centre. */
  private async park(batch: OutboxEntry[], status: number, error: string, attempts: number): Promise<void> {
    const first = batch[0]!;
    const last = batch[batch.length - 1]!;
    // Saved before it leaves the outbox: after a crash in between it is both parked and queued (a resend is recognised by id).
    const id = first.kind === 'status' ? first.eventId : first.kind === 'message' ? first.messageId : newEventId();
    const parked: StuckEvent = { id, entries: batch, status, error, attempts, announced: false };
    await this.options.stuckStore?.save([...this.current.stuck, parked]);
    await this.options.outbox.acknowledgeThrough(last.seq);
    this.unsentSteps = this.unsentSteps.filter((e) => e.seq > last.seq);
    this.unsentMessages = this.unsentMessages.filter((e) => e.seq > last.seq);
    this.update({ queued: await this.options.outbox.size(), stuck: [...this.current.stuck, parked] });
    this.emit('stuck', parked);
    void this.announce(parked, 'stuck');
    if (this.current.queued === 0) for (const done of this.drainWaiters.splice(0)) done();
  }

  /**
   * The crew's decision on a parked event: `retry` puts it back in the outbox (at the end; the server recognises a
   * status step by its event id, so it never applies twice), `discard` drops it. The dispatch centre is told either way.
   */
  async resolveStuck(id: string, decision: 'retry' | 'discard'): Promise<void> {
    const stuck = this.current.stuck.find((s) => s.id === id);
    if (!stuck) return;
    this.update({ stuck: this.current.stuck.filter((s) => s !== stuck) });
    await this.options.stuckStore?.save(this.current.stuck);
    if (decision === 'retry') {
      for (const { seq: _seq, ...payload } of stuck.entries) {
        const entry = await this.options.outbox.append(payload as OutboxPayload);
        if (entry.kind === 'status') this.unsentSteps.push(entry);
        if (entry.kind === 'message') this.unsentMessages.push(entry);
      }
      this.update({ queued: await this.options.outbox.size() });
      void this.drain();
    }
    void this.announce(stuck, decision === 'retry' ? 'retried' : 'discarded');
  }

  /** Tells the dispatchers (best effort: a stuck event not yet told is told again on the next connection). */
  private async announce(stuck: StuckEvent, state: StuckEventReport['state']): Promise<void> {
    const first = stuck.entries[0]!;
    const report: StuckEventReport = {
      id: stuck.id,
      state,
      kind: first.kind,
      count: stuck.entries.length,
      ...(first.kind === 'status' ? { assignmentId: first.assignmentId, status: first.status } : {}),
      deviceTime: first.kind === 'position' ? first.position.deviceTime : first.deviceTime,
      httpStatus: stuck.status,
      error: stuck.error.slice(0, 500),
      attempts: stuck.attempts,
    };
    try {
      const answer = await this.socket?.timeout(this.options.ackTimeoutMs ?? 10_000).emitWithAck('outbox.stuck', report);
      if (answer?.ok && state === 'stuck') {
        stuck.announced = true;
        await this.options.stuckStore?.save(this.current.stuck);
      }
    } catch {
      // Not connected or no answer: onConnected tells it again.
    }
  }

  /** One send and its acknowledgement; null when none came (timeout, or the connection dropped meanwhile). */
  private async send(batch: OutboxEntry[]): Promise<StatusReportResult | PositionsReportResult | MessageSendResult | null> {
    const socket = this.socket;
    if (!socket?.connected) return null;
    const timeout = this.options.ackTimeoutMs ?? 10_000;
    try {
      const first = batch[0]!;
      if (first.kind === 'status') {
        const { kind: _kind, seq: _seq, ...report } = first;
        return await socket.timeout(timeout).emitWithAck('status.reported', report);
      }
      if (first.kind === 'message') {
        const { kind: _kind, seq: _seq, ...message } = first;
        return await socket.timeout(timeout).emitWithAck('message.sent', message);
      }
      const positions = batch.map((e) => (e as Extract<OutboxEntry, { kind: 'position' }>).position);
      return await socket.timeout(timeout).emitWithAck('positions.reported', positions);
    } catch {
      return null;
    }
  }

  private update(patch: Partial<CrewAgentState>): void {
    const next = { ...this.current, ...patch };
    const offer = next.offer;
    const mine = offer ? this.unsentSteps.filter((e) => e.assignmentId === offer.assignment.id) : [];
    next.taskStatus = offer ? (mine[mine.length - 1]?.status ?? offer.assignment.status) : null;
    next.outgoing = offer ? this.unsentMessages.filter((e) => e.assignmentId === offer.assignment.id) : [];
    this.current = next;
    this.emit('state', next);
  }
}

function takeWhilePositions(head: OutboxEntry[]): OutboxEntry[] {
  const end = head.findIndex((e) => e.kind !== 'position');
  return end === -1 ? head : head.slice(0, end);
}
