import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './testDatabase';
import { migrate, readMigrations } from './migrate';

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

describe('readMigrations', () => {
  it('reads the project migrations in order, each with a purpose', () => {
    const migrations = readMigrations();
    expect(migrations.length).toBeGreaterThanOrEqual(2);
    expect(migrations.map((m) => m.version)).toEqual([...migrations.map((m) => m.version)].sort((a, b) => a - b));
    for (const m of migrations) expect(m.purpose.length).toBeGreaterThan(10);
  });

  it('refuses a file without a purpose line', () => {
    const dir = folderWith({ '001_first.sql': 'CREATE TABLE t (id int);' });
    expect(() => readMigrations(dir)).toThrowError(/first line must be "-- Purpose/);
  });

  it('refuses a badly named file', () => {
    const dir = folderWith({ '1-first.sql': '-- Purpose: x\n' });
    expect(() => readMigrations(dir)).toThrowError(/NNN_purpose.sql/);
  });
});

describe('migrate against the real PostgreSQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    // Start from an empty schema so this test owns the whole history.
    await database.db.query('DROP TABLE schema_migrations');
  });
  afterAll(() => database.drop());

  const first = '-- Purpose: a first table for the runner test.\nCREATE TABLE runner_a (id int);\n';
  const second = '-- Purpose: a second table for the runner test.\nCREATE TABLE runner_b (id int);\n';

  it('applies each pending migration once and records it', async () => {
    const dir = folderWith({ '001_a.sql': first, '002_b.sql': second });
    expect((await migrate(database.db, readMigrations(dir))).applied).toEqual(['001_a', '002_b']);
    expect(await migrate(database.db, readMigrations(dir))).toEqual({ applied: [], alreadyApplied: 2 });
    const { rows } = await database.db.query('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows).toEqual([
      { version: 1, name: 'a' },
      { version: 2, name: 'b' },
    ]);
  });

  it('refuses to run when an applied migration was edited', async () => {
    const dir = folderWith({ '001_a.sql': first.replace('runner_a', 'runner_x'), '002_b.sql': second });
    await expect(migrate(database.db, readMigrations(dir))).rejects.toThrowError(/001_a.sql was edited/);
  });

  it('refuses to run when an applied migration is missing', async () => {
    const dir = folderWith({ '001_a.sql': first });
    await expect(migrate(database.db, readMigrations(dir))).rejects.toThrowError(/002_b.sql is missing/);
  });

  it('refuses a new migration numbered below one already applied, applying nothing', async () => {
    const late = '-- Purpose: written on an old branch.\nCREATE TABLE runner_late (id int);\n';
    const dir = folderWith({ '001_a.sql': first, '002_b.sql': second, '000_late.sql': late });
    await expect(migrate(database.db, readMigrations(dir))).rejects.toThrowError(/000_late.sql is numbered below 002.*renumber it 003/);
    const { rows } = await database.db.query("SELECT to_regclass('runner_late') AS t");
    expect(rows[0].t).toBeNull();
  });

  it('rolls back a failing migration completely', async () => {
    const broken = '-- Purpose: fails halfway.\nCREATE TABLE runner_c (id int);\nSELECT no_such_function();\n';
    const dir = folderWith({ '001_a.sql': first, '002_b.sql': second, '003_c.sql': broken });
    await expect(migrate(database.db, readMigrations(dir))).rejects.toThrowError(/003_c failed/);
    const { rows } = await database.db.query("SELECT to_regclass('runner_c') AS t");
    expect(rows[0].t).toBeNull();
    const applied = await database.db.query('SELECT count(*)::int AS n FROM schema_migrations');
    expect(applied.rows[0].n).toBe(2);
  });
});

describe('the first schema', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('has PostGIS and pgRouting installed', async () => {
    const { rows } = await database.db.query("SELECT extname FROM pg_extension WHERE extname IN ('postgis', 'pgrouting') ORDER BY 1");
    expect(rows.map((r) => r.extname)).toEqual(['pgrouting', 'postgis']);
  });

  it('keeps every geometry in EPSG:4326 with a GiST index', async () => {
    const { rows } = await database.db.query(
      `SELECT f_table_name AS t, f_geometry_column AS c, srid FROM geometry_columns
        WHERE f_table_schema = 'public' AND f_table_name NOT LIKE 'vehicle_positions_%'
          -- Views (the gazetteer over places) are indexed through their tables.
          AND f_table_name NOT IN (SELECT viewname FROM pg_views WHERE schemaname = 'public')`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const row of rows) {
      expect(row.srid, `${row.t}.${row.c}`).toBe(4326);
      if (row.t === 'status_events' || row.t === 'road_networks' || row.t === 'vehicle_positions') continue;
      const index = await database.db.query(
        `SELECT 1 FROM pg_indexes WHERE tablename = $1 AND indexdef ILIKE '%USING gist (' || $2 || ')%'`,
        [row.t, row.c],
      );
      expect(index.rowCount, `GiST index on ${row.t}.${row.c}`).toBe(1);
    }
  });

  it('refuses to change or delete audit history', async () => {
    await database.db.query("INSERT INTO audit_log (action, details) VALUES ('test.appended', '{}')");
    await expect(database.db.query("UPDATE audit_log SET action = 'x'")).rejects.toThrowError(/append-only/);
    await expect(database.db.query('DELETE FROM audit_log')).rejects.toThrowError(/append-only/);
    await expect(database.db.query('TRUNCATE audit_log')).rejects.toThrowError(/append-only/);
  });

  it('puts positions into monthly partitions by device time', async () => {
    const station = await database.db.query(
      "INSERT INTO stations (code, name, kind, location) VALUES ('S1', 'S1', 'centre', ST_MakePoint(111.9, 37.0)) RETURNING id",
    );
    const vehicle = await database.db.query(
      "INSERT INTO vehicles (call_sign, kind, home_station_id) VALUES ('V1', 'multipurpose', $1) RETURNING id",
      [station.rows[0].id],
    );
    await database.db.query(
      `INSERT INTO vehicle_positions (vehicle_id, location, device_time, source)
       VALUES ($1, ST_MakePoint(111.9, 37.0), now(), 'test'), ($1, ST_MakePoint(111.9, 37.0), '2001-01-01T00:00:00Z', 'test')`,
      [vehicle.rows[0].id],
    );
    const { rows } = await database.db.query(
      'SELECT tableoid::regclass::text AS part FROM vehicle_positions ORDER BY device_time',
    );
    expect(rows[0].part).toBe('vehicle_positions_default');
    expect(rows[1].part).toMatch(/^vehicle_positions_\d{4}_\d{2}$/);
  });
});
