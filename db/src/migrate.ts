import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { inTransaction, type Db } from './pool';
import { sqlFile } from './sqlFile';

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
/** A migration's number as its file name writes it: 7 → `007`. */
const numbered = (version: number) => String(version).padStart(3, '0');
const sql = sqlFile(new URL('./migrate.sql', import.meta.url), {
  lock: {},
  unlock: {},
  createHistory: {},
  applied: { row: z.object({ version: z.number(), name: z.string(), checksum: z.string() }) },
  record: { params: z.object({ version: z.number(), name: z.string(), checksum: z.string() }) },
});

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
    await sql.lock.run(client);
    await sql.createHistory.run(client);
    const rows = await sql.applied.rows(client);
    const byVersion = new Map(migrations.map((m) => [m.version, m]));
    for (const row of rows) {
      const file = byVersion.get(row.version);
      const label = `${numbered(row.version)}_${row.name}.sql`;
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
        `migration ${numbered(late.version)}_${late.name}.sql is numbered below ${numbered(newest)}, already applied; renumber it ${numbered(newest + 1)} or later`,
      );
    }
    const applied: string[] = [];
    for (const m of migrations) {
      if (appliedVersions.has(m.version)) continue;
      const label = `${numbered(m.version)}_${m.name}`;
      await inTransaction(client, async (transaction) => {
        // The file is the statement: a migration is SQL a reviewer reads as it runs.
        await transaction.query(m.sql);
        await sql.record.run(transaction, { version: m.version, name: m.name, checksum: m.checksum });
      }).catch((error: Error) => {
        throw new MigrationError(`migration ${label} failed: ${error.message}`);
      });
      applied.push(label);
    }
    return { applied, alreadyApplied: rows.length };
  } finally {
    await sql.unlock.run(client).catch(() => undefined);
    client.release();
  }
}
