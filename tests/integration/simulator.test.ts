import { afterAll, describe, expect, it } from 'vitest';
import type { AssignmentOfferDto } from '@dispatch/protocol';
import { demoSuite } from '../support/demoSuite';
import { until } from '../support/wait';
import { randomCall } from '@dispatch/vehicle-agent/simulator/callGenerator';
import { startSimulator, type Simulator } from '@dispatch/vehicle-agent/simulator/startSimulator';

/** The fleet simulator against the real server, with time compressed 200-fold. */
describe('fleet simulator', () => {
  const { server, clients: [dispatcher] } = demoSuite({}, 'dispatcher');
  let simulator: Simulator | null = null;
  // Registered after the server's, so it runs before the server closes.
  afterAll(async () => {
    await simulator?.stop();
  });

  it('walks one vehicle through the whole lifecycle along its routes and brings it back to its station', async () => {
    const db = server.database.db;
    simulator = await startSimulator({ url: server.baseUrl, vehicles: 0, usernames: ['crew-05', 'crew-07'], password: server.logins.passwords, speedup: 200, sceneS: 120, handoverS: 60 });
    const crew = simulator.crews.find((c) => c.agent.state.user?.username === 'crew-05')!;
    const vehicleId = crew.agent.vehicleId;
    const offered = new Promise<AssignmentOfferDto>((resolve) => crew.agent.on('offered', resolve));

    // The village nearest to the vehicle's station, so the three legs take seconds at this speedup.
    const village = (
      await db.query<{ name: string; lon: number; lat: number }>(
        `SELECT p.name, ST_X(p.location) AS lon, ST_Y(p.location) AS lat FROM places p, vehicles v JOIN stations s ON s.id = v.home_station_id
          WHERE v.id = $1 AND p.kind = 'village'
          ORDER BY ST_Distance(p.location::geography, s.location::geography) LIMIT 1`,
        [vehicleId],
      )
    ).rows[0]!;
    const incident = await dispatcher.call('createIncident', { body: { placeName: village.name, category: 'chest_pain', priority: 1, patientSummary: '男, 70岁, 胸痛' } });
    const assignmentId = (await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId } })).assignment.id;
    const offer = await offered;
    expect(offer.route).not.toBeNull();

    const backAtBase = async () => Boolean((await db.query(`SELECT 1 FROM status_events WHERE assignment_id = $1 AND status = 'back_at_base'`, [assignmentId])).rowCount);
    await until(backAtBase, 'the simulated crew to get back to base', { timeoutMs: 60_000, everyMs: 250 });

    const events = await db.query<{ status: string; device_time: Date; source: string; lon: number | null; lat: number | null }>(
      `SELECT status, device_time, source, ST_X(location) AS lon, ST_Y(location) AS lat FROM status_events WHERE assignment_id = $1 ORDER BY device_time`,
      [assignmentId],
    );
    expect(events.rows.map((e) => e.status)).toEqual([
      'dispatched', 'acknowledged', 'en_route', 'on_scene', 'at_patient', 'transporting', 'at_hospital', 'handover', 'back_in_service', 'back_at_base',
    ]);
    expect(new Set(events.rows.slice(1).map((e) => e.source))).toEqual(new Set(['tablet']));
    const at = (status: string) => events.rows.find((e) => e.status === status)!;

    const near = async (lon: number | null, lat: number | null, target: { lon: number; lat: number }) =>
      (await db.query<{ d: number }>('SELECT ST_Distance(ST_MakePoint($1, $2)::geography, ST_MakePoint($3, $4)::geography) AS d', [lon, lat, target.lon, target.lat])).rows[0]!.d;
    expect(await near(at('on_scene').lon, at('on_scene').lat, offer.incident.location)).toBeLessThan(5);
    // The dispatch centre's choice, or (when it named none) the nearest PCI centre the crew picked and declared.
    const destination = (await db.query('SELECT destination_hospital_id FROM assignments WHERE id = $1', [assignmentId])).rows[0].destination_hospital_id;
    const hospital = await dispatcher.call('getHospital', { params: { id: destination } });
    expect(hospital.capabilities).toContain('pci');
    expect(await near(at('at_hospital').lon, at('at_hospital').lat, hospital.location)).toBeLessThan(5);

    // Fixes on the way to the scene lie on the offered route (the last metres join the road to the caller's door).
    const enRoute = await db.query<{ n: number; off_route_m: number }>(
      `SELECT count(*)::int AS n,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY ST_Distance(p.location::geography, ST_GeomFromGeoJSON($4)::geography)) AS off_route_m
         FROM vehicle_positions p WHERE vehicle_id = $1 AND device_time > $2 AND device_time < $3`,
      [vehicleId, at('en_route').device_time, at('on_scene').device_time, JSON.stringify(offer.route!.geometry)],
    );
    expect(enRoute.rows[0]!.n).toBeGreaterThanOrEqual(5);
    expect(enRoute.rows[0]!.off_route_m).toBeLessThan(10);

    // The demo's consultation: a P1 patient's vital signs and a note to the receiving hospital, sent on the way.
    const consultation = await dispatcher.call('getConsultation', { params: { id: assignmentId } });
    expect(consultation.entries.map((e) => [e.side, e.kind])).toEqual([['crew', 'vitals'], ['crew', 'text']]);

    const closed = await dispatcher.call('getIncident', { params: { id: incident.id } });
    expect(closed.status).toBe('closed');
    const vehicle = await dispatcher.call('getVehicle', { params: { id: vehicleId } });
    expect(vehicle.state).toBe('available');
    const station = await dispatcher.call('getStation', { params: { id: vehicle.homeStationId } });
    expect(await near(vehicle.position!.lon, vehicle.position!.lat, station.location)).toBeLessThan(5);
  }, 90_000);

  it('stops a withdrawn task where it is and drives back to its station without reporting further steps', async () => {
    const db = server.database.db;
    const crew = simulator!.crews.find((c) => c.agent.state.user?.username === 'crew-07')!;
    const vehicleId = crew.agent.vehicleId;
    const village = (await db.query<{ name: string }>(`SELECT name FROM places WHERE kind = 'village' ORDER BY name OFFSET 60 LIMIT 1`)).rows[0]!;
    const incident = await dispatcher.call('createIncident', { body: { placeName: village.name, category: 'trauma', priority: 2 } });
    const assignmentId = (await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId } })).assignment.id;
    const withdrawn = new Promise((resolve) => crew.agent.on('withdrawn', resolve));

    const slowly = { timeoutMs: 30_000, everyMs: 200 };
    const station = (await db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(s.location) AS lon, ST_Y(s.location) AS lat FROM vehicles v JOIN stations s ON s.id = v.home_station_id WHERE v.id = $1`,
      [vehicleId],
    )).rows[0]!;
    const awayFromStation = async () => {
      const v = await dispatcher.call('getVehicle', { params: { id: vehicleId } });
      return Math.hypot((v.position!.lon - station.lon) * 88_800, (v.position!.lat - station.lat) * 111_000) > 300;
    };
    await until(async () => (await db.query(`SELECT 1 FROM status_events WHERE assignment_id = $1 AND status = 'en_route'`, [assignmentId])).rowCount === 1, 'en_route', slowly);
    await until(awayFromStation, 'the vehicle 300 m on its way', slowly);
    await dispatcher.call('cancelAssignment', { params: { id: assignmentId }, body: { reason: '患者已自行就医' } });
    await withdrawn;

    await until(async () => {
      const v = await dispatcher.call('getVehicle', { params: { id: vehicleId } });
      return Math.abs(v.position!.lon - station.lon) < 1e-6 && Math.abs(v.position!.lat - station.lat) < 1e-6;
    }, 'the vehicle back at its station', slowly);
    const events = await db.query(`SELECT status FROM status_events WHERE assignment_id = $1 ORDER BY device_time`, [assignmentId]);
    expect(events.rows.map((e) => e.status)).toEqual(['dispatched', 'acknowledged', 'en_route', 'cancelled']);
    expect((await dispatcher.call('getVehicle', { params: { id: vehicleId } })).state).toBe('available');
  }, 60_000);

  it('makes calls at villages with a category, a priority and a patient summary the server accepts', async () => {
    const villages = (await dispatcher.call('searchPlaces', { query: { q: '村', limit: '50' } })).filter((p: { kind: string }) => p.kind === 'village');
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 5; i++) {
      const call = randomCall(villages, random);
      expect((await dispatcher.call('createIncident', { body: call })).patientSummary).toBe(call.patientSummary);
    }
  });
});
