import { randomUUID } from 'node:crypto';
import { DEFAULT_CENTRE_ID } from '@dispatch/protocol';
import { describe, expect, it } from 'vitest';
import { openSocket, refusal } from '../support/api';
import { centresSuite } from '../support/demoSuite';

/**
 * Several dispatch centres in one database (issue 15): the demo county (Jiexiu) and its neighbour (Pingyao), each
 * dispatcher scoped to its own centre, cross-centre help as an explicit, audited action, a province supervisor of both.
 */
describe('dispatch centres: each dispatcher in its own, help across on purpose, the province sees all', () => {
  const suite = centresSuite('dispatcher', 'supervisor', 'dispatcher-py', 'province', 'admin');
  const { server, tokens, api } = suite;

  const place = async (name: string) => (await api.dispatcher!.call('searchPlaces', { query: { q: name } })).find((p) => p.name.startsWith(name))!;
  const callAt = async (who: string, name: string, category: 'chest_pain' | 'trauma' = 'trauma') => {
    const p = await place(name);
    return api[who]!.call('createIncident', { body: { location: { lon: p.lon, lat: p.lat }, category, priority: 2 } });
  };

  it('names both centres, and a login knows its own (none for the province supervisor)', async () => {
    const centres = await api.dispatcher!.call('listCentres', {});
    expect(centres.map((c) => c.code).sort()).toEqual(['JX', 'PY']);
    expect((await api.dispatcher!.call('me', {})).centreId).toBe(DEFAULT_CENTRE_ID);
    expect((await api['dispatcher-py']!.call('me', {})).centreId).toBe(suite.pingyao);
    expect((await api.province!.call('me', {})).centreId).toBeNull();
  });

  it("keeps a dispatcher to its centre's incidents, vehicles and hospitals (403 other_centre), and the province supervisor sees both", async () => {
    const theirs = await callAt('dispatcher-py', '下任堡');
    expect(theirs.centreId).toBe(suite.pingyao);
    const ours = await callAt('dispatcher', '义棠');
    expect(ours.centreId).toBe(DEFAULT_CENTRE_ID);

    const jx = api.dispatcher!;
    expect((await jx.call('listIncidents', {})).map((i) => i.id)).not.toContain(theirs.id);
    for (const attempt of [
      () => jx.call('getIncident', { params: { id: theirs.id } }),
      () => jx.call('getTimeline', { params: { id: theirs.id } }),
      () => jx.call('getRecommendations', { params: { id: theirs.id } }),
      () => jx.call('cancelIncident', { params: { id: theirs.id }, body: { reason: 'not ours' } }),
      () => jx.call('closeIncident', { params: { id: theirs.id } }),
    ]) {
      const refused = await refusal(attempt());
      expect(refused.status).toBe(403);
      expect(refused.code).toBe('other_centre');
    }
    const jxVehicles = await jx.call('listVehicles', {});
    const pyVehicles = await api['dispatcher-py']!.call('listVehicles', {});
    expect(jxVehicles.some((v) => v.callSign.startsWith('平遥'))).toBe(false);
    expect(pyVehicles.map((v) => v.callSign).sort()).toEqual(['平遥120-01', '平遥120-02', '平遥120-03', '平遥120-04']);
    expect((await refusal(jx.call('getVehicle', { params: { id: pyVehicles[0]!.id } }))).code).toBe('other_centre');
    const pyHospital = (await api['dispatcher-py']!.call('listHospitals', {})).find((h) => h.code === 'PY-ZXYY')!;
    expect((await jx.call('listHospitals', {})).some((h) => h.code === 'PY-ZXYY')).toBe(false);
    expect((await refusal(jx.call('getHospital', { params: { id: pyHospital.id } }))).code).toBe('other_centre');
    expect((await refusal(jx.call('setHospitalLoad', { params: { id: pyHospital.id }, body: { loadStatus: 'red' } }))).code).toBe('other_centre');
    // The alerts of a call are its centre's too.
    expect((await jx.call('listAlerts', {})).map((a) => a.incidentId)).not.toContain(theirs.id);
    expect((await api['dispatcher-py']!.call('listAlerts', {})).map((a) => a.incidentId)).toContain(theirs.id);
    // Pingyao's task on its call is Pingyao's: Jiexiu may neither read nor withdraw it.
    const pyRec = await api['dispatcher-py']!.call('getRecommendations', { params: { id: theirs.id } });
    const pyTask = await api['dispatcher-py']!.call('assignVehicle', { params: { id: theirs.id }, body: { vehicleId: pyRec.candidates[0]!.vehicleId } });
    expect((await refusal(jx.call('getAssignment', { params: { id: pyTask.assignment.id } }))).code).toBe('other_centre');
    expect((await refusal(jx.call('cancelAssignment', { params: { id: pyTask.assignment.id }, body: { reason: 'not ours' } }))).code).toBe('other_centre');
    // The Jiexiu supervisor is of Jiexiu too; the province supervisor and the administrator reach every centre.
    expect((await api.supervisor!.call('listIncidents', {})).map((i) => i.id)).not.toContain(theirs.id);
    const provinceIncidents = (await api.province!.call('listIncidents', {})).map((i) => i.id);
    expect(provinceIncidents).toEqual(expect.arrayContaining([theirs.id, ours.id]));
    expect((await api.province!.call('listVehicles', {})).length).toBe(jxVehicles.length + 4);
    expect((await api.province!.call('getIncident', { params: { id: theirs.id } })).id).toBe(theirs.id);
  });

  it("ranks only the incident's centre's vehicles and lists the other centres' nearest free ones as help", async () => {
    const incident = await callAt('dispatcher', '中王庄', 'chest_pain');
    const rec = await api.dispatcher!.call('getRecommendations', { params: { id: incident.id } });
    expect(rec.candidates.length).toBeGreaterThan(0);
    expect(rec.candidates.every((c) => !c.callSign.startsWith('平遥'))).toBe(true);
    expect(rec.excluded.every((e) => !e.callSign.startsWith('平遥'))).toBe(true);
    expect(rec.responsibleStation?.code).toMatch(/^JX-/);
    expect(rec.hospitalOptions.every((h) => h.name !== '平遥县中心医院东院')).toBe(true);
    const help = rec.crossCentre ?? [];
    expect(help.length).toBeGreaterThan(0);
    expect(help.every((c) => c.centreId === suite.pingyao && c.centreName === '平遥县120急救指挥中心' && c.callSign.startsWith('平遥'))).toBe(true);
    expect(help.map((c) => c.etaSeconds)).toEqual([...help.map((c) => c.etaSeconds)].sort((a, b) => a - b));
    // Near the border, the neighbour's vehicle is nearer than any of the county's own.
    expect(help[0]!.etaSeconds).toBeLessThan(rec.candidates[0]!.etaSeconds);
  });

  it('refuses another centre’s vehicle without crossCentreHelp (409 naming the field), sends it with a reason, audits it and tells both centres', async () => {
    const jxSocket = await openSocket(server.baseUrl, tokens.dispatcher!);
    const pySocket = await openSocket(server.baseUrl, tokens['dispatcher-py']!);
    const provinceSocket = await openSocket(server.baseUrl, tokens.province!);
    try {
      const incident = await callAt('dispatcher', '中王庄', 'chest_pain');
      const rec = await api.dispatcher!.call('getRecommendations', { params: { id: incident.id } });
      const helper = rec.crossCentre![0]!;

      const refused = await refusal(api.dispatcher!.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: helper.vehicleId } }));
      expect(refused.status).toBe(409);
      expect(refused.code).toBe('cross_centre_unconfirmed');
      expect(refused.message).toMatch(/^crossCentreHelp: /);
      const tasks = async () => (await server.database.db.query('SELECT count(*)::int AS n FROM assignments WHERE incident_id = $1', [incident.id])).rows[0].n;
      expect(await tasks()).toBe(0);
      // A reason that is only blanks is no reason.
      const blank = await refusal(api.dispatcher!.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: helper.vehicleId, crossCentreHelp: { reason: '  ' } } }));
      expect(blank.status).toBe(400);

      const reason = '本县车辆均距现场 20 分钟以上';
      const offer = await api.dispatcher!.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: helper.vehicleId, crossCentreHelp: { reason } } });
      expect(offer.assignment).toMatchObject({ centreId: DEFAULT_CENTRE_ID, helpFromCentreId: suite.pingyao, helpReason: reason });

      const audit = await api.supervisor!.call('audit', { query: { entityType: 'incident', entityId: incident.id } });
      expect(audit.find((e) => e.action === 'assignment.crossCentreHelp')?.details).toMatchObject({
        vehicleId: helper.vehicleId, callSign: helper.callSign, fromCentreId: suite.pingyao, incidentCentreId: DEFAULT_CENTRE_ID, reason,
      });

      // Both centres follow the task, and the province too.
      const forTask = (a: { id: string }) => a.id === offer.assignment.id;
      for (const socket of [jxSocket, pySocket, provinceSocket]) await socket.waitFor('assignment.updated', forTask);
      const seenByPingyao = await pySocket.waitFor('incident.updated', (i) => i.id === incident.id);
      expect(seenByPingyao.assignments[0].helpFromCentreId).toBe(suite.pingyao);
      // Pingyao reads the incident its vehicle helps on, lists it, and may not cancel it.
      expect((await api['dispatcher-py']!.call('getIncident', { params: { id: incident.id } })).id).toBe(incident.id);
      expect((await api['dispatcher-py']!.call('listIncidents', {})).map((i) => i.id)).toContain(incident.id);
      expect((await refusal(api['dispatcher-py']!.call('cancelIncident', { params: { id: incident.id }, body: { reason: 'x' } }))).code).toBe('other_centre');
      // Pingyao never heard of the call itself before the help.
      expect(pySocket.received.some((r) => r.event === 'incident.created' && r.payload.id === incident.id)).toBe(false);
    } finally {
      jxSocket.close();
      pySocket.close();
      provinceSocket.close();
    }
  });

  it("keeps each centre's calls in its own room: neither centre hears the other's, the province room hears both", async () => {
    const jxSocket = await openSocket(server.baseUrl, tokens.dispatcher!);
    const pySocket = await openSocket(server.baseUrl, tokens['dispatcher-py']!);
    const provinceSocket = await openSocket(server.baseUrl, tokens.province!);
    try {
      const ours = await callAt('dispatcher', '义棠');
      const theirs = await callAt('dispatcher-py', '下任堡');
      // Events reach a socket in the order they were sent: once the later one is in, the earlier one would be too.
      await pySocket.waitFor('incident.created', (i) => i.id === theirs.id);
      expect(pySocket.received.some((r) => r.payload?.id === ours.id || r.payload?.incidentId === ours.id)).toBe(false);
      const ours2 = await callAt('dispatcher', '义棠');
      await jxSocket.waitFor('incident.created', (i) => i.id === ours2.id);
      expect(jxSocket.received.some((r) => r.payload?.id === theirs.id || r.payload?.incidentId === theirs.id)).toBe(false);
      await provinceSocket.waitFor('incident.created', (i) => i.id === ours.id);
      await provinceSocket.waitFor('incident.created', (i) => i.id === theirs.id);
    } finally {
      jxSocket.close();
      pySocket.close();
      provinceSocket.close();
    }
  });

  it("keeps the records of a centre's calls to it: the supervisor's search, the route driven, eTimes and EIDO", async () => {
    const theirs = await callAt('dispatcher-py', '下任堡');
    const ours = await callAt('dispatcher', '义棠');
    const window = { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString(), pageSize: 100 };
    const found = async (who: string) => (await api[who]!.call('searchIncidents', { query: window })).items.map((i) => i.id);
    expect(await found('supervisor')).toContain(ours.id);
    expect(await found('supervisor')).not.toContain(theirs.id);
    expect(await found('province')).toEqual(expect.arrayContaining([ours.id, theirs.id]));
    for (const attempt of [
      () => api.supervisor!.call('getIncidentTrack', { params: { id: theirs.id } }),
      () => api.supervisor!.call('getEtimes', { params: { id: theirs.id } }),
      () => api.supervisor!.call('getEido', { params: { id: theirs.id } }),
    ]) {
      expect((await refusal(attempt())).code).toBe('other_centre');
    }
    expect((await api.province!.call('getIncidentTrack', { params: { id: theirs.id } })).incidentId).toBe(theirs.id);

    // The quality report counts its reader's centre's calls; the province's counts every centre's.
    const counted = { from: window.from, to: window.to };
    const calls = async (centreId: string | null) =>
      (await server.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents WHERE call_received_at >= $1 AND call_received_at < $2 AND ($3::uuid IS NULL OR centre_id = $3) AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.incident_id = incidents.id)', [counted.from, counted.to, centreId])).rows[0]!.n;
    expect((await api.supervisor!.call('qualityReport', { query: counted })).calls).toBe(await calls(DEFAULT_CENTRE_ID));
    expect((await api.province!.call('qualityReport', { query: counted })).calls).toBe(await calls(null));
    expect(await calls(null)).toBeGreaterThan(await calls(DEFAULT_CENTRE_ID));
  });

  it("keeps a patient's consultation to the staff of its centre (and the province): another centre neither reads it nor hears it", async () => {
    const jxSocket = await openSocket(server.baseUrl, tokens.dispatcher!);
    const pySocket = await openSocket(server.baseUrl, tokens['dispatcher-py']!);
    const provinceSocket = await openSocket(server.baseUrl, tokens.province!);
    try {
      // A task of Pingyao's still going (the tests above sent its ambulances).
      const live = await server.database.db.query<{ id: string }>(
        'SELECT a.id FROM assignments a JOIN incidents i ON i.id = a.incident_id WHERE i.centre_id = $1 AND a.ended_at IS NULL AND a.help_from_centre_id IS NULL LIMIT 1',
        [suite.pingyao],
      );
      const task = { assignment: { id: live.rows[0]!.id } };
      const entry = await api['dispatcher-py']!.call('sendConsultationText', { params: { id: task.assignment.id }, body: { entryId: randomUUID(), text: '胸痛 30 分钟' } });
      await pySocket.waitFor('consultation.posted', (e) => e.id === entry.id);
      await provinceSocket.waitFor('consultation.posted', (e) => e.id === entry.id);
      expect((await api.province!.call('getConsultation', { params: { id: task.assignment.id } })).entries.map((e) => e.id)).toContain(entry.id);
      expect((await refusal(api.dispatcher!.call('getConsultation', { params: { id: task.assignment.id } }))).code).toBe('other_centre');
      // Jiexiu's own call after it: once Jiexiu hears that, it would have heard Pingyao's entry too.
      const ours = await callAt('dispatcher', '义棠');
      await jxSocket.waitFor('incident.created', (i) => i.id === ours.id);
      expect(jxSocket.received.some((r) => r.event === 'consultation.posted')).toBe(false);
    } finally {
      jxSocket.close();
      pySocket.close();
      provinceSocket.close();
    }
  });
});
