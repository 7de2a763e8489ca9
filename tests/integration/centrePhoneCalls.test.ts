import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PhoneCallEvent } from '@dispatch/protocol';
import { DEFAULT_CENTRE_ID } from '@dispatch/protocol';
import { NEIGHBOUR_PHONE_LINE } from '@dispatch/server/demo/demoNeighbour';
import { describe, expect, it } from 'vitest';
import { openSocket, refusal } from '../support/api';
import { centresSuite } from '../support/demoSuite';
import { expectRefusal } from '../support/expectations';

let sequence = 0;
/** A PBX call id of its own for each call, as Asterisk's uniqueid (epoch.sequence). */
const pbxId = () => `${Math.floor(Date.now() / 1000)}.${process.pid}${++sequence}`;
const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();

/**
 * The phone system of several centres (issue 15, migration 026): each county's 120 line is configured to its centre,
 * a call belongs to the centre whose line rang, and only that centre's staff and the province hear of it and read it.
 */
describe("phone calls of several centres: each county's line rings its own centre, the province hears all", () => {
  const suite = centresSuite('dispatcher', 'supervisor', 'dispatcher-py', 'province', 'telephony');
  const { server, tokens, api } = suite;

  const report = (event: PhoneCallEvent) => api.telephony!.call('reportPhoneCall', { body: event });
  const ring = (lineId: string, callerNumber: string) => report({ event: 'ringing', callId: pbxId(), lineId, callerNumber, at: ago(5) });
  const place = async (name: string) => (await api.dispatcher!.call('searchPlaces', { query: { q: name } })).find((p) => p.name.startsWith(name))!;
  const callAt = async (who: string, name: string, extra: { callerPhone?: string; phoneCallId?: string } = {}) => {
    const p = await place(name);
    return api[who]!.call('createIncident', { body: { location: { lon: p.lon, lat: p.lat }, category: 'trauma', priority: 2, ...extra } });
  };
  const count = async (table: 'phone_calls' | 'incidents') => (await server.database.db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

  it("rings a call on Pingyao's line to Pingyao's staff and the province, never to the demo county's dispatcher, and the reverse", async () => {
    const jxSocket = await openSocket(server.baseUrl, tokens.dispatcher!);
    const pySocket = await openSocket(server.baseUrl, tokens['dispatcher-py']!);
    const provinceSocket = await openSocket(server.baseUrl, tokens.province!);
    try {
      const theirs = await ring(NEIGHBOUR_PHONE_LINE, '13912346001');
      expect(theirs).toMatchObject({ centreId: suite.pingyao, lineId: NEIGHBOUR_PHONE_LINE, state: 'ringing' });
      await pySocket.waitFor('phoneCall.ringing', (c) => c.id === theirs.id);
      await provinceSocket.waitFor('phoneCall.ringing', (c) => c.id === theirs.id);
      // The first event fixes the centre: a later event naming another line moves nothing.
      const answered = await report({ event: 'answered', callId: theirs.pbxCallId, lineId: '120-1', at: ago(2) });
      expect(answered).toMatchObject({ centreId: suite.pingyao, lineId: NEIGHBOUR_PHONE_LINE, state: 'answered' });
      await pySocket.waitFor('phoneCall.updated', (c) => c.id === theirs.id && c.state === 'answered');

      const ours = await ring('120-1', '13912346002');
      expect(ours.centreId).toBe(DEFAULT_CENTRE_ID);
      // Events reach a socket in the order they were sent: once the later one is in, the earlier ones would be too.
      await jxSocket.waitFor('phoneCall.ringing', (c) => c.id === ours.id);
      expect(jxSocket.received.some((r) => r.event.startsWith('phoneCall.') && r.payload.id === theirs.id)).toBe(false);
      await provinceSocket.waitFor('phoneCall.ringing', (c) => c.id === ours.id);
      await report({ event: 'ended', callId: theirs.pbxCallId, lineId: NEIGHBOUR_PHONE_LINE, at: ago(1) });
      await pySocket.waitFor('phoneCall.updated', (c) => c.id === theirs.id && c.state === 'ended');
      expect(pySocket.received.some((r) => r.event.startsWith('phoneCall.') && r.payload.id === ours.id)).toBe(false);
    } finally {
      jxSocket.close();
      pySocket.close();
      provinceSocket.close();
    }
  });

  it('rings a line no centre is configured for in the default centre', async () => {
    const call = await ring('trunk-9-not-configured', '13912346003');
    expect(call.centreId).toBe(DEFAULT_CENTRE_ID);
    expect((await api.dispatcher!.call('listPhoneCalls', { query: {} })).map((c) => c.id)).toContain(call.id);
    expect((await api['dispatcher-py']!.call('listPhoneCalls', { query: {} })).map((c) => c.id)).not.toContain(call.id);
  });

  it.each([
    ['no line', { lineId: undefined }, /^lineId: /],
    ['an empty line', { lineId: '' }, /^lineId: /],
    ['a line of blanks', { lineId: '   ' }, /^lineId: /],
    ['a line longer than 64 characters', { lineId: 'L'.repeat(65) }, /^lineId: /],
    ['a line with a NUL', { lineId: 'PY-120\u00001' }, /^lineId: must not contain a NUL/],
    ['a line that is a number', { lineId: 1201 }, /^lineId: /],
  ])('refuses an event with %s (400 naming lineId) and stores nothing', async (_what, change, message) => {
    const before = await count('phone_calls');
    const event = Object.assign({ event: 'ringing', callId: pbxId(), lineId: NEIGHBOUR_PHONE_LINE, callerNumber: '13912346004', at: ago(1) }, change) as PhoneCallEvent;
    await expectRefusal(report(event), 400, message);
    expect(await count('phone_calls')).toBe(before);
  });

  it("lists and reads its own centre's calls, related incidents and caller history; another centre's call is refused (403 other_centre)", async () => {
    const number = '13912346010';
    const pyIncident = await callAt('dispatcher-py', '下任堡', { callerPhone: number });
    const jxIncident = await callAt('dispatcher', '义棠', { callerPhone: number });
    const pyCall = await ring(NEIGHBOUR_PHONE_LINE, number);
    const jxCall = await ring('120-1', number);

    const listed = async (who: string) => (await api[who]!.call('listPhoneCalls', { query: {} })).map((c) => c.id);
    expect(await listed('dispatcher')).toContain(jxCall.id);
    expect(await listed('dispatcher')).not.toContain(pyCall.id);
    expect(await listed('supervisor')).not.toContain(pyCall.id);
    expect(await listed('dispatcher-py')).toContain(pyCall.id);
    expect(await listed('dispatcher-py')).not.toContain(jxCall.id);
    expect(await listed('province')).toEqual(expect.arrayContaining([pyCall.id, jxCall.id]));

    // The same number called both counties: each centre finds only its own incident, and only its own in the history.
    const related = async (who: string, body: { callerPhone?: string; phoneCallId?: string }) => {
      const answer = await api[who]!.call('relatedIncidents', { body });
      return { related: answer.related.map((r) => r.incident.id), history: answer.history.map((h) => h.incidentId) };
    };
    expect(await related('dispatcher', { phoneCallId: jxCall.id })).toEqual({ related: [jxIncident.id], history: [jxIncident.id] });
    expect(await related('dispatcher-py', { phoneCallId: pyCall.id })).toEqual({ related: [pyIncident.id], history: [pyIncident.id] });
    expect(await related('dispatcher', { callerPhone: number })).toEqual({ related: [jxIncident.id], history: [jxIncident.id] });
    // The province: every centre's by number; a call's centre's when taking that call (the only ones it may be linked to).
    const byNumber = await related('province', { callerPhone: number });
    expect(byNumber.related.sort()).toEqual([jxIncident.id, pyIncident.id].sort());
    expect(await related('province', { phoneCallId: pyCall.id })).toEqual({ related: [pyIncident.id], history: [pyIncident.id] });

    const jx = api.dispatcher!;
    const incidentsBefore = await count('incidents');
    for (const attempt of [
      () => jx.call('relatedIncidents', { body: { phoneCallId: pyCall.id } }),
      () => callAt('dispatcher', '义棠', { phoneCallId: pyCall.id }),
      () => jx.call('linkFollowUp', { params: { id: jxIncident.id }, body: { phoneCallId: pyCall.id } }),
      () => jx.call('getIncidentCalls', { params: { id: pyIncident.id } }),
      // Pingyao may record no call on the demo county's incident, not even one typed in.
      () => api['dispatcher-py']!.call('linkFollowUp', { params: { id: jxIncident.id }, body: { note: '再来电' } }),
    ]) {
      const refused = await refusal(attempt());
      expect(refused.status).toBe(403);
      expect(refused.code).toBe('other_centre');
    }
    expect(await count('incidents')).toBe(incidentsBefore);
    // The province may link either centre's calls, each to its own centre's incident only.
    await expectRefusal(
      api.province!.call('linkFollowUp', { params: { id: jxIncident.id }, body: { phoneCallId: pyCall.id } }),
      409,
      /^phoneCallId: the call rang on another centre's line than the incident's/,
    );
    const unlinked = await server.database.db.query('SELECT incident_id FROM phone_calls WHERE id = $1', [pyCall.id]);
    expect(unlinked.rows[0].incident_id).toBeNull();

    const entry = await api['dispatcher-py']!.call('linkFollowUp', { params: { id: pyIncident.id }, body: { phoneCallId: pyCall.id, note: '催车' } });
    expect(entry).toMatchObject({ status: 'call_follow_up', callerPhone: number });
    expect((await api['dispatcher-py']!.call('getIncidentCalls', { params: { id: pyIncident.id } })).map((c) => c.id)).toEqual([pyCall.id]);
    expect((await api.province!.call('getIncidentCalls', { params: { id: pyIncident.id } })).map((c) => c.id)).toEqual([pyCall.id]);
  });

  it('lets npm run phone ring Pingyao\'s line for the demo (--line PY-120-1)', async () => {
    const pySocket = await openSocket(server.baseUrl, tokens['dispatcher-py']!);
    try {
      // As `npm run phone -- --line PY-120-1 --near 下任堡` would against npm start's server.
      const { stdout } = await promisify(execFile)('npx', [
        'tsx', 'dispatch-server/src/telephony/phoneCli.ts', '--url', server.baseUrl, '--password', suite.logins.passwords.telephony!,
        '--line', NEIGHBOUR_PHONE_LINE, '--near', '下任堡', '--answer-after-s', '0', '--talk-s', '0',
      ]);
      const steps = stdout.trim().split('\n').map((line) => JSON.parse(line) as { call: string; line: string; state: string });
      expect(steps.map((s) => [s.line, s.state])).toEqual([[NEIGHBOUR_PHONE_LINE, 'ringing'], [NEIGHBOUR_PHONE_LINE, 'answered'], [NEIGHBOUR_PHONE_LINE, 'ended']]);
      const rang = await pySocket.waitFor('phoneCall.ringing', (c) => c.pbxCallId === steps[0]!.call);
      expect(rang).toMatchObject({ centreId: suite.pingyao, location: { source: 'aml_gnss' } });
    } finally {
      pySocket.close();
    }
    // A process of its own (tsx compiles the CLI as it starts): slow on a loaded machine.
  }, 90_000);

  it("takes a call the province answers for the centre whose line rang, and tells that centre's staff it is taken", async () => {
    const pySocket = await openSocket(server.baseUrl, tokens['dispatcher-py']!);
    try {
      const call = await ring(NEIGHBOUR_PHONE_LINE, '13912346020');
      // A place in the demo county's part: the call's line, not the nearest station, says whose call it is.
      const incident = await callAt('province', '义棠', { phoneCallId: call.id });
      expect(incident.centreId).toBe(suite.pingyao);
      await pySocket.waitFor('phoneCall.updated', (c) => c.id === call.id && c.incidentId === incident.id);
      await pySocket.waitFor('incident.created', (i) => i.id === incident.id);
      expect((await api['dispatcher-py']!.call('getIncidentCalls', { params: { id: incident.id } }))[0]).toMatchObject({ id: call.id, incidentLink: 'created' });
    } finally {
      pySocket.close();
    }
  });
});
