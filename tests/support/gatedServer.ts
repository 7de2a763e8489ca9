import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createApp, type App } from '@dispatch/server/app';
import { loadConfig } from '@dispatch/server/config';
import { createPool } from '@dispatch/db';
import { seedDemo, type DemoLogins } from '@dispatch/server/demo/seedDemo';
import { createLogger } from '@dispatch/server/logger';
import { TcpGate } from './tcpGate';
import { dropPrefixedKeys } from './redisKeys';
import { createTestDatabase, requireEnv, type TestDatabase } from '@dispatch/db/testDatabase';

export interface GatedServer {
  app: App;
  database: TestDatabase;
  logins: DemoLogins;
  baseUrl: string;
  /** `gate.cut()` is a database outage for this server alone (the shared cluster is untouched); `restore()` ends it. */
  gate: TcpGate;
  close(): Promise<void>;
}

/** The real server over a demo-seeded database of its own, reaching PostgreSQL only through a TCP gate. */
export async function startGatedDemoServer(overrides: Record<string, string> = {}): Promise<GatedServer> {
  const database = await createTestDatabase();
  const logins = await seedDemo(database.db);
  const direct = new URL(database.url);
  const gate = await TcpGate.open(`http://${direct.hostname}:${direct.port}`);
  const gated = new URL(database.url);
  gated.port = new URL(gate.url).port;
  const config = loadConfig({
    DATABASE_URL: gated.toString(),
    REDIS_URL: requireEnv('REDIS_URL'),
    JWT_SECRET: 'gated-server-test-secret-'.padEnd(40, 'x'),
    LOG_LEVEL: 'silent',
    QUEUE_PREFIX: `test-${database.name}`,
    // Roads loaded when a test first routes, as before preloading: a test that needs it ahead turns it on.
    ROAD_PRELOAD: '0',
    ...overrides,
  });
  const db = createPool(config.DATABASE_URL, 5);
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined);
  const app = createApp({ config, db, redis, log: createLogger('silent') });
  await new Promise<void>((done) => app.http.listen(0, '127.0.0.1', done));
  return {
    app,
    database,
    logins,
    gate,
    baseUrl: `http://127.0.0.1:${(app.http.address() as AddressInfo).port}`,
    async close() {
      await gate.restore();
      await app.close();
      await db.end();
      await dropPrefixedKeys(config.REDIS_URL, config.QUEUE_PREFIX);
      redis.disconnect();
      await gate.cut();
      await database.drop();
    },
  };
}
