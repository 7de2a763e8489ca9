import { describe, expect, it } from 'vitest';
import { apiClient, openSocket } from '../support/api';
import { demoSuite } from '../support/demoSuite';
import { expectRefusal } from '../support/expectations';
import { loginAs } from '../support/server';

const hour = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');

describe("the administrator's pages, change notices and rostered crew logins", () => {
  const { server, clients: [admin, dispatcher, supervisor], tokens } = demoSuite({}, 'admin', 'dispatcher', 'supervisor');

  it('answers a page of vehicles sorted, filtered and cut by the server, with the total the filter matches', async () => {
    const all = await dispatcher.call('listVehicles');
    const first = await admin.call('vehiclePage', { query: { page: 1, pageSize: 5, sort: '-callSign' } });
    expect(first.total).toBe(all.length);
    expect(first.items.map((v) => v.callSign)).toEqual(all.map((v) => v.callSign).sort().reverse().slice(0, 5));
    const second = await admin.call('vehiclePage', { query: { page: 2, pageSize: 5, sort: '-callSign' } });
    expect(second.items[0]!.callSign < first.items[4]!.callSign).toBe(true);
    const filtered = await admin.call('vehiclePage', { query: { q: '120-2' } });
    expect(filtered.total).toBe(all.filter((v) => v.callSign.includes('120-2')).length);
    expect(filtered.items.every((v) => v.callSign.includes('120-2'))).toBe(true);
    // LIKE's own wildcards are searched for as text.
    expect((await admin.call('vehiclePage', { query: { q: '%' } })).total).toBe(0);
    const beyond = await admin.call('vehiclePage', { query: { page: 99, pageSize: 25 } });
    expect(beyond).toMatchObject({ items: [], total: all.length, page: 99 });
  });

  it('pages stations, hospitals, logins and crew members, each with its own sort keys and filters', async () => {
    const hospitals = await admin.call('hospitalPage', { query: { sort: 'name', pageSize: 200 } });
    expect(hospitals.total).toBe((await dispatcher.call('listHospitals')).length);
    const names = hospitals.items.map((h) => h.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect((await admin.call('stationPage', { query: { q: 'jx' } })).items.every((s) => /jx/i.test(s.code + s.name + (s.nameEn ?? '')))).toBe(true);
    const dispatchers = await supervisor.call('userPage', { query: { role: 'dispatcher' } });
    expect(dispatchers.items.length).toBeGreaterThan(0);
    expect(dispatchers.items.every((u) => u.role === 'dispatcher')).toBe(true);
    expect((await admin.call('crewMemberPage', {})).page).toBe(1);
  });

  it('refuses a bad page query with 400 naming the field', async () => {
    await expectRefusal(admin.call('vehiclePage', { query: { sort: 'password' as 'callSign' } }), 400, /^sort:/);
    await expectRefusal(admin.call('stationPage', { query: { pageSize: 1000 } }), 400, /^pageSize:/);
    await expectRefusal(admin.call('userPage', { query: { role: 'king' as 'admin' } }), 400, /^role:/);
  });

  it('names the field of a duplicate code or call sign, and of a crew login bound to both a vehicle and a member', async () => {
    const station = (await admin.call('listStations'))[0]!;
    await expectRefusal(admin.call('createStation', { body: { ...station, name: '重复' } }), 409, /^code: /);
    const vehicle = (await dispatcher.call('listVehicles'))[0]!;
    await expectRefusal(admin.call('createVehicle', { body: { ...vehicle } }), 409, /^callSign: /);
    const member = await admin.call('createCrewMember', { body: { name: '双绑', crewRole: 'driver' } });
    const both = { username: 'both-bound', displayName: '双绑', password: 'a long enough password', role: 'crew' as const, vehicleId: vehicle.id, crewMemberId: member.id };
    await expectRefusal(admin.call('createUser', { body: both }), 400, /^crewMemberId: /);
    await expectRefusal(admin.call('createUser', { body: { ...both, vehicleId: null, crewMemberId: null } }), 400, /^vehicleId: /);
  });

  it('keeps why a vehicle is out of service, and drops it when the vehicle is back', async () => {
    const station = (await admin.call('listStations'))[0]!;
    const body = { callSign: '维修-01', kind: 'multipurpose' as const, capabilities: [], homeStationId: station.id, inService: false, outOfServiceReason: '更换轮胎' };
    const created = await admin.call('createVehicle', { body });
    expect(created).toMatchObject({ state: 'out_of_service', outOfServiceReason: '更换轮胎' });
    expect(await admin.call('updateVehicle', { params: { id: created.id }, body: { ...body, inService: true } })).toMatchObject({ state: 'available', outOfServiceReason: null });
  });

  it('pushes every change to open consoles: the vehicle itself to the fleet boards, a change notice to the lists', async () => {
    const socket = await openSocket(server.baseUrl, tokens.dispatcher);
    try {
      const station = await admin.call('createStation', { body: { code: 'PUSH-1', name: '推送分站', kind: 'substation', location: { lon: 111.9, lat: 37.03 } } });
      await socket.waitFor('station.updated', (s) => s.id === station.id);
      await socket.waitFor('resource.changed', (c) => c.kind === 'station' && c.id === station.id && !c.deleted);
      const vehicle = await admin.call('createVehicle', { body: { callSign: '推送-01', kind: 'multipurpose', capabilities: ['bls'], homeStationId: station.id } });
      await socket.waitFor('vehicle.updated', (v) => v.id === vehicle.id);
      await admin.call('bindVehicleDevice', { params: { id: vehicle.id }, body: { deviceId: 'push-device-1' } });
      await socket.waitFor('vehicle.updated', (v) => v.id === vehicle.id && v.deviceId === 'push-device-1');
      await admin.call('deleteVehicle', { params: { id: vehicle.id } });
      await socket.waitFor('resource.changed', (c) => c.kind === 'vehicle' && c.id === vehicle.id && c.deleted);
      const hospital = (await dispatcher.call('listHospitals'))[0]!;
      await admin.call('updateHospital', { params: { id: hospital.id }, body: { ...hospital, phone: '0354-7000000' } });
      await socket.waitFor('hospital.updated', (h) => h.id === hospital.id && h.phone === '0354-7000000');
      // A login's change carries no name: the list asks for its page again.
      const user = await admin.call('createUser', { body: { username: 'pushed', displayName: '推送', password: 'a long enough password', role: 'dispatcher' } });
      const notice = await socket.waitFor('resource.changed', (c) => c.kind === 'user' && c.id === user.id);
      expect(Object.keys(notice).sort()).toEqual(['deleted', 'id', 'kind']);
    } finally {
      socket.close();
    }
  });

  it('signs a rostered crew login on to the vehicle of its shift, refuses it outside its shifts, and lists the roster week', async () => {
    const [vehicle, other] = await dispatcher.call('listVehicles');
    const member = await admin.call('createCrewMember', { body: { name: '排班司机', crewRole: 'driver' } });
    const login = { username: 'rostered-driver', displayName: '排班司机', password: 'a long enough password', role: 'crew' as const, crewMemberId: member.id };
    const user = await admin.call('createUser', { body: login });
    expect(user).toMatchObject({ vehicleId: null, crewMemberId: member.id });
    const refused = await expectRefusal(apiClient(server.baseUrl).call('login', { body: login }), 403, /no shift/);
    expect(refused.code).toBe('no_current_shift');

    const now = Date.now();
    const shift = await supervisor.call('createShift', { body: { vehicleId: vehicle!.id, startsAt: iso(now - hour), endsAt: iso(now + 7 * hour), memberIds: [member.id] } });
    const signedOn = await apiClient(server.baseUrl).call('login', { body: login });
    expect(signedOn.user.vehicleId).toBe(vehicle!.id);
    const crew = apiClient(server.baseUrl, signedOn.token);
    expect((await crew.call('getVehicle', { params: { id: vehicle!.id } })).id).toBe(vehicle!.id);
    expect((await crew.send('getVehicle', { params: { id: other!.id } })).status).toBe(403);
    const week = await dispatcher.call('listShifts', { query: { from: iso(now - 24 * hour), to: iso(now + 6 * 24 * hour), vehicleId: vehicle!.id } });
    expect(week.map((s) => s.id)).toContain(shift.id);
    expect(await dispatcher.call('listShifts', { query: { from: iso(now - 24 * hour), to: iso(now + 6 * 24 * hour), vehicleId: other!.id } })).not.toContainEqual(shift);

    // The shift is deleted: the login has no vehicle to sign on to any more.
    await supervisor.call('deleteShift', { params: { id: shift.id } });
    await expectRefusal(apiClient(server.baseUrl).call('login', { body: login }), 403, /no shift/);
  });

  it('ends the sessions of a disabled login at once', async () => {
    await admin.call('createUser', { body: { username: 'to-disable', displayName: '将停用', password: 'a long enough password', role: 'dispatcher' } });
    const token = await loginAs(server.baseUrl, 'to-disable', 'a long enough password');
    const page = await admin.call('userPage', { query: { q: 'to-disable' } });
    expect(page.total).toBe(1);
    await admin.call('setUserDisabled', { params: { id: page.items[0]!.id }, body: { disabled: true } });
    expect((await apiClient(server.baseUrl, token).send('listIncidents')).status).toBe(401);
  });
});
