import type { ApiClient, CreateIncidentRequest } from '@dispatch/protocol';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket } from '../support/api';
import { startDemoServer, type DemoServer } from '../support/demoServer';
import { startPrivateServices, type PrivateServices } from '../support/privateServices';
import { eventually } from '../support/wait';

const OUTAGE_MS = 40_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const iso = () => new Date().toISOString();

/**
 * A push that fails after the commit is the fault injected here: the server's publisher throws once for one
 * event, as a socket adapter losing its connection would. Everything else is the real server.
 */
function failOnce(server: DemoServer, event: string): { failed: () => boolean } {
  const events = server.app.ctx.events;
  const publish = events.publish.bind(events);
  let failed = false;
  events.publish = (rooms, name, ...payload) => {
    if (name === event && !failed) {
      failed = true;
      events.publish = publish;
      throw new Error(`injected: the ${event} push failed`);
    }
    return publish(rooms, name, ...payload);
  };
  return { failed: () => failed };
}

// First in the file: it runs on the shared cluster, before the outage suite points DATABASE_URL at its own.
describe('deadlines and side effects after a commit', () => {
  let server: DemoServer;
  let dispatcher: { api: ApiClient; token: string };
  beforeAll(async () => {
    server = await startDemoServer({ ACK_TIMEOUT_S: '4', TIMER_RECONCILE_S: '2', LOG_LEVEL: 'silent' });
    dispatcher = await server.as('dispatcher');
  });
  afterAll(() => server.close());

  const outboxCount = async () => (await server.database.db.query('SELECT count(*)::int AS n FROM outbox')).rows[0].n as number;
  const crewOf = (callSign: string) => server.as(server.logins.crews.find((c) => c.callSign === callSign)!.username);

  it('delivers the crew offer later when its push throws after the assignment committed', async () => {
    const incident = await dispatcher.api.call('createIncident', { body: { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 } });
    const pick = (await dispatcher.api.call('getRecommendations', { params: { id: incident.id } })).candidates[0]!;
    const crew = await crewOf(pick.callSign);
    const crewSocket = await openSocket(server.baseUrl, crew.token);
    const fault = failOnce(server, 'assignment.offered');

    const assigned = await dispatcher.api.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: pick.vehicleId } });
    expect(fault.failed()).toBe(true);
    // What was owed is in the outbox, and the drainer delivers it: the crew gets its offer after all.
    const offer = await crewSocket.waitFor('assignment.offered', (o) => o.assignment.id === assigned.assignment.id, 15_000);
    expect(offer.route.geometry.coordinates.length).toBeGreaterThan(1);
    expect(await server.app.ctx.timers.dueAt('ackTimeout', offer.assignment.id)).not.toBeNull();
    await eventually(async () => (await outboxCount()) === 0);
    expect(crewSocket.received.filter((r) => r.event === 'assignment.offered')).toHaveLength(1);

    await crew.api.call('reportStatus', { params: { id: offer.assignment.id }, body: { eventId: randomUUID(), status: 'acknowledged', deviceTime: iso() } });
    crewSocket.close();
  });

  it('delivers what a server owed when it stopped right after its commit: the drainer takes it over', async () => {
    const incident = await dispatcher.api.call('createIncident', { body: { location: { lon: 111.93, lat: 37.04 }, category: 'trauma', priority: 2 } });
    const pick = (await dispatcher.api.call('getRecommendations', { params: { id: incident.id } })).candidates[0]!;
    const crew = await crewOf(pick.callSign);
    const crewSocket = await openSocket(server.baseUrl, crew.token);
    // The command's own delivery never happens, as when the process dies between its commit and its pushes.
    const outbox = server.app.ctx.outbox;
    const flush = outbox.flush;
    outbox.flush = async () => undefined;
    try {
      await dispatcher.api.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: pick.vehicleId } });
    } finally {
      outbox.flush = flush;
    }
    const offer = await crewSocket.waitFor('assignment.offered', () => true, 15_000);
    expect(offer.incident.id).toBe(incident.id);
    expect(await server.app.ctx.timers.dueAt('ackTimeout', offer.assignment.id)).not.toBeNull();
    await eventually(async () => (await outboxCount()) === 0);
    await crew.api.call('reportStatus', { params: { id: offer.assignment.id }, body: { eventId: randomUUID(), status: 'acknowledged', deviceTime: iso() } });
    crewSocket.close();
  });

  it('still re-offers a timed-out call when telling the old crew throws after the time-out committed', async () => {
    const consoleSocket = await openSocket(server.baseUrl, dispatcher.token);
    const incident = await dispatcher.api.call('createIncident', { body: { location: { lon: 111.95, lat: 37.05 }, category: 'trauma', priority: 2 } });
    const pick = (await dispatcher.api.call('getRecommendations', { params: { id: incident.id } })).candidates[0]!;
    const crew = await crewOf(pick.callSign);
    const crewSocket = await openSocket(server.baseUrl, crew.token);
    const offer = await dispatcher.api.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: pick.vehicleId } });
    const fault = failOnce(server, 'assignment.withdrawn');

    // The crew does not answer: the timer commits the time-out, then the push to the crew throws.
    const withdrawn = await crewSocket.waitFor('assignment.withdrawn', (w) => w.assignmentId === offer.assignment.id, 20_000);
    expect(fault.failed()).toBe(true);
    expect(withdrawn.reason).toMatch(/re-offered/);
    // Delivered in order, the re-offer follows the withdrawal, to another vehicle.
    const next = await consoleSocket.waitFor(
      'assignment.updated',
      (a) => a.incidentId === incident.id && a.status === 'dispatched' && a.id !== offer.assignment.id,
      15_000,
    );
    expect(next.vehicleId).not.toBe(pick.vehicleId);
    const nextCrew = await crewOf(next.callSign);
    await nextCrew.api.call('reportStatus', { params: { id: next.id }, body: { eventId: randomUUID(), status: 'acknowledged', deviceTime: iso() } });
    const timeline = (await dispatcher.api.call('getTimeline', { params: { id: incident.id } })).map((e: { status: string }) => e.status);
    expect(timeline).toEqual(['call_received', 'dispatched', 'timed_out', 'dispatched', 'acknowledged']);
    await eventually(async () => (await outboxCount()) === 0);
    consoleSocket.close();
    crewSocket.close();
  });

  it('re-arms a crew deadline whose timer job gave up in the failed set, and it fires once', async () => {
    const incident = await dispatcher.api.call('createIncident', { body: { location: { lon: 111.88, lat: 37.0 }, category: 'trauma', priority: 2 } });
    const pick = (await dispatcher.api.call('getRecommendations', { params: { id: incident.id } })).candidates[0]!;
    const offer = await dispatcher.api.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: pick.vehicleId } });
    const id = offer.assignment.id;
    // The subject's job is replaced by one that fails on every attempt (a payload the handler refuses), so it
    // ends where a job that exhausted its retries ends: in BullMQ's failed set, under the subject's job id.
    const timers = server.app.ctx.timers;
    await timers.cancel('ackTimeout', id);
    await timers.schedule('ackTimeout', { assignmentId: 'not-a-uuid' }, id, 0);
    const status = async () => (await server.database.db.query('SELECT status FROM assignments WHERE id = $1', [id])).rows[0].status;
    // Reconciliation finds the assignment still waiting, replaces the failed job, and the deadline fires.
    await eventually(async () => (await status()) === 'timed_out', 60_000);
    const next = await eventually(async () => {
      const { rows } = await server.database.db.query(
        "SELECT a.id, v.call_sign FROM assignments a JOIN vehicles v ON v.id = a.vehicle_id WHERE a.incident_id = $1 AND a.status = 'dispatched'",
        [incident.id],
      );
      return rows[0];
    });
    await (await crewOf(next.call_sign)).api.call('reportStatus', { params: { id: next.id }, body: { eventId: randomUUID(), status: 'acknowledged', deviceTime: iso() } });
    await sleep(3000);
    const timeline = (await dispatcher.api.call('getTimeline', { params: { id: incident.id } })).map((e: { status: string }) => e.status);
    expect(timeline).toEqual(['call_received', 'dispatched', 'timed_out', 'dispatched', 'acknowledged']);
  });
});

/**
 * A PostgreSQL cluster of this test's own (made by the project's service script), stopped for 40 s: longer
 * than any cache of the server (token re-reads every 10 s, socket re-checks set to 5 s here).
 */
describe('a 40-second PostgreSQL outage with a console, crews and a hospital connected', () => {
  let cluster: PrivateServices;
  const services = (command: string) => cluster.run(command);
  let server: DemoServer;

  beforeAll(async () => {
    cluster = await startPrivateServices('outage');
    server = await startDemoServer({
      REDIS_URL: process.env.REDIS_URL!,
      ACK_TIMEOUT_S: '15',
      HOSPITAL_ACK_TIMEOUT_S: '15',
      SESSION_RECHECK_S: '5',
      TIMER_RECONCILE_S: '5',
      LOG_LEVEL: 'silent',
    });
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    cluster?.close();
  });

  it('keeps every session, answers 503 during it, fires the crew deadline and the hospital escalation once after it, and loses nothing', async () => {
    const db = server.database.db;
    const crewOf = (callSign: string) => server.as(server.logins.crews.find((c) => c.callSign === callSign)!.username);
    const dispatcher = await server.as('dispatcher');
    const consoleSocket = await openSocket(server.baseUrl, dispatcher.token);

    // A patient on the way to hospital: the notice's escalation deadline will fall inside the outage.
    const chestPain = await dispatcher.api.call('createIncident', { body: { location: { lon: 111.95, lat: 37.05 }, category: 'chest_pain', priority: 1 } });
    const chestRec = await dispatcher.api.call('getRecommendations', { params: { id: chestPain.id } });
    const transportCrew = await crewOf(chestRec.candidates[0]!.callSign);
    const hospital = await server.as(server.logins.hospitals.find((h) => h.name === chestRec.proposedHospital!.name)!.username);
    const hospitalSocket = await openSocket(server.baseUrl, hospital.token);
    const transport = await dispatcher.api.call('assignVehicle', { params: { id: chestPain.id }, body: { vehicleId: chestRec.candidates[0]!.vehicleId } });
    for (const status of ['acknowledged', 'en_route', 'on_scene', 'transporting'] as const) {
      await transportCrew.api.call('reportStatus', { params: { id: transport.assignment.id }, body: { eventId: randomUUID(), status, deviceTime: iso() } });
    }
    const notice = await hospitalSocket.waitFor('notice.sent');
    const escalationDue = Date.parse(notice.sentAt) + 15_000;

    // A call whose crew will not answer: its acknowledgement deadline falls inside the outage too.
    const trauma = await dispatcher.api.call('createIncident', { body: { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 } });
    const pick = (await dispatcher.api.call('getRecommendations', { params: { id: trauma.id } })).candidates[0]!;
    const silentCrew = await crewOf(pick.callSign);
    const crewSocket = await openSocket(server.baseUrl, silentCrew.token);
    const offer = await dispatcher.api.call('assignVehicle', { params: { id: trauma.id }, body: { vehicleId: pick.vehicleId } });
    await crewSocket.waitFor('assignment.offered');
    // A call the centre acknowledged (201) just before the outage.
    const acknowledged = await dispatcher.api.call('createIncident', { body: { location: { lon: 111.9, lat: 37.0 }, category: 'other', priority: 3, patientSummary: '老人 跌倒' } });

    const incidentsBefore = (await db.query('SELECT count(*)::int AS n FROM incidents')).rows[0].n as number;
    const outageStarted = Date.now();
    services('stop');
    expect(Date.parse(offer.ackDeadline)).toBeGreaterThan(outageStarted);
    expect(escalationDue).toBeGreaterThan(outageStarted);

    // During the outage: the same tokens get 503 ("cannot check now"), never 401; a new call is refused, nothing stored.
    const duringStatuses: number[] = [];
    const key = randomUUID();
    const call: CreateIncidentRequest = { location: { lon: 111.92, lat: 37.03 }, category: 'trauma', priority: 2 };
    while (Date.now() - outageStarted < OUTAGE_MS) {
      await sleep(5000);
      duringStatuses.push(
        (await dispatcher.api.send('listIncidents')).status,
        (await silentCrew.api.send('getAssignment', { params: { id: offer.assignment.id } })).status,
        (await hospital.api.send('listNotices')).status,
        (await dispatcher.api.send('createIncident', { body: call }, { 'idempotency-key': key })).status,
      );
    }
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(503);
    // Both deadlines passed while the database was away.
    expect(Date.now()).toBeGreaterThan(Math.max(Date.parse(offer.ackDeadline), escalationDue));
    services('start');
    await eventually(async () => (await fetch(`${server.baseUrl}/api/health`)).ok, 60_000);
    const restored = Date.now();
    console.log(JSON.stringify({ metric: 'postgres_outage_ms', value: restored - outageStarted }));

    // The crew deadline fires once: one time-out, and the call re-offered to one other vehicle.
    const timedOut = await eventually(async () => {
      const { rows } = await db.query('SELECT status, end_reason FROM assignments WHERE id = $1', [offer.assignment.id]);
      return rows[0].status === 'timed_out' ? rows[0] : null;
    }, 30_000);
    expect(timedOut.end_reason).toBe('ack_timeout');
    console.log(JSON.stringify({ metric: 'ack_deadline_fired_after_database_back_ms', value: Date.now() - restored }));
    const next = await eventually(async () => {
      const { rows } = await db.query("SELECT id, vehicle_id FROM assignments WHERE incident_id = $1 AND status = 'dispatched'", [trauma.id]);
      return rows[0];
    }, 15_000);
    expect(next.vehicle_id).not.toBe(pick.vehicleId);
    // Its crew answers, so the re-offer's own deadline does not fire behind the test's back.
    const nextCrew = await crewOf((await db.query('SELECT call_sign FROM vehicles WHERE id = $1', [next.vehicle_id])).rows[0].call_sign);
    await nextCrew.api.call('reportStatus', { params: { id: next.id }, body: { eventId: randomUUID(), status: 'acknowledged', deviceTime: iso() } });

    // The hospital's escalation fires once too.
    await eventually(async () => {
      const { rows } = await db.query('SELECT status FROM hospital_notices WHERE id = $1', [notice.id]);
      return rows[0].status === 'escalated';
    }, 30_000);

    // Give any duplicate the time to show itself, then count.
    await sleep(3000);
    const timeline = (await dispatcher.api.call('getTimeline', { params: { id: trauma.id } })).map((e: { status: string }) => e.status);
    expect(timeline).toEqual(['call_received', 'dispatched', 'timed_out', 'dispatched', 'acknowledged']);
    const audit = async (action: string, entityId: string) =>
      (await db.query('SELECT count(*)::int AS n FROM audit_log WHERE action = $1 AND entity_id = $2', [action, entityId])).rows[0].n;
    expect(await audit('assignment.ackTimedOut', trauma.id)).toBe(1);
    expect(await audit('notice.escalated', notice.id)).toBe(1);
    expect((await db.query('SELECT count(*)::int AS n FROM outbox')).rows[0].n).toBe(0);

    // Nothing acknowledged was lost: the call taken before, the crew's steps, the notice; the call refused during
    // the outage is taken exactly once by its retry with the same key.
    expect((await dispatcher.api.call('getIncident', { params: { id: acknowledged.id } })).patientSummary).toBe('老人 跌倒');
    expect((await dispatcher.api.call('getAssignment', { params: { id: transport.assignment.id } })).assignment.status).toBe('transporting');
    expect((await dispatcher.api.send('createIncident', { body: call }, { 'idempotency-key': key })).status).toBe(201);
    expect((await db.query('SELECT count(*)::int AS n FROM incidents')).rows[0].n).toBe(incidentsBefore + 1);
    expect((await dispatcher.api.send('createIncident', { body: call }, { 'idempotency-key': key })).status).toBe(200);

    // The same tokens work again: nobody had to log in.
    await dispatcher.api.call('listIncidents');
    await silentCrew.api.call('getAssignment', { params: { id: offer.assignment.id } });
    await hospital.api.call('listNotices');

    // No logout (these depend on token checks answering "cannot check now" during an outage, not "invalid").
    expect.soft(duringStatuses.filter((s) => s !== 503), 'answers other than 503 during the outage').toEqual([]);
    for (const [who, socket] of [['console', consoleSocket], ['crew', crewSocket], ['hospital', hospitalSocket]] as const) {
      expect.soft(socket.received.filter((r) => r.event === 'session.ended'), `${who} got session.ended`).toEqual([]);
      expect.soft(socket.socket.connected, `${who} socket still connected`).toBe(true);
    }
    // The connected clients saw each deadline once.
    expect.soft(consoleSocket.received.filter((r) => r.event === 'notice.escalated' && r.payload.id === notice.id)).toHaveLength(1);
    expect.soft(crewSocket.received.filter((r) => r.event === 'assignment.withdrawn' && r.payload.assignmentId === offer.assignment.id)).toHaveLength(1);
    consoleSocket.close();
    crewSocket.close();
    hospitalSocket.close();
  }, 240_000);
});
