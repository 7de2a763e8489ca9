import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from '../support/api';
import { startDemoServer, type DemoServer } from '../support/demoServer';
import { loginAs } from '../support/server';

describe('fleet, stations, hospitals, crews and users over REST', () => {
  let server: DemoServer;
  let admin: ApiClient;
  let dispatcher: ApiClient;
  let supervisor: ApiClient;
  beforeAll(async () => {
    server = await startDemoServer();
    admin = (await server.as('admin')).api;
    dispatcher = (await server.as('dispatcher')).api;
    supervisor = (await server.as('supervisor')).api;
  });
  afterAll(() => server.close());

  it('seeds the reference county: a centre, two substations, 24 vehicles of the four kinds', async () => {
    const stations = (await dispatcher.get('/stations')).body;
    expect(stations.filter((s: any) => s.kind === 'centre')).toHaveLength(1);
    expect(stations.filter((s: any) => s.kind === 'substation').length).toBeGreaterThanOrEqual(2);
    const vehicles = (await dispatcher.get('/vehicles')).body;
    expect(vehicles).toHaveLength(24);
    const kinds = vehicles.reduce((acc: Record<string, number>, v: any) => ({ ...acc, [v.kind]: (acc[v.kind] ?? 0) + 1 }), {});
    expect(kinds).toEqual({ negative_pressure_ambulance: 21, neonatal_transfer: 1, mobile_ct: 1, multipurpose: 1 });
    const hospitals = (await dispatcher.get('/hospitals')).body;
    expect(hospitals.filter((h: any) => h.kind === 'village_clinic')).toHaveLength(163);
  });

  it('creates a station and refuses a duplicate code with 409 and bad coordinates with 400 naming the field', async () => {
    const station = { code: 'JX-T1', name: '测试分站', kind: 'substation', location: { lon: 111.95, lat: 37.05 } };
    expect((await admin.post('/stations', station)).status).toBe(201);
    const duplicate = await admin.post('/stations', station);
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error).toMatch(/code exists/);
    const bad = await admin.post('/stations', { ...station, code: 'JX-T2', location: { lon: 111.95, lat: 97 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^location\.lat:/);
    expect((await admin.get('/stations')).body.some((s: any) => s.code === 'JX-T2')).toBe(false);
  });

  it('lets only an admin create stations and vehicles', async () => {
    expect((await dispatcher.post('/stations', {})).status).toBe(403);
    expect((await dispatcher.post('/vehicles', {})).status).toBe(403);
  });

  it('adds a vehicle with capabilities and takes it out of service', async () => {
    const station = (await admin.get('/stations')).body[0];
    const created = await admin.post('/vehicles', { callSign: '测试-99', kind: 'negative_pressure_ambulance', capabilities: ['negative_pressure', 'als'], homeStationId: station.id });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'available', inService: true });
    const out = await supervisor.put(`/vehicles/${created.body.id}`, { ...created.body, inService: false });
    expect(out.body).toMatchObject({ state: 'out_of_service', inService: false });
    const badCapability = await admin.post('/vehicles', { callSign: '测试-98', kind: 'mobile_ct', capabilities: ['teleport'], homeStationId: station.id });
    expect(badCapability.status).toBe(400);
    expect(badCapability.body.error).toMatch(/^capabilities\.0:/);
    const unknownStation = await admin.post('/vehicles', { callSign: '测试-97', kind: 'mobile_ct', capabilities: [], homeStationId: '00000000-0000-4000-8000-000000000000' });
    expect(unknownStation.status).toBe(400);
    expect(unknownStation.body.error).toMatch(/homeStationId/);
  });

  it('answers an unknown or malformed id with 404', async () => {
    expect((await dispatcher.get('/vehicles/not-a-uuid')).status).toBe(404);
    expect((await dispatcher.get('/hospitals/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('records who set a hospital load status and lets a hospital set only its own', async () => {
    const hospitals = (await dispatcher.get('/hospitals')).body;
    const own = hospitals.find((h: any) => h.code === 'JX-RMYY');
    const other = hospitals.find((h: any) => h.code === 'JX-ZYY');
    const hospital = (await server.as('hospital-jx-rmyy')).api;
    const set = await hospital.put(`/hospitals/${own.id}/load`, { loadStatus: 'yellow', note: '候诊较多' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ loadStatus: 'yellow', loadStatusSetBy: 'hospital-jx-rmyy' });
    expect((await hospital.put(`/hospitals/${other.id}/load`, { loadStatus: 'red' })).status).toBe(403);
    expect((await hospital.put(`/hospitals/${own.id}/load`, { loadStatus: 'purple' })).status).toBe(400);
    const history = await server.database.db.query('SELECT load_status, note FROM hospital_load_history WHERE hospital_id = $1', [own.id]);
    expect(history.rows).toEqual([{ load_status: 'yellow', note: '候诊较多' }]);
  });

  it('manages crew members and refuses overlapping shifts of one vehicle', async () => {
    const doctor = await supervisor.post('/crew-members', { name: '王医生', crewRole: 'doctor' });
    expect(doctor.status).toBe(201);
    const vehicle = (await dispatcher.get('/vehicles')).body[0];
    const shift = { vehicleId: vehicle.id, startsAt: '2026-11-25T08:00:00+08:00', endsAt: '2026-11-25T20:00:00+08:00', memberIds: [doctor.body.id] };
    expect((await supervisor.post('/shifts', shift)).status).toBe(201);
    const overlap = await supervisor.post('/shifts', { ...shift, startsAt: '2026-11-25T19:00:00+08:00', endsAt: '2026-11-26T08:00:00+08:00' });
    expect(overlap.status).toBe(409);
    expect(overlap.body.error).toMatch(/overlapping/);
    const backwards = await supervisor.post('/shifts', { ...shift, endsAt: '2026-11-25T07:00:00+08:00' });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error).toMatch(/^endsAt/);
    expect((await dispatcher.get('/shifts?at=2026-11-25T12:00:00%2B08:00')).body).toHaveLength(1);
  });

  it('creates logins with hashed passwords, bound to a vehicle for a crew', async () => {
    const vehicle = (await dispatcher.get('/vehicles')).body[0];
    const crew = await admin.post('/users', { username: 'new-crew', displayName: 'New crew', password: 'long enough password', role: 'crew', vehicleId: vehicle.id });
    expect(crew.status).toBe(201);
    const unbound = await admin.post('/users', { username: 'bad-crew', displayName: 'x', password: 'long enough password', role: 'crew' });
    expect(unbound.status).toBe(400);
    expect(unbound.body.error).toMatch(/^vehicleId:/);
    const stored = await server.database.db.query("SELECT password_hash FROM users WHERE username = 'new-crew'");
    expect(stored.rows[0].password_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a token once its crew login is moved to another vehicle or disabled', async () => {
    const vehicles = (await dispatcher.get('/vehicles')).body;
    const [first, second] = vehicles;
    await admin.post('/users', { username: 'moving-crew', displayName: 'x', password: 'long enough password', role: 'crew', vehicleId: first.id });
    const crew = apiClient(server.baseUrl, await loginAs(server.baseUrl, 'moving-crew', 'long enough password'));
    expect((await crew.get(`/vehicles/${first.id}`)).status).toBe(200);
    await server.database.db.query("UPDATE users SET vehicle_id = $1 WHERE username = 'moving-crew'", [second.id]);
    // The server re-reads the login at most every 10 s.
    await new Promise((r) => setTimeout(r, 10_500));
    const refused = await crew.get(`/vehicles/${first.id}`);
    expect(refused.status).toBe(401);
  }, 20_000);

  it('deletes only what no history refers to, answering 409 with what to do instead', async () => {
    const station = (await admin.post('/stations', { code: 'JX-DEL', name: '待删分站', kind: 'substation', location: { lon: 111.95, lat: 37.06 } })).body;
    const vehicle = (await admin.post('/vehicles', { callSign: '待删-01', kind: 'multipurpose', capabilities: ['bls'], homeStationId: station.id })).body;
    const blocked = await admin.delete(`/stations/${station.id}`);
    expect(blocked.status).toBe(409);
    expect(blocked.body.error).toMatch(/move them first/);
    expect((await admin.delete(`/vehicles/${vehicle.id}`)).status).toBe(204);
    expect((await admin.delete(`/stations/${station.id}`)).status).toBe(204);
    expect((await admin.delete(`/stations/${station.id}`)).status).toBe(404);
    const seeded = (await dispatcher.get('/vehicles')).body[0];
    // A vehicle with a crew login (and, in service, task history) stays: take it out of service instead.
    expect((await admin.delete(`/vehicles/${seeded.id}`)).status).toBe(409);
    expect((await dispatcher.delete(`/hospitals/${(await dispatcher.get('/hospitals')).body[0].id}`)).status).toBe(403);
    const nurse = (await supervisor.post('/crew-members', { name: '李护士', crewRole: 'nurse' })).body;
    await supervisor.post('/shifts', { vehicleId: seeded.id, startsAt: '2026-12-01T08:00:00+08:00', endsAt: '2026-12-01T20:00:00+08:00', memberIds: [nurse.id] });
    expect((await supervisor.delete(`/crew-members/${nurse.id}`)).status).toBe(409);
    const audit = (await supervisor.get('/audit?entityType=station')).body.map((a: any) => a.action);
    expect(audit).toContain('station.deleted');
  });

  it('finds places by Chinese or English name, best match first', async () => {
    const chinese = (await dispatcher.get(`/places?q=${encodeURIComponent('张兰')}`)).body;
    expect(chinese[0]).toMatchObject({ name: '张兰镇', kind: 'town' });
    const english = (await dispatcher.get('/places?q=zhanglan')).body;
    expect(english[0].name).toBe('张兰镇');
    expect((await dispatcher.get('/places')).status).toBe(400);
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
    expect((await dispatcher.get('/audit')).status).toBe(403);
    const log = await supervisor.get('/audit?entityType=station');
    expect(log.status).toBe(200);
    const created = log.body.find((a: any) => a.action === 'station.created');
    expect(created).toMatchObject({ actor: { username: 'admin', role: 'admin' } });
    expect(created.remoteAddr).toMatch(/127\.0\.0\.1/);
  });
});
