import type { TaskStatus } from '@dispatch/protocol';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dispatchFirst } from '../support/api';
import { expectRefusal } from '../support/expectations';
import { demoSuite } from '../support/demoSuite';

describe('quality indicators and standard exports', () => {
  const { server, clients: [dispatcher, supervisor] } = demoSuite({}, 'dispatcher', 'supervisor');
  const t0 = Date.parse('2026-11-20T08:00:00+08:00');
  const at = (seconds: number) => new Date(t0 + seconds * 1000).toISOString();

  /** A call that rang at `ring`, was answered at `answer`, then a vehicle turned out and arrived at the given offsets. */
  async function call(offset: number, answer: number, turnout: number, arrive: number) {
    const { incident, offer } = await dispatchFirst(dispatcher, {
      location: { lon: 111.913 + offset / 1e5, lat: 37.027 },
      category: 'trauma',
      priority: 1,
      callReceivedAt: at(offset),
      callAnsweredAt: at(offset + answer),
    });
    // History, not live: the vehicle was dispatched 30 s after the call was answered, days ago, so every step
    // below lies in the past (the server never stamps a step later than the moment it receives it).
    const dispatchedAt = Date.parse(at(offset + answer + 30));
    await server.database.db.query('UPDATE assignments SET dispatched_at = $2 WHERE id = $1', [offer.assignment.id, new Date(dispatchedAt)]);
    const step = (status: TaskStatus, secondsAfterDispatch: number) =>
      dispatcher.send('reportStatus', {
        params: { id: offer.assignment.id },
        body: {
          eventId: randomUUID(),
          status,
          deviceTime: new Date(dispatchedAt + secondsAfterDispatch * 1000).toISOString(),
        },
      });
    await step('en_route', turnout);
    await step('on_scene', arrive);
    await dispatcher.call('cancelAssignment', { params: { id: offer.assignment.id }, body: { reason: 'report test' } });
    return { incident, offer };
  }

  it('computes the 10-second answer rate, 3-minute turnout rate and response percentiles', async () => {
    // Each vehicle is dispatched 30 s after the answer: every call meets NFPA 1225's 60 s.
    await call(0, 5, 60, 600);
    await call(100, 8, 170, 700);
    await call(200, 25, 240, 900);
    const report = await supervisor.call('qualityReport', { query: { from: at(-1), to: at(3600) } });
    expect(report.calls).toBe(3);
    expect(report.answeredWithin10s).toMatchObject({ numerator: 2, denominator: 3, target: 0.95, met: false });
    expect(report.turnoutWithin3min).toMatchObject({ numerator: 2, denominator: 3 });
    expect(report.nfpa1225AnswerToDispatch60s).toMatchObject({ numerator: 3, denominator: 3, met: true });
    expect(report.responseSeconds.arrived).toBe(3);
    expect(report.responseSeconds.p90).toBeGreaterThan(report.responseSeconds.p50!);
    const empty = await supervisor.call('qualityReport', { query: { from: at(-7200), to: at(-3600) } });
    expect(empty.answeredWithin10s).toMatchObject({ denominator: 0, rate: null, met: null });
    expect((await dispatcher.send('qualityReport', { query: { from: at(0), to: at(10) } })).status).toBe(403);
    await expectRefusal(supervisor.call('qualityReport', { query: { from: at(10), to: at(0) } }), 400, /^to:/);
  });

  it('refuses an answer time before the ring', async () => {
    await expectRefusal(dispatcher.call('createIncident', { body: { location: { lon: 111.9, lat: 37 }, category: 'other', priority: 3, callReceivedAt: at(10), callAnsweredAt: at(5) } }), 400, /^callAnsweredAt:/);
  });

  it('exports response times as NEMSIS eTimes and the incident as NENA EIDO', async () => {
    const { incident, offer } = await call(300, 3, 90, 500);
    const etimes = await dispatcher.call('getEtimes', { params: { id: incident.id } });
    const record = etimes.records[0]!;
    expect(record.unitCallSign).toBe(offer.assignment.callSign);
    expect(record.eTimes['eTimes.01']).toBe(at(300));
    expect(Date.parse(record.eTimes['eTimes.05']!) - Date.parse(record.eTimes['eTimes.03']!)).toBe(90_000);
    expect(record.eTimes['eTimes.14']).not.toBeNull();
    const eido = await dispatcher.call('getEido', { params: { id: incident.id } });
    expect(eido).toMatchObject({
      incidentComponent: { localIncidentIdentifier: String(incident.number), incidentTypeCommonRegistryText: 'EMS/trauma' },
      locationComponent: [{ locationByValue: { type: 'Point', coordinates: [incident.location.lon, incident.location.lat] } }],
      vehicleComponent: [{ vehicleIdentifier: offer.assignment.callSign }],
    });
  });
});
