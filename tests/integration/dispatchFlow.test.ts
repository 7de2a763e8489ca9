import type { CandidateDto, CreateIncidentRequest, TaskStatus } from '@dispatch/protocol';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dispatchFirst, openSocket, refusal } from '../support/api';
import { expectRefusal } from '../support/expectations';
import { demoSuite } from '../support/demoSuite';

const iso = (msFromNow = 0) => new Date(Date.now() + msFromNow).toISOString();

describe('a call from intake to handover, through HTTP and real sockets', () => {
  const { server, clients: [dispatcher], tokens } = demoSuite({}, 'dispatcher');
  const village = async (name: string) => (await dispatcher.call('searchPlaces', { query: { q: name } }))[0]!;

  async function crewOf(callSign: string) {
    const crew = server.logins.crews.find((c) => c.callSign === callSign)!;
    return server.as(crew.username);
  }

  it('takes a call by place name and derives the required capabilities from the category', async () => {
    const res = await dispatcher.call('createIncident', { body: { placeName: '张兰', category: 'chest_pain', priority: 1, priorityGroups: ['elderly'] } });
    expect(res).toMatchObject({
      status: 'open',
      placeName: '张兰镇',
      requiredVehicleCapabilities: ['als'],
      requiredHospitalCapabilities: ['pci'],
    });
  });

  it('rejects a call with bad coordinates or an unknown place, storing nothing', async () => {
    const before = (await server.database.db.query('SELECT count(*)::int AS n FROM incidents')).rows[0].n;
    await expectRefusal(dispatcher.call('createIncident', { body: { location: { lon: 200, lat: 37 }, category: 'trauma', priority: 2 } }), 400, /^location\.lon:/);
    await expectRefusal(dispatcher.call('createIncident', { body: { placeName: '不存在的地方', category: 'trauma', priority: 2 } }), 400, /^placeName:/);
    const noCategory = await refusal(dispatcher.call('createIncident', { body: { location: { lon: 111.9, lat: 37.0 }, priority: 2 } as CreateIncidentRequest }));
    expect(noCategory.message).toMatch(/^category:/);
    expect((await server.database.db.query('SELECT count(*)::int AS n FROM incidents')).rows[0].n).toBe(before);
  });

  it('creates one incident for concurrent retries with the same idempotency key', async () => {
    const key = `call-${randomUUID()}`;
    const call: CreateIncidentRequest = { location: { lon: 111.92, lat: 37.03 }, category: 'trauma', priority: 2 };
    const answers = await Promise.all(Array.from({ length: 5 }, () => dispatcher.send('createIncident', { body: call }, { 'Idempotency-Key': key })));
    expect(new Set(answers.map((a) => (a.body as { id: string }).id)).size).toBe(1);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
    const stored = await server.database.db.query('SELECT count(*)::int AS n FROM incidents WHERE idempotency_key = $1', [key]);
    expect(stored.rows[0].n).toBe(1);
  });

  it('pushes a recommendation to a connected console right after the call is created', async () => {
    const console1 = await openSocket(server.baseUrl, tokens.dispatcher);
    const created = await dispatcher.call('createIncident', { body: { placeName: '义棠', category: 'stroke', priority: 1 } });
    const pushed = await console1.waitFor('recommendation.computed', (r) => r.incidentId === created.id);
    expect(pushed.candidates.length).toBeGreaterThan(0);
    console1.close();
  });

  it('ranks by road time: excludes by capability, names the responsible station and proposes a PCI hospital', async () => {
    const place = await village('张兰');
    const incident = await dispatcher.call('createIncident', { body: { location: { lon: place.lon, lat: place.lat }, category: 'chest_pain', priority: 1 } });
    const rec = await dispatcher.call('getRecommendations', { params: { id: incident.id } });
    expect(rec.responsibleStation?.code).toBe('JX-ZL');
    expect(rec.candidates.length).toBeGreaterThan(3);
    for (const c of rec.candidates) expect(c.capabilities).toContain('als');
    // By ETA, except the scarce vehicles this call does not need, which follow (saferRecommendations tests them).
    const etas = rec.candidates.filter((c) => !c.reserve?.heldBack).map((c) => c.etaSeconds);
    expect(etas).toEqual([...etas].sort((a, b) => a - b));
    // Zhanglan's own ALS ambulances are nearest; the centre's are ~17 km away by road.
    expect(rec.candidates[0]!.etaSeconds).toBeLessThan(120);
    expect(rec.candidates.at(-1)!.etaSeconds).toBeGreaterThan(600);
    expect(rec.excluded.find((e: any) => e.callSign === '介休120-08')).toMatchObject({ reason: 'missing_capability', detail: 'lacks als' });
    // The Zhanglan ALS ambulances are as near as each other; special vehicles never lead a plain call.
    expect(rec.candidates[0]!.kind).toBe('negative_pressure_ambulance');
    expect(rec.proposedHospital?.capabilities).toContain('pci');
    expect(rec.computeMs).toBeLessThan(5000);
  });

  it('skips a red hospital for the proposal when an open one is reachable', async () => {
    const hospitals = await dispatcher.call('listHospitals');
    const pciHospitals = hospitals.filter((h: any) => h.capabilities.includes('pci'));
    const incident = await dispatcher.call('createIncident', { body: { location: { lon: 111.913, lat: 37.027 }, category: 'chest_pain', priority: 1 } });
    const before = await dispatcher.call('getRecommendations', { params: { id: incident.id } });
    const nearest = before.proposedHospital!;
    await dispatcher.call('setHospitalLoad', { params: { id: nearest.hospitalId }, body: { loadStatus: 'red' } });
    const after = await dispatcher.call('getRecommendations', { params: { id: incident.id } });
    if (pciHospitals.length > 1) expect(after.proposedHospital?.hospitalId).not.toBe(nearest.hospitalId);
    expect(after.hospitalOptions.find((h) => h.hospitalId === nearest.hospitalId)!.skippedBecause ?? 'proposed').toMatch(/load_red|proposed/);
    await dispatcher.call('setHospitalLoad', { params: { id: nearest.hospitalId }, body: { loadStatus: 'blue' } });
  });

  it('lets one of two racing dispatchers have a vehicle and answers the other 409, enforced by the database', async () => {
    const vehicle = (await dispatcher.call('listVehicles')).find((v) => v.callSign === '介休120-20')!;
    const a = await dispatcher.call('createIncident', { body: { location: { lon: 111.85, lat: 36.98 }, category: 'trauma', priority: 2 } });
    const b = await dispatcher.call('createIncident', { body: { location: { lon: 111.86, lat: 36.99 }, category: 'trauma', priority: 2 } });
    const { api: second } = await server.as('supervisor');
    const [ra, rb] = await Promise.all([
      dispatcher.send('assignVehicle', { params: { id: a.id }, body: { vehicleId: vehicle.id } }),
      second.send('assignVehicle', { params: { id: b.id }, body: { vehicleId: vehicle.id } }),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([201, 409]);
    expect([ra, rb].find((r) => r.status === 409)!.body).toMatchObject({ error: expect.stringMatching(/already on (another incident|incident #\d+)/) });
    const live = await server.database.db.query('SELECT count(*)::int AS n FROM assignments WHERE vehicle_id = $1 AND ended_at IS NULL', [vehicle.id]);
    expect(live.rows[0].n).toBe(1);
    // The index itself refuses a second live assignment, whatever the code does.
    await expect(
      server.database.db.query("INSERT INTO assignments (incident_id, vehicle_id) VALUES ($1, $2)", [a.id, vehicle.id]),
    ).rejects.toThrowError(/assignments_one_active_per_vehicle/);
  });

  it('walks the lifecycle: route to the crew, status steps, notice to the hospital, FHIR export, close', async () => {
    const place = await village('张兰');
    const incident = await dispatcher.call('createIncident', {
      body: {
        location: { lon: place.lon + 0.004, lat: place.lat + 0.002 },
        category: 'chest_pain',
        priority: 1,
        patientSummary: '男 68岁 胸痛1小时 大汗',
        callerPhone: '13800000000',
        priorityGroups: ['elderly', 'chronic'],
      },
    });
    const rec = await dispatcher.call('getRecommendations', { params: { id: incident.id } });
    const pick = rec.candidates[0]!;
    const crew = await crewOf(pick.callSign);
    const otherCrew = await crewOf(rec.candidates[1]!.callSign);
    const crewSocket = await openSocket(server.baseUrl, crew.token);
    const otherSocket = await openSocket(server.baseUrl, otherCrew.token);
    const hospitalUser = server.logins.hospitals.find((h) => h.name === rec.proposedHospital!.name)!;
    const hospital = await server.as(hospitalUser.username);
    const hospitalSocket = await openSocket(server.baseUrl, hospital.token);
    const otherHospital = await server.as(server.logins.hospitals.find((h) => h.name !== rec.proposedHospital!.name)!.username);
    const otherHospitalSocket = await openSocket(server.baseUrl, otherHospital.token);

    await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: pick.vehicleId } });
    const offer = await crewSocket.waitFor('assignment.offered');
    expect(offer.incident).toMatchObject({ id: incident.id, patientSummary: '男 68岁 胸痛1小时 大汗' });
    expect(offer.incident).not.toHaveProperty('callerPhone');
    expect(offer.route.geometry.coordinates.length).toBeGreaterThan(1);
    expect(offer.route.steps.at(-1).maneuver).toBe('arrive');
    expect(offer.destinationHospital.name).toBe(rec.proposedHospital!.name);
    const assignmentId = offer.assignment.id;

    // Another crew cannot read or drive this task.
    expect((await otherCrew.api.send('getAssignment', { params: { id: assignmentId } })).status).toBe(403);
    expect((await otherCrew.api.send('getVehicleAssignment', { params: { id: pick.vehicleId } })).status).toBe(403);
    const foreign = await otherCrew.api.send('reportStatus', { params: { id: assignmentId }, body: { eventId: randomUUID(), status: 'acknowledged', deviceTime: iso() } });
    expect(foreign.status).toBe(403);
    expect(otherSocket.received.some((r) => r.event === 'assignment.offered')).toBe(false);

    const step = (status: string, deviceTime = iso(), eventId = randomUUID()) =>
      new Promise<any>((resolve) => crewSocket.socket.emit('status.reported', { assignmentId, eventId, status, deviceTime }, resolve));

    const ack = await step('acknowledged');
    expect(ack).toMatchObject({ ok: true, applied: true });
    expect(await server.app.ctx.timers.dueAt('ackTimeout', assignmentId)).toBeNull();
    const enRouteId = randomUUID();
    expect(await step('en_route', iso(), enRouteId)).toMatchObject({ ok: true, applied: true });
    // A replay of the same event (lost acknowledgement) changes nothing.
    expect(await step('en_route', iso(5000), enRouteId)).toMatchObject({ ok: true, applied: false });
    // Transport before reaching the scene is refused, and nothing is stored.
    const illegal = await step('transporting');
    expect(illegal).toMatchObject({ ok: false, status: 409 });
    expect(illegal.error).toMatch(/before on_scene/);
    expect(await step('on_scene')).toMatchObject({ ok: true, applied: true });
    await crew.api.call('recordVitals', { params: { id: assignmentId }, body: { heartRate: 112, systolicBp: 92, diastolicBp: 60, spo2: 93, measuredAt: iso() } });
    expect(await step('transporting')).toMatchObject({ ok: true, applied: true });

    const notice = await hospitalSocket.waitFor('notice.sent');
    expect(notice).toMatchObject({ incidentId: incident.id, status: 'sent', patientSummary: '男 68岁 胸痛1小时 大汗', priorityGroups: ['elderly', 'chronic'] });
    expect(notice).not.toHaveProperty('callerPhone');
    expect(Date.parse(notice.etaAt)).toBeGreaterThan(Date.now());
    expect(otherHospitalSocket.received.some((r) => r.event.startsWith('notice.'))).toBe(false);
    expect((await otherHospital.api.send('getNotice', { params: { id: notice.id } })).status).toBe(403);
    expect((await otherHospital.api.send('acknowledgeNotice', { params: { id: notice.id } })).status).toBe(403);
    expect(await otherHospital.api.call('listNotices')).toEqual([]);

    const acked = await hospital.api.call('acknowledgeNotice', { params: { id: notice.id } });
    expect(acked.status).toBe('acknowledged');
    expect(await server.app.ctx.timers.dueAt('noticeEscalation', notice.id)).toBeNull();

    const fhir = await hospital.api.call('getNoticeFhir', { params: { id: notice.id } });
    expect(fhir).toMatchObject({ resourceType: 'Bundle', type: 'message' });
    const types = fhir.entry.map((e: any) => e.resource.resourceType);
    expect(types.slice(0, 4)).toEqual(['MessageHeader', 'Patient', 'Encounter', 'Location']);
    const encounter = fhir.entry[2]!.resource;
    expect(encounter).toMatchObject({ status: 'planned', class: { code: 'EMER' } });
    const loinc = fhir.entry.filter((e: any) => e.resource.resourceType === 'Observation').map((e: any) => e.resource.code.coding[0].code);
    expect(loinc.sort()).toEqual(['59408-5', '8462-4', '8480-6', '8867-4']);
    expect(JSON.stringify(fhir)).not.toContain('13800000000');

    for (const status of ['at_hospital', 'handover', 'back_in_service']) expect(await step(status)).toMatchObject({ ok: true, applied: true });
    const closed = await dispatcher.call('getIncident', { params: { id: incident.id } });
    expect(closed.status).toBe('closed');
    expect((await dispatcher.call('getVehicle', { params: { id: pick.vehicleId } })).state).toBe('returning');
    expect(await step('back_at_base')).toMatchObject({ ok: true, applied: true });
    expect((await dispatcher.call('getVehicle', { params: { id: pick.vehicleId } })).state).toBe('available');

    const timeline = await dispatcher.call('getTimeline', { params: { id: incident.id } });
    expect(timeline.map((e: any) => e.status)).toEqual([
      'call_received', 'dispatched', 'acknowledged', 'en_route', 'on_scene', 'transporting', 'at_hospital', 'handover', 'back_in_service', 'back_at_base',
    ]);
    expect(timeline[2]).toMatchObject({ source: 'tablet', actor: crew.api ? expect.any(String) : null });
    for (const s of [crewSocket, otherSocket, hospitalSocket, otherHospitalSocket]) s.close();
  });

  it('keeps a late offline report as record without moving the task back', async () => {
    const { pick, offer } = await dispatchFirst(dispatcher, { location: { lon: 111.9, lat: 37.02 }, category: 'other', priority: 3 });
    const crew = await crewOf(pick.callSign);
    const id = offer.assignment.id;
    const report = (status: TaskStatus, deviceTime: string) => crew.api.send('reportStatus', { params: { id }, body: { eventId: randomUUID(), status, deviceTime } });
    const enRouteAt = iso(-60_000);
    expect((await report('on_scene', iso(-1_000))).status).toBe(200);
    // en_route was tapped a minute before on_scene, on a tablet that was offline, and arrives only now.
    const late = await report('en_route', enRouteAt);
    expect(late).toMatchObject({ status: 202, body: { assignment: { status: 'on_scene', timestamps: { en_route: enRouteAt } } } });
    // A step the task is already past is history, whatever its device time.
    expect((await report('en_route', iso())).status).toBe(202);
    // A device clock an hour fast cannot stamp a step more than 10 minutes past the moment it reached the server.
    const future = await crew.api.call('reportStatus', { params: { id }, body: { eventId: randomUUID(), status: 'at_patient', deviceTime: iso(3_600_000) } });
    expect(Date.parse(future.assignment.timestamps.at_patient!)).toBeLessThanOrEqual(Date.now() + 600_000);
    await dispatcher.call('cancelAssignment', { params: { id }, body: { reason: 'test over' } });
  });

  it('cancels an assignment to re-assign, then cancels the incident, releasing every vehicle', async () => {
    const incident = await dispatcher.call('createIncident', { body: { location: { lon: 111.93, lat: 37.04 }, category: 'trauma', priority: 2 } });
    const rec = await dispatcher.call('getRecommendations', { params: { id: incident.id } });
    const [first, second] = rec.candidates as [CandidateDto, CandidateDto];
    const crew = await crewOf(first.callSign);
    const crewSocket = await openSocket(server.baseUrl, crew.token);
    const offer = await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: first.vehicleId } });
    const reopened = await dispatcher.call('cancelAssignment', { params: { id: offer.assignment.id }, body: { reason: '改派' } });
    expect(reopened.status).toBe('open');
    expect((await crewSocket.waitFor('assignment.withdrawn')).reason).toBe('改派');
    expect((await dispatcher.call('getVehicle', { params: { id: first.vehicleId } })).state).toBe('available');
    await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: second.vehicleId } });
    const cancelled = await dispatcher.call('cancelIncident', { params: { id: incident.id }, body: { reason: '重复报警' } });
    expect(cancelled.status).toBe('cancelled');
    expect((await dispatcher.call('getVehicle', { params: { id: second.vehicleId } })).state).toBe('available');
    expect((await dispatcher.send('assignVehicle', { params: { id: incident.id }, body: { vehicleId: first.vehicleId } })).status).toBe(409);
    expect((await dispatcher.send('cancelIncident', { params: { id: incident.id }, body: {} as { reason: string } })).status).toBe(400);
    const audit = await (await server.as('supervisor')).api.call('audit', { query: { entityType: 'incident', entityId: incident.id } });
    expect(audit.map((a: any) => a.action)).toEqual(['incident.cancelled', 'assignment.created', 'assignment.cancelled', 'assignment.created', 'incident.created']);
    crewSocket.close();
  });

  it('measures a vehicle with a stale fix from its home station and flags it', async () => {
    const vehicles = await dispatcher.call('listVehicles');
    const vehicle = vehicles.find((v) => v.callSign === '介休120-01')!;
    // Its last fix is an hour old and far away: the ranking must not trust it.
    await server.database.db.query(
      "UPDATE vehicle_positions_latest SET location = ST_SetSRID(ST_MakePoint(112.15, 37.17), 4326), device_time = now() - interval '1 hour' WHERE vehicle_id = $1",
      [vehicle.id],
    );
    // A direct edit announces nothing: the fleet state's reconciliation reads it (periodically; here at once).
    await server.app.ctx.fleet.reconcile();
    const incident = await dispatcher.call('createIncident', { body: { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 } });
    const rec = await dispatcher.call('getRecommendations', { params: { id: incident.id } });
    const candidate = rec.candidates.find((c) => c.vehicleId === vehicle.id)!;
    expect(candidate).toMatchObject({ positionSource: 'station', stale: true });
    expect(candidate.positionAgeSeconds).toBeGreaterThanOrEqual(3600);
    expect(candidate.etaSeconds).toBeLessThan(600);
  });

  it('reports a vehicle whose position is off the road network as unreachable, with the reason', async () => {
    const vehicle = (await dispatcher.call('listVehicles')).find((v) => v.callSign === '介休120-02')!;
    await server.database.db.query(
      'UPDATE vehicle_positions_latest SET location = ST_SetSRID(ST_MakePoint(112.3, 37.4), 4326), device_time = now() WHERE vehicle_id = $1',
      [vehicle.id],
    );
    await server.app.ctx.fleet.reconcile();
    const incident = await dispatcher.call('createIncident', { body: { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 } });
    const rec = await dispatcher.call('getRecommendations', { params: { id: incident.id } });
    expect(rec.excluded.find((e: any) => e.vehicleId === vehicle.id)).toMatchObject({ reason: 'unreachable', detail: 'position is too far from any road' });
  });

  it('updates the hospital notice ETA live as the vehicle approaches', async () => {
    const { pick, offer } = await dispatchFirst(dispatcher, { placeName: '义棠', category: 'chest_pain', priority: 1 });
    const hospitalLogin = server.logins.hospitals.find((h) => h.name === offer.destinationHospital!.name)!;
    const hospital = await server.as(hospitalLogin.username);
    const hospitalSocket = await openSocket(server.baseUrl, hospital.token);
    const notice = await dispatcher.call('sendNotice', { params: { id: offer.assignment.id } });
    const crew = await crewOf(pick.callSign);
    const crewSocket = await openSocket(server.baseUrl, crew.token);
    // The crew drives to within a few hundred metres of the hospital.
    const near = offer.destinationHospital!.location;
    const stored = await new Promise<any>((resolve) =>
      crewSocket.socket.emit('positions.reported', [{ lon: near.lon + 0.002, lat: near.lat, deviceTime: iso(), speedMps: 12 }], resolve),
    );
    expect(stored).toEqual({ ok: true, stored: 1 });
    const { refreshNoticeEtas } = await import('@dispatch/server/notices/notices');
    expect(await refreshNoticeEtas(server.app.ctx)).toBeGreaterThanOrEqual(1);
    const updated = await hospitalSocket.waitFor('notice.updated', (n) => n.id === notice.id && n.etaAt !== notice.etaAt);
    expect(Date.parse(updated.etaAt)).toBeLessThan(Date.parse(notice.etaAt!));
    expect(Date.parse(updated.etaAt) - Date.now()).toBeLessThan(120_000);
    // A hospital or dispatcher socket cannot report positions.
    const refused = await new Promise<any>((resolve) => hospitalSocket.socket.emit('positions.reported', [{ lon: 111.9, lat: 37, deviceTime: iso() }], resolve));
    expect(refused).toMatchObject({ ok: false, status: 403 });
    crewSocket.close();
    hospitalSocket.close();
  });

  it('queues a call when no suitable vehicle is free and proposes the next best busy one', async () => {
    const incident = await dispatcher.call('createIncident', { body: { location: { lon: 111.91, lat: 37.02 }, category: 'newborn_transfer', priority: 2 } });
    const rec = await dispatcher.call('getRecommendations', { params: { id: incident.id } });
    const neonatal = rec.candidates[0]!;
    expect(neonatal.callSign).toBe('介休新生儿-01');
    await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: neonatal.vehicleId } });
    const second = await dispatcher.call('createIncident', { body: { location: { lon: 111.92, lat: 37.03 }, category: 'newborn_transfer', priority: 2 } });
    const queued = await dispatcher.call('getRecommendations', { params: { id: second.id } });
    expect(queued.queued).toBe(true);
    expect(queued.candidates).toEqual([]);
    expect(queued.nextBest).toMatchObject({ callSign: '介休新生儿-01', taskStatus: 'dispatched', incidentNumber: incident.number });
    // What the English detail says, as fields the consoles word in their language.
    expect(queued.nextBest!.detail).toBe(`dispatched on incident #${incident.number}; ${Math.round(queued.nextBest!.etaSeconds! / 60)} min from here`);
    expect(queued.responsibleStation).not.toBeNull();
    expect((await dispatcher.call('getIncident', { params: { id: second.id } })).status).toBe('queued');
  });
});
