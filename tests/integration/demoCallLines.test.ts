import { DEFAULT_CENTRE_ID, type PhoneCallDto } from '@dispatch/protocol';
import { NEIGHBOUR_PHONE_LINE } from '@dispatch/server/demo/demoNeighbour';
import { distanceM } from '@dispatch/vehicle-agent/simulator/geometry';
import { DEFAULT_LINE, loadVillages, startCallGenerator } from '@dispatch/vehicle-agent/simulator/callGenerator';
import { describe, expect, it } from 'vitest';
import { openSocket } from '../support/api';
import { centresSuite } from '../support/demoSuite';

/**
 * npm start's random calls with the neighbouring centre (issue 15): the rung ones come in on the demo county's line
 * (120-1) and on Pingyao's (PY-120-1), each from a village of its own centre's area, so that Pingyao's dispatcher has
 * calls to take too. Through the real server, PostgreSQL, Redis and sockets; the generator plays the phone system.
 */
describe("the demo's call generator rings every centre's line, from its own area", () => {
  const suite = centresSuite('dispatcher', 'dispatcher-py', 'province');
  const { server, tokens, api } = suite;
  const generator = (otherLines: Record<string, string>) =>
    startCallGenerator({
      url: server.baseUrl, username: 'dispatcher', password: suite.logins.passwords.dispatcher!, callsPerHour: 3600, speedup: 5,
      phoneShare: 1, phonePassword: suite.logins.passwords.telephony!, otherLines,
    });

  it("rings Pingyao's line as well as 120-1 (PY=PY-120-1), each call from its centre's villages, heard by that centre and the province only", async () => {
    const started = Date.now() - 1000;
    const fresh = (c: PhoneCallDto) => Date.parse(c.ringingAt ?? '') >= started;
    const jx = await openSocket(server.baseUrl, tokens.dispatcher!);
    const py = await openSocket(server.baseUrl, tokens['dispatcher-py']!);
    const province = await openSocket(server.baseUrl, tokens.province!);
    const stop = await generator({ PY: NEIGHBOUR_PHONE_LINE });
    let theirs: PhoneCallDto;
    let ours: PhoneCallDto;
    try {
      theirs = await py.waitFor('phoneCall.ringing', fresh, 30_000);
      ours = await jx.waitFor('phoneCall.ringing', (c: PhoneCallDto) => fresh(c) && Date.parse(c.ringingAt!) > Date.parse(theirs.ringingAt!), 30_000);
    } finally {
      stop();
    }
    expect(theirs).toMatchObject({ lineId: NEIGHBOUR_PHONE_LINE, centreId: suite.pingyao, location: { source: 'aml_gnss' } });
    expect(ours).toMatchObject({ lineId: DEFAULT_LINE, centreId: DEFAULT_CENTRE_ID, location: { source: 'aml_gnss' } });
    await province.waitFor('phoneCall.ringing', (c: PhoneCallDto) => c.id === theirs.id);
    await province.waitFor('phoneCall.ringing', (c: PhoneCallDto) => c.id === ours.id);
    // The county's dispatcher had its own later call, so it would have had Pingyao's by then; and the reverse.
    const rangOn = (socket: typeof jx, line: string) => socket.received.filter((r) => r.event === 'phoneCall.ringing' && fresh(r.payload) && r.payload.lineId === line);
    expect(rangOn(jx, NEIGHBOUR_PHONE_LINE)).toEqual([]);
    expect(rangOn(py, DEFAULT_LINE)).toEqual([]);
    jx.close();
    py.close();
    province.close();

    // Every call it rang, as the province lists them: the caller a few houses off a village whose nearest station is
    // the centre's (the carrier routes a county's 120 by where the caller is).
    const [stations, villages, calls] = await Promise.all([
      api.province!.call('listStations'),
      loadVillages(api.dispatcher!),
      api.province!.call('listPhoneCalls', { query: {} }),
    ]);
    const at = (p: { lon: number; lat: number }): [number, number] => [p.lon, p.lat];
    const centreOfVillage = new Map(villages.map((v) => [v, [...stations].sort((a, b) => distanceM(at(v), at(a.location)) - distanceM(at(v), at(b.location)))[0]!.centreId]));
    const rung = calls.filter(fresh);
    expect(new Set(rung.map((c) => c.lineId))).toEqual(new Set([DEFAULT_LINE, NEIGHBOUR_PHONE_LINE]));
    for (const call of rung) {
      expect(call.centreId).toBe(call.lineId === NEIGHBOUR_PHONE_LINE ? suite.pingyao : DEFAULT_CENTRE_ID);
      const near = villages.filter((v) => distanceM(at(v), at(call.location!)) < 400);
      expect(near.some((v) => centreOfVillage.get(v) === call.centreId), `call ${call.pbxCallId} on ${call.lineId}`).toBe(true);
    }
  }, 90_000);

  it('refuses at start a line of a centre it does not know, naming the line and the centres there are', async () => {
    await expect(generator({ QX: 'QX-120-1' })).rejects.toThrow(/^phone line QX-120-1: no centre with the code QX \(there are JX, PY\)/);
  });
});
