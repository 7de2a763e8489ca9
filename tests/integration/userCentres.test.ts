import { randomUUID } from 'node:crypto';
import type { ApiClient } from '@dispatch/protocol';
import { DEFAULT_CENTRE_ID } from '@dispatch/protocol';
import { seedDemo, type DemoLogins } from '@dispatch/server/demo/seedDemo';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiClient, refusal } from '../support/api';
import { serverSuite } from '../support/demoSuite';
import { loginAs, startTestServer } from '../support/server';

/**
 * The administrator gives a dispatcher or supervisor login its centre through the users API (issue 15): none makes
 * a province-wide login, the other roles take none, and the login is then scoped to its centre.
 */
describe("a login's centre, set by the administrator", () => {
  const server = serverSuite(() => startTestServer());
  let logins: DemoLogins;
  let admin: ApiClient;
  let pingyao: string;
  const password = 'correct horse battery staple';

  beforeAll(async () => {
    logins = await seedDemo(server.database.db, { neighbour: true });
    pingyao = logins.neighbour!.centreId;
    admin = apiClient(server.baseUrl, await loginAs(server.baseUrl, 'admin', logins.passwords.admin!));
  });

  const login = async (username: string) => apiClient(server.baseUrl, await loginAs(server.baseUrl, username, password));
  const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

  it('creates a Pingyao dispatcher who then sees only Pingyao’s incidents, and audits the centre', async () => {
    const username = unique('py-new');
    const created = await admin.call('createUser', { body: { username, displayName: '平遥新调度员', password, role: 'dispatcher', centreId: pingyao } });
    expect(created.centreId).toBe(pingyao);
    expect((await admin.call('listUsers', {})).find((u) => u.username === username)?.centreId).toBe(pingyao);
    expect((await admin.call('userPage', { query: { q: username } })).items[0]?.centreId).toBe(pingyao);

    const audit = await admin.call('audit', { query: { entityType: 'user', entityId: created.id } });
    expect(audit.find((e) => e.action === 'user.created')?.details).toMatchObject({ username, role: 'dispatcher', centreId: pingyao });

    const newcomer = await login(username);
    expect((await newcomer.call('me', {})).centreId).toBe(pingyao);
    // One call in each county, taken by their own dispatchers.
    const jx = apiClient(server.baseUrl, await loginAs(server.baseUrl, 'dispatcher', logins.passwords.dispatcher!));
    const py = apiClient(server.baseUrl, await loginAs(server.baseUrl, 'dispatcher-py', logins.passwords['dispatcher-py']!));
    const place = async (name: string) => (await jx.call('searchPlaces', { query: { q: name } })).find((p) => p.name.startsWith(name))!;
    const at = async (who: ApiClient, name: string) => {
      const p = await place(name);
      return who.call('createIncident', { body: { location: { lon: p.lon, lat: p.lat }, category: 'trauma', priority: 2 } });
    };
    const theirs = await at(py, '下任堡');
    const ours = await at(jx, '义棠');
    const seen = (await newcomer.call('listIncidents', {})).map((i) => i.id);
    expect(seen).toContain(theirs.id);
    expect(seen).not.toContain(ours.id);
    const refused = await refusal(newcomer.call('getIncident', { params: { id: ours.id } }));
    expect([refused.status, refused.code]).toEqual([403, 'other_centre']);
    // The vehicles it may send are Pingyao's.
    expect((await newcomer.call('listVehicles', {})).every((v) => v.centreId === pingyao)).toBe(true);
  });

  it('makes a province-wide supervisor only when asked (centreId null), a default-centre one without a centre', async () => {
    const province = await admin.call('createUser', { body: { username: unique('prov'), displayName: '省级调度长', password, role: 'supervisor', centreId: null } });
    expect(province.centreId).toBeNull();
    expect((await (await login(province.username)).call('me', {})).centreId).toBeNull();

    // A forgotten field must not widen a login's reach to the whole province.
    const forgotten = await admin.call('createUser', { body: { username: unique('sup'), displayName: '调度长', password, role: 'supervisor' } });
    expect(forgotten.centreId).toBe(DEFAULT_CENTRE_ID);
    expect((await (await login(forgotten.username)).call('me', {})).centreId).toBe(DEFAULT_CENTRE_ID);

    const jx = await admin.call('createUser', { body: { username: unique('jx-sup'), displayName: '介休调度长', password, role: 'supervisor', centreId: DEFAULT_CENTRE_ID } });
    expect(jx.centreId).toBe(DEFAULT_CENTRE_ID);
    expect((await (await login(jx.username)).call('me', {})).centreId).toBe(DEFAULT_CENTRE_ID);
  });

  it('refuses a centre for a crew, hospital or administrator login, an unknown centre and a malformed one (400 naming centreId), storing nothing', async () => {
    const vehicle = (await admin.call('listVehicles', {}))[0]!;
    const hospital = (await admin.call('listHospitals', {}))[0]!;
    const before = (await admin.call('listUsers', {})).length;
    const attempts = [
      { role: 'crew' as const, vehicleId: vehicle.id, centreId: DEFAULT_CENTRE_ID },
      { role: 'hospital' as const, hospitalId: hospital.id, centreId: pingyao },
      { role: 'admin' as const, centreId: DEFAULT_CENTRE_ID },
      { role: 'dispatcher' as const, centreId: randomUUID() },
      { role: 'dispatcher' as const, centreId: 'PY' },
    ];
    for (const attempt of attempts) {
      const refused = await refusal(admin.call('createUser', { body: { username: unique('bad'), displayName: '不该创建', password, ...attempt } }));
      expect(refused.status).toBe(400);
      expect(refused.message).toMatch(/(^|; )centreId: /);
    }
    expect((await admin.call('listUsers', {})).length).toBe(before);
  });

  it('gives crews, hospitals and administrators no centre, as before', async () => {
    const vehicle = (await admin.call('listVehicles', {}))[0]!;
    const crew = await admin.call('createUser', { body: { username: unique('crew'), displayName: '车组', password, role: 'crew', vehicleId: vehicle.id, centreId: null } });
    expect(crew.centreId).toBeNull();
    const other = await admin.call('createUser', { body: { username: unique('adm'), displayName: '管理员', password, role: 'admin' } });
    expect(other.centreId).toBeNull();
    // The administrators seeded before there were centres are shown with none too.
    expect((await admin.call('listUsers', {})).filter((u) => u.role === 'admin').every((u) => u.centreId === null)).toBe(true);
  });
  it("moves a dispatcher to another centre (its sessions end, the next login works there), audited; refuses it for a crew login or an unknown centre", async () => {
    const username = unique('mover');
    const created = await admin.call('createUser', { body: { username, displayName: '调动调度员', password, role: 'dispatcher', centreId: DEFAULT_CENTRE_ID } });
    const before = await login(username);
    expect((await before.call('me', {})).centreId).toBe(DEFAULT_CENTRE_ID);

    const moved = await admin.call('setUserCentre', { params: { id: created.id }, body: { centreId: pingyao } });
    expect(moved.centreId).toBe(pingyao);
    expect((await refusal(before.call('me', {}))).status).toBe(401);
    expect((await (await login(username)).call('me', {})).centreId).toBe(pingyao);
    const audit = await admin.call('audit', { query: { entityType: 'user', entityId: created.id } });
    expect(audit.find((e) => e.action === 'user.centreChanged')?.details).toMatchObject({ username, from: DEFAULT_CENTRE_ID, to: pingyao });

    expect((await admin.call('setUserCentre', { params: { id: created.id }, body: { centreId: null } })).centreId).toBeNull();
    expect((await (await login(username)).call('me', {})).centreId).toBeNull();

    const unknown = await refusal(admin.call('setUserCentre', { params: { id: created.id }, body: { centreId: randomUUID() } }));
    expect([unknown.status, unknown.message]).toEqual([400, 'centreId: no such centre']);
    const vehicle = (await admin.call('listVehicles', {}))[0]!;
    const crew = await admin.call('createUser', { body: { username: unique('crew'), displayName: '车组', password, role: 'crew', vehicleId: vehicle.id } });
    const refused = await refusal(admin.call('setUserCentre', { params: { id: crew.id }, body: { centreId: pingyao } }));
    expect(refused.status).toBe(400);
    expect(refused.message).toMatch(/^centreId: /);
    expect((await refusal(admin.call('setUserCentre', { params: { id: randomUUID() }, body: { centreId: pingyao } }))).status).toBe(404);
  });
});
