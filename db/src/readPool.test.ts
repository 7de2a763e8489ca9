import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from './pool';
import { createReadPool } from './readPool';
import { requireEnv } from './testDatabase';

/** A loopback port nothing listens on (taken, then closed). */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

const appName = async (db: Db) => (await db.query<{ name: string }>("SELECT current_setting('application_name') AS name")).rows[0]!.name;

describe('createReadPool', () => {
  let primary: Db;
  beforeAll(() => {
    primary = createPool(requireEnv('DATABASE_URL'), 2);
  });
  afterAll(async () => {
    await primary.end();
  });

  it('is the primary itself when no read URL is configured', () => {
    expect(createReadPool(primary, undefined)).toBe(primary);
  });

  it('reads from the read URL when it answers', async () => {
    const reads = createReadPool(primary, requireEnv('DATABASE_URL'));
    try {
      expect(await appName(reads)).toBe('dispatch120-reads');
      const client = await reads.connect();
      expect((await client.query<{ name: string }>("SELECT current_setting('application_name') AS name")).rows[0]!.name).toBe('dispatch120-reads');
      client.release();
    } finally {
      await reads.end();
    }
  });

  it('falls back to the primary when the replica cannot be reached, and says so once while it stays down', async () => {
    const url = new URL(requireEnv('DATABASE_URL'));
    url.port = String(await closedPort());
    const fallbacks: Error[] = [];
    const reads = createReadPool(primary, url.toString(), { onFallback: (e) => fallbacks.push(e) });
    try {
      expect(await appName(reads)).toBe('dispatch120');
      expect(await appName(reads)).toBe('dispatch120');
      const client = await reads.connect();
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      client.release();
      expect(fallbacks.map((e) => (e as { code?: string }).code)).toEqual(['ECONNREFUSED']);
    } finally {
      await reads.end();
    }
  });

  it('passes on errors that are not about reaching the replica', async () => {
    const reads = createReadPool(primary, requireEnv('DATABASE_URL'));
    try {
      await expect(reads.query('SELECT * FROM no_such_table')).rejects.toMatchObject({ code: '42P01' });
    } finally {
      await reads.end();
    }
  });
});
