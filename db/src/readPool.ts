import pg from 'pg';
import type { Db } from './pool';

/** Connection refused, reset or timed out, or the server shutting down or starting (SQLSTATE classes 08 and 57P). */
function unreachable(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (!e) return false;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND'].includes(e.code ?? '')) return true;
  if (e.code?.startsWith('08') || e.code?.startsWith('57P')) return true;
  return /Connection terminated|connection timeout/i.test(e.message ?? '');
}

type ConnectCallback = (error: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void;

/**
 * A pool on a streaming replica for reads that may be a moment stale (reports). When the replica cannot be reached
 * a connection comes from the primary instead, and the replica is left alone for `retryAfterMs` (no connection
 * timeout paid by every report while it is down). pg-pool's `query` takes its client through `connect`, so both
 * fall back. Writes must never use it: the replica refuses them (read_only_sql_transaction).
 */
class ReplicaPool extends pg.Pool {
  private downUntil = 0;

  constructor(
    url: string,
    max: number,
    private readonly primary: Db,
    private readonly retryAfterMs: number,
    private readonly onFallback: (error: Error) => void,
  ) {
    // A replica host that does not answer at all must not hold a report for the kernel's TCP timeout.
    super({ connectionString: url, max, application_name: 'dispatch120-reads', connectionTimeoutMillis: 2_000 });
    this.on('error', () => undefined);
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    const client = this.replicaOrPrimary();
    if (!callback) return client;
    client.then(
      (c) => callback(undefined, c, (release) => c.release(release as Error | boolean | undefined)),
      (error: Error) => callback(error, undefined, () => undefined),
    );
  }

  private async replicaOrPrimary(): Promise<pg.PoolClient> {
    if (Date.now() < this.downUntil) return this.primary.connect();
    try {
      return await super.connect();
    } catch (error) {
      if (!unreachable(error)) throw error;
      this.downUntil = Date.now() + this.retryAfterMs;
      this.onFallback(error as Error);
      return this.primary.connect();
    }
  }
}

/**
 * The pool for stale-tolerant reads: the replica at `readUrl` falling back to `primary`, or `primary` itself when no
 * replica is configured. Only reports use it; LISTEN, migrations, the outbox, timers and every write use the primary.
 * @param onFallback called (at most once per `retryAfterMs`) when the replica could not be reached
 */
export function createReadPool(
  primary: Db,
  readUrl: string | undefined,
  { max = 5, retryAfterMs = 5_000, onFallback = () => undefined }: { max?: number; retryAfterMs?: number; onFallback?: (error: Error) => void } = {},
): Db {
  if (!readUrl) return primary;
  return new ReplicaPool(readUrl, max, primary, retryAfterMs, onFallback);
}
