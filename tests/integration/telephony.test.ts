import { Writable } from 'node:stream';
import { formatAml, type ApiClient, type PhoneCallEvent } from '@dispatch/protocol';
import { createLogger } from '@dispatch/server/logger';
import { startCallGenerator } from '@dispatch/vehicle-agent/simulator/callGenerator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket } from '../support/api';
import { serverSuite } from '../support/demoSuite';
import { startDemoServer } from '../support/demoServer';
import { expectRefusal } from '../support/expectations';

/** 东赵堡, a village of the demo county north-east of the city. */
const VILLAGE = { lon: 111.9728005, lat: 37.1137564 };
const NUMBER = '13912340001';
let sequence = 0;
/** A PBX call id of its own for each test, as Asterisk's uniqueid (epoch.sequence). */
const pbxId = () => `${Math.floor(Date.now() / 1000)}.${process.pid}${++sequence}`;
const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();

/** Everything the server logs: the caller's number must never be in it. */
const logged: string[] = [];
const log = createLogger('debug', new Writable({ write: (chunk, _e, done) => done(void logged.push(String(chunk))) }));

describe('the phone system (CTI) and related calls', () => {
  const server = serverSuite(() => startDemoServer({}, log));
  let phone: ApiClient;
  let dispatcher: ApiClient;
  let dispatcherToken: string;
  let socket: Awaited<ReturnType<typeof openSocket>>;

  beforeAll(async () => {
    phone = (await server.as('telephony')).api;
    ({ api: dispatcher, token: dispatcherToken } = await server.as('dispatcher'));
    socket = await openSocket(server.baseUrl, dispatcherToken);
  });
  afterAll(() => socket?.close());

  const report = (event: PhoneCallEvent) => phone.call('reportPhoneCall', { body: event });
  const aml = (at = new Date()) => formatAml({ lon: VILLAGE.lon + 0.0004, lat: VILLAGE.lat - 0.0003, radiusM: 35, at, confidence: 68 });

  it('lets only the phone system report calls, and the phone system nothing else', async () => {
    const event: PhoneCallEvent = { event: 'ringing', callId: pbxId(), lineId: '120-1', callerNumber: NUMBER, at: ago(1) };
    await expectRefusal(dispatcher.call('reportPhoneCall', { body: event }), 403, 'role dispatcher may not report phone calls');
    await expectRefusal(phone.call('listIncidents'), 403, 'role telephony may not read incidents');
    await expectRefusal(phone.call('listPhoneCalls', { query: {} }), 403, 'role telephony may not read phone calls');
    const refused = await fetch(`${server.baseUrl}/api/telephony/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
    expect(refused.status).toBe(401);
  });

  it('is described in the OpenAPI document under the telephony tag, with the phone system its only caller', async () => {
    const doc = (await fetch(`${server.baseUrl}/api/openapi.json`).then((r) => r.json())) as {
      tags: { name: string; description: string }[];
      paths: Record<string, Record<string, { tags?: string[]; 'x-roles'?: string[]; 'x-personal-data'?: boolean }>>;
    };
    expect(doc.tags.map((t) => t.name)).toContain('telephony');
    expect(doc.paths['/api/telephony/events']!.post).toMatchObject({ tags: ['telephony'], 'x-roles': ['telephony'], 'x-personal-data': true });
    for (const [path, method] of [['/api/phone-calls', 'get'], ['/api/intake/related', 'post'], ['/api/incidents/{id}/follow-ups', 'post'], ['/api/incidents/{id}/calls', 'get']] as const) {
      expect(doc.paths[path]![method]!.tags).toEqual(['telephony']);
    }
  });

  it.each([
    ['a message cut short (ml)', { location: { format: 'aml', message: aml().replace(/;ml=\d+$/, ';ml=200') } }, /^location\.message: ml says 200 characters/],
    ['an AML message without latitude', { location: { format: 'aml', message: 'A"ML=1;lg=+112.08700;rd=20;pm=G' } }, /^location\.message: lt: a latitude/],
    ['an AML attribute no one defined', { location: { format: 'aml', message: 'A"ML=1;lt=+37.15800;lg=+112.08700;rd=20;zz=1' } }, /^location\.message: unknown attribute zz/],
    ['an AML time of positioning that is no time', { location: { format: 'aml', message: 'A"ML=1;lt=+37.15800;lg=+112.08700;rd=20;top=20261340250000' } }, /^location\.message: top:/],
    ['a cell location without radius', { location: { format: 'cell', lon: 112.08, lat: 37.15 } }, /^location\.radiusM:/],
    ['a call id with a space', { callId: 'a b' }, /^callId: 1 to 128 printable/],
    ['an event no PBX sends', { event: 'transferred' }, /^event:/],
    ['a number with letters', { callerNumber: '139abc' }, /^callerNumber: digits, spaces, dashes/],
    ['a time without offset', { at: '2026-12-03T10:00:00' }, /^at:/],
  ])('refuses %s, naming the field, and stores nothing', async (_what, change, message) => {
    const before = (await server.database.db.query('SELECT count(*)::int AS n FROM phone_calls')).rows[0].n;
    const event = { event: 'ringing', callId: pbxId(), lineId: '120-1', callerNumber: NUMBER, at: ago(1), ...change } as PhoneCallEvent;
    await expectRefusal(report(event), 400, message);
    expect((await server.database.db.query('SELECT count(*)::int AS n FROM phone_calls')).rows[0].n).toBe(before);
  });

  it('pushes a ringing call to the dispatchers with the AML location read out of the message', async () => {
    const callId = pbxId();
    const positioned = new Date(Date.now() - 3000);
    const call = await report({ event: 'ringing', callId, lineId: '120-2', callerNumber: '+86 139 1234 0002', at: ago(2), location: { format: 'aml', message: aml(positioned) } });
    const pushed = await socket.waitFor('phoneCall.ringing', (c) => c.pbxCallId === callId);
    expect(pushed).toEqual(call);
    expect(call).toMatchObject({ state: 'ringing', lineId: '120-2', callerPhone: '+86 139 1234 0002', incidentId: null });
    // AML gives degrees to 5 decimals (about a metre) and the time of positioning to the second.
    expect(call.location).toMatchObject({ radiusM: 35, source: 'aml_gnss', confidence: 68 });
    expect(call.location!.lon).toBeCloseTo(VILLAGE.lon + 0.0004, 5);
    expect(call.location!.lat).toBeCloseTo(VILLAGE.lat - 0.0003, 5);
    expect(Date.parse(call.location!.at!)).toBe(Math.floor(positioned.getTime() / 1000) * 1000);
    expect((await dispatcher.call('listPhoneCalls', { query: {} })).map((c) => c.id)).toContain(call.id);
  });

  it('takes a carrier cell location, and a newer AML fix replaces it while an older one does not', async () => {
    const callId = pbxId();
    await report({ event: 'ringing', callId, lineId: '120-1', at: ago(30), location: { format: 'cell', lon: 112.09, lat: 37.16, radiusM: 1500, at: ago(30) } });
    const older = await report({ event: 'answered', callId, lineId: '120-1', at: ago(25), location: { format: 'aml', message: aml(new Date(Date.now() - 60_000)) } });
    expect(older.location).toMatchObject({ source: 'carrier_cell', radiusM: 1500 });
    const newer = await report({ event: 'answered', callId, lineId: '120-1', at: ago(25), location: { format: 'aml', message: aml(new Date(Date.now() - 5_000)) } });
    expect(newer.location).toMatchObject({ source: 'aml_gnss', radiusM: 35 });
    // A withheld number stays withheld; pm=N (the handset has no position) locates nothing and keeps the fix.
    const none = await report({ event: 'ended', callId, lineId: '120-1', at: ago(1), location: { format: 'aml', message: 'A"ML=1;pm=N' } });
    expect(none).toMatchObject({ callerPhone: null, state: 'ended', location: { source: 'aml_gnss' } });
  });

  it('is idempotent on the PBX call id: replays and events out of order never duplicate a call or take it back a step', async () => {
    const callId = pbxId();
    const [rang, answered, ended] = [ago(40), ago(33), ago(5)];
    // The answer arrives first (the ringing event was delayed), then the ringing, then replays of both.
    const first = await report({ event: 'answered', callId, lineId: '120-1', callerNumber: NUMBER, at: answered });
    expect(first.state).toBe('answered');
    await report({ event: 'ringing', callId, lineId: '120-1', callerNumber: NUMBER, at: rang });
    await report({ event: 'answered', callId, lineId: '120-1', callerNumber: NUMBER, at: ago(20) });
    await report({ event: 'ended', callId, lineId: '120-1', at: ended, recordingRef: 'rec/2026/12/03/call-1.wav' });
    const last = await report({ event: 'ringing', callId, lineId: '120-1', callerNumber: '13800000000', at: ago(1) });
    expect(last).toMatchObject({ state: 'ended', callerPhone: NUMBER, recordingRef: 'rec/2026/12/03/call-1.wav' });
    expect([last.ringingAt, last.answeredAt, last.endedAt].map((t) => Date.parse(t!))).toEqual([rang, answered, ended].map(Date.parse));
    const rows = await server.database.db.query('SELECT count(*)::int AS n FROM phone_calls WHERE pbx_call_id = $1', [callId]);
    expect(rows.rows[0].n).toBe(1);
    // The dispatchers were told once that it rang (when it did not yet: it was answered already, so never).
    expect(socket.received.filter((r) => r.event === 'phoneCall.ringing' && r.payload.pbxCallId === callId)).toEqual([]);
  });

  it("takes the incident's ring and answer times and call-back number from the call, keeps its recording, and links it once", async () => {
    const callId = pbxId();
    const [rang, answered] = [ago(50), ago(44)];
    const ringing = await report({ event: 'ringing', callId, lineId: '120-1', callerNumber: '13912340003', at: rang, location: { format: 'aml', message: aml() } });
    await report({ event: 'answered', callId, lineId: '120-1', at: answered });
    const incident = await dispatcher.call('createIncident', {
      // The form's own times are not the record when the phone system has them.
      body: { location: VILLAGE, category: 'stroke', priority: 1, phoneCallId: ringing.id, callReceivedAt: ago(10), callAnsweredAt: ago(9) },
    });
    expect(Date.parse(incident.callReceivedAt)).toBe(Date.parse(rang));
    expect(Date.parse(incident.callAnsweredAt!)).toBe(Date.parse(answered));
    expect(incident.callerPhone).toBe('13912340003');
    await report({ event: 'ended', callId, lineId: '120-1', at: ago(1), recordingRef: 'rec/call-3.wav' });
    const calls = await dispatcher.call('getIncidentCalls', { params: { id: incident.id } });
    expect(calls).toMatchObject([{ id: ringing.id, incidentId: incident.id, incidentNumber: incident.number, incidentLink: 'created', recordingRef: 'rec/call-3.wav' }]);
    const timeline = await dispatcher.call('getTimeline', { params: { id: incident.id } });
    expect(timeline[0]).toMatchObject({ status: 'call_received', callerPhone: '13912340003' });
    expect(Date.parse(timeline[0]!.deviceTime)).toBe(Date.parse(rang));
    // A linked call is not offered again after a reload, and cannot make a second incident.
    expect((await dispatcher.call('listPhoneCalls', { query: {} })).map((c) => c.id)).not.toContain(ringing.id);
    await expectRefusal(
      dispatcher.call('createIncident', { body: { location: VILLAGE, category: 'stroke', priority: 1, phoneCallId: ringing.id } }),
      409,
      `phoneCallId: the call is already linked to incident #${incident.number}`,
    );
    await expectRefusal(
      dispatcher.call('createIncident', { body: { location: VILLAGE, category: 'stroke', priority: 1, phoneCallId: '00000000-0000-4000-8000-000000000000' } }),
      404,
      /^phoneCallId: no phone call/,
    );
  });

  it("takes the phone system's answer time when it arrives after the incident was taken", async () => {
    const callId = pbxId();
    const rang = ago(30);
    const ringing = await report({ event: 'ringing', callId, lineId: '120-1', callerNumber: '13912340006', at: rang });
    const incident = await dispatcher.call('createIncident', { body: { location: VILLAGE, category: 'other', priority: 3, phoneCallId: ringing.id } });
    const answered = ago(25);
    await report({ event: 'answered', callId, lineId: '120-1', at: answered });
    const now = await dispatcher.call('getIncident', { params: { id: incident.id } });
    expect(Date.parse(now.callReceivedAt)).toBe(Date.parse(rang));
    expect(Date.parse(now.callAnsweredAt!)).toBe(Date.parse(answered));
    // A later replay with another time changes nothing.
    await report({ event: 'answered', callId, lineId: '120-1', at: ago(1) });
    expect(Date.parse((await dispatcher.call('getIncident', { params: { id: incident.id } })).callAnsweredAt!)).toBe(Date.parse(answered));
  });

  it("names the open incidents a call may duplicate, with the reasons, in the intake's answer and while typing, and the number's history", async () => {
    const number = '13912340004';
    const first = await dispatcher.call('createIncident', {
      body: { location: VILLAGE, address: '张兰镇 幸福村 3号', category: 'trauma', priority: 2, callerPhone: number },
    });
    expect(first.related.map((r) => r.incident.id)).not.toContain(first.id);
    await dispatcher.call('cancelIncident', { params: { id: first.id }, body: { reason: '患者自行就医' } });
    const open = await dispatcher.call('createIncident', {
      body: { location: VILLAGE, address: '张兰镇幸福村3号', category: 'fever', priority: 3, callerPhone: `+86 ${number}` },
    });
    // The cancelled one is history, not an open duplicate.
    expect(open.related.map((r) => r.incident.id)).not.toContain(first.id);
    const again = await dispatcher.call('createIncident', {
      body: { location: { lon: VILLAGE.lon + 0.001, lat: VILLAGE.lat }, address: ' 张兰镇 幸福村 3号 ', category: 'fever', priority: 3, callerPhone: number },
    });
    const named = again.related.find((r) => r.incident.id === open.id);
    expect(named?.reasons.sort()).toEqual(['nearby', 'same_address', 'same_caller']);
    expect(named?.distanceM).toBeGreaterThan(50);
    expect(named?.distanceM).toBeLessThan(120);

    // While the call is taken: by a number alone, by a point alone (600 m away is not nearby), by an address alone.
    const byNumber = await dispatcher.call('relatedIncidents', { body: { callerPhone: `0086-${number}` } });
    expect(byNumber.related.find((r) => r.incident.id === open.id)?.reasons).toEqual(['same_caller']);
    expect(byNumber.history.map((h) => h.number)).toEqual([again.number, open.number, first.number]);
    expect(byNumber.history[2]).toMatchObject({ category: 'trauma', status: 'cancelled', address: '张兰镇 幸福村 3号', cancelledReason: '患者自行就医' });
    const near = await dispatcher.call('relatedIncidents', { body: { location: { lon: VILLAGE.lon, lat: VILLAGE.lat + 0.001 } } });
    expect(near.related.find((r) => r.incident.id === open.id)?.reasons).toEqual(['nearby']);
    const far = await dispatcher.call('relatedIncidents', { body: { location: { lon: VILLAGE.lon, lat: VILLAGE.lat + 0.0055 } } });
    expect(far.related.map((r) => r.incident.id)).not.toContain(open.id);
    const byAddress = await dispatcher.call('relatedIncidents', { body: { address: '张兰镇幸福村 3号' } });
    expect(byAddress.related.find((r) => r.incident.id === open.id)?.reasons).toEqual(['same_address']);
    expect(byAddress.history).toEqual([]);
    await expectRefusal(dispatcher.call('relatedIncidents', { body: { callerPhone: 'call me' } }), 400, /^callerPhone: digits/);
    await expectRefusal(dispatcher.call('relatedIncidents', { body: { location: { lon: 200, lat: 37 } } }), 400, /^location\.lon:/);
  });

  it("links a second call as a follow-up (催车) on the open incident's timeline instead of a new incident, once", async () => {
    const number = '13912340005';
    const firstCall = await report({ event: 'ringing', callId: pbxId(), lineId: '120-1', callerNumber: number, at: ago(300) });
    const incident = await dispatcher.call('createIncident', { body: { location: VILLAGE, category: 'chest_pain', priority: 1, phoneCallId: firstCall.id } });
    const before = (await server.database.db.query('SELECT count(*)::int AS n FROM incidents')).rows[0].n;

    const secondCall = await report({ event: 'ringing', callId: pbxId(), lineId: '120-3', callerNumber: number, at: ago(20) });
    const related = await dispatcher.call('relatedIncidents', { body: { phoneCallId: secondCall.id } });
    expect(related.related.find((r) => r.incident.id === incident.id)?.reasons).toContain('same_caller');
    const updated = socket.waitFor('incident.updated', (i) => i.id === incident.id && i.followUps === 1);
    const entry = await dispatcher.call('linkFollowUp', { params: { id: incident.id }, body: { phoneCallId: secondCall.id, note: '家属催车, 患者意识变差' } });
    expect(entry).toMatchObject({ status: 'call_follow_up', callerPhone: number, note: '家属催车, 患者意识变差', actor: 'dispatcher' });
    expect(Date.parse(entry.deviceTime)).toBe(Date.parse(secondCall.ringingAt!));
    await updated;
    // The same link again (a retried click) answers the entry made, and adds none.
    const replay = await dispatcher.call('linkFollowUp', { params: { id: incident.id }, body: { phoneCallId: secondCall.id, note: '家属催车, 患者意识变差' } });
    expect(replay.id).toBe(entry.id);
    const timeline = await dispatcher.call('getTimeline', { params: { id: incident.id } });
    expect(timeline.filter((e) => e.status === 'call_follow_up')).toHaveLength(1);
    expect((await dispatcher.call('getIncident', { params: { id: incident.id } })).followUps).toBe(1);
    expect((await dispatcher.call('getIncidentCalls', { params: { id: incident.id } })).map((c) => [c.id, c.incidentLink])).toEqual([
      [firstCall.id, 'created'],
      [secondCall.id, 'follow_up'],
    ]);
    expect((await server.database.db.query('SELECT count(*)::int AS n FROM incidents')).rows[0].n).toBe(before);

    // A call typed in without the phone system, by number and note.
    const typed = await dispatcher.call('linkFollowUp', { params: { id: incident.id }, body: { callerPhone: '0354-7221234', note: '邻居来电' } });
    expect(typed).toMatchObject({ callerPhone: '0354-7221234', note: '邻居来电', status: 'call_follow_up' });

    await expectRefusal(dispatcher.call('linkFollowUp', { params: { id: incident.id }, body: {} }), 400, /^phoneCallId: give phoneCallId, callerPhone or a note/);
    await expectRefusal(dispatcher.call('linkFollowUp', { params: { id: incident.id }, body: { note: 'x\u0000' } }), 400, /^note: must not contain a NUL/);
    const other = await dispatcher.call('createIncident', { body: { location: VILLAGE, category: 'other', priority: 4 } });
    await expectRefusal(dispatcher.call('linkFollowUp', { params: { id: other.id }, body: { phoneCallId: secondCall.id } }), 409, `already linked to incident #${incident.number}`);
    await dispatcher.call('cancelIncident', { params: { id: other.id }, body: { reason: '误报' } });
    await expectRefusal(dispatcher.call('linkFollowUp', { params: { id: other.id }, body: { note: '再来电' } }), 409, /^incident is cancelled: take the call as a new incident/);
  });

  it("lets the demo's call generator ring a share of its calls on the phone system (npm start)", async () => {
    const started = Date.now() - 1000;
    const stop = await startCallGenerator({
      url: server.baseUrl, username: 'dispatcher', password: server.logins.passwords.dispatcher!, callsPerHour: 3600, speedup: 100,
      phoneShare: 1, phonePassword: server.logins.passwords.telephony!,
    });
    try {
      const rang = await socket.waitFor('phoneCall.ringing', (c) => Date.parse(c.ringingAt) >= started && c.location?.source === 'aml_gnss' && /^13\d{9}$/.test(c.callerPhone ?? ''));
      const ended = await socket.waitFor('phoneCall.updated', (c) => c.id === rang.id && c.state === 'ended');
      expect(ended).toMatchObject({ answeredAt: expect.any(String), recordingRef: `rec/${rang.pbxCallId}.wav`, incidentId: null });
    } finally {
      stop();
    }
  });

  it("never logs a caller's number", () => {
    expect(logged.length).toBeGreaterThan(0);
    const text = logged.join('');
    for (const number of ['13912340001', '1234 0002', '13912340003', '13912340004', '13912340005', '7221234']) expect(text).not.toContain(number);
  });
});
