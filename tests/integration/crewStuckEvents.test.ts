import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket } from '../support/api';
import { demoSuite } from '../support/demoSuite';
import { refuseStatusEvents } from '../support/faults';
import { until } from '../support/wait';
import { CrewAgent } from '@dispatch/vehicle-agent/agent/crewAgent';
import type { StuckEvent } from '@dispatch/vehicle-agent/agent/stuckStore';
import { MemoryOutbox } from '@dispatch/vehicle-agent/agent/outbox';

/**
 * One event the server keeps failing on must not block a tablet for ever. The fault is real: a trigger in the test's
 * own database refuses one status note with an exception (a 500), as a server bug would.
 */
describe('an event the server keeps failing on', () => {
  const { server, clients: [dispatcher], tokens } = demoSuite({ ACK_TIMEOUT_S: '900' }, 'dispatcher');
  let agent: CrewAgent;
  beforeAll(() => refuseStatusEvents(server.database.db, 'poisoned_note', "NEW.note = 'poison'"));
  afterAll(async () => {
    await agent?.stop();
  });

  it('is parked after a few server faults, later steps and positions still go, the dispatchers are told, and the crew can retry it', async () => {
    const crew = server.logins.crews[0]!.username;
    const console = await openSocket(server.baseUrl, tokens.dispatcher);
    agent = new CrewAgent({
      baseUrl: server.baseUrl,
      username: crew,
      password: server.logins.passwords[crew]!,
      outbox: new MemoryOutbox(),
      transports: ['websocket'],
      retryMinMs: 50,
      retryMaxMs: 100,
      maxServerFaults: 3,
    });
    await agent.start();
    const incident = await dispatcher.call('createIncident', { body: { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 } });
    const assigned = await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: agent.vehicleId } });
    await until(() => agent.state.offer?.assignment.id === assigned.assignment.id, 'the offer');

    const parked = new Promise<StuckEvent>((resolve) => agent.on('stuck', resolve));
    const poisoned = await agent.reportStatus('acknowledged', { note: 'poison' });
    await agent.reportPosition({ lon: 111.914, lat: 37.028 });
    await agent.reportStatus('en_route');
    const stuck = await parked;
    expect(stuck).toMatchObject({ id: (poisoned as { eventId: string }).eventId, status: 500, error: 'internal error', attempts: 3 });
    expect(stuck.entries.map((e) => e.seq)).toEqual([poisoned.seq]);

    // What came after it was delivered: the en-route step and the position.
    await agent.whenDelivered();
    expect((await dispatcher.call('getIncident', { params: { id: incident.id } })).assignments[0]!.status).toBe('en_route');
    expect((await server.database.db.query('SELECT count(*)::int AS n FROM vehicle_positions WHERE vehicle_id = $1', [agent.vehicleId])).rows[0].n).toBe(1);
    expect(agent.state.stuck.map((s) => s.id)).toEqual([stuck.id]);

    // The dispatchers see it, and it is on record.
    const told = await console.waitFor('crew.eventStuck' as never, (n: { state: string }) => n.state === 'stuck');
    expect(told).toMatchObject({ id: stuck.id, kind: 'status', status: 'acknowledged', assignmentId: assigned.assignment.id, vehicleId: agent.vehicleId, httpStatus: 500 });
    const audit = await server.database.db.query("SELECT action FROM audit_log WHERE action LIKE 'crew.event_%' ORDER BY id");
    expect(audit.rows.map((r) => r.action)).toEqual(['crew.event_stuck']);

    // Once the fault is repaired the crew sends it again; the dispatchers hear that too.
    await server.database.db.query('DROP TRIGGER poisoned_note ON status_events');
    await agent.resolveStuck(stuck.id, 'retry');
    await agent.whenDelivered();
    expect(agent.state.stuck).toEqual([]);
    await console.waitFor('crew.eventStuck' as never, (n: { state: string }) => n.state === 'retried');
    const events = await server.database.db.query('SELECT status, note FROM status_events WHERE assignment_id = $1 ORDER BY received_at', [assigned.assignment.id]);
    expect(events.rows).toContainEqual({ status: 'acknowledged', note: 'poison' });
    console.close();
  });

  it('refuses a stuck-event report from a login not bound to a vehicle, and a malformed one, naming the field', async () => {
    const console = await openSocket(server.baseUrl, tokens.dispatcher);
    const report = { id: crypto.randomUUID(), state: 'stuck', kind: 'position', count: 1, deviceTime: new Date().toISOString(), httpStatus: 500, error: 'x', attempts: 5 };
    expect(await console.socket.timeout(5000).emitWithAck('outbox.stuck', report)).toMatchObject({ ok: false, status: 403 });
    console.close();
    const crewSocket = await openSocket(server.baseUrl, (await server.as(server.logins.crews[1]!.username)).token);
    expect(await crewSocket.socket.timeout(5000).emitWithAck('outbox.stuck', { ...report, error: 'a\u0000b' })).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/^error: must not contain a NUL/) });
    crewSocket.close();
  });
});
