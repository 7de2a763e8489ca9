import { Redis } from 'ioredis';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { migrate } from './db/migrate';
import { createPool } from './db/pool';
import { createLogger } from './logger';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}

const log = createLogger(config.LOG_LEVEL);
const db = createPool(config.DATABASE_URL, 20);
// BullMQ needs maxRetriesPerRequest null; reconnects forever so a Redis restart is survived.
const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: false });
redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));

const migrated = await migrate(db);
if (migrated.applied.length) log.info({ applied: migrated.applied }, 'migrations applied');

const app = createApp({ config, db, redis, log });
await new Promise<void>((listening) => app.http.listen(config.PORT, config.HOST, listening));
const address = app.http.address();
const port = typeof address === 'object' && address ? address.port : config.PORT;
log.info({ url: `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}/` }, 'dispatch server listening');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  const forced = setTimeout(() => {
    log.error('shutdown took longer than 10 s; exiting');
    process.exit(1);
  }, 10_000);
  forced.unref();
  await app.close();
  await db.end();
  redis.disconnect();
  log.info('stopped');
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
