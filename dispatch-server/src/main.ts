import { Redis } from 'ioredis';
import { createApp } from './app';
import { ConfigError, isLoopbackHost, loadConfig } from './config';
import { createPool, createReadPool, migrate } from '@dispatch/db';
import { createLogger } from './logger';
import { seedDemo, type DemoLogins } from './demo/seedDemo';
import { seedDemoTransfers } from './transfers/transfers';

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
// Reports only; everything else (LISTEN, migrations, the outbox, timers, every write) stays on the primary.
const readDb = createReadPool(db, config.DATABASE_READ_URL, {
  onFallback: (err) => log.warn({ err: err.message }, 'the read replica is unreachable: reports read from the primary'),
});
// BullMQ needs maxRetriesPerRequest null; reconnects forever so a Redis restart is survived.
const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: false });
redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));

const migrated = await migrate(db);
if (migrated.applied.length) log.info({ applied: migrated.applied }, 'migrations applied');

let demoLogins: DemoLogins | null = null;
if (config.DEMO) {
  const started = performance.now();
  // With a neighbouring county's centre and a province supervisor (issue 15's multi-centre).
  demoLogins = await seedDemo(db, { passwordFile: config.DEMO_PASSWORDS_FILE, neighbour: true });
  await seedDemoTransfers(db);
  log.info({ ms: Math.round(performance.now() - started) }, 'demo county seeded (synthetic data)');
}

const app = createApp({ config, db, readDb, redis, log });
await new Promise<void>((listening) => app.http.listen(config.PORT, config.HOST, listening));
const address = app.http.address();
const port = typeof address === 'object' && address ? address.port : config.PORT;
const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}/`;
log.info({ url }, 'dispatch server listening');
if (demoLogins) printDemoBanner(url, demoLogins, config.DEMO_PASSWORDS_FILE, config.HOST);

function printDemoBanner(consoleUrl: string, logins: DemoLogins, passwordFile: string, host: string) {
  const loopbackOnly = isLoopbackHost(host);
  const lines = [
    '',
    '  120 dispatch — demo county (synthetic road network and data, labelled as such)',
    `  Console:        ${consoleUrl}`,
    `  Crew tablet:    ${consoleUrl}tablet/`,
    `  API document:   ${consoleUrl}api/openapi.json`,
    `  Logins (each with its own password, kept in ${passwordFile}):`,
    ...[logins.dispatcher, logins.supervisor, logins.admin].map((u) => `    ${u.padEnd(20)} ${logins.passwords[u]}`),
    ...(logins.neighbour
      ? [
          `    ${logins.neighbour.dispatcher.padEnd(20)} ${logins.passwords[logins.neighbour.dispatcher]}  the neighbouring centre's dispatcher (平遥)`,
          `    ${logins.neighbour.province.padEnd(20)} ${logins.passwords[logins.neighbour.province]}  province supervisor: every centre`,
        ]
      : []),
    ...logins.hospitals.map((h) => `    ${h.username.padEnd(20)} ${logins.passwords[h.username]}  ${h.name}`),
    `    Crews: ${logins.crews.length} logins, one per vehicle (e.g. ${logins.crews[0]?.username} ${logins.passwords[logins.crews[0]?.username ?? '']}, ${logins.crews[0]?.callSign}); all in the file`,
    ...(loopbackOnly ? [] : [`  HOST=${host} listens beyond loopback: demo passwords are refused (npm run admin:create makes a real admin).`]),
    '  Ctrl-C stops the server and the services npm start started.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

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
  if (readDb !== db) await readDb.end();
  await db.end();
  redis.disconnect();
  log.info('stopped');
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
