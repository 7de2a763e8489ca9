import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createApp, type App } from '@dispatch/server/app';
import { createLogger } from '@dispatch/server/logger';
import { dispatchFirst, openSocket } from '../support/api';
import { demoSuite } from '../support/demoSuite';
import { eventually } from '../support/wait';


describe('BullMQ timers on the real Redis', () => {
  const { server, clients: [dispatcher], tokens } = demoSuite({ ACK_TIMEOUT_S: '2', HOSPITAL_ACK_TIMEOUT_S: '2', LOG_LEVEL: 'error' }, 'dispatcher');

  const assignmentRow = async (id: string) =>
    (await server.database.db.query('SELECT status, end_reason, ended_at FROM assignments WHERE id = $1', [id])).rows[0];

  it('re-offers the incident to the next vehicle when the crew does not acknowledge in time', async () => {
    const consoleSocket = await openSocket(server.baseUrl, tokens.dispatcher);
    const { incident, pick: first, offer } = await dispatchFirst(dispatcher, { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 });
    const deadline = Date.parse(offer.ackDeadline);
    const timedOut = await consoleSocket.waitFor('assignment.updated', (a) => a.id === offer.assignment.id && a.status === 'timed_out');
    console.log(JSON.stringify({ metric: 'ack_timer_lateness_ms', value: Date.now() - deadline }));
    expect(timedOut.endReason).toBe('ack_timeout');
    const reoffered = await consoleSocket.waitFor('assignment.updated', (a) => a.incidentId === incident.id && a.status === 'dispatched' && a.id !== offer.assignment.id);
    expect(reoffered.vehicleId).not.toBe(first.vehicleId);
    const events = (await dispatcher.call('getTimeline', { params: { id: incident.id } })).map((e: any) => e.status);
    expect(events).toEqual(['call_received', 'dispatched', 'timed_out', 'dispatched']);
    // The re-offered crew acknowledges: its timer is cancelled and never fires.
    const crew = server.logins.crews.find((c) => c.callSign === reoffered.callSign)!;
    const { api } = await server.as(crew.username);
    await api.call('reportStatus', { params: { id: reoffered.id }, body: { eventId: crypto.randomUUID(), status: 'acknowledged', deviceTime: new Date().toISOString() } });
    expect(await server.app.ctx.timers.dueAt('ackTimeout', reoffered.id)).toBeNull();
    await new Promise((r) => setTimeout(r, 3000));
    expect(await assignmentRow(reoffered.id)).toMatchObject({ status: 'acknowledged', ended_at: null });
    consoleSocket.close();
  });

  it('escalates an unacknowledged hospital notice to the dispatchers', async () => {
    const consoleSocket = await openSocket(server.baseUrl, tokens.dispatcher);
    const { offer } = await dispatchFirst(dispatcher, { location: { lon: 111.95, lat: 37.05 }, category: 'chest_pain', priority: 1 });
    // The crew acknowledges, so only the hospital's timer runs (a re-offer would cancel the notice).
    const crew = server.logins.crews.find((c) => c.callSign === offer.assignment.callSign)!;
    await (await server.as(crew.username)).api.call('reportStatus', {
      params: { id: offer.assignment.id },
      body: {
        eventId: crypto.randomUUID(),
        status: 'acknowledged',
        deviceTime: new Date().toISOString(),
      },
    });
    const notice = await dispatcher.call('sendNotice', { params: { id: offer.assignment.id } });
    expect(notice.status).toBe('sent');
    const escalated = await consoleSocket.waitFor('notice.escalated', (n) => n.id === notice.id);
    expect(escalated.status).toBe('escalated');
    const audit = await server.database.db.query("SELECT actor_username FROM audit_log WHERE action = 'notice.escalated' AND entity_id = $1", [notice.id]);
    expect(audit.rows).toEqual([{ actor_username: 'system' }]);
    consoleSocket.close();
  });

  it('fires a timer scheduled before a server restart exactly once, by the new server', async () => {
    const { offer } = await dispatchFirst(dispatcher, { location: { lon: 111.9, lat: 37.0 }, category: 'trauma', priority: 2 });
    // The server goes down before the deadline...
    await server.app.close();
    expect((await assignmentRow(offer.assignment.id)).status).toBe('dispatched');
    // ...and a new one starts on the same database and Redis.
    const redis = new Redis(server.config.REDIS_URL, { maxRetriesPerRequest: null });
    const restarted: App = createApp({ config: server.config, db: server.database.db, redis, log: createLogger('silent') });
    try {
      const row = await eventually(async () => {
        const r = await assignmentRow(offer.assignment.id);
        return r.status === 'timed_out' ? r : null;
      });
      expect(row.end_reason).toBe('ack_timeout');
      await new Promise((r) => setTimeout(r, 1000));
      const timeouts = await server.database.db.query("SELECT count(*)::int AS n FROM status_events WHERE assignment_id = $1 AND status = 'timed_out'", [offer.assignment.id]);
      expect(timeouts.rows[0].n).toBe(1);
    } finally {
      await restarted.close();
      redis.disconnect();
      // The suite's server is closed; let afterAll's close() be harmless.
      server.app = restarted;
    }
  });
});
