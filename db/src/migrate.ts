import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './pool';

/** The folder of numbered migrations: `NNN_purpose.sql`, first line `-- Purpose: ...`. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  purpose: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {}

const FILE_PATTERN = /^(\d{3})_([a-z0-9_]+)\.sql$/;
// Any constant works; it only keeps two processes from migrating the same database at once.
const LOCK_KEY = 120_120_001;

export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = FILE_PATTERN.exec(file);
      if (!match) throw new MigrationError(`${file}: a migration is named NNN_purpose.sql`);
      const sql = readFileSync(join(dir, file), 'utf8');
      const purpose = /^-- Purpose: (.+)$/m.exec(sql.split('\n', 1)[0] ?? '')?.[1];
      if (!purpose) throw new MigrationError(`${file}: the first line must be "-- Purpose: <why this migration exists>"`);
      return {
        version: Number(match[1]),
        name: match[2] ?? '',
        purpose,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (i > 0 && migrations[i - 1]?.version === m.version) throw new MigrationError(`two migrations numbered ${m.version}`);
  });
  return migrations;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

/**
 * Applies the pending migrations, each in its own transaction, under an advisory lock.
 * Refuses to run when an applied migration was edited or removed, or a new one is numbered below an applied
 * one: history is never rewritten and runs in one order everywhere.
 */
export async function migrate(db: Db, migrations: Migration[] = readMigrations()): Promise<MigrateResult> {
  const client = await db.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    );
    const byVersion = new Map(migrations.map((m) => [m.version, m]));
    for (const row of rows) {
      const file = byVersion.get(row.version);
      const label = `${String(row.version).padStart(3, '0')}_${row.name}.sql`;
      if (!file) throw new MigrationError(`applied migration ${label} is missing from the migrations folder`);
      if (file.checksum !== row.checksum) {
        throw new MigrationError(`applied migration ${label} was edited after it ran; add a new migration instead`);
      }
    }
    const appliedVersions = new Set(rows.map((r) => r.version));
    // A migration numbered below the newest applied one was written against an older schema and would run
    // out of order here (and in order on a fresh database): two histories. It must take the next free number.
    const newest = Math.max(0, ...appliedVersions);
    const late = migrations.find((m) => !appliedVersions.has(m.version) && m.version < newest);
    if (late) {
      throw new MigrationError(
        `migration ${String(late.version).padStart(3, '0')}_${late.name}.sql is numbered below ${String(newest).padStart(3, '0')}, already applied; renumber it ${String(newest + 1).padStart(3, '0')} or later`,
      );
    }
    const applied: string[] = [];
    for (const m of migrations) {
      if (appliedVersions.has(m.version)) continue;
      const label = `${String(m.version).padStart(3, '0')}_${m.name}`;
      try {
        await client.query('BEGIN');
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          m.checksum,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new MigrationError(`migration ${label} failed: ${(error as Error).message}`);
      }
      applied.push(label);
    }
    return { applied, alreadyApplied: rows.length };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}
