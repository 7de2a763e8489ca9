import { type Db, type DbClient, sqlFile } from '@dispatch/db';
import { z } from 'zod';
import type { OutboxEffect, OutboxEffects } from './outboxEffects';

const id = z.object({ id: z.number() });
const sql = sqlFile(new URL('./outbox.sql', import.meta.url), {
  insert: { params: z.object({ subject: z.string(), effect: z.string(), payload: z.string() }) },
  // The payload is checked by the effect's handler, which knows its type.
  claimHead: { params: z.object({ subject: z.string(), claimS: z.number() }), row: id.extend({ effect: z.string(), payload: z.unknown(), attempts: z.number() }) },
  delivered: { params: id },
  failed: { params: id.extend({ backoffS: z.number(), error: z.string().nullable(), maxAttempts: z.number() }), row: z.object({ dead: z.boolean() }) },
  dueSubjects: { row: z.object({ subject: z.string() }) },
});

export type EffectHandlers = { [E in OutboxEffect]: (payload: OutboxEffects[E]) => Promise<void> };

export interface Outbox {
  /**
   * Delivers the subject's due effects now, in order (the committing command calls it, so pushes are as quick
   * as before). Never throws: what fails stays in the table for the drainer.
   */
  flush(subject: string): Promise<void>;
  close(): Promise<void>;
}

/** How long a delivery may take before another process may take it over (the first one died). */
const CLAIM_S = 30;
/** A failed delivery waits 1, 2, 4 ... s, at most this long, before the next attempt. */
const MAX_BACKOFF_S = 60;
/** About a quarter of an hour of attempts: then it is set aside (logged) so its incident's later effects flow. */
const MAX_ATTEMPTS = 20;
/** How often the drainer looks for effects left over by a failure or a crash. */
const POLL_MS = 1000;

/**
 * Written in the caller's transaction, so the effect exists if and only if the change committed.
 * @param subject the incident the effect belongs to: effects of one incident are delivered in order
 */
export async function enqueueEffect<E extends OutboxEffect>(
  client: DbClient,
  subject: string,
  effect: E,
  payload: OutboxEffects[E],
): Promise<void> {
  await sql.insert.run(client, { subject, effect, payload: JSON.stringify(payload) });
}

/**
 * A transactional outbox. Why this design: the side effects of a dispatch (the crew's offer, its timer, the
 * automatic re-offer, hospital pushes) used to run after the commit, so a throw or a crash there lost them,
 * and a retry saw the committed state and did nothing. Re-deriving them from state alone would need a scan
 * per kind of effect; a row written with the change says exactly what is owed and is deleted once done. It
 * lives in PostgreSQL, beside the change, because Redis may be the part that is down. Delivery is at least
 * once; handlers re-read the committed state, so a repeat is harmless.
 */
/**
 * @param options.drain whether this process also looks for effects left over by failures and crashes (PROCESS_ROLES
 *   workers); every process delivers what its own commands flush
 */
export function createOutbox(
  db: Db,
  handlers: EffectHandlers,
  log: { warn: (o: object, m: string) => void; error: (o: object, m: string) => void },
  { drain: drains = true }: { drain?: boolean } = {},
): Outbox {
  // One delivery loop per subject in this process. A flush asked for while one runs (a handler's own command
  // flushing, or a command racing the drainer) is left to the running loop, which looks again before it stops.
  const running = new Map<string, { again: boolean; done: Promise<void> }>();

  const deliverHeads = async (subject: string, state: { again: boolean }) => {
    for (;;) {
      state.again = false;
      const row = await sql.claimHead.one(db, { subject, claimS: CLAIM_S });
      if (!row) {
        if (state.again) continue;
        return;
      }
      const effect = row.effect as OutboxEffect;
      try {
        const handler = handlers[effect] as ((payload: unknown) => Promise<void>) | undefined;
        if (!handler) throw new Error(`no handler for outbox effect ${effect}`);
        await handler(row.payload);
      } catch (err) {
        const code = (err as { code?: string }).code ?? (err as Error).name;
        const backoff = Math.min(MAX_BACKOFF_S, 2 ** (row.attempts - 1));
        const dead = (await sql.failed.one(db, { id: row.id, backoffS: backoff, error: code ?? null, maxAttempts: MAX_ATTEMPTS }))?.dead;
        // The code and message only: a database error's detail can quote a row with personal data.
        const report = { effect, subject, attempts: row.attempts, code, message: (err as Error).message };
        if (dead) log.error(report, 'side effect given up after repeated failures');
        else log.warn(report, `side effect failed; retried in ${backoff} s`);
        return;
      }
      await sql.delivered.run(db, { id: row.id });
    }
  };

  const flush = (subject: string): Promise<void> => {
    const current = running.get(subject);
    if (current) {
      current.again = true;
      return Promise.resolve();
    }
    const state = { again: false, done: Promise.resolve() };
    running.set(subject, state);
    state.done = deliverHeads(subject, state)
      .catch((err) => log.warn({ subject, code: (err as { code?: string }).code, message: (err as Error).message }, 'outbox delivery interrupted'))
      .finally(() => running.delete(subject));
    return state.done;
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> = Promise.resolve();
  // Leftovers of a failure or a crash (this process's or another's); slower while the database is away.
  const drain = async (waitMs: number) => {
    let next = POLL_MS;
    try {
      for (const { subject } of await sql.dueSubjects.rows(db)) await flush(subject);
    } catch {
      next = Math.min(5 * POLL_MS, waitMs * 2);
    }
    if (!stopped) timer = setTimeout(() => (pass = drain(next)), next).unref();
  };
  if (drains) timer = setTimeout(() => (pass = drain(POLL_MS)), 0).unref();

  return {
    flush,
    async close() {
      stopped = true;
      clearTimeout(timer);
      await pass;
      await Promise.all([...running.values()].map((s) => s.done));
    },
  };
}
