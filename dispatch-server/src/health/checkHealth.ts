import type { Redis } from 'ioredis';
import { PROTOCOL_VERSION, type ComponentHealth, type HealthReport } from '@dispatch/protocol';
import { type Db, sqlFile } from '@dispatch/db';
import { z } from 'zod';

const version = { row: z.object({ v: z.string() }) };
const sql = sqlFile(new URL('./health.sql', import.meta.url), {
  postgres: version,
  postgis: version,
  pgrouting: version,
  replica: { row: z.object({ standby: z.boolean(), replayedAgoS: z.number().nullable() }) },
});

const TIMEOUT_MS = 2000;

async function probe(run: () => Promise<string>): Promise<ComponentHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
    return { ok: true, detail, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** The reports' replica: replaying (and how long ago its last replayed transaction was committed), or not read. */
async function replicaDetail(readDb: Db): Promise<string> {
  const row = (await sql.replica.one(readDb))!;
  if (!row.standby) throw new Error('the reports read the primary: the replica is unreachable (or was promoted)');
  return row.replayedAgoS === null ? 'replaying, no transaction yet' : `replaying, last transaction committed ${Math.round(row.replayedAgoS)} s ago`;
}

/**
 * Asks each real component for its version: a component that answers is up. The reports' replica (`readDb`, when
 * one is configured) is reported but never makes the whole unhealthy: the primary answers the reports without it.
 */
export async function checkHealth(db: Db, redis: Redis, readDb?: Db): Promise<HealthReport> {
  const [postgres, postgis, pgrouting, redisHealth, replica] = await Promise.all([
    probe(async () => (await sql.postgres.one(db))?.v ?? '?'),
    probe(async () => (await sql.postgis.one(db))?.v ?? '?'),
    probe(async () => (await sql.pgrouting.one(db))?.v ?? '?'),
    probe(async () => {
      const pong = await redis.ping();
      if (pong !== 'PONG') throw new Error(`unexpected reply ${pong}`);
      const info = await redis.info('server');
      return /redis_version:(\S+)/.exec(info)?.[1] ?? 'PONG';
    }),
    readDb ? probe(() => replicaDetail(readDb)) : undefined,
  ]);
  const components = { postgres, postgis, pgrouting, redis: redisHealth };
  return {
    ok: Object.values(components).every((c) => c.ok),
    protocolVersion: PROTOCOL_VERSION,
    components: replica ? { ...components, replica } : components,
    checkedAt: new Date().toISOString(),
  };
}
