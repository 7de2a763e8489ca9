import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import pg from 'pg';
import type { TestDatabase } from '@dispatch/db/testDatabase';

const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Stops the PostgreSQL cluster of `dataDir` at once, as a crash or a power cut would (`pg_ctl -m immediate`). */
export function crashCluster(dataDir: string): void {
  execFileSync('runuser', ['-u', 'postgres', '--', `${PG_BIN}/pg_ctl`, '-D', dataDir, '-m', 'immediate', '-w', 'stop'], { stdio: 'ignore' });
}

/** The clusters restore.sh made for a test (each `<dir>/pg`), stopped where they still run, and removed. */
export function discardRestoredClusters(dirs: readonly string[]): void {
  for (const dir of dirs) {
    try {
      crashCluster(`${dir}/pg`);
    } catch {
      // never started, or already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One query on a connection of its own to `url` (a cluster a test made: a restored one, a replica, a promoted primary). */
export async function queryAt<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A real fault, as a server bug would be: a trigger in the test's own database refuses, with an exception, every
 * status event for which `condition` (SQL over NEW) holds. `DROP TRIGGER <name> ON status_events` ends it.
 */
export async function refuseStatusEvents(db: TestDatabase['db'], name: string, condition: string): Promise<void> {
  await db.query(`
    CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF ${condition} THEN RAISE EXCEPTION 'injected fault'; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER ${name} BEFORE INSERT ON status_events FOR EACH ROW EXECUTE FUNCTION ${name}();`);
}
