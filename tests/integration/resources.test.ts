import type { VehicleDto } from '@dispatch/protocol';
import { describe, expect, it } from 'vitest';
import { apiClient } from '../support/api';
import { expectRefusal } from '../support/expectations';
import { demoSuite } from '../support/demoSuite';
import { loginAs } from '../support/server';

describe('fleet, stations, hospitals, crews and users over REST', () => {
  const { server, clients: [admin, dispatcher, supervisor] } = demoSuite({}, 'admin', 'dispatcher', 'supervisor');

  it('seeds the reference county: a centre, two substations, 24 vehicles of the four kinds', async () => {
    const stations = await dispatcher.call('listStations');
    expect(stations.filter((s) => s.kind === 'centre')).toHaveLength(1);
    expect(stations.filter((s) => s.kind === 'substation').length).toBeGreaterThanOrEqual(2);
    const vehicles = await dispatcher.call('listVehicles');
    expect(vehicles).toHaveLength(24);
    const kinds = vehicles.reduce((acc: Record<string, number>, v: any) => ({ ...acc, [v.kind]: (acc[v.kind] ?? 0) + 1 }), {});
    expect(kinds).toEqual({ negative_pressure_ambulance: 21, neonatal_transfer: 1, mobile_ct: 1, multipurpose: 1 });
    const hospitals = await dispatcher.call('listHospitals');
    expect(hospitals.filter((h) => h.kind === 'village_clinic')).toHaveLength(163);
  });

  it('creates a station and refuses a duplicate code with 409 and bad coordinates with 400 naming the field', async () => {
    const station = { code: 'JX-T1', name: '测试分站', kind: 'substation' as const, location: { lon: 111.95, lat: 37.05 } };
    await admin.call('createStation', { body: station });
    await expectRefusal(admin.call('createStation', { body: station }), 409, /code exists/);
    await expectRefusal(admin.call('createStation', { body: { ...station, code: 'JX-T2', location: { lon: 111.95, lat: 97 } } }), 400, /^location\.lat:/);
    expect((await admin.call('listStations')).some((s) => s.code === 'JX-T2')).toBe(false);
  });

  it('lets only an admin create stations and vehicles', async () => {
    const station = (await admin.call('listStations'))[0]!;
    expect((await dispatcher.send('createStation', { body: station })).status).toBe(403);
    expect((await dispatcher.send('createVehicle', { body: { callSign: '测试-96', kind: 'multipurpose', capabilities: [], homeStationId: station.id } })).status).toBe(403);
  });

  it('adds a vehicle with capabilities and takes it out of service', async () => {
    const station = (await admin.call('listStations'))[0]!;
    const created = await admin.call('createVehicle', { body: { callSign: '测试-99', kind: 'negative_pressure_ambulance', capabilities: ['negative_pressure', 'als'], homeStationId: station.id } });
    expect(created).toMatchObject({ state: 'available', inService: true });
    const out = await supervisor.call('updateVehicle', { params: { id: created.id }, body: { ...created, inService: false } });
    expect(out).toMatchObject({ state: 'out_of_service', inService: false });
    await expectRefusal(admin.call('createVehicle', { body: { callSign: '测试-98', kind: 'mobile_ct', capabilities: ['teleport' as 'bls'], homeStationId: station.id } }), 400, /^capabilities\.0:/);
    await expectRefusal(admin.call('createVehicle', { body: { callSign: '测试-97', kind: 'mobile_ct', capabilities: [], homeStationId: '00000000-0000-4000-8000-000000000000' } }), 400, /homeStationId/);
  });

  it('answers an unknown or malformed id with 404', async () => {
    expect((await dispatcher.send('getVehicle', { params: { id: 'not-a-uuid' } })).status).toBe(404);
    expect((await dispatcher.send('getHospital', { params: { id: '00000000-0000-4000-8000-000000000000' } })).status).toBe(404);
  });

  it('records who set a hospital load status and lets a hospital set only its own', async () => {
    const hospitals = await dispatcher.call('listHospitals');
    const own = hospitals.find((h) => h.code === 'JX-RMYY')!;
    const other = hospitals.find((h) => h.code === 'JX-ZYY')!;
    const hospital = (await server.as('hospital-jx-rmyy')).api;
    const set = await hospital.call('setHospitalLoad', { params: { id: own.id }, body: { loadStatus: 'yellow', note: '候诊较多' } });
    expect(set).toMatchObject({ loadStatus: 'yellow', loadStatusSetBy: 'hospital-jx-rmyy' });
    expect((await hospital.send('setHospitalLoad', { params: { id: other.id }, body: { loadStatus: 'red' } })).status).toBe(403);
    expect((await hospital.send('setHospitalLoad', { params: { id: own.id }, body: { loadStatus: 'purple' as 'red' } })).status).toBe(400);
    const history = await server.database.db.query('SELECT load_status, note FROM hospital_load_history WHERE hospital_id = $1', [own.id]);
    expect(history.rows).toEqual([{ load_status: 'yellow', note: '候诊较多' }]);
  });

  it('manages crew members and refuses overlapping shifts of one vehicle', async () => {
    const doctor = await supervisor.call('createCrewMember', { body: { name: '王医生', crewRole: 'doctor' } });
    const vehicle = (await dispatcher.call('listVehicles'))[0]!;
    const shift = { vehicleId: vehicle.id, startsAt: '2026-11-25T08:00:00+08:00', endsAt: '2026-11-25T20:00:00+08:00', memberIds: [doctor.id] };
    await supervisor.call('createShift', { body: shift });
    await expectRefusal(supervisor.call('createShift', { body: { ...shift, startsAt: '2026-11-25T19:00:00+08:00', endsAt: '2026-11-26T08:00:00+08:00' } }), 409, /overlapping/);
    await expectRefusal(supervisor.call('createShift', { body: { ...shift, endsAt: '2026-11-25T07:00:00+08:00' } }), 400, /^endsAt/);
    expect(await dispatcher.call('listShifts', { query: { at: '2026-11-25T12:00:00+08:00' } })).toHaveLength(1);
  });

  it('creates logins with hashed passwords, bound to a vehicle for a crew', async () => {
    const vehicle = (await dispatcher.call('listVehicles'))[0]!;
    await admin.call('createUser', { body: { username: 'new-crew', displayName: 'New crew', password: 'long enough password', role: 'crew', vehicleId: vehicle.id } });
    await expectRefusal(admin.call('createUser', { body: { username: 'bad-crew', displayName: 'x', password: 'long enough password', role: 'crew' } }), 400, /^vehicleId:/);
    const stored = await server.database.db.query("SELECT password_hash FROM users WHERE username = 'new-crew'");
    expect(stored.rows[0].password_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a token once its crew login is moved to another vehicle or disabled', async () => {
    const vehicles = await dispatcher.call('listVehicles');
    const [first, second] = vehicles as [VehicleDto, VehicleDto];
    await admin.call('createUser', { body: { username: 'moving-crew', displayName: 'x', password: 'long enough password', role: 'crew', vehicleId: first.id } });
    const crew = apiClient(server.baseUrl, await loginAs(server.baseUrl, 'moving-crew', 'long enough password'));
    await crew.call('getVehicle', { params: { id: first.id } });
    await server.database.db.query("UPDATE users SET vehicle_id = $1 WHERE username = 'moving-crew'", [second.id]);
    // The server re-reads the login at most every 10 s.
    await new Promise((r) => setTimeout(r, 10_500));
    const refused = await crew.send('getVehicle', { params: { id: first.id } });
    expect(refused.status).toBe(401);
  }, 20_000);

  it('deletes only what no history refers to, answering 409 with what to do instead', async () => {
    const station = await admin.call('createStation', { body: { code: 'JX-DEL', name: '待删分站', kind: 'substation', location: { lon: 111.95, lat: 37.06 } } });
    const vehicle = await admin.call('createVehicle', { body: { callSign: '待删-01', kind: 'multipurpose', capabilities: ['bls'], homeStationId: station.id } });
    await expectRefusal(admin.call('deleteStation', { params: { id: station.id } }), 409, /move them first/);
    await admin.call('deleteVehicle', { params: { id: vehicle.id } });
    await admin.call('deleteStation', { params: { id: station.id } });
    expect((await admin.send('deleteStation', { params: { id: station.id } })).status).toBe(404);
    const seeded = (await dispatcher.call('listVehicles'))[0]!;
    // A vehicle with a crew login (and, in service, task history) stays: take it out of service instead.
    expect((await admin.send('deleteVehicle', { params: { id: seeded.id } })).status).toBe(409);
    expect((await dispatcher.send('deleteHospital', { params: { id: (await dispatcher.call('listHospitals'))[0]!.id } })).status).toBe(403);
    const nurse = await supervisor.call('createCrewMember', { body: { name: '李护士', crewRole: 'nurse' } });
    await supervisor.call('createShift', { body: { vehicleId: seeded.id, startsAt: '2026-12-01T08:00:00+08:00', endsAt: '2026-12-01T20:00:00+08:00', memberIds: [nurse.id] } });
    expect((await supervisor.send('deleteCrewMember', { params: { id: nurse.id } })).status).toBe(409);
    const audit = (await supervisor.call('audit', { query: { entityType: 'station' } })).map((a: any) => a.action);
    expect(audit).toContain('station.deleted');
  });

  it('finds places by Chinese or English name, best match first', async () => {
    const chinese = await dispatcher.call('searchPlaces', { query: { q: '张兰' } });
    expect(chinese[0]).toMatchObject({ name: '张兰镇', kind: 'town' });
    const english = await dispatcher.call('searchPlaces', { query: { q: 'zhanglan' } });
    expect(english[0]).toMatchObject({ name: '张兰镇' });
    expect((await dispatcher.send('searchPlaces', { query: { q: '' } })).status).toBe(400);
  });

  it('serves an OpenAPI document generated from the request schemas', async () => {
    const res = await fetch(`${server.baseUrl}/api/openapi.json`);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    const intake = doc.paths['/api/incidents'].post.requestBody.content['application/json'].schema;
    expect(intake.properties.category.enum).toContain('chest_pain');
    expect(intake.properties.priority).toMatchObject({ minimum: 1, maximum: 4 });
  });

  it('shows the append-only audit log to supervisors only', async () => {
    expect((await dispatcher.send('audit')).status).toBe(403);
    const log = await supervisor.call('audit', { query: { entityType: 'station' } });
    expect(log.find((a: any) => a.action === 'station.created')).toMatchObject({ actor: { username: 'admin', role: 'admin' }, remoteAddr: expect.stringMatching(/127\.0\.0\.1/) });
  });
});
