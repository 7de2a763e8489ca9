import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@dispatch/db/testDatabase';
import { getVehicle, listVehicles } from './vehicles';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

it('lists each vehicle with its last position: the time as toISOString writes it, the age rounded, stale past the threshold', async () => {
  const { db } = database;
  const station = await db.query(`INSERT INTO stations (code, name, kind, location) VALUES ('S1', 'S', 'centre', ST_MakePoint(111.9, 37.0)) RETURNING id`);
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO vehicles (call_sign, kind, capabilities, home_station_id)
     SELECT 'V' || i, 'multipurpose', '{bls}', $1 FROM generate_series(1, 3) i ORDER BY i RETURNING id`,
    [station.rows[0].id],
  );
  const [none, fresh, old] = rows.map((r) => r.id);
  const fixes = await db.query<{ device_time: Date }>(
    `INSERT INTO vehicle_positions_latest (vehicle_id, location, device_time, received_at, source)
     VALUES ($1, ST_MakePoint(111.91234567, 37.0123456), now() - interval '89.6 s', now(), 'test'),
            ($2, ST_MakePoint(111.9, 37.0), now() - interval '1234.567891 s', now(), 'test')
     RETURNING device_time`,
    [fresh, old],
  );
  const [freshAt, oldAt] = fixes.rows.map((r) => r.device_time.toISOString());
  expect((await listVehicles(db, 90)).map((v) => [v.id, v.position])).toEqual([
    [none, null],
    [fresh, { lon: 111.91234567, lat: 37.0123456, deviceTime: freshAt, ageSeconds: 90, stale: false }],
    [old, { lon: 111.9, lat: 37.0, deviceTime: oldAt, ageSeconds: 1235, stale: true }],
  ]);
  expect((await getVehicle(db, old!, 1300)).position).toMatchObject({ ageSeconds: 1235, stale: false });
});
