import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssignmentOfferDto, TaskStatus } from '@dispatch/protocol';
import { openSocket } from '../support/api';
import { demoSuite } from '../support/demoSuite';
import { until } from '../support/wait';
import { MeasuredLine, type LonLat } from '@dispatch/vehicle-agent/simulator/geometry';
import { TcpGate } from '../support/tcpGate';
import { ManualClock } from '@dispatch/vehicle-agent/agent/clock';
import { CrewAgent, type CrewAgentOptions, type Rejection } from '@dispatch/vehicle-agent/agent/crewAgent';
import { FileOutbox } from '@dispatch/vehicle-agent/agent/fileOutbox';
import { MemoryOutbox, type OutboxEntry } from '@dispatch/vehicle-agent/agent/outbox';

/** Real server, PostgreSQL, Redis and socket.io; the network in between is a TCP gate the test cuts. */
describe('crew agent against the real server', () => {
  // The offline test takes longer than the default acknowledgement timeout would allow in real time.
  const { server, clients: [dispatcher] } = demoSuite({ ACK_TIMEOUT_S: '900' }, 'dispatcher');
  let dir: string;
  const agents: CrewAgent[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crew-agent-'));
  });
  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** An agent with short delays, logged in as `username` with the demo password (unless `token` is given). */
  const fastAgent = (options: Partial<CrewAgentOptions> & Pick<CrewAgentOptions, 'outbox'>) => {
    const agent = new CrewAgent({
      baseUrl: server.baseUrl,
      password: options.username ? server.logins.passwords[options.username] : undefined,
      transports: ['websocket'],
      reconnectDelayMs: 100,
      reconnectDelayMaxMs: 300,
      retryMinMs: 100,
      ackTimeoutMs: 3_000,
      ...options,
    });
    agents.push(agent);
    return agent;
  };

  const next = <T>(agent: CrewAgent, event: 'offered' | 'synced' | 'rejected', timeoutMs = 10_000) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
      const off = agent.on(event, ((payload: T) => {
        clearTimeout(timer);
        off();
        resolve(payload);
      }) as never);
    });

  /** Starts the agent and waits until it has synced with the server. */
  const startSynced = async (agent: CrewAgent) => {
    const synced = next(agent, 'synced');
    await agent.start();
    await synced;
    return agent;
  };

  async function vehicleOf(username: string): Promise<string> {
    const { rows } = await server.database.db.query<{ vehicle_id: string }>('SELECT vehicle_id FROM users WHERE username = $1', [username]);
    return rows[0]!.vehicle_id;
  }

  /** Dispatches a chest-pain call at the n-th village of the demo gazetteer to the agent's vehicle; resolves once the agent has the offer. */
  async function offerTo(agent: CrewAgent, villageIndex: number): Promise<{ assignmentId: string; offer: AssignmentOfferDto }> {
    const offered = next<AssignmentOfferDto>(agent, 'offered');
    const { rows } = await server.database.db.query<{ name: string }>(`SELECT name FROM places WHERE kind = 'village' ORDER BY name OFFSET $1 LIMIT 1`, [villageIndex]);
    const incident = await dispatcher.call('createIncident', {
      body: { placeName: rows[0]!.name, category: 'chest_pain', priority: 1, patientSummary: '男, 67岁, 胸痛 40 分钟', priorityGroups: ['elderly', 'chronic'] },
    });
    const assigned = await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: agent.vehicleId } });
    return { assignmentId: assigned.assignment.id, offer: await offered };
  }

  it('replays an offline period of several minutes in order, once, with the original device times, and a lost-ack replay changes nothing', async () => {
    const gate = await TcpGate.open(server.baseUrl);
    const journal = join(dir, 'crew-01.jsonl');
    const outbox = await FileOutbox.open(journal);
    // Six minutes of device time pass below in no time at all: start them in the past, so that no fix ends up
    // further ahead of the server's clock than the skew every ingest path allows.
    const clock = new ManualClock(Date.now() - 7 * 60_000);
    const agent = await startSynced(fastAgent({ baseUrl: gate.url, username: 'crew-01', outbox, clock }));
    const vehicleId = agent.vehicleId;

    const { assignmentId, offer } = await offerTo(agent, 0);
    expect(offer.assignment.id).toBe(assignmentId);

    // Online: acknowledged arrives at once.
    clock.advance(8_000);
    const ack = await agent.reportStatus('acknowledged');
    await agent.whenDelivered();

    await gate.cut();
    await until(() => agent.state.connection === 'offline', 'the agent to notice it is offline');

    // Offline for six minutes of device time: four steps and 60 fixes along the route, one every 6 s.
    const line = new MeasuredLine((offer.route?.geometry.coordinates ?? [[111.913, 37.027], [offer.incident.location.lon, offer.incident.location.lat]]) as LonLat[]);
    const steps: OutboxEntry[] = [ack];
    const fixes: string[] = [];
    const stepAt: Record<number, TaskStatus> = { 0: 'en_route', 55: 'on_scene', 57: 'at_patient', 59: 'transporting' };
    for (let i = 0; i < 60; i++) {
      clock.advance(6_000);
      const status = stepAt[i];
      if (status) steps.push(await agent.reportStatus(status));
      const { lonLat, headingDeg } = line.at((line.lengthM * Math.min(i, 55)) / 55);
      const fix = await agent.reportPosition({ lon: lonLat[0], lat: lonLat[1], speedMps: i < 55 ? 12 : 0, headingDeg, accuracyM: 8 });
      if (fix.kind === 'position') fixes.push(fix.position.deviceTime);
    }
    expect(agent.state.queued).toBe(64);
    expect(agent.state.taskStatus).toBe('transporting');
    const seen = await server.database.db.query('SELECT count(*)::int AS n FROM vehicle_positions WHERE vehicle_id = $1 AND device_time = ANY($2::timestamptz[])', [vehicleId, fixes]);
    expect(seen.rows[0].n).toBe(0);

    // The journal as it stands now is what a crash right after sending, before the acks were journaled, would leave.
    const snapshot = join(dir, 'crew-01-before-acks.jsonl');
    await copyFile(journal, snapshot);

    const resynced = next(agent, 'synced', 20_000);
    await gate.restore();
    await resynced;
    expect(agent.state.queued).toBe(0);
    expect(await outbox.size()).toBe(0);

    const expectRecord = async () => {
      const events = await server.database.db.query<{ id: string; status: string; device_time: Date; source: string }>(
        `SELECT id, status, device_time, source FROM status_events WHERE assignment_id = $1 AND status <> 'dispatched' ORDER BY device_time`,
        [assignmentId],
      );
      expect(events.rows.map((e) => [e.id, e.status, e.device_time.getTime()])).toEqual(
        steps.map((s) => (s.kind === 'status' ? [s.eventId, s.status, Date.parse(s.deviceTime)] : [])),
      );
      const row = (await server.database.db.query('SELECT * FROM assignments WHERE id = $1', [assignmentId])).rows[0];
      expect(row.status).toBe('transporting');
      for (const s of steps) {
        if (s.kind === 'status') expect((row[`${s.status}_at`] as Date).getTime(), s.status).toBe(Date.parse(s.deviceTime));
      }
      const positions = await server.database.db.query<{ device_time: Date }>(
        'SELECT device_time FROM vehicle_positions WHERE vehicle_id = $1 AND device_time >= $2 ORDER BY device_time',
        [vehicleId, fixes[0]],
      );
      expect(positions.rows.map((p) => p.device_time.getTime())).toEqual(fixes.map((f) => Date.parse(f)));
      return { events: events.rows.length, positions: positions.rows.length };
    };
    expect(await expectRecord()).toEqual({ events: 5, positions: 60 });
    await agent.stop();

    // A restarted agent finds the journal from before the acknowledgements and sends all 64 events again.
    const replayOutbox = await FileOutbox.open(snapshot);
    expect(await replayOutbox.size()).toBe(64);
    const replaying = fastAgent({ username: 'crew-01', outbox: replayOutbox, clock });
    const delivered: OutboxEntry[] = [];
    replaying.on('delivered', (entries) => delivered.push(...entries));
    await startSynced(replaying);
    expect(delivered.every((e, i) => i === 0 || e.seq > delivered[i - 1]!.seq)).toBe(true);
    expect(delivered).toHaveLength(64);
    expect(await replayOutbox.size()).toBe(0);
    expect(await expectRecord()).toEqual({ events: 5, positions: 60 });
    await replaying.stop();
    await replayOutbox.close();
    await outbox.close();
    await gate.cut();
  }, 60_000);

  it('drops a step the server refuses (409) from the outbox, surfaces it, and delivers the next one', async () => {
    const outbox = new MemoryOutbox();
    const agent = await startSynced(fastAgent({ username: 'crew-02', outbox }));
    const { assignmentId } = await offerTo(agent, 40);

    const rejected = next<Rejection>(agent, 'rejected');
    await agent.reportStatus('acknowledged');
    await agent.reportStatus('at_hospital');
    await agent.reportStatus('en_route');
    const rejection = await rejected;
    expect(rejection.status).toBe(409);
    expect(rejection.error).toMatch(/at_hospital before on_scene/);
    expect(rejection.entry.kind === 'status' && rejection.entry.status).toBe('at_hospital');
    await agent.whenDelivered();
    expect(agent.state.lastRejection?.status).toBe(409);
    const row = (await server.database.db.query('SELECT status FROM assignments WHERE id = $1', [assignmentId])).rows[0];
    expect(row.status).toBe('en_route');
    expect(agent.state.taskStatus).toBe('en_route');
    const stored = await server.database.db.query(`SELECT status FROM status_events WHERE assignment_id = $1 ORDER BY device_time`, [assignmentId]);
    expect(stored.rows.map((r) => r.status)).toEqual(['dispatched', 'acknowledged', 'en_route']);
  });

  it('keeps a step the server does not answer at the head of the outbox, retries it, and stores it once', async () => {
    const outbox = new MemoryOutbox();
    const agent = await startSynced(fastAgent({ username: 'crew-05', outbox, ackTimeoutMs: 800 }));
    const { assignmentId } = await offerTo(agent, 100);
    const retries: string[] = [];
    agent.on('retrying', (r) => retries.push(r.reason));

    // A database stalled behind a lock: the server takes the report but cannot answer in time.
    const blocker = await server.database.db.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE status_events IN ACCESS EXCLUSIVE MODE');
      const entry = await agent.reportStatus('acknowledged');
      await until(() => retries.length >= 2, 'two retries');
      expect(retries.every((r) => r === 'no answer')).toBe(true);
      expect(await outbox.peek(10)).toEqual([entry]);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    await agent.whenDelivered();
    const stored = await server.database.db.query(`SELECT status FROM status_events WHERE assignment_id = $1 ORDER BY device_time`, [assignmentId]);
    expect(stored.rows.map((r) => r.status)).toEqual(['dispatched', 'acknowledged']);
    expect(agent.state.taskStatus).toBe('acknowledged');
  });

  it("keeps a crew out of another vehicle's data: assignment 403, status reports 403 by socket and REST, no foreign offers", async () => {
    const ownVehicle = await vehicleOf('crew-03');
    const otherVehicle = await vehicleOf('crew-04');
    const { token, api: crew } = await server.as('crew-03');
    const spy = await openSocket(server.baseUrl, token);
    const outbox = new MemoryOutbox();
    const agent = fastAgent({ token, outbox });
    const offers: AssignmentOfferDto[] = [];
    agent.on('offered', (o) => offers.push(o));
    await startSynced(agent);
    expect(agent.vehicleId).toBe(ownVehicle);

    const otherAgent = await startSynced(fastAgent({ username: 'crew-04', outbox: new MemoryOutbox() }));
    expect(otherAgent.vehicleId).toBe(otherVehicle);
    const { assignmentId } = await offerTo(otherAgent, 80);

    expect((await crew.send('getVehicleAssignment', { params: { id: otherVehicle } })).status).toBe(403);
    expect((await crew.send('getAssignment', { params: { id: assignmentId } })).status).toBe(403);
    const rest = await crew.send('reportStatus', {
      params: { id: assignmentId },
      body: {
        eventId: '5d0c8b1e-8c59-4a4f-9d0e-2f7d3c1b9a01',
        status: 'acknowledged',
        deviceTime: new Date().toISOString(),
      },
    });
    expect(rest.status).toBe(403);
    const socketAck = await spy.socket.timeout(5_000).emitWithAck('status.reported', {
      assignmentId,
      eventId: '5d0c8b1e-8c59-4a4f-9d0e-2f7d3c1b9a02',
      status: 'acknowledged',
      deviceTime: new Date().toISOString(),
    });
    expect(socketAck).toMatchObject({ ok: false, status: 403 });

    const rejected = next<Rejection>(agent, 'rejected');
    await agent.reportStatus('acknowledged', { assignmentId });
    expect((await rejected).status).toBe(403);
    expect(await outbox.size()).toBe(0);

    const events = await server.database.db.query(`SELECT status FROM status_events WHERE assignment_id = $1`, [assignmentId]);
    expect(events.rows.map((r) => r.status)).toEqual(['dispatched']);
    // The other crew's offer went out before all of this; the spy and the agent of crew-03 saw none of it.
    expect(spy.received.filter((r) => r.event === 'assignment.offered')).toEqual([]);
    expect(offers).toEqual([]);
    spy.close();
  });
});
