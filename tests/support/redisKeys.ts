import { Redis } from 'ioredis';

/**
 * Deletes a test server's Redis keys (its queues, streams, throttles: every key under its QUEUE_PREFIX), so a
 * developer's Redis does not fill up run after run. On a connection of its own (the server closed its own), which
 * gives up at once when Redis is not reachable (a fault test may have stopped it): the keys are only litter, never
 * worth a failing or hanging teardown.
 */
export async function dropPrefixedKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}[-:]*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Redis is down or went down: nothing to tidy that matters.
  } finally {
    redis.disconnect();
  }
}
