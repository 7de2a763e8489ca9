import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';

export interface StreamsAdapter {
  /** For socket.io's `adapter` option. */
  adapter: ReturnType<typeof createAdapter>;
  /**
   * Whether the process of `io` is the only one on the stream, asked of Redis now: the adapter's channel has one
   * subscriber and it is this process's own (its private channel is subscribed too; while its subscription is being
   * set up again, a count of one is another process). Fails at once while Redis is away.
   */
  alone(io: { of(nsp: '/'): { adapter: object } }): Promise<boolean>;
  /** Disconnects the adapter's Redis clients at once (the adapter's own close waits out a blocking read). */
  close(): void;
}

/**
 * socket.io across server processes on a Redis stream (README, Deployment, says why a stream and not pub/sub):
 * every broadcast is appended to `<prefix>:socket.io` and every process reads it from its last offset, so a
 * process whose Redis connection drops reads what it missed once back (within `maxLen`), and a socket that
 * reconnects within connectionStateRecovery's window, to any process, gets the events it missed.
 *
 * The client that appends fails at once while Redis is away (no offline queue): socket.io emits to this process's
 * own sockets only after the append settles, and a dispatch must not wait for Redis to come back. The readers
 * (blocking XREAD, pub/sub for fetchSockets/serverSideEmit) keep their queue, so they resume where they were.
 */
export function createStreamsAdapter(redisUrl: string, prefix: string, maxLen: number): StreamsAdapter {
  const clients: Redis[] = [];
  const client = (offlineQueue: boolean) => {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: null, enableOfflineQueue: offlineQueue });
    redis.on('error', () => undefined); // reconnects by itself; the health check reports Redis
    clients.push(redis);
    return redis;
  };
  const appender = client(false);
  // Some of the adapter's writes are fire-and-forget (a closing socket's session, pub/sub notes): while Redis is away
  // their refusal must not become an unhandled rejection, which ends a Node process. Callers that wait still see it.
  for (const command of ['xadd', 'set', 'publish'] as const) {
    const send = appender[command].bind(appender) as (...args: unknown[]) => Promise<unknown>;
    Object.assign(appender, {
      [command]: (...args: unknown[]) => {
        const sent = send(...args);
        sent.catch(() => undefined);
        return sent;
      },
    });
  }
  // The adapter duplicates the client it is given for its readers; those must wait out an outage, not spin.
  appender.duplicate = () => client(true);
  const channel = `${prefix}:socket.io#/#`;
  const adapter = createAdapter(appender, {
    streamName: `${prefix}:socket.io`,
    // The adapter's channels for the namespace '/' are `${channelPrefix}#/#` and, per process, `…#/#<uid>#`.
    channelPrefix: `${prefix}:socket.io`,
    sessionKeyPrefix: `${prefix}:socket.io:session:`,
    maxLen,
    // Events are JSON: skip the adapter's search for binary data on every broadcast.
    onlyPlaintext: true,
  });
  return {
    adapter,
    async alone(io) {
      // The adapter's id is protected in its type, but it names the process's private channel.
      const { uid } = io.of('/').adapter as { uid?: string };
      const counts = (await appender.call('PUBSUB', 'NUMSUB', channel, `${channel}${uid}#`)) as [string, number, string, number];
      return counts[1] === 1 && counts[3] === 1;
    },
    close() {
      for (const redis of clients) redis.disconnect();
    },
  };
}
