import type { IncidentCategory, TaskStatus } from '@dispatch/protocol';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dispatchFirst } from '../support/api';
import { expectRefusal } from '../support/expectations';
import { demoSuite } from '../support/demoSuite';

const iso = (msFromNow = 0) => new Date(Date.now() + msFromNow).toISOString();

/** Regressions from the code review: clock skew, concurrent cancel and report, notices that outlive their task. */
describe('lifecycle under clock skew and concurrency', () => {
  const { server, clients: [dispatcher] } = demoSuite({ ACK_TIMEOUT_S: '2' }, 'dispatcher');

  let spot = 0;
  /**
   * A fresh incident with one vehicle dispatched, and that vehicle's crew; acknowledged at once unless asked
   * not to, so the 2 s acknowledgement timer of this suite re-offers nothing behind a test's back.
   */
  async function dispatched(category: IncidentCategory = 'chest_pain', acknowledge = true) {
    spot += 1;
    const { incident, pick, offer } = await dispatchFirst(dispatcher, { location: { lon: 111.9 + spot * 0.003, lat: 37.02 }, category, priority: 1 });
    const crew = await server.as(server.logins.crews.find((c) => c.callSign === pick.callSign)!.username);
    const report = (status: TaskStatus, deviceTime = iso()) =>
      crew.api.send('reportStatus', { params: { id: offer.assignment.id }, body: { eventId: randomUUID(), status, deviceTime } });
    if (acknowledge) expect((await report('acknowledged')).status).toBe(200);
    return { incident, offer, id: offer.assignment.id, crew, report };
  }
  const row = async (id: string) => (await server.database.db.query('SELECT status, end_reason FROM assignments WHERE id = $1', [id])).rows[0];

  it('accepts the acknowledgement of a tablet whose clock is a few seconds slow, and the timer does not re-offer', async () => {
    const task = await dispatched('chest_pain', false);
    const ack = await task.report('acknowledged', iso(-3000));
    expect(ack).toMatchObject({ status: 200, body: { assignment: { status: 'acknowledged' } } });
    await new Promise((r) => setTimeout(r, 3000));
    expect(await row(task.id)).toMatchObject({ status: 'acknowledged', end_reason: null });
    await dispatcher.call('cancelAssignment', { params: { id: task.id }, body: { reason: 'test over' } });
  });

  it('refuses to close an incident by reporting back in service without reaching the scene', async () => {
    const task = await dispatched();
    const res = await task.report('back_in_service');
    expect(res.status).toBe(409);
    expect((await dispatcher.call('getIncident', { params: { id: task.incident.id } })).status).toBe('assigned');
    await dispatcher.call('cancelAssignment', { params: { id: task.id }, body: { reason: 'test over' } });
  });

  it('sends cancellations through the cancel route only', async () => {
    const task = await dispatched();
    await expectRefusal(dispatcher.call('reportStatus', { params: { id: task.id }, body: { eventId: randomUUID(), status: 'cancelled', deviceTime: iso() } }), 422, /\/cancel/);
    await dispatcher.call('cancelAssignment', { params: { id: task.id }, body: { reason: 'test over' } });
  });

  it('answers a malformed hospital id with 400, not 500', async () => {
    const task = await dispatched();
    await expectRefusal(dispatcher.call('sendNotice', { params: { id: task.id }, body: { hospitalId: 'not-a-uuid' } }), 400, /^hospitalId:/);
    await dispatcher.call('cancelAssignment', { params: { id: task.id }, body: { reason: 'test over' } });
  });

  it('closes the notice when a transporting task goes straight back in service, and hides the vehicle afterwards', async () => {
    const task = await dispatched();
    for (const status of ['en_route', 'on_scene', 'transporting'] as const) expect((await task.report(status)).status).toBe(200);
    const notices = await server.database.db.query("SELECT id, status FROM hospital_notices WHERE assignment_id = $1", [task.id]);
    expect(notices.rows).toEqual([{ id: expect.any(String), status: 'sent' }]);
    expect((await task.report('back_in_service')).status).toBe(200);
    const after = await server.database.db.query('SELECT status FROM hospital_notices WHERE assignment_id = $1', [task.id]);
    expect(after.rows).toEqual([{ status: 'arrived' }]);
    const fhir = await dispatcher.call('getNoticeFhir', { params: { id: notices.rows[0].id } });
    const location = fhir.entry.find((e: any) => e.resource.resourceType === 'Location')!.resource;
    expect(location.position).toBeUndefined();
  });

  it('never leaves a live notice on a task cancelled while the crew reports transport', async () => {
    for (let i = 0; i < 8; i++) {
      const task = await dispatched();
      for (const status of ['en_route', 'on_scene'] as const) await task.report(status);
      const [transport, cancel] = await Promise.all([task.report('transporting'), dispatcher.send('cancelAssignment', { params: { id: task.id }, body: { reason: 'race' } })]);
      expect([200, 202, 409]).toContain(transport.status);
      expect(cancel.status).toBe(200);
      const live = await server.database.db.query(
        "SELECT count(*)::int AS n FROM hospital_notices WHERE assignment_id = $1 AND status IN ('sent', 'acknowledged', 'escalated')",
        [task.id],
      );
      expect(live.rows[0].n).toBe(0);
    }
  });

  it('cancels incidents while their crews report, without a deadlock reaching anyone', async () => {
    const tasks = [];
    for (let i = 0; i < 6; i++) {
      tasks.push(await dispatched('trauma'));
    }
    // All twelve requests at once: each cancel locks its incident, each report its assignment.
    const results = await Promise.all(
      tasks.map(async (task) => {
        const [report, cancel] = await Promise.all([task.report('en_route'), dispatcher.send('cancelIncident', { params: { id: task.incident.id }, body: { reason: 'race' } })]);
        return [report.status, cancel.status];
      }),
    );
    for (const [report, cancel] of results) {
      expect([200, 202]).toContain(report);
      expect(cancel).toBe(200);
    }
  });
});
