import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createLoginThrottle, LOGIN_LIMITS, LoginThrottledError } from './loginThrottle';

const fail = async (throttle: ReturnType<typeof createLoginThrottle>, username: string, times: number) => {
  for (let i = 0; i < times; i++) await throttle.failed(username, '192.0.2.7');
};

describe('login throttle', () => {
  const redisUrl = process.env.REDIS_URL;
  const clients: Redis[] = [];
  afterAll(() => clients.forEach((c) => c.disconnect()));

  it.skipIf(!redisUrl)('shares the count of failures between server processes through Redis', async () => {
    const prefix = `test-throttle-${randomBytes(4).toString('hex')}`;
    const [a, b] = [new Redis(redisUrl!), new Redis(redisUrl!)];
    clients.push(a, b);
    await Promise.all([a, b].map((c) => new Promise((ready) => c.once('ready', ready))));
    const one = createLoginThrottle(a, prefix);
    const other = createLoginThrottle(b, prefix);
    await fail(one, 'dispatcher', LOGIN_LIMITS.perLogin.points - 1);
    await other.check('dispatcher', '192.0.2.7');
    await fail(other, 'dispatcher', 1);
    await expect(one.check('dispatcher', '192.0.2.7')).rejects.toBeInstanceOf(LoginThrottledError);
    // Another login from the same address is not refused by the first one's failures.
    await one.check('supervisor', '192.0.2.7');
  });

  it('keeps counting in memory while Redis cannot be reached: the door neither opens nor locks', async () => {
    // Nothing listens on port 1: the client never becomes ready.
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: null, retryStrategy: () => null });
    down.on('error', () => undefined);
    clients.push(down);
    const throttle = createLoginThrottle(down, 'test-no-redis');
    await throttle.check('crew-01', '192.0.2.8');
    await fail(throttle, 'crew-01', LOGIN_LIMITS.perLogin.points);
    const refused = await throttle.check('crew-01', '192.0.2.8').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LoginThrottledError);
    expect((refused as LoginThrottledError).retryAfterS).toBeGreaterThan(0);
    await throttle.succeeded('crew-02');
    await throttle.check('crew-02', '192.0.2.8');
  });
});
