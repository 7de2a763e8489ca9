import pg from 'pg';
import type { TestDatabase } from '@dispatch/db/testDatabase';

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
