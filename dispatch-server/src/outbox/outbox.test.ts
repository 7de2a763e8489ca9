import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@dispatch/db/testDatabase';
import { inTransaction } from '@dispatch/db';
import { createOutbox, enqueueEffect, type EffectHandlers, type Outbox } from './outbox';

const quiet = { warn: () => undefined, error: () => undefined };

describe('the outbox on the real PostgreSQL', () => {
  let database: TestDatabase;
  const outboxes: Outbox[] = [];
  let delivered: string[];
  let failNext: Set<string>;

  /** An outbox whose only effect used here records its payload, or throws once for a payload in failNext. */
  const open = () => {
    const none = async () => undefined;
    const handlers: EffectHandlers = {
      'incident.updated': async ({ incidentId }) => {
        if (failNext.delete(incidentId)) throw new Error(`${incidentId} failed`);
        delivered.push(incidentId);
      },
      'assignment.dispatched': none,
      'assignment.withdrawn': none,
      'incident.reoffered': none,
      'notice.changed': none,
    };
    const outbox = createOutbox(database.db, handlers, quiet);
    outboxes.push(outbox);
    return outbox;
  };
  const write = (subject: string, ...names: string[]) =>
    inTransaction(database.db, async (client) => {
      for (const name of names) await enqueueEffect(client, subject, 'incident.updated', { incidentId: name });
    });
  const left = async () => (await database.db.query('SELECT count(*)::int AS n FROM outbox')).rows[0].n as number;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const outbox of outboxes) await outbox.close();
    await database.drop();
  });
  beforeEach(async () => {
    delivered = [];
    failNext = new Set();
    await database.db.query('DELETE FROM outbox');
  });

  it('holds back the effects after a failed one of the same incident, and delivers all in order once it succeeds', async () => {
    const outbox = open();
    failNext.add('a1');
    await write('incident-a', 'a1', 'a2');
    await write('incident-b', 'b1');
    await outbox.flush('incident-a');
    await outbox.flush('incident-b');
    // Another incident is not held back by incident-a's failure.
    expect(delivered).toEqual(['b1']);
    const failed = (await database.db.query("SELECT attempts, last_error, available_at > now() AS backing_off FROM outbox WHERE payload->>'incidentId' = 'a1'")).rows[0];
    expect(failed).toEqual({ attempts: 1, last_error: 'Error', backing_off: true });

    await database.db.query('UPDATE outbox SET available_at = now()');
    await outbox.flush('incident-a');
    expect(delivered).toEqual(['b1', 'a1', 'a2']);
    expect(await left()).toBe(0);
  });

  it('does not deliver an effect whose transaction rolled back', async () => {
    const outbox = open();
    await expect(
      inTransaction(database.db, async (client) => {
        await enqueueEffect(client, 'incident-c', 'incident.updated', { incidentId: 'c1' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await outbox.flush('incident-c');
    expect(delivered).toEqual([]);
    expect(await left()).toBe(0);
  });

  it('lets two server processes share one incident: each effect once, in the order written', async () => {
    const [first, second] = [open(), open()];
    const names = Array.from({ length: 30 }, (_, i) => `d${i}`);
    await write('incident-d', ...names);
    await Promise.all([first.flush('incident-d'), second.flush('incident-d'), first.flush('incident-d')]);
    await expect.poll(left).toBe(0);
    expect(delivered).toEqual(names);
  });

  it('takes over an effect held by a process that died mid-delivery once its claim runs out', async () => {
    const outbox = open();
    await write('incident-e', 'e1');
    await database.db.query("UPDATE outbox SET claimed_until = now() + interval '1 minute', attempts = 1");
    await outbox.flush('incident-e');
    expect(delivered).toEqual([]);
    await database.db.query("UPDATE outbox SET claimed_until = now() - interval '1 second'");
    await outbox.flush('incident-e');
    expect(delivered).toEqual(['e1']);
  });
});
