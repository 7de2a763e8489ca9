import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { unpackPositions, type PackedPosition, type RecommendationDto } from '@dispatch/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDemoPasswords } from '@dispatch/server/demo/demoPasswords';
import { createTestDatabase, requireEnv, type TestDatabase } from '@dispatch/db/testDatabase';
import { apiClient, openSocket } from '../support/api';
import { serverProcess, type ServerProcess } from '../support/cluster';
import { loginAs } from '../support/server';

/**
 * Two real server processes on one PostgreSQL and Redis: each ranks from its own in-memory fleet state
 * (dispatch-server/src/fleet). What is changed through A (a vehicle out of service, an assignment, a hospital's
 * load, a crew's position reported to A's socket) is in the very next recommendation B computes, and again after
 * B is killed and started anew. And A's position fan-out follows its fleet state: a vehicle helping another centre
 * (issue 15) is heard by that centre's console on B while its task is open, and not after.
 */
describe('the fleet state of one process follows the changes made through another', () => {
  let database: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  const passwordsFile = `/var/tmp/dispatch120-fleet-${randomBytes(4).toString('hex')}/demo-logins.json`;
  const password = (username: string) => readDemoPasswords(passwordsFile)[username]!;
  const SCENE = { lon: 111.913, lat: 37.027 };

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: requireEnv('REDIS_URL'),
      JWT_SECRET: 'fleet-cluster-secret-'.padEnd(40, 'x'),
      OSMAND_PORT: '0',
      DEMO_PASSWORDS_FILE: passwordsFile,
      LOG_LEVEL: 'warn',
      QUEUE_PREFIX: `fleet-${randomBytes(4).toString('hex')}`,
    };
    a = await serverProcess('a', env);
    b = await serverProcess('b', env);
    await a.start({ DEMO: '1' });
    await b.start({ DEMO: '0' });
  }, 180_000);

  afterAll(async () => {
    await a?.kill();
    await b?.kill();
    await database?.drop();
    rmSync(dirname(passwordsFile), { recursive: true, force: true });
  });

  it('ranks on B with what was changed through A, and still after B restarts', async () => {
    const dispatcherOnA = apiClient(a.url, await loginAs(a.url, 'dispatcher', password('dispatcher')));
    const adminOnA = apiClient(a.url, await loginAs(a.url, 'admin', password('admin')));
    const dispatcherOnB = apiClient(b.url, await loginAs(b.url, 'dispatcher', password('dispatcher')));
    const vehicles = await dispatcherOnA.call('listVehicles');
    const byCallSign = (callSign: string) => vehicles.find((v) => v.callSign === callSign)!;
    const [outOfService, assigned, reporting] = [byCallSign('介休120-01'), byCallSign('介休120-02'), byCallSign('介休120-20')];
    const hospital = (await dispatcherOnA.call('listHospitals')).find((h) => h.capabilities.includes('emergency') && h.kind !== 'village_clinic')!;

    // B has ranked once before the changes: its fleet state is loaded and warm.
    const incident = await dispatcherOnA.call('createIncident', { body: { location: SCENE, category: 'other', priority: 2 } });
    const before = await dispatcherOnB.call('getRecommendations', { params: { id: incident.id } });
    expect(before.candidates.map((c) => c.vehicleId)).toContain(outOfService.id);

    await adminOnA.call('updateVehicle', {
      params: { id: outOfService.id },
      body: { callSign: outOfService.callSign, kind: outOfService.kind, capabilities: outOfService.capabilities, homeStationId: outOfService.homeStationId, inService: false },
    });
    const other = await dispatcherOnA.call('createIncident', { body: { location: { lon: 111.86, lat: 36.99 }, category: 'other', priority: 3 } });
    await dispatcherOnA.call('assignVehicle', { params: { id: other.id }, body: { vehicleId: assigned.id } });
    await dispatcherOnA.call('setHospitalLoad', { params: { id: hospital.id }, body: { loadStatus: 'red' } });
    // The crew of a vehicle based at the far substation reports a fix at the scene, to A.
    const crew = 'crew-20';
    const crewOnA = await openSocket(a.url, await loginAs(a.url, crew, password(crew)));
    const stored = await new Promise<any>((resolve) =>
      crewOnA.socket.emit('positions.reported', [{ ...SCENE, deviceTime: new Date().toISOString() }], resolve),
    );
    expect(stored).toEqual({ ok: true, stored: 1 });
    crewOnA.socket.close();

    const expectChanges = (rec: RecommendationDto) => {
      expect(rec.excluded.find((e) => e.vehicleId === outOfService.id)).toMatchObject({ reason: 'out_of_service' });
      expect(rec.excluded.find((e) => e.vehicleId === assigned.id)).toMatchObject({ reason: 'busy', detail: `dispatched on incident #${other.number}` });
      expect(rec.candidates[0]).toMatchObject({ vehicleId: reporting.id, positionSource: 'gps' });
      expect(rec.candidates[0]!.etaSeconds).toBeLessThan(60);
      expect(rec.hospitalOptions.find((h) => h.hospitalId === hospital.id)).toMatchObject({ loadStatus: 'red' });
    };
    expectChanges(await dispatcherOnB.call('getRecommendations', { params: { id: incident.id } }));

    await b.kill();
    await b.start({ DEMO: '0' });
    const dispatcherOnNewB = apiClient(b.url, await loginAs(b.url, 'dispatcher', password('dispatcher')));
    expectChanges(await dispatcherOnNewB.call('getRecommendations', { params: { id: incident.id } }));
  }, 120_000);

  it("sends a helping vehicle's fixes reported to A to the helped centre's console on B while its task is open (issue 15)", async () => {
    const dispatcherOnA = apiClient(a.url, await loginAs(a.url, 'dispatcher', password('dispatcher')));
    const adminOnA = apiClient(a.url, await loginAs(a.url, 'admin', password('admin')));
    const place = (await dispatcherOnA.call('searchPlaces', { query: { q: '中王庄' } })).find((p) => p.name.startsWith('中王庄'))!;
    const incident = await dispatcherOnA.call('createIncident', { body: { location: { lon: place.lon, lat: place.lat }, category: 'chest_pain', priority: 2 } });
    const helper = (await dispatcherOnA.call('getRecommendations', { params: { id: incident.id } })).crossCentre![0]!;
    const own = (await dispatcherOnA.call('listVehicles')).find((v) => v.callSign === '介休120-19')!;
    await adminOnA.call('bindVehicleDevice', { params: { id: helper.vehicleId }, body: { deviceId: 'py-helper-cluster' } });
    await adminOnA.call('bindVehicleDevice', { params: { id: own.id }, body: { deviceId: 'jx-own-cluster' } });
    const jiexiuOnB = await openSocket(b.url, await loginAs(b.url, 'dispatcher', password('dispatcher')));
    const pingyaoOnB = await openSocket(b.url, await loginAs(b.url, 'dispatcher-py', password('dispatcher-py')));
    let clock = Math.ceil(Date.now() / 1000);
    const reportToA = async (device: string) => {
      clock += 1;
      expect((await fetch(`${a.url}/osmand?id=${device}&lat=37.12&lon=112.05&timestamp=${clock}`)).status).toBe(200);
      return clock * 1000;
    };
    const fixOf = (vehicleId: string, ms: number) => (batch: PackedPosition[]) =>
      unpackPositions(batch).some((p) => p.vehicleId === vehicleId && Date.parse(p.deviceTime) === ms);
    // A ranks with every change committed before (a sync of its fleet state): its fan-out holds them too.
    const settleA = () => dispatcherOnA.call('getRecommendations', { params: { id: incident.id } });
    try {
      const offer = await dispatcherOnA.call('assignVehicle', {
        params: { id: incident.id }, body: { vehicleId: helper.vehicleId, crossCentreHelp: { reason: '本县车辆均距现场 20 分钟以上' } },
      });
      await settleA();
      const during = await reportToA('py-helper-cluster');
      await jiexiuOnB.waitFor('vehicle.positionsUpdated', fixOf(helper.vehicleId, during));

      await dispatcherOnA.call('cancelAssignment', { params: { id: offer.assignment.id }, body: { reason: '本县车辆已空出' } });
      await jiexiuOnB.waitFor('vehicle.updated', (v) => v.id === helper.vehicleId && v.incidentId === null);
      await settleA();
      const after = await reportToA('py-helper-cluster');
      await pingyaoOnB.waitFor('vehicle.positionsUpdated', fixOf(helper.vehicleId, after));
      // A's later fan-out of Jiexiu's own vehicle reaches B after the earlier one would have.
      const later = await reportToA('jx-own-cluster');
      await jiexiuOnB.waitFor('vehicle.positionsUpdated', fixOf(own.id, later));
      expect(jiexiuOnB.received.some((r) => r.event === 'vehicle.positionsUpdated' && fixOf(helper.vehicleId, after)(r.payload))).toBe(false);
    } finally {
      jiexiuOnB.close();
      pingyaoOnB.close();
    }
  }, 120_000);
});
