import type { CreateIncidentRequest } from '@dispatch/protocol';
import { describe, expect, it } from 'vitest';
import { refusal } from '../support/api';
import { demoSuite } from '../support/demoSuite';

/** Call intake refuses what no real call can be, naming the field, and stores nothing. */
describe('call intake validation', () => {
  const { server, clients: [dispatcher] } = demoSuite({}, 'dispatcher');
  const call: CreateIncidentRequest = { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 };
  const stored = async () =>
    (await server.database.db.query<{ n: number }>('SELECT (SELECT count(*) FROM incidents) + (SELECT count(*) FROM status_events) AS n')).rows[0]!.n;

  it.each([
    ['a ring time in 1900', { callReceivedAt: '1900-01-01T08:00:00+08:00' }, 400, /^callReceivedAt: 1900-01-01T00:00:00.000Z is more than 30 day\(s\) old/],
    ['a ring time in 2099', { callReceivedAt: '2099-01-01T08:00:00+08:00' }, 400, /^callReceivedAt: .* more than 5 minutes ahead of the server clock/],
    ['an answer time without a ring time', { callAnsweredAt: new Date(Date.now() - 60_000).toISOString() }, 400, /^callReceivedAt: required when callAnsweredAt is given/],
    ['an incident at 0,0', { location: { lon: 0, lat: 0 } }, 400, /^location\.lat: 0,0 is the position of no fix/],
    ['an incident far from every road of the region', { location: { lon: 20, lat: 10 } }, 422, /^location: 20,10 is more than 100 km from every road of the region/],
    ['a NUL byte in the patient summary', { patientSummary: 'chest\u0000pain' }, 400, /^patientSummary: must not contain a NUL character/],
    ['a NUL byte in the address', { address: '张兰\u0000村' }, 400, /^address: must not contain a NUL character/],
    ['a control character in the place name', { location: undefined, placeName: '张兰\u001b[2J' }, 400, /^placeName: must not contain control characters/],
    ['an unpaired surrogate in the address', { address: 'x\ud800y' }, 400, /^address: must not contain unpaired UTF-16 surrogates/],
  ])('refuses %s, naming the field, and stores nothing', async (_what, change, status, message) => {
    const before = await stored();
    const res = await refusal(dispatcher.call('createIncident', { body: { ...call, ...change } }));
    expect(res.status).toBe(status);
    expect(res.message).toMatch(message);
    expect(await stored()).toBe(before);
  });

  it('takes a call that rang a few minutes ago, answered since, and one stamped a minute ahead (clock skew)', async () => {
    const rang = new Date(Date.now() - 5 * 60_000).toISOString();
    const answered = new Date(Date.now() - 4 * 60_000).toISOString();
    await dispatcher.call('createIncident', { body: { ...call, callReceivedAt: rang, callAnsweredAt: answered } });
    await dispatcher.call('createIncident', { body: { ...call, callReceivedAt: new Date(Date.now() + 60_000).toISOString() } });
  });
});
