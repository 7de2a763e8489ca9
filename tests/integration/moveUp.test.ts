import type { ApiClient, LiveCoverageDto, StationDto, VehicleDto } from '@dispatch/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket } from '../support/api';
import { demoSuite } from '../support/demoSuite';
import { expectRefusal } from '../support/expectations';
import { until } from '../support/wait';
import { startSimulator, type Simulator } from '@dispatch/vehicle-agent/simulator/startSimulator';

/**
 * The 30-minute circle live and move-up against the real server on the demo county: the Zhanglan substation's
 * vehicles leave on calls, the circle shrinks, DMEXCLP suggests a free vehicle to stand by there, the dispatcher
 * sends it, its crew gets the reposition with its route, and its arrival restores the circle.
 */
describe('live 30-minute coverage and move-up (DMEXCLP)', () => {
  const { server, clients: [dispatcher, supervisor], tokens } = demoSuite({}, 'dispatcher', 'supervisor');
  let stations: StationDto[];
  let vehicles: VehicleDto[];
  let zhanglan: StationDto;
  let before: LiveCoverageDto;
  let dispatcherSocket: Awaited<ReturnType<typeof openSocket>>;

  beforeAll(async () => {
    stations = await dispatcher.call('listStations');
    vehicles = await dispatcher.call('listVehicles');
    zhanglan = stations.find((s) => s.code === 'JX-ZL')!;
    dispatcherSocket = await openSocket(server.baseUrl, tokens.dispatcher);
  });
  let simulator: Simulator | null = null;
  afterAll(async () => {
    dispatcherSocket?.close();
    await simulator?.stop();
  });

  const crewOf = async (vehicleId: string): Promise<{ api: ApiClient; token: string }> => {
    const callSign = vehicles.find((v) => v.id === vehicleId)!.callSign;
    return server.as(server.logins.crews.find((c) => c.callSign === callSign)!.username);
  };

  it('counts the villages a free ambulance and a health facility reach within 30 minutes by road, for dispatchers and supervisors', async () => {
    before = await dispatcher.call('liveCoverage');
    expect(before.villages).toBe(163);
    expect(before.minutes).toBe(30);
    expect(before.freeVehicles).toBe(vehicles.filter((v) => v.state === 'available').length);
    expect(before.ambulanceShare).toBeGreaterThan(0.5);
    expect(before.facilityShare).toBeGreaterThan(0.5);
    expect(before.uncovered.length).toBe(
      before.uncovered.filter((u) => u.byAmbulance || u.byFacility).length,
    );
    expect(Math.round(163 * (1 - before.ambulanceShare))).toBe(before.uncovered.filter((u) => u.byAmbulance).length);
    expect((await supervisor.call('liveCoverage')).ambulanceShare).toBe(before.ambulanceShare);
    // Nothing to move while every station is staffed.
    expect((await dispatcher.call('moveUpSuggestions')).suggestions).toEqual([]);
  });

  it('shrinks when the substation’s vehicles leave, pushes the figure and suggests a move-up to it', async () => {
    const away = vehicles.filter((v) => v.homeStationId === zhanglan.id);
    expect(away.length).toBeGreaterThan(0);
    for (const [i, v] of away.entries()) {
      const incident = await dispatcher.call('createIncident', {
        body: { location: { lon: zhanglan.location.lon + 0.002 * i, lat: zhanglan.location.lat + 0.001 }, category: 'trauma', priority: 2 },
      });
      await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: v.id } });
    }
    const after = await dispatcher.call('liveCoverage');
    expect(after.freeVehicles).toBe(before.freeVehicles - away.length);
    expect(after.ambulanceShare).toBeLessThan(before.ambulanceShare);
    // The health facilities did not move.
    expect(after.facilityShare).toBe(before.facilityShare);
    const pushed = await dispatcherSocket.waitFor('coverage.updated', (c: LiveCoverageDto) => c.ambulanceShare === after.ambulanceShare);
    expect(pushed.uncovered.length).toBe(after.uncovered.length);

    const { suggestions, q, method } = await dispatcher.call('moveUpSuggestions');
    expect(method).toBe('DMEXCLP');
    expect(q).toBeGreaterThan(0);
    const first = suggestions[0]!;
    expect(first.stationId).toBe(zhanglan.id);
    expect(vehicles.find((v) => v.id === first.vehicleId)!.homeStationId).not.toBe(zhanglan.id);
    expect(first.shareBefore).toBeCloseTo(after.ambulanceShare, 9);
    expect(first.shareAfter).toBeGreaterThan(first.shareBefore);
    expect(first.expectedAfter).toBeGreaterThan(first.expectedBefore);
    expect(first.driveSeconds).toBeGreaterThan(0);
  });

  it('sends the move-up: the crew gets the reposition with its route, stays dispatchable, and its arrival restores the circle', async () => {
    const first = (await dispatcher.call('moveUpSuggestions')).suggestions[0]!;
    const crew = await crewOf(first.vehicleId);
    const crewSocket = await openSocket(server.baseUrl, crew.token);
    try {
      const sent = await dispatcher.call('sendReposition', { params: { id: first.vehicleId }, body: { stationId: first.stationId } });
      expect(sent).toMatchObject({ vehicleId: first.vehicleId, stationId: zhanglan.id, stationName: zhanglan.name, state: 'offered' });
      expect(sent.route!.durationS).toBeGreaterThan(0);
      expect(sent.route!.geometry.coordinates.length).toBeGreaterThan(1);
      const told = await crewSocket.waitFor('reposition.updated', (r) => r.id === sent.id);
      expect(told.route.distanceM).toBe(sent.route!.distanceM);
      expect((await crew.api.call('getVehicleReposition', { params: { id: first.vehicleId } }))!.id).toBe(sent.id);

      // Not an incident: the vehicle is still free and recommended for calls.
      expect((await dispatcher.call('getVehicle', { params: { id: first.vehicleId } })).state).toBe('available');
      // Counted at its post for the next suggestion: it is not suggested again.
      expect((await dispatcher.call('moveUpSuggestions')).suggestions.map((s) => s.vehicleId)).not.toContain(first.vehicleId);

      expect((await crew.api.call('reportReposition', { params: { id: first.vehicleId }, body: { state: 'accepted' } })).state).toBe('accepted');
      // At the station: its GPS puts it there, and the crew says so.
      const ack = await crewSocket.socket.emitWithAck('positions.reported', [
        { lon: zhanglan.location.lon, lat: zhanglan.location.lat, deviceTime: new Date().toISOString(), speedMps: 0 },
      ]);
      expect(ack).toMatchObject({ ok: true });
      const arrived = await crew.api.call('reportReposition', { params: { id: first.vehicleId }, body: { state: 'arrived' } });
      expect(arrived.state).toBe('arrived');
      await dispatcherSocket.waitFor('reposition.updated', (r) => r.id === sent.id && r.state === 'arrived');
      expect(await crew.api.call('getVehicleReposition', { params: { id: first.vehicleId } })).toBeUndefined();

      const now = await dispatcher.call('liveCoverage');
      expect(now.ambulanceShare).toBeCloseTo(first.shareAfter, 9);
      expect(now.ambulanceShare).toBeGreaterThan(first.shareBefore);
    } finally {
      crewSocket.close();
    }
  });

  it('ends a reposition when its vehicle is dispatched to a call', async () => {
    const free = (await dispatcher.call('listVehicles')).find((v) => v.state === 'available' && v.homeStationId !== zhanglan.id)!;
    const yitang = stations.find((s) => s.code === 'JX-YT')!;
    const sent = await dispatcher.call('sendReposition', { params: { id: free.id }, body: { stationId: yitang.id } });
    const incident = await dispatcher.call('createIncident', { body: { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 } });
    await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: free.id } });
    await dispatcher.call('liveCoverage');
    await dispatcherSocket.waitFor('reposition.updated', (r) => r.id === sent.id && r.state === 'cancelled');
    expect(await dispatcher.call('getVehicleReposition', { params: { id: free.id } })).toBeUndefined();
    // A busy vehicle is not sent anywhere.
    await expectRefusal(dispatcher.call('sendReposition', { params: { id: free.id }, body: { stationId: yitang.id } }), 409, /^id:/);
  });

  it('a simulated crew (the fleet of npm start) accepts a move-up, drives its route and arrives', async () => {
    const fleet = await dispatcher.call('listVehicles');
    const centre = stations.find((s) => s.code === 'JX-120')!;
    const free = fleet.find((v) => v.state === 'available' && v.homeStationId === centre.id && v.callSign.startsWith('介休120-1'))!;
    const crew = server.logins.crews.find((c) => c.callSign === free.callSign)!;
    simulator = await startSimulator({ url: server.baseUrl, vehicles: 0, usernames: [crew.username], password: server.logins.passwords, speedup: 200 });
    const yitang = stations.find((s) => s.code === 'JX-YT')!;
    const sent = await dispatcher.call('sendReposition', { params: { id: free.id }, body: { stationId: yitang.id } });
    const state = async () => (await server.database.db.query<{ state: string }>('SELECT state FROM repositions WHERE id = $1', [sent.id])).rows[0]!.state;
    await until(async () => (await state()) === 'arrived', 'the simulated crew to arrive at its post', { timeoutMs: 60_000, everyMs: 250 });
    const at = (await dispatcher.call('getVehicle', { params: { id: free.id } })).position!;
    const d = await server.database.db.query<{ d: number }>('SELECT ST_Distance(ST_MakePoint($1, $2)::geography, ST_MakePoint($3, $4)::geography) AS d', [
      at.lon, at.lat, yitang.location.lon, yitang.location.lat,
    ]);
    expect(d.rows[0]!.d).toBeLessThan(150);
    await simulator.stop();
    simulator = null;
  });

  it('refuses by role and names the field of a bad request', async () => {
    const free = (await dispatcher.call('listVehicles')).find((v) => v.state === 'available')!;
    const other = (await dispatcher.call('listVehicles')).find((v) => v.id !== free.id)!;
    const crew = await crewOf(free.id);
    await expectRefusal(crew.api.call('sendReposition', { params: { id: free.id }, body: { stationId: zhanglan.id } }), 403, /crew/);
    await expectRefusal(crew.api.call('getVehicleReposition', { params: { id: other.id } }), 403, /not your vehicle/);
    await expectRefusal(crew.api.call('reportReposition', { params: { id: other.id }, body: { state: 'accepted' } }), 403, /not your vehicle/);
    await expectRefusal(crew.api.call('liveCoverage'), 403, /crew/);
    await expectRefusal(crew.api.call('moveUpSuggestions'), 403, /crew/);
    await expectRefusal(dispatcher.call('sendReposition', { params: { id: free.id }, body: { stationId: 'nope' } as never }), 400, /stationId/);
    await expectRefusal(
      dispatcher.call('sendReposition', { params: { id: free.id }, body: { stationId: '00000000-0000-4000-8000-000000000000' } }),
      404,
      /^stationId:/,
    );
    await expectRefusal(
      dispatcher.call('sendReposition', { params: { id: '00000000-0000-4000-8000-000000000000' }, body: { stationId: zhanglan.id } }),
      404,
      /vehicle/,
    );
    await expectRefusal(crew.api.call('reportReposition', { params: { id: free.id }, body: { state: 'arrived' } }), 404, /^id:.*no open reposition/);
    await expectRefusal(dispatcher.call('reportReposition', { params: { id: free.id }, body: { state: 'flying' } as never }), 400, /state/);
    const sent = await dispatcher.call('sendReposition', { params: { id: free.id }, body: { stationId: zhanglan.id } });
    await crew.api.call('reportReposition', { params: { id: free.id }, body: { state: 'accepted' } });
    // A dispatcher may call it off; the crew's tablet is told.
    const cancelled = await dispatcher.call('reportReposition', { params: { id: free.id }, body: { state: 'cancelled' } });
    expect(cancelled).toMatchObject({ id: sent.id, state: 'cancelled' });
  });
});
