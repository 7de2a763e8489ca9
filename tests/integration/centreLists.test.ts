import type { HospitalDto, LiveCoverageDto, RequestTransferRequest, StationDto, VehicleDto } from '@dispatch/protocol';
import { DEFAULT_CENTRE_ID } from '@dispatch/protocol';
import { siteSql } from '@dispatch/server/demo/demoSites';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSocket, refusal } from '../support/api';
import { centresSuite } from '../support/demoSuite';

/**
 * What was still province-wide once the centres came (issue 15): transfers, incoming-patient notices, the live
 * 30-minute circle and its move-ups, repositions and the register's reads of an incident. Each centre's dispatcher and
 * supervisor sees and acts on its own centre's only (403 other_centre), the province supervisor on every centre's.
 */
describe("each centre's transfers, notices, coverage, move-ups and register reads; the province's all", () => {
  const suite = centresSuite('dispatcher', 'supervisor', 'dispatcher-py', 'province', 'hospital-py-zxyy');
  const { server, tokens, api } = suite;
  let hospitals: HospitalDto[];
  const hospital = (code: string) => hospitals.find((h) => h.code === code)!;
  let pyTownship: string;

  beforeAll(async () => {
    // Pingyao's demo has one hospital: a township health centre of its own, so a transfer can stay inside Pingyao.
    const east = (await api['dispatcher-py']!.call('listHospitals', {})).find((h) => h.code === 'PY-ZXYY')!;
    pyTownship = (await siteSql.upsertHospital.one(server.database.db, {
      code: 'PY-WSY-T', name: '平遥测试乡镇卫生院', nameEn: 'Pingyao Test Township Health Centre', kind: 'township', capabilities: ['emergency'],
      lon: east.location.lon + 0.01, lat: east.location.lat - 0.01, centreId: suite.pingyao,
    }))!.id;
    hospitals = await api.province!.call('listHospitals', {});
  });

  const other = async (answer: Promise<unknown>) => {
    const refused = await refusal(answer);
    expect(refused.status).toBe(403);
    expect(refused.code).toBe('other_centre');
  };
  const place = async (name: string) => (await api.dispatcher!.call('searchPlaces', { query: { q: name } })).find((p) => p.name.startsWith(name))!;
  const callAt = async (who: string, name: string, extra: { callerPhone?: string; category?: 'chest_pain' | 'trauma' } = {}) => {
    const p = await place(name);
    return api[who]!.call('createIncident', { body: { location: { lon: p.lon, lat: p.lat }, category: 'chest_pain', priority: 2, ...extra } });
  };
  const transfer = (who: string, from: string, to: string) => {
    const body: RequestTransferRequest = { fromHospitalId: from, toHospitalId: to, direction: 'up', category: 'other', patientSummary: '男 70岁 肺炎, 需上级医院（测试）' };
    return api[who]!.call('requestTransfer', { body });
  };

  it("lists a centre's transfers to its staff (sent from or to a hospital of the centre), refuses another centre's, and the province sees all", async () => {
    const jxSocket = await openSocket(server.baseUrl, tokens.dispatcher!);
    const pySocket = await openSocket(server.baseUrl, tokens['dispatcher-py']!);
    try {
      const theirs = await transfer('dispatcher-py', pyTownship, hospital('PY-ZXYY').id);
      await pySocket.waitFor('transfer.updated', (t) => t.id === theirs.id);
      const ours = await transfer('dispatcher', hospital('JX-WSY-01').id, hospital('JX-RMYY').id);
      // Across the border: both centres' business.
      const across = await transfer('dispatcher', hospital('JX-WSY-01').id, hospital('PY-ZXYY').id);
      await jxSocket.waitFor('transfer.updated', (t) => t.id === across.id);
      // Events reach a socket in the order sent: Jiexiu never heard of Pingyao's own, Pingyao hears of the one across.
      expect(jxSocket.received.some((r) => r.event === 'transfer.updated' && r.payload.id === theirs.id)).toBe(false);
      await pySocket.waitFor('transfer.updated', (t) => t.id === across.id);
      expect(pySocket.received.some((r) => r.event === 'transfer.updated' && r.payload.id === ours.id)).toBe(false);

      const listed = async (who: string) => (await api[who]!.call('listTransfers', {})).map((t) => t.id);
      for (const who of ['dispatcher', 'supervisor']) {
        expect(await listed(who)).toEqual(expect.arrayContaining([ours.id, across.id]));
        expect(await listed(who)).not.toContain(theirs.id);
      }
      expect(await listed('dispatcher-py')).toEqual(expect.arrayContaining([theirs.id, across.id]));
      expect(await listed('dispatcher-py')).not.toContain(ours.id);
      expect(await listed('province')).toEqual(expect.arrayContaining([ours.id, theirs.id, across.id]));

      await other(api.dispatcher!.call('getTransfer', { params: { id: theirs.id } }));
      await other(api.supervisor!.call('getTransfer', { params: { id: theirs.id } }));
      await other(api.dispatcher!.call('cancelTransfer', { params: { id: theirs.id }, body: { reason: '不是本中心的' } }));
      await other(transfer('dispatcher', pyTownship, hospital('PY-ZXYY').id));
      await other(api['dispatcher-py']!.call('cancelTransfer', { params: { id: ours.id }, body: { reason: '不是本中心的' } }));
      expect((await api['dispatcher-py']!.call('getTransfer', { params: { id: across.id } })).id).toBe(across.id);
      expect((await api.province!.call('getTransfer', { params: { id: theirs.id } })).id).toBe(theirs.id);
      // The hospitals keep their own rule: the receiving one answers, whichever centre asked.
      expect((await api['hospital-py-zxyy']!.call('declineTransfer', { params: { id: across.id }, body: { reason: '床位已满' } })).status).toBe('declined');
      expect((await api.province!.call('cancelTransfer', { params: { id: theirs.id }, body: { reason: '省级取消（测试）' } })).status).toBe('cancelled');
    } finally {
      jxSocket.close();
      pySocket.close();
    }
  });

  it("lists a centre's incoming-patient notices (its calls' and those its vehicles help on) and refuses another centre's", async () => {
    const dispatchWithNotice = async (who: string, incidentId: string, hospitalId: string, crossCentre = false) => {
      const rec = await api[who]!.call('getRecommendations', { params: { id: incidentId } });
      const vehicleId = crossCentre ? rec.crossCentre![0]!.vehicleId : rec.candidates[0]!.vehicleId;
      const body = crossCentre ? { vehicleId, crossCentreHelp: { reason: '本县车辆较远（测试）' } } : { vehicleId };
      const { assignment } = await api[who]!.call('assignVehicle', { params: { id: incidentId }, body });
      return api[who]!.call('sendNotice', { params: { id: assignment.id }, body: { hospitalId } });
    };
    const theirs = await dispatchWithNotice('dispatcher-py', (await callAt('dispatcher-py', '下任堡')).id, hospital('PY-ZXYY').id);
    const ours = await dispatchWithNotice('dispatcher', (await callAt('dispatcher', '义棠')).id, hospital('JX-RMYY').id);
    // Jiexiu's call near the border with Pingyao's vehicle helping: Pingyao follows its notice.
    const helped = await dispatchWithNotice('dispatcher', (await callAt('dispatcher', '中王庄')).id, hospital('JX-RMYY').id, true);

    const listed = async (who: string) => (await api[who]!.call('listNotices', {})).map((n) => n.id);
    for (const who of ['dispatcher', 'supervisor']) {
      expect(await listed(who)).toEqual(expect.arrayContaining([ours.id, helped.id]));
      expect(await listed(who)).not.toContain(theirs.id);
    }
    expect(await listed('dispatcher-py')).toEqual(expect.arrayContaining([theirs.id, helped.id]));
    expect(await listed('dispatcher-py')).not.toContain(ours.id);
    expect(await listed('province')).toEqual(expect.arrayContaining([theirs.id, ours.id, helped.id]));
    expect(await listed('hospital-py-zxyy')).toEqual([theirs.id]);

    await other(api.dispatcher!.call('getNotice', { params: { id: theirs.id } }));
    await other(api.supervisor!.call('getNoticeFhir', { params: { id: theirs.id } }));
    await other(api.dispatcher!.call('getNoticeCareFlags', { params: { id: theirs.id } }));
    await other(api['dispatcher-py']!.call('getNotice', { params: { id: ours.id } }));
    expect((await api['dispatcher-py']!.call('getNotice', { params: { id: helped.id } })).id).toBe(helped.id);
    expect((await api.province!.call('getNotice', { params: { id: theirs.id } })).id).toBe(theirs.id);
  });

  it("computes the 30-minute circle per centre (its villages, free ambulances and facilities), pushes each to its own room, the province's to the province", async () => {
    const [jx, py, province] = await Promise.all(['dispatcher', 'dispatcher-py', 'province'].map((who) => api[who]!.call('liveCoverage', {})));
    expect([jx!.centreId, py!.centreId, province!.centreId]).toEqual([DEFAULT_CENTRE_ID, suite.pingyao, null]);
    expect((await api.supervisor!.call('liveCoverage', {})).centreId).toBe(DEFAULT_CENTRE_ID);
    // Every village is in one centre's area (its nearest station's), and every free ambulance of one centre.
    expect(jx!.villages + py!.villages).toBe(province!.villages);
    expect(py!.villages).toBeGreaterThan(0);
    const free = (vehicles: VehicleDto[]) => vehicles.filter((v) => v.inService && v.state === 'available').length;
    expect(py!.freeVehicles).toBe(free(await api['dispatcher-py']!.call('listVehicles', {})));
    expect(jx!.freeVehicles).toBe(free(await api.dispatcher!.call('listVehicles', {})));
    expect(province!.freeVehicles).toBe(jx!.freeVehicles + py!.freeVehicles);
    // A village no ambulance of the province reaches is outside its own centre's circle too.
    const outside = (c: LiveCoverageDto) => new Set(c.uncovered.filter((u) => u.byAmbulance).map((u) => u.id));
    const ownOutside = new Set([...outside(jx!), ...outside(py!)]);
    expect([...outside(province!)].every((id) => ownOutside.has(id))).toBe(true);

    const sockets = await Promise.all(['dispatcher', 'dispatcher-py', 'province'].map((who) => openSocket(server.baseUrl, tokens[who]!)));
    try {
      // One of Pingyao's ambulances leaves: Pingyao's figure and the province's change, each pushed to its room.
      const incident = await callAt('dispatcher-py', '下任堡', { category: 'trauma' });
      const leaving = (await api['dispatcher-py']!.call('listVehicles', {})).find((v) => v.inService && v.state === 'available')!;
      await api['dispatcher-py']!.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: leaving.id } });
      const [jxSocket, pySocket, provinceSocket] = sockets;
      const pushedPy = await pySocket!.waitFor('coverage.updated', (c: LiveCoverageDto) => c.freeVehicles === py!.freeVehicles - 1, 20_000);
      expect(pushedPy.centreId).toBe(suite.pingyao);
      const pushedProvince = await provinceSocket!.waitFor('coverage.updated', (c: LiveCoverageDto) => c.freeVehicles === province!.freeVehicles - 1, 20_000);
      expect(pushedProvince.centreId).toBeNull();
      const centresHeard = (socket: (typeof sockets)[number]) => new Set(socket.received.filter((r) => r.event === 'coverage.updated').map((r) => r.payload.centreId));
      expect([...centresHeard(pySocket!)]).toEqual([suite.pingyao]);
      expect([...centresHeard(provinceSocket!)]).toEqual([null]);
      expect([...centresHeard(jxSocket!)].every((c) => c === DEFAULT_CENTRE_ID)).toBe(true);
    } finally {
      for (const socket of sockets) socket.close();
    }
  });

  it("plans move-ups on a centre's own vehicles and stations, and refuses a reposition of another centre's vehicle or to its station", async () => {
    const pyVehicles = await api['dispatcher-py']!.call('listVehicles', {});
    const jxVehicles = await api.dispatcher!.call('listVehicles', {});
    const pyStations = (await api.province!.call('listStations', {})).filter((s: StationDto) => s.centreId === suite.pingyao);
    for (const [who, centreId, vehicles] of [['dispatcher', DEFAULT_CENTRE_ID, jxVehicles], ['dispatcher-py', suite.pingyao, pyVehicles]] as const) {
      const plan = await api[who]!.call('moveUpSuggestions', {});
      expect(plan.centreId).toBe(centreId);
      const own = new Set(vehicles.map((v) => v.id));
      expect(plan.suggestions.every((s) => own.has(s.vehicleId))).toBe(true);
    }
    expect((await api.province!.call('moveUpSuggestions', {})).centreId).toBeNull();

    const pyFree = pyVehicles.find((v) => v.inService && v.state === 'available')!;
    const jxFree = jxVehicles.find((v) => v.inService && v.state === 'available')!;
    const standBy = pyStations.find((s) => s.id !== pyFree.homeStationId)!;
    await other(api.dispatcher!.call('sendReposition', { params: { id: pyFree.id }, body: { stationId: standBy.id } }));
    await other(api.dispatcher!.call('sendReposition', { params: { id: jxFree.id }, body: { stationId: standBy.id } }));
    const sent = await api['dispatcher-py']!.call('sendReposition', { params: { id: pyFree.id }, body: { stationId: standBy.id } });
    expect(sent.state).toBe('offered');
    await other(api.dispatcher!.call('getVehicleReposition', { params: { id: pyFree.id } }));
    await other(api.supervisor!.call('reportReposition', { params: { id: pyFree.id }, body: { state: 'cancelled' } }));
    expect((await api.province!.call('getVehicleReposition', { params: { id: pyFree.id } }))?.id).toBe(sent.id);
    expect((await api['dispatcher-py']!.call('reportReposition', { params: { id: pyFree.id }, body: { state: 'cancelled' } })).state).toBe('cancelled');
  });

  it("keeps the register's reads of a call to its centre: the residents linked to it and its family doctor's follow-up", async () => {
    const { rows } = await server.database.db.query<{ phone: string }>("SELECT phone FROM register_residents WHERE phone IS NOT NULL ORDER BY record_id LIMIT 1");
    const phone = rows[0]!.phone;
    const theirs = await callAt('dispatcher-py', '下任堡', { callerPhone: phone });
    const ours = await callAt('dispatcher', '义棠', { callerPhone: phone });
    expect((await api['dispatcher-py']!.call('getIncidentRegister', { params: { id: theirs.id } })).matches.length).toBeGreaterThan(0);
    await other(api.dispatcher!.call('getIncidentRegister', { params: { id: theirs.id } }));
    expect((await api.province!.call('getIncidentRegister', { params: { id: theirs.id } })).matches.length).toBeGreaterThan(0);

    // Closed without a vehicle: the family doctor's follow-up is its centre's supervisor's to read and mark.
    await api['dispatcher-py']!.call('closeIncident', { params: { id: theirs.id } });
    await api.dispatcher!.call('closeIncident', { params: { id: ours.id } });
    const followUps = async (who: string) => (await api[who]!.call('listRegisterFollowUps', { query: { limit: 500 } })).map((f) => f.incidentId);
    expect(await followUps('supervisor')).toContain(ours.id);
    expect(await followUps('supervisor')).not.toContain(theirs.id);
    expect(await followUps('province')).toEqual(expect.arrayContaining([ours.id, theirs.id]));
    const theirFollowUp = (await api.province!.call('listRegisterFollowUps', { query: { limit: 500 } })).find((f) => f.incidentId === theirs.id)!;
    await other(api.supervisor!.call('markRegisterFollowUpsSent', { body: { ids: [theirFollowUp.id] } }));
    expect((await api.province!.call('markRegisterFollowUpsSent', { body: { ids: [theirFollowUp.id] } })).sent).toEqual([theirFollowUp.id]);
  });
});
