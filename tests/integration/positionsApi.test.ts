import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, unpackPositions, type VehiclePositionDto } from '@dispatch/protocol';
import { apiClient } from '../support/api';
import { serverSuite } from '../support/demoSuite';
import { createLoggedInUser, startTestServer } from '../support/server';
import { KNOT_IN_MPS } from '@dispatch/server/positions/osmand';

/** Real server, real PostgreSQL, real socket.io: the OsmAnd endpoints as phones and Traccar servers use them. */
describe('position ingestion over the OsmAnd/Traccar protocol', () => {
  const server = serverSuite(() => startTestServer());
  let osmandBase: string;
  let adminToken: string;
  let dispatcherToken: string;
  let crewToken: string;
  const vehicle: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };

  beforeAll(async () => {
    const db = server.database.db;
    const station = await db.query<{ id: string }>(
      `INSERT INTO stations (code, name, kind, location) VALUES ('JX0', '介休急救中心', 'centre', ST_SetSRID(ST_MakePoint(111.913, 37.027), 4326)) RETURNING id`,
    );
    for (const key of ['a', 'b', 'c'] as const) {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO vehicles (call_sign, kind, home_station_id) VALUES ($1, 'negative_pressure_ambulance', $2) RETURNING id`,
        [`JX-${key.toUpperCase()}`, station.rows[0]!.id],
      );
      vehicle[key] = rows[0]!.id;
    }
    adminToken = (await createLoggedInUser(server, { username: 'admin1', role: 'admin' })).token;
    dispatcherToken = (await createLoggedInUser(server, { username: 'disp1', role: 'dispatcher' })).token;
    crewToken = (await createLoggedInUser(server, { username: 'crew1', role: 'crew', vehicleId: vehicle.a })).token;
    const own = await server.app.positions.osmandServer();
    if (!own) throw new Error('the OsmAnd port did not open');
    expect(own.port).not.toBe(server.config.PORT);
    osmandBase = `http://127.0.0.1:${own.port}`;
  });

  const bind = (vehicleId: string, deviceId: string | null, token = adminToken) =>
    apiClient(server.baseUrl, token).send('bindVehicleDevice', { params: { id: vehicleId }, body: { deviceId } });

  async function counts() {
    const { rows } = await server.database.db.query<{ history: number; latest: number }>(
      'SELECT (SELECT count(*) FROM vehicle_positions) AS history, (SELECT count(*) FROM vehicle_positions_latest) AS latest',
    );
    return rows[0]!;
  }

  async function history(vehicleId: string) {
    const { rows } = await server.database.db.query(
      `SELECT ST_X(location) AS lon, ST_Y(location) AS lat, speed_mps, heading_deg, accuracy_m, device_time, source,
              tableoid::regclass::text AS partition
       FROM vehicle_positions WHERE vehicle_id = $1 ORDER BY device_time`,
      [vehicleId],
    );
    return rows;
  }

  async function latest(vehicleId: string) {
    const { rows } = await server.database.db.query(
      'SELECT ST_X(location) AS lon, ST_Y(location) AS lat, speed_mps, device_time FROM vehicle_positions_latest WHERE vehicle_id = $1',
      [vehicleId],
    );
    return rows[0];
  }

  async function clearPositions() {
    await server.database.db.query('DELETE FROM vehicle_positions; DELETE FROM vehicle_positions_latest');
  }

  /**
   * Recent epoch seconds, so the fixes land in a real monthly partition and are not refused as future. One base
   * instant for the file: reading the clock per call let two "different" fixes straddle a second and coincide.
   */
  const base = Math.floor(Date.now() / 1000);
  const epoch = (secondsAgo: number) => base - secondsAgo;

  describe('binding a device id to a vehicle', () => {
    it('is refused without a token (401) and to a dispatcher or crew (403)', async () => {
      expect((await apiClient(server.baseUrl).send('bindVehicleDevice', { params: { id: vehicle.a }, body: { deviceId: '123456' } })).status).toBe(401);
      expect((await bind(vehicle.a, '123456', dispatcherToken)).status).toBe(403);
      expect((await bind(vehicle.a, '123456', crewToken)).status).toBe(403);
      const { rows } = await server.database.db.query('SELECT device_id FROM vehicles WHERE id = $1', [vehicle.a]);
      expect(rows[0].device_id).toBeNull();
    });

    it('lets an admin bind, is audited, and answers 404 for an unknown vehicle', async () => {
      expect(await bind(vehicle.a, '123456')).toEqual({ status: 200, body: { vehicleId: vehicle.a, deviceId: '123456' } });
      const audit = await server.database.db.query(
        `SELECT action, actor_username, details FROM audit_log WHERE entity_type = 'vehicle' AND entity_id = $1`,
        [vehicle.a],
      );
      expect(audit.rows).toEqual([{ action: 'vehicle.deviceBound', actor_username: 'admin1', details: { deviceId: '123456', previousDeviceId: null } }]);
      expect((await bind('7d0c8a53-0e39-4a65-a8a4-1f6bdbd0d2a1', 'x')).status).toBe(404);
      expect((await bind('not-a-uuid', 'x')).status).toBe(404);
    });

    it('refuses with 409 a device id already bound to another vehicle, naming it', async () => {
      expect(await bind(vehicle.b, '123456')).toMatchObject({ status: 409, body: { error: 'deviceId: 123456 is bound to vehicle JX-A; unbind it there first' } });
      expect((await bind(vehicle.b, 'ambulance-b')).status).toBe(200);
      expect((await bind(vehicle.c, 'tracker-c')).status).toBe(200);
    });

    it('names the bad field of a binding', async () => {
      expect(await bind(vehicle.c, '')).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^deviceId: deviceId must not be empty/) } });
    });
  });

  describe('real-world request shapes, on the API port and on the OsmAnd port', () => {
    beforeEach(clearPositions);

    const ports = () => [
      ['API port /osmand', `${server.baseUrl}/osmand`],
      ['OsmAnd port /', `${osmandBase}/`],
      ['OsmAnd port /osmand', `${osmandBase}/osmand`],
    ] as const;

    it("stores Traccar Client's GET with its typical parameters (speed in knots)", async () => {
      for (const [index, [where, url]] of ports().entries()) {
        // One fix per port: history keeps one row per vehicle and device time.
        const t = epoch(60 + index);
        const res = await fetch(`${url}?id=123456&timestamp=${t}&lat=37.02&lon=111.91&speed=12.3&bearing=90&altitude=750&accuracy=5&batt=87`);
        expect(res.status, where).toBe(200);
        expect(await res.json()).toEqual({ stored: 1, ignoredInvalid: 0 });
        const rows = await history(vehicle.a);
        const row = rows.find((r) => r.device_time.getTime() === t * 1000);
        expect(row, where).toMatchObject({ lon: 111.91, lat: 37.02, heading_deg: 90, accuracy_m: 5, source: 'osmand' });
        expect(row.speed_mps).toBeCloseTo(12.3 * KNOT_IN_MPS, 3);
        // The current month has a partition of its own: the live path never writes the default partition.
        expect(row.partition).toMatch(/^vehicle_positions_\d{4}_\d{2}$/);
      }
      expect((await history(vehicle.a)).length).toBe(3);
    });

    it('stores a POST with the parameters in the query string and an empty body (Traccar Client for Android)', async () => {
      for (const [index, [where, url]] of ports().entries()) {
        const res = await fetch(`${url}?id=123456&timestamp=${epoch(30 + index)}&lat=37.03&lon=111.92&speed=0&bearing=0&altitude=740&accuracy=8&batt=50&charge=true`, {
          method: 'POST',
        });
        expect(res.status, where).toBe(200);
      }
      expect((await history(vehicle.a)).map((r) => r.lat)).toEqual([37.03, 37.03, 37.03]);
    });

    it('stores a POST with an urlencoded body (OsmAnd online tracking, deviceid and ISO timestamp)', async () => {
      for (const [where, url] of ports()) {
        const iso = new Date((epoch(20) + ports().findIndex(([w]) => w === where)) * 1000).toISOString();
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ deviceid: 'ambulance-b', lat: '37.05', lon: '111.95', timestamp: iso, speed: '10', hdop: '0.9' }),
        });
        expect(res.status, where).toBe(200);
      }
      const rows = await history(vehicle.b);
      expect(rows.length).toBe(3);
      expect(rows[0].speed_mps).toBeCloseTo(5.144, 3);
    });

    it('stores the JSON body form, single and batched, with speed in m/s', async () => {
      const location = (secondsAgo: number, lat: number) => ({
        timestamp: new Date(epoch(secondsAgo) * 1000).toISOString(),
        coords: { latitude: lat, longitude: 111.93, speed: 13.9, heading: 180, accuracy: 3, altitude: 745 },
        battery: { level: 0.6, is_charging: false },
        is_moving: true,
        odometer: 1234,
      });
      for (const [index, [where, url]] of ports().entries()) {
        const single = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ device_id: 'tracker-c', location: location(50 + index, 37.1) }),
        });
        expect(single.status, where).toBe(200);
      }
      const batch = await fetch(`${osmandBase}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ device_id: 'tracker-c', location: [location(40, 37.11), location(39, 37.12), location(38, 37.13)] }),
      });
      expect(batch.status).toBe(200);
      expect(await batch.json()).toEqual({ stored: 3, ignoredInvalid: 0 });
      const rows = await history(vehicle.c);
      expect(rows.map((r) => r.lat)).toEqual([37.1, 37.1, 37.1, 37.11, 37.12, 37.13]);
      expect(rows[0].speed_mps).toBeCloseTo(13.9, 4);
      expect((await latest(vehicle.c))?.lat).toBe(37.13);
    });

    it('acknowledges a fix the device marks invalid without storing it', async () => {
      const res = await fetch(`${osmandBase}/?id=123456&lat=37&lon=112&valid=false&timestamp=${epoch(5)}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ stored: 0, ignoredInvalid: 1 });
      expect(await counts()).toEqual({ history: 0, latest: 0 });
    });
  });

  describe('bad input', () => {
    beforeEach(clearPositions);

    it('refuses an unknown device id with 404 and stores nothing, on both ports', async () => {
      for (const url of [`${server.baseUrl}/osmand`, `${osmandBase}/`]) {
        const res = await fetch(`${url}?id=999999&timestamp=${epoch(5)}&lat=37.02&lon=111.91`);
        expect(res.status).toBe(404);
        expect(((await res.json()) as { error: string }).error).toMatch(/^unknown device id 999999/);
      }
      // A batch naming one unknown device among known ones is refused whole.
      const mixed = await fetch(`${osmandBase}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ device_id: 'nobody', location: { coords: { latitude: 37, longitude: 112 } } }),
      });
      expect(mixed.status).toBe(404);
      expect(await counts()).toEqual({ history: 0, latest: 0 });
    });

    it('answers a bad latitude with 400 naming lat, and stores nothing', async () => {
      const res = await fetch(`${osmandBase}/?id=123456&timestamp=${epoch(5)}&lat=97.5&lon=111.91`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^lat: Too big/);
      const json = await fetch(`${server.baseUrl}/osmand`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ device_id: '123456', location: { coords: { latitude: 'north', longitude: 112 } } }),
      });
      expect(json.status).toBe(400);
      expect(((await json.json()) as { error: string }).error).toMatch(/^location\.coords\.latitude:/);
      expect(await counts()).toEqual({ history: 0, latest: 0 });
    });

    it('answers a missing id, malformed JSON and an unparseable timestamp with 400', async () => {
      const noId = await fetch(`${osmandBase}/?lat=37&lon=112`);
      expect(noId.status).toBe(400);
      expect(((await noId.json()) as { error: string }).error).toBe('id: the device id (id or deviceid) is required');
      const malformed = await fetch(`${osmandBase}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"device_id": ' });
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toEqual({ error: 'malformed JSON body', code: 'invalid_input' });
      const badTime = await fetch(`${server.baseUrl}/osmand?id=123456&lat=37&lon=112&timestamp=tomorrow`);
      expect(badTime.status).toBe(400);
      expect(((await badTime.json()) as { error: string }).error).toMatch(/^timestamp: cannot read "tomorrow"/);
      expect(await counts()).toEqual({ history: 0, latest: 0 });
      expect((await fetch(`${osmandBase}/elsewhere`)).status).toBe(404);
    });
  });

  describe('one fix validation for every ingest path', () => {
    beforeEach(clearPositions);

    it('refuses a fix dated 2099, one from 1999 and one at 0,0 on the crew socket, the API port and the OsmAnd port, naming the field', async () => {
      const crew = connect(server.baseUrl, { auth: { token: crewToken, protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], reconnection: false, forceNew: true });
      await new Promise((resolve) => crew.once('session.welcomed', resolve));
      const viaSocket = (fix: object) => crew.timeout(5000).emitWithAck('positions.reported', [fix]);
      const now = new Date().toISOString();
      expect(await viaSocket({ lon: 111.9, lat: 37, deviceTime: '2099-01-01T00:00:00Z' })).toEqual({
        ok: false,
        status: 400,
        error: 'deviceTime: 2099-01-01T00:00:00.000Z is more than 5 minutes ahead of the server clock: the device clock is wrong',
      });
      expect(await viaSocket({ lon: 111.9, lat: 37, deviceTime: '1999-01-01T00:00:00Z' })).toMatchObject({ status: 400, error: expect.stringMatching(/^deviceTime: .* old/) });
      expect(await viaSocket({ lon: 0, lat: 0, deviceTime: now })).toMatchObject({ status: 400, error: expect.stringMatching(/^lat: 0,0 is the position of no fix/) });
      const batch = await crew.timeout(5000).emitWithAck('positions.reported', [
        { lon: 111.9, lat: 37, deviceTime: now },
        { lon: 111.9, lat: 37, deviceTime: '2099-01-01T00:00:00Z' },
      ]);
      expect(batch).toMatchObject({ status: 400, error: expect.stringMatching(/^positions\.1\.deviceTime: /) });
      crew.close();

      const future = encodeURIComponent('2099-01-01T00:00:00Z');
      for (const url of [`${server.baseUrl}/osmand`, `${osmandBase}/`]) {
        const ahead = await fetch(`${url}?id=123456&timestamp=${future}&lat=37.02&lon=111.91`);
        expect(ahead.status).toBe(400);
        expect(((await ahead.json()) as { error: string }).error).toMatch(/^timestamp: 2099-01-01T00:00:00.000Z is more than 5 minutes ahead/);
        const nowhere = await fetch(`${url}?id=123456&timestamp=${epoch(5)}&lat=0&lon=0`);
        expect(nowhere.status).toBe(400);
        expect(((await nowhere.json()) as { error: string }).error).toMatch(/^lat: 0,0/);
      }
      expect(await counts()).toEqual({ history: 0, latest: 0 });
    });
  });

  describe('device time ordering', () => {
    beforeEach(clearPositions);

    it('stores an older replayed fix in history without moving the latest position back', async () => {
      const newer = epoch(10);
      const older = epoch(600);
      expect((await fetch(`${osmandBase}/?id=123456&timestamp=${newer}&lat=37.2&lon=111.8`)).status).toBe(200);
      expect((await fetch(`${osmandBase}/?id=123456&timestamp=${older}&lat=37.1&lon=111.7`)).status).toBe(200);
      const rows = await history(vehicle.a);
      expect(rows.map((r) => [r.lat, r.device_time.getTime()])).toEqual([
        [37.1, older * 1000],
        [37.2, newer * 1000],
      ]);
      expect(await latest(vehicle.a)).toMatchObject({ lat: 37.2, lon: 111.8, device_time: new Date(newer * 1000) });
      // A later fix moves it on.
      expect((await fetch(`${osmandBase}/?id=123456&timestamp=${epoch(1)}&lat=37.3&lon=111.9`)).status).toBe(200);
      expect((await latest(vehicle.a))?.lat).toBe(37.3);
    });

    it('stores a fix sent twice (a retried upload) once', async () => {
      const t = epoch(20);
      for (let i = 0; i < 2; i++) {
        expect((await fetch(`${osmandBase}/?id=123456&timestamp=${t}&lat=37.2&lon=111.8`)).status).toBe(200);
      }
      expect((await history(vehicle.a)).length).toBe(1);
    });
  });

  describe('fan-out to consoles', () => {
    function open(token: string): Promise<Socket> {
      const socket = connect(server.baseUrl, { auth: { token, protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], reconnection: false, forceNew: true });
      return new Promise((resolve, reject) => {
        socket.on('session.welcomed', () => resolve(socket));
        socket.on('connect_error', reject);
      });
    }

    it('delivers positions coalesced per vehicle to dispatchers and nothing to a crew', async () => {
      await clearPositions();
      const dispatcher = await open(dispatcherToken);
      const crew = await open(crewToken);
      const toDispatcher: VehiclePositionDto[][] = [];
      const toCrew: VehiclePositionDto[][] = [];
      dispatcher.on('vehicle.positionsUpdated', (p) => toDispatcher.push(unpackPositions(p)));
      crew.on('vehicle.positionsUpdated', (p) => toCrew.push(unpackPositions(p)));

      // Ten fixes of one vehicle in one upload plus one of another, then five single reports in quick succession.
      const base = epoch(120);
      const burst = Array.from({ length: 10 }, (_, i) => ({
        timestamp: new Date((base + i) * 1000).toISOString(),
        coords: { latitude: 37 + i / 1000, longitude: 111.9, speed: 10, heading: 90, accuracy: 5, altitude: 700 },
      }));
      const sent = [
        fetch(`${osmandBase}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ device_id: '123456', location: burst }) }),
        fetch(`${osmandBase}/?id=ambulance-b&timestamp=${base}&lat=37.5&lon=112`),
      ];
      for (const r of await Promise.all(sent)) expect(r.status).toBe(200);
      for (let i = 0; i < 5; i++) {
        expect((await fetch(`${server.baseUrl}/osmand?id=tracker-c&timestamp=${base + i}&lat=${36 + i / 100}&lon=111.5`)).status).toBe(200);
      }
      const deadline = Date.now() + 3000;
      const newest = () => new Map(toDispatcher.flat().map((p) => [p.vehicleId, p]));
      while (Date.now() < deadline && (newest().get(vehicle.c)?.lat ?? 0) !== 36.04) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));

      for (const message of toDispatcher) {
        expect(new Set(message.map((p) => p.vehicleId)).size, 'one position per vehicle per message').toBe(message.length);
      }
      const a = toDispatcher.flat().filter((p) => p.vehicleId === vehicle.a);
      expect(a).toHaveLength(1);
      expect(a[0]).toMatchObject({ lat: 37.009, lon: 111.9, speedMps: 10, headingDeg: 90, accuracyM: 5, source: 'osmand' });
      expect(a[0]!.deviceTime).toBe(new Date((base + 9) * 1000).toISOString());
      expect(newest().get(vehicle.b)).toMatchObject({ lat: 37.5, lon: 112 });
      expect(newest().get(vehicle.c)).toMatchObject({ lat: 36.04, lon: 111.5 });
      expect(toCrew).toEqual([]);
      dispatcher.close();
      crew.close();
    });
  });
});
