import { unpackPositions, type PackedPosition } from '@dispatch/protocol';
import { describe, expect, it } from 'vitest';
import { openSocket, refusal } from '../support/api';
import { centresSuite } from '../support/demoSuite';

type Console = Awaited<ReturnType<typeof openSocket>>;

/**
 * Cross-centre help seen live (issue 15): while another centre's vehicle works a task on this centre's call, this
 * centre's consoles get its positions and its updates, besides its own centre's and the province's; once the task ends
 * they stop. Positions come in through the OsmAnd door; the fan-out reads the fleet state in memory.
 */
describe('a helping vehicle is live on the helped centre’s consoles for as long as its task is open', () => {
  const suite = centresSuite('dispatcher', 'dispatcher-py', 'province', 'admin');
  const { server, tokens, api } = suite;

  /** Epoch seconds of the last fix sent: past the demo's seeded fixes (the fan-out sends a vehicle's newer fixes only). */
  let clock = 0;
  /** One OsmAnd fix of `device` near the border; answers the fix's device time (each a second after the last). */
  const report = async (device: string): Promise<string> => {
    clock += 1;
    const res = await fetch(`${server.baseUrl}/osmand?id=${device}&lat=37.12&lon=112.05&timestamp=${clock}`);
    expect(res.status).toBe(200);
    return new Date(clock * 1000).toISOString();
  };
  const fixOf = (vehicleId: string, deviceTime: string) => (batch: PackedPosition[]) =>
    unpackPositions(batch).some((p) => p.vehicleId === vehicleId && Date.parse(p.deviceTime) === Date.parse(deviceTime));
  const heard = (socket: Console, vehicleId: string, deviceTime: string) =>
    socket.received.filter((r) => r.event === 'vehicle.positionsUpdated' && fixOf(vehicleId, deviceTime)(r.payload)).length;
  /** Every change committed so far is in the server's fleet state (the fan-out reads it as held, without a sync). */
  const settled = () => server.app.ctx.fleet.current();

  it('sends its positions and updates to the helped centre during the task only; its own centre and the province get all', async () => {
    clock = Math.ceil(Date.now() / 1000);
    const place = (await api.dispatcher!.call('searchPlaces', { query: { q: '中王庄' } })).find((p) => p.name.startsWith('中王庄'))!;
    const incident = await api.dispatcher!.call('createIncident', { body: { location: { lon: place.lon, lat: place.lat }, category: 'chest_pain', priority: 2 } });
    const helper = (await api.dispatcher!.call('getRecommendations', { params: { id: incident.id } })).crossCentre![0]!;
    const own = (await api.dispatcher!.call('listVehicles', {})).find((v) => v.callSign === '介休120-20')!;
    await api.admin!.call('bindVehicleDevice', { params: { id: helper.vehicleId }, body: { deviceId: 'py-helper' } });
    await api.admin!.call('bindVehicleDevice', { params: { id: own.id }, body: { deviceId: 'jx-own' } });
    const jx = await openSocket(server.baseUrl, tokens.dispatcher!);
    const py = await openSocket(server.baseUrl, tokens['dispatcher-py']!);
    const province = await openSocket(server.baseUrl, tokens.province!);
    /** Jiexiu's own vehicle reports after `fix`: once Jiexiu has that, it would have had `fix` too (one socket's events keep their order). */
    const expectJiexiuNeverHeard = async (fix: string) => {
      const later = await report('jx-own');
      await jx.waitFor('vehicle.positionsUpdated', fixOf(own.id, later));
      expect(heard(jx, helper.vehicleId, fix)).toBe(0);
    };
    try {
      // Before the help: Pingyao's vehicle is Pingyao's and the province's only.
      const before = await report('py-helper');
      await py.waitFor('vehicle.positionsUpdated', fixOf(helper.vehicleId, before));
      await province.waitFor('vehicle.positionsUpdated', fixOf(helper.vehicleId, before));
      await expectJiexiuNeverHeard(before);
      expect((await api.dispatcher!.call('listVehicles', {})).map((v) => v.id)).not.toContain(helper.vehicleId);

      const offer = await api.dispatcher!.call('assignVehicle', {
        params: { id: incident.id }, body: { vehicleId: helper.vehicleId, crossCentreHelp: { reason: '本县车辆均距现场 20 分钟以上' } },
      });
      // Jiexiu's board gets the vehicle with its task, and lists it on a reload too.
      const update = await jx.waitFor('vehicle.updated', (v) => v.id === helper.vehicleId && v.incidentId === incident.id);
      expect(update).toMatchObject({ centreId: suite.logins.neighbour!.centreId, taskStatus: 'dispatched' });
      expect((await api.dispatcher!.call('listVehicles', {})).find((v) => v.id === helper.vehicleId)).toMatchObject({ incidentId: incident.id });
      expect((await api.dispatcher!.call('getVehicle', { params: { id: helper.vehicleId } })).incidentId).toBe(incident.id);

      await settled();
      const during = await report('py-helper');
      for (const socket of [jx, py, province]) await socket.waitFor('vehicle.positionsUpdated', fixOf(helper.vehicleId, during));
      // The province room hears the fix once, not once per centre.
      expect(heard(province, helper.vehicleId, during)).toBe(1);

      // The task ends: Jiexiu hears that last update (the vehicle free, no task), then nothing more of it.
      await api.dispatcher!.call('cancelAssignment', { params: { id: offer.assignment.id }, body: { reason: '本县车辆已空出' } });
      await jx.waitFor('vehicle.updated', (v) => v.id === helper.vehicleId && v.incidentId === null);
      expect((await api.dispatcher!.call('listVehicles', {})).map((v) => v.id)).not.toContain(helper.vehicleId);
      expect((await refusal(api.dispatcher!.call('getVehicle', { params: { id: helper.vehicleId } }))).code).toBe('other_centre');
      await settled();
      const after = await report('py-helper');
      await py.waitFor('vehicle.positionsUpdated', fixOf(helper.vehicleId, after));
      await province.waitFor('vehicle.positionsUpdated', fixOf(helper.vehicleId, after));
      await expectJiexiuNeverHeard(after);
      expect((await api['dispatcher-py']!.call('listVehicles', {})).map((v) => v.id)).toContain(helper.vehicleId);
    } finally {
      jx.close();
      py.close();
      province.close();
    }
  });

  it("names a centre added after the centres' names were held (read again on a centre not held)", async () => {
    const place = (await api.dispatcher!.call('searchPlaces', { query: { q: '中王庄' } })).find((p) => p.name.startsWith('中王庄'))!;
    const incident = await api.dispatcher!.call('createIncident', { body: { location: { lon: place.lon, lat: place.lat }, category: 'chest_pain', priority: 2 } });
    const held = await api.dispatcher!.call('getRecommendations', { params: { id: incident.id } });
    expect(held.crossCentre!.length).toBeGreaterThan(0);
    // A third centre, its station at the scene and one ambulance, added by SQL as migrations and seeds add centres.
    const { db } = server.database;
    const like = (await api['dispatcher-py']!.call('listVehicles', {}))[0]!;
    const centre = (await db.query<{ id: string }>("INSERT INTO centres (code, name, name_en) VALUES ('QX', '祁县120急救指挥中心', 'Qixian 120 Dispatch Centre') RETURNING id")).rows[0]!.id;
    const station = (await db.query<{ id: string }>(
      "INSERT INTO stations (code, name, kind, location, centre_id) VALUES ('QX-0', '祁县测试分站', 'substation', ST_SetSRID(ST_MakePoint($1, $2), 4326), $3) RETURNING id",
      [place.lon, place.lat, centre],
    )).rows[0]!.id;
    await db.query('INSERT INTO vehicles (call_sign, kind, capabilities, home_station_id) VALUES ($1, $2, $3, $4)', ['祁县120-01', like.kind, like.capabilities, station]);
    // A direct edit sends no fleet note: the periodic reconciliation would find it; here at once.
    await server.app.ctx.fleet.reconcile();
    const help = (await api.dispatcher!.call('getRecommendations', { params: { id: incident.id } })).crossCentre!;
    expect(help.find((c) => c.callSign === '祁县120-01')).toMatchObject({ centreId: centre, centreName: '祁县120急救指挥中心', centreNameEn: 'Qixian 120 Dispatch Centre' });
    expect(help.filter((c) => c.callSign.startsWith('平遥')).every((c) => c.centreName === '平遥县120急救指挥中心')).toBe(true);
  });
});
