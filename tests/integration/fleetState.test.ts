import { randomUUID } from 'node:crypto';
import { BULK_MEDIA_TYPES } from '@dispatch/protocol';
import { FleetState, rankingVehicles, readFleet } from '@dispatch/server/fleet/fleetState';
import type { FleetTables, RankingVehicle } from '@dispatch/server/fleet/fleetTables';
import { createLogger } from '@dispatch/server/logger';
import { describe, expect, it } from 'vitest';
import { openSocket } from '../support/api';
import { demoSuite } from '../support/demoSuite';

/** The fleet as sorted plain rows, to compare the in-memory state with the database's. */
const plain = (t: FleetTables) => {
  const sorted = <R>(m: ReadonlyMap<string, R>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, r]) => r);
  return { vehicles: sorted(t.vehicles), positions: sorted(t.positions), stations: sorted(t.stations), hospitals: sorted(t.hospitals) };
};
const byId = (rows: readonly RankingVehicle[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));

/**
 * The in-memory fleet state (dispatch-server/src/fleet) against what PostgreSQL says, after each of a sequence of
 * real commands through the real server: assignment, status reports, positions from a crew's socket, a vehicle out
 * of service, a hospital's load, a bulk import, a deletion; after a restart; and through a second listener, as
 * another server process would hold it.
 */
describe('the fleet state stays what the database says', () => {
  const { server, clients: [dispatcher, admin], tokens } = demoSuite({}, 'dispatcher', 'admin');
  const fleet = () => server.app.ctx.fleet;
  const expectInStep = async (state: FleetState = fleet()) => {
    expect(plain(await state.current())).toEqual(plain(await readFleet(server.database.db)));
    // The ranking rows it keeps ready, updated only where notes said, equal rows built afresh from the database.
    const { rows } = await state.forIncident(randomUUID());
    expect(byId(rows)).toEqual(byId(rankingVehicles(await readFleet(server.database.db))));
  };

  it('holds the seeded county as loaded, and follows an assignment, status reports and a cancel', async () => {
    await expectInStep();
    const incident = await dispatcher.call('createIncident', { body: { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 } });
    const pick = (await dispatcher.call('getRecommendations', { params: { id: incident.id } })).candidates[0]!;
    const offer = await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: pick.vehicleId } });
    await expectInStep();
    const held = (await fleet().current()).vehicles.get(pick.vehicleId)!;
    expect(held).toMatchObject({ state: 'busy', task_status: 'dispatched', task_incident_number: incident.number });
    // The next ranking names it busy on this incident, from memory.
    const again = await dispatcher.call('getRecommendations', { params: { id: incident.id } });
    expect(again.excluded.find((e) => e.vehicleId === pick.vehicleId)).toMatchObject({ reason: 'busy', detail: `dispatched on incident #${incident.number}` });

    for (const status of ['acknowledged', 'en_route'] as const) {
      await dispatcher.call('reportStatus', { params: { id: offer.assignment.id }, body: { eventId: randomUUID(), status, deviceTime: new Date().toISOString() } });
      await expectInStep();
    }
    expect((await fleet().current()).vehicles.get(pick.vehicleId)!.task_status).toBe('en_route');
    await dispatcher.call('cancelAssignment', { params: { id: offer.assignment.id }, body: { reason: 'test' } });
    await expectInStep();
    expect((await fleet().current()).vehicles.get(pick.vehicleId)).toMatchObject({ task_status: null, state: 'available' });
  });

  it('follows positions a crew reports over its socket', async () => {
    const crew = await server.as(server.logins.crews[2]!.username);
    const vehicleId = (await dispatcher.call('listVehicles')).find((v) => v.callSign === server.logins.crews[2]!.callSign)!.id;
    const socket = await openSocket(server.baseUrl, crew.token);
    const fix = { lon: 111.9321, lat: 37.0412, deviceTime: new Date().toISOString() };
    const stored = await new Promise<any>((resolve) => socket.socket.emit('positions.reported', [fix], resolve));
    expect(stored).toEqual({ ok: true, stored: 1 });
    await expectInStep();
    expect((await fleet().current()).positions.get(vehicleId)).toMatchObject({ lon: fix.lon, lat: fix.lat, device_ms: Date.parse(fix.deviceTime) });
    socket.socket.close();
  });

  it('follows a vehicle taken out of service, a hospital load change, a new station and its deletion', async () => {
    const vehicle = (await dispatcher.call('listVehicles')).find((v) => v.callSign === '介休120-05')!;
    await admin.call('updateVehicle', {
      params: { id: vehicle.id },
      body: { callSign: vehicle.callSign, kind: vehicle.kind, capabilities: vehicle.capabilities, homeStationId: vehicle.homeStationId, inService: false, outOfServiceReason: 'maintenance' },
    });
    await expectInStep();
    expect((await fleet().current()).vehicles.get(vehicle.id)).toMatchObject({ in_service: false });

    const hospital = (await dispatcher.call('listHospitals')).find((h) => h.kind !== 'village_clinic')!;
    await dispatcher.call('setHospitalLoad', { params: { id: hospital.id }, body: { loadStatus: 'red' } });
    await expectInStep();
    expect((await fleet().current()).hospitals.get(hospital.id)!.load_status).toBe('red');
    await dispatcher.call('setHospitalLoad', { params: { id: hospital.id }, body: { loadStatus: 'blue' } });

    const station = await admin.call('createStation', { body: { code: 'FLEET-1', name: '测试分站', kind: 'substation', location: { lon: 111.95, lat: 37.05 } } });
    await expectInStep();
    expect((await fleet().current()).stations.get(station.id)).toMatchObject({ code: 'FLEET-1' });
    await admin.call('deleteStation', { params: { id: station.id } });
    await expectInStep();
    expect((await fleet().current()).stations.has(station.id)).toBe(false);
  });

  it('moves the ranking rows of a station\'s vehicles with the station (a station note, no vehicle note)', async () => {
    const vehicle = (await dispatcher.call('listVehicles')).find((v) => v.callSign === '介休120-03')!;
    const station = (await admin.call('listStations')).find((s) => s.id === vehicle.homeStationId)!;
    const { id, centreId, ...input } = station;
    const moved = { lon: station.location.lon + 0.01, lat: station.location.lat - 0.01 };
    await admin.call('updateStation', { params: { id }, body: { ...input, centreId, location: moved } });
    await expectInStep();
    const row = (await fleet().forIncident(randomUUID())).rows.find((r) => r.id === vehicle.id)!;
    expect([row.station_lon, row.station_lat]).toEqual([expect.closeTo(moved.lon, 9), expect.closeTo(moved.lat, 9)]);
    await admin.call('updateStation', { params: { id }, body: { ...input, centreId } });
    await expectInStep();
  });

  it('follows a bulk import of vehicles committed in one transaction', async () => {
    const csv = await (
      await fetch(`${server.baseUrl}/api/bulk/export?kind=vehicles&format=csv&lang=en`, { headers: { authorization: `Bearer ${tokens.admin}` } })
    ).text();
    const [header, first] = csv.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    const added = first!.replace(/^[^,]*/, 'FLEET-BULK-1');
    const res = await fetch(`${server.baseUrl}/api/bulk/commit?kind=vehicles&format=csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': BULK_MEDIA_TYPES.csv },
      body: `${header}\n${added}\n`,
    });
    expect(res.status).toBe(200);
    await expectInStep();
    expect([...(await fleet().current()).vehicles.values()].some((v) => v.call_sign === 'FLEET-BULK-1')).toBe(true);
  });

  it('starts in step after a restart, and a second listener (another process) follows the same commands', async () => {
    const log = createLogger('silent');
    const other = new FleetState(server.database.db, log, { reconcileMs: 3_600_000 });
    other.start();
    try {
      await expectInStep(other);
      const hospital = (await dispatcher.call('listHospitals')).find((h) => h.kind !== 'village_clinic')!;
      await dispatcher.call('setHospitalLoad', { params: { id: hospital.id }, body: { loadStatus: 'yellow' } });
      await expectInStep(other);
      expect((await other.current()).hospitals.get(hospital.id)!.load_status).toBe('yellow');
    } finally {
      await other.close();
    }
  });

  it('is in step again after its listening connection was cut, whatever was noted meanwhile', async () => {
    await fleet().current();
    const cut = await server.database.db.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dispatch120-fleet-listener' AND datname = current_database()",
    );
    expect(cut.rowCount).toBe(1);
    const hospital = (await dispatcher.call('listHospitals')).find((h) => h.kind !== 'village_clinic')!;
    await dispatcher.call('setHospitalLoad', { params: { id: hospital.id }, body: { loadStatus: 'closed' } });
    await expectInStep();
    expect((await fleet().current()).hospitals.get(hospital.id)!.load_status).toBe('closed');
    await dispatcher.call('setHospitalLoad', { params: { id: hospital.id }, body: { loadStatus: 'blue' } });
    await expectInStep();
  });

  it('reads a direct database edit, which no command announced, at its reconciliation', async () => {
    const vehicle = (await dispatcher.call('listVehicles')).find((v) => v.callSign === '介休120-06')!;
    await server.database.db.query("UPDATE vehicles SET call_sign = 'FLEET-DIRECT' WHERE id = $1", [vehicle.id]);
    await fleet().reconcile();
    await expectInStep();
    expect((await fleet().current()).vehicles.get(vehicle.id)!.call_sign).toBe('FLEET-DIRECT');
  });
});
