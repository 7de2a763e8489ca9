import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from './wait';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface PrivateServices {
  /** Runs `scripts/services.sh <command>` (start, stop, env...) on this cluster; returns what it printed. */
  run(command: string): string;
  /** Stops the cluster, puts the shared DATABASE_URL back and removes the data folder. */
  close(): void;
}

/**
 * A PostgreSQL cluster of a test's own, made by the project's service script, so stopping it disturbs no other
 * test. While it lives, `process.env.DATABASE_URL` points at it (the test database helpers read that).
 * @param name a word for the data folder, e.g. "outage"
 */
export async function startPrivateServices(name: string): Promise<PrivateServices> {
  const dataDir = `/var/tmp/dispatch120-${name}-${randomBytes(4).toString('hex')}`;
  const { DATABASE_URL: sharedDatabaseUrl, REDIS_URL: _redis, ...rest } = process.env;
  const env = { ...rest, DISPATCH_DATA_DIR: dataDir, DISPATCH_PG_PORT: String(await freePort()), DISPATCH_REDIS_PORT: String(await freePort()) };
  const run = (command: string) =>
    execFileSync('bash', ['scripts/services.sh', command], { cwd: ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  run('start');
  const urls = Object.fromEntries([...run('env').matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]));
  process.env.DATABASE_URL = urls.DATABASE_URL;
  return {
    run,
    close() {
      process.env.DATABASE_URL = sharedDatabaseUrl;
      run('stop');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
