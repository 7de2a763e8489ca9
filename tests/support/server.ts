import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createApp, type App } from '@dispatch/server/app';
import { hashPassword } from '@dispatch/server/auth/passwords';
import { loadConfig, type Config } from '@dispatch/server/config';
import { createLogger, type Logger } from '@dispatch/server/logger';
import { createTestDatabase, requireEnv, type TestDatabase } from '@dispatch/db/testDatabase';
import { apiClient } from './api';
import { dropPrefixedKeys } from './redisKeys';

export interface TestServer {
  app: App;
  config: Config;
  database: TestDatabase;
  redis: Redis;
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * The real server on a random port, over its own fresh database and the real Redis.
 * @param log the server's logger (default: silent unless LOG_LEVEL is overridden); the log test passes a capturing one
 */
export async function startTestServer(overrides: Record<string, string> = {}, log?: Logger): Promise<TestServer> {
  const database = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: requireEnv('REDIS_URL'),
    JWT_SECRET: randomBytes(32).toString('hex'),
    PORT: '0',
    OSMAND_PORT: '0',
    LOG_LEVEL: 'silent',
    QUEUE_PREFIX: `test-${database.name}`,
    // Roads loaded when a test first routes, as before preloading: a test that needs it ahead turns it on.
    ROAD_PRELOAD: '0',
    ...overrides,
  });
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  // Reconnects by itself; fault tests stop Redis on purpose.
  redis.on('error', () => undefined);
  const app = createApp({ config, db: database.db, redis, log: log ?? createLogger(config.LOG_LEVEL) });
  await new Promise<void>((done) => app.http.listen(0, '127.0.0.1', done));
  const { port } = app.http.address() as AddressInfo;
  return {
    app,
    config,
    database,
    redis,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      await app.close();
      await dropPrefixedKeys(config.REDIS_URL, config.QUEUE_PREFIX);
      redis.disconnect();
      await database.drop();
    },
  };
}

/** Inserts a user straight into the database and returns its credentials. */
export async function createUser(
  database: TestDatabase,
  user: { username: string; role: string; vehicleId?: string; hospitalId?: string; password?: string },
) {
  const password = user.password ?? 'correct horse battery staple';
  const { rows } = await database.db.query<{ id: string }>(
    `INSERT INTO users (username, display_name, password_hash, role, vehicle_id, hospital_id)
     VALUES ($1, $1, $2, $3, $4, $5) RETURNING id`,
    [user.username, await hashPassword(password), user.role, user.vehicleId ?? null, user.hospitalId ?? null],
  );
  return { id: rows[0]!.id, username: user.username, password };
}

/** Logs in over HTTP and returns the bearer token. */
export async function loginAs(baseUrl: string, username: string, password: string): Promise<string> {
  return (await apiClient(baseUrl).call('login', { body: { username, password } })).token;
}

/** Inserts a user, logs it in over HTTP and returns its credentials, its token and a REST client bound to it. */
export async function createLoggedInUser(server: Pick<TestServer, 'database' | 'baseUrl'>, user: Parameters<typeof createUser>[1]) {
  const created = await createUser(server.database, user);
  const token = await loginAs(server.baseUrl, created.username, created.password);
  return { ...created, token, api: apiClient(server.baseUrl, token) };
}
