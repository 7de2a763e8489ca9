import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@dispatch/db';
import { createTestDatabase, type TestDatabase } from '@dispatch/db/testDatabase';
import { DeviceDirectory } from './deviceDirectory';

describe('DeviceDirectory on the real PostgreSQL', () => {
  let database: TestDatabase;
  const vehicles: string[] = [];
  /** The real pool, counting the statements sent through it. */
  let queries = 0;
  let counted: Db;

  beforeAll(async () => {
    database = await createTestDatabase();
    const station = await database.db.query<{ id: string }>(
      `INSERT INTO stations (code, name, kind, location) VALUES ('S1', 'Station', 'centre', ST_SetSRID(ST_MakePoint(111.9, 37.0), 4326)) RETURNING id`,
    );
    const { rows } = await database.db.query<{ id: string }>(
      `INSERT INTO vehicles (call_sign, kind, home_station_id, device_id)
       SELECT 'V' || i, 'multipurpose', $1, 'dev-' || i FROM generate_series(1, 300) i ORDER BY i RETURNING id`,
      [station.rows[0]!.id],
    );
    vehicles.push(...rows.map((r) => r.id));
    counted = new Proxy(database.db, {
      get: (pool, key) => (key === 'query' ? (...args: unknown[]) => (queries++, (pool.query as (...a: unknown[]) => unknown)(...args)) : Reflect.get(pool, key)),
    });
  });
  afterAll(() => database.drop());

  it('looks up the devices asked together in one query, unknown ones as null', async () => {
    const directory = new DeviceDirectory(counted);
    queries = 0;
    const ids = [...Array.from({ length: 300 }, (_, i) => `dev-${i + 1}`), 'nobody', 'dev-1'];
    const found = await Promise.all(ids.map((id) => directory.vehicleFor(id)));
    expect(found).toEqual([...vehicles, null, vehicles[0]]);
    expect(queries).toBe(1);
    // Cached now: no query.
    expect(await directory.vehicleFor('dev-7')).toBe(vehicles[6]);
    expect(queries).toBe(1);
  });

  it('answers an expired device at once with what it knew while reading it again, and a forgotten one afresh', async () => {
    const directory = new DeviceDirectory(counted, 1, 1);
    expect(await directory.vehicleFor('dev-2')).toBe(vehicles[1]);
    // Unbound behind the cache's back (another process, a direct edit): the expired answer first, then the new one.
    await database.db.query("UPDATE vehicles SET device_id = NULL WHERE device_id = 'dev-2'");
    await new Promise((expired) => setTimeout(expired, 5));
    expect(await directory.vehicleFor('dev-2')).toBe(vehicles[1]);
    await expect.poll(() => directory.vehicleFor('dev-2')).toBeNull();
    // Bound again and forgotten (as binding does): the next answer is read, not the stale one.
    await database.db.query("UPDATE vehicles SET device_id = 'dev-2' WHERE id = $1", [vehicles[1]]);
    directory.forget('dev-2');
    expect(await directory.vehicleFor('dev-2')).toBe(vehicles[1]);
  });
});
