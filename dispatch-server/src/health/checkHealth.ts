import type { Redis } from 'ioredis';
import { PROTOCOL_VERSION, type ComponentHealth, type HealthReport } from '@dispatch/protocol';
import { type Db, sqlFile } from '@dispatch/db';
import { z } from 'zod';

const version = { row: z.object({ v: z.string() }) };
const sql = sqlFile(new URL('./health.sql', import.meta.url), { postgres: version, postgis: version, pgrouting: version });

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

/** Asks each real component for its version: a component that answers is up. */
export async function checkHealth(db: Db, redis: Redis): Promise<HealthReport> {
  const [postgres, postgis, pgrouting, redisHealth] = await Promise.all([
    probe(async () => (await sql.postgres.one(db))?.v ?? '?'),
    probe(async () => (await sql.postgis.one(db))?.v ?? '?'),
    probe(async () => (await sql.pgrouting.one(db))?.v ?? '?'),
    probe(async () => {
      const pong = await redis.ping();
      if (pong !== 'PONG') throw new Error(`unexpected reply ${pong}`);
      const info = await redis.info('server');
      return /redis_version:(\S+)/.exec(info)?.[1] ?? 'PONG';
    }),
  ]);
  const components = { postgres, postgis, pgrouting, redis: redisHealth };
  return {
    ok: Object.values(components).every((c) => c.ok),
    protocolVersion: PROTOCOL_VERSION,
    components,
    checkedAt: new Date().toISOString(),
  };
}
