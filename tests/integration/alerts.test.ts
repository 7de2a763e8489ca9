import { describe, expect, it } from 'vitest';
import type { AlertDto } from '@dispatch/protocol';
import { dispatchFirst, openSocket } from '../support/api';
import { demoSuite } from '../support/demoSuite';
import { expectRefusal } from '../support/expectations';
import { eventually } from '../support/wait';

/** The console alerts: derived by the server from incidents, tasks, notices and its timers; acknowledged per login. */
describe('console alerts', () => {
  // Short limits so that each alert comes within the test: priority 1 waits 2 s, priority 4 waits 60 s.
  const { server, clients: [dispatcher, supervisor], tokens } = demoSuite(
    { UNASSIGNED_ALERT_S: '2,3,4,60', ACK_TIMEOUT_S: '2', HOSPITAL_ACK_TIMEOUT_S: '2', LOG_LEVEL: 'error' },
    'dispatcher',
    'supervisor',
  );
  const alertsOf = async (api = dispatcher, incidentId?: string) =>
    (await api.call('listAlerts')).filter((a: AlertDto) => !incidentId || a.incidentId === incidentId);

  it('raises a new-call alert at once and, past the priority limit without a vehicle, pushes the unassigned alert', async () => {
    const consoleSocket = await openSocket(server.baseUrl, tokens.dispatcher);
    const incident = await dispatcher.call('createIncident', { body: { location: { lon: 111.92, lat: 37.03 }, category: 'trauma', priority: 1 } });
    expect((await alertsOf(dispatcher, incident.id)).map((a) => [a.kind, a.state])).toEqual([['newCall', 'active']]);
    // Pushed at once, so that the first sound needs no read of the list.
    expect(await consoleSocket.waitFor('alert.raised', (a) => a.incidentId === incident.id)).toMatchObject({ id: `newCall:${incident.id}`, kind: 'newCall' });
    const pushed = await consoleSocket.waitFor('alert.raised', (a) => a.incidentId === incident.id && a.kind === 'unassigned');
    expect(pushed).toMatchObject({ id: `unassigned:${incident.id}`, kind: 'unassigned', incidentNumber: incident.number, priority: 1, state: 'active' });
    // The limit is counted from the ring, 2 s for priority 1.
    expect(Date.parse(pushed.raisedAt) - Date.parse(incident.callReceivedAt)).toBe(2000);
    expect((await alertsOf(dispatcher, incident.id)).map((a) => a.kind)).toEqual(['unassigned']);
    consoleSocket.close();
  });

  it("keeps each login's acknowledgement and mute, and ends the alert when the call gets a vehicle", async () => {
    const incident = await dispatcher.call('createIncident', { body: { location: { lon: 111.93, lat: 37.02 }, category: 'other', priority: 4 } });
    const id = `newCall:${incident.id}`;
    expect(await dispatcher.call('setAlertState', { body: { alertId: id, state: 'acknowledged' } })).toEqual({ alertId: id, state: 'acknowledged' });
    expect((await alertsOf(dispatcher, incident.id))[0]!.state).toBe('acknowledged');
    // Another dispatcher's decision is its own.
    expect((await alertsOf(supervisor, incident.id))[0]!.state).toBe('active');
    await supervisor.call('setAlertState', { body: { alertId: id, state: 'muted' } });
    expect((await alertsOf(supervisor, incident.id))[0]!.state).toBe('muted');
    await supervisor.call('setAlertState', { body: { alertId: id, state: 'active' } });
    expect((await alertsOf(supervisor, incident.id))[0]!.state).toBe('active');
    const audit = await server.database.db.query("SELECT action FROM audit_log WHERE details->>'alertId' = $1 ORDER BY id", [id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['alert.acknowledged', 'alert.muted', 'alert.active']);
    const pick = (await dispatcher.call('getRecommendations', { params: { id: incident.id } })).candidates[0]!;
    await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: pick.vehicleId } });
    expect(await alertsOf(dispatcher, incident.id)).toEqual([]);
  });

  it('alerts on a missed crew acknowledgement, on the automatic re-offer, and on a hospital escalation', async () => {
    const { incident, offer } = await dispatchFirst(dispatcher, { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 });
    const alerts = await eventually(async () => {
      const list = await alertsOf(dispatcher, incident.id);
      return list.some((a) => a.kind === 'reoffer') ? list : null;
    });
    const overdue = alerts.find((a) => a.kind === 'ackOverdue')!;
    expect(overdue).toMatchObject({ id: `ackOverdue:${offer.assignment.id}`, subject: offer.assignment.callSign });
    const reoffer = alerts.find((a) => a.kind === 'reoffer')!;
    expect(reoffer.subject).not.toBe(offer.assignment.callSign);

    const second = (await dispatcher.call('getIncident', { params: { id: incident.id } })).assignments.find((a) => !a.endedAt)!;
    const crew = server.logins.crews.find((c) => c.callSign === second.callSign)!;
    await (await server.as(crew.username)).api.call('reportStatus', {
      params: { id: second.id },
      body: { eventId: crypto.randomUUID(), status: 'acknowledged', deviceTime: new Date().toISOString() },
    });
    const notice = await dispatcher.call('sendNotice', { params: { id: second.id } });
    const escalation = await eventually(async () => (await alertsOf(dispatcher, incident.id)).find((a) => a.kind === 'escalation') ?? null);
    expect(escalation.id).toBe(`escalation:${notice.id}`);
    expect(escalation.subject).toBeTruthy();
    // Closing the incident (after cancelling it) ends every alert about it.
    await dispatcher.call('cancelIncident', { params: { id: incident.id }, body: { reason: 'test' } });
    expect(await alertsOf(dispatcher, incident.id)).toEqual([]);
  });

  it('alerts again, as a new alert, when a call waits again after its vehicle was withdrawn', async () => {
    const incident = await dispatcher.call('createIncident', { body: { location: { lon: 111.91, lat: 37.02 }, category: 'trauma', priority: 1 } });
    const first = await eventually(async () => (await alertsOf(dispatcher, incident.id)).find((a) => a.kind === 'unassigned') ?? null);
    await dispatcher.call('setAlertState', { body: { alertId: first.id, state: 'acknowledged' } });
    const pick = (await dispatcher.call('getRecommendations', { params: { id: incident.id } })).candidates[0]!;
    const offer = await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: pick.vehicleId } });
    expect(await alertsOf(dispatcher, incident.id)).toEqual([]);
    await dispatcher.call('cancelAssignment', { params: { id: offer.assignment.id }, body: { reason: 'wrong vehicle' } });
    const again = (await alertsOf(dispatcher, incident.id)).find((a) => a.kind === 'unassigned')!;
    expect(again).toMatchObject({ id: `unassigned:${offer.assignment.id}`, state: 'active' });
  });

  it('refuses a malformed alert id or state with 400 naming the field', async () => {
    await expectRefusal(dispatcher.call('setAlertState', { body: { alertId: 'everything', state: 'acknowledged' } }), 400, /alertId/);
    await expectRefusal(dispatcher.call('setAlertState', { body: { alertId: `newCall:${crypto.randomUUID()}`, state: 'gone' as never } }), 400, /state/);
  });
});
