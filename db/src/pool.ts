import pg from 'pg';

// int8 (counts, ids) and numeric as JS numbers: every value we keep in them fits in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export type Db = pg.Pool;
export type DbClient = pg.PoolClient;

export function createPool(databaseUrl: string, max = 10): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, application_name: 'dispatch120' });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/** For command-line tools: one connection to DATABASE_URL, or exit 2 saying how to set it. */
export function poolFromEnv(max = 1): Db {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set (eval "$(bash scripts/services.sh env)")');
    process.exit(2);
  }
  return createPool(url, max);
}

/** Deadlock and serialization failures: PostgreSQL rolled the transaction back; running it again is safe. */
const RETRYABLE = new Set(['40P01', '40001']);

/** Clients inside an inTransaction now. */
const inside = new WeakSet<DbClient>();

/**
 * Runs `work` in one transaction on one client; rolls back on any error, and runs it again (up to three
 * times) when PostgreSQL chose it as a deadlock victim, so a rare lock cycle never reaches the caller.
 * Given a client already inside one, `work` joins that transaction (a bulk import runs many commands as one).
 */
export async function inTransaction<T>(db: Db | DbClient, work: (client: DbClient) => Promise<T>): Promise<T> {
  if (!(db instanceof pg.Pool) && inside.has(db)) return work(db);
  for (let attempt = 1; ; attempt++) {
    // On a client of its own (the migration runner holds its lock on one) the transaction runs there.
    const pooled = db instanceof pg.Pool;
    const client = pooled ? await db.connect() : db;
    // A connection lost mid-transaction surfaces through the failing query; without a listener the client's
    // 'error' event would crash the process.
    const ignore = () => undefined;
    client.on('error', ignore);
    try {
      await client.query('BEGIN');
      inside.add(client);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (attempt < 3 && RETRYABLE.has((error as { code?: string }).code ?? '')) continue;
      throw error;
    } finally {
      inside.delete(client);
      client.off('error', ignore);
      if (pooled) client.release();
    }
  }
}

/** Whether a text is a uuid PostgreSQL accepts: asked before a lookup, so a malformed id is a 404, not a 22P02. */
export const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
