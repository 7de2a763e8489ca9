import { createPool, migrate } from '@dispatch/db';
import { Server } from 'socket.io';
import { ConfigError, loadConfig } from '../config';
import { createLogger } from '../logger';
import type { Gateway } from '../realtime/gateway';
import { gatewayPublisher } from '../realtime/publisher';
import { createStreamsAdapter } from '../realtime/streamsAdapter';
import { createRoadImports } from './roadImports';

/**
 * `npm run roads:worker`: takes the road imports uploaded from the console, on a process of its own, for a centre
 * whose dispatch processes run with ROAD_IMPORT_WORKER=0 (parsing a province's file would otherwise hold up their
 * event loop). Reads the same configuration; the upload folder must be the one the servers write to.
 */
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
const db = createPool(config.DATABASE_URL, 4);
await migrate(db);
// No sockets of its own: a finished import reaches the servers' consoles through the Redis stream.
const streams = createStreamsAdapter(config.REDIS_URL, config.QUEUE_PREFIX, config.SOCKET_STREAM_MAX_LEN);
const io: Gateway = new Server({ adapter: streams.adapter });
const imports = createRoadImports({
  db, redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, dir: config.ROAD_UPLOAD_DIR, maxBytes: config.ROAD_UPLOAD_MAX_MB * 1048576, work: true, events: gatewayPublisher(io), log,
});
log.info({ dir: config.ROAD_UPLOAD_DIR }, 'road import worker waiting for jobs');
const stop = async () => {
  await imports.close();
  io.close();
  streams.close();
  await db.end();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
