import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, readMigrations } from './migrate';
import { createPool, type Db } from './pool';

export function requireEnv(name: 'DATABASE_URL' | 'REDIS_URL'): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the tests with \`npm test\`, which starts the private PostgreSQL and Redis`);
  }
  return value;
}

function urlFor(database: string): string {
  const url = new URL(requireEnv('DATABASE_URL'));
  url.pathname = `/${database}`;
  return url.toString();
}

function templateName(): string {
  const digest = createHash('sha256');
  for (const m of readMigrations()) digest.update(`${m.version} ${m.name} ${m.checksum}\n`);
  return `test_template_${digest.digest('hex').slice(0, 12)}`;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: urlFor('postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function prepareTemplateDatabase(): Promise<void> {
  const template = templateName();
  const exists = await admin(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [template])).rowCount);
  if (exists) return;
  const building = `${template}_build_${randomBytes(3).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${building}"`));
  const db = createPool(urlFor(building), 1);
  try {
    await migrate(db);
  } finally {
    await db.end();
  }
  // Renamed only when complete, so a crashed run never leaves a half-migrated template behind.
  await admin((c) => c.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`)).catch(async (error) => {
    await admin((c) => c.query(`DROP DATABASE IF EXISTS "${building}"`));
    if (!/already exists/.test((error as Error).message)) throw error;
  });
}

export interface TestDatabase {
  db: Db;
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, fully migrated database of its own for one test file, dropped afterwards. */
export async function createTestDatabase(): Promise<TestDatabase> {
  await prepareTemplateDatabase();
  const name = `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName()}"`));
      break;
    } catch (error) {
      // Two files cloning the template in the same instant: PostgreSQL refuses the second; wait and retry.
      if (attempt > 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  const url = urlFor(name);
  const db = createPool(url, 10);
  return {
    db,
    url,
    name,
    async drop() {
      await db.end();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
