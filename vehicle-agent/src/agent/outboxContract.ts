import type { Outbox, OutboxEntry, OutboxPayload } from './outbox';

/**
 * The behaviour every Outbox must have, as a self-checking routine that runs wherever the store runs: under
 * vitest for the node stores, inside real Chromium for IndexedDbOutbox. Throws on the first broken promise.
 * @param open opens the store under test; called again to check persistence when `persistent`
 */
export async function runOutboxContract(open: () => Promise<Outbox>, persistent: boolean): Promise<void> {
  const same = (actual: unknown, expected: unknown, what: string) => {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    if (a !== e) throw new Error(`outbox contract: ${what}: expected ${e}, got ${a}`);
  };
  const payload = (n: number): OutboxPayload =>
    n % 3 === 0
      ? {
          kind: 'status',
          eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
          assignmentId: '11111111-1111-4111-8111-111111111111',
          status: 'en_route',
          deviceTime: new Date(1_790_000_000_000 + n * 1000).toISOString(),
        }
      : { kind: 'position', position: { lon: 111.9 + n / 1000, lat: 37.02, speedMps: 10, headingDeg: 90, accuracyM: 5, deviceTime: new Date(1_790_000_000_000 + n * 1000).toISOString() } };
  const strip = (e: OutboxEntry) => JSON.stringify({ ...e, seq: undefined });

  const outbox = await open();
  same(await outbox.size(), 0, 'a new outbox is empty');
  const added: OutboxEntry[] = [];
  for (let i = 0; i < 6; i++) added.push(await outbox.append(payload(i)));
  same(added.map(strip), [0, 1, 2, 3, 4, 5].map((i) => JSON.stringify({ ...payload(i), seq: undefined })), 'append returns the event');
  same(added.every((e, i) => i === 0 || e.seq > added[i - 1]!.seq), true, 'sequence numbers increase');
  same(await outbox.peek(4), added.slice(0, 4), 'peek returns the oldest first');
  same(await outbox.size(), 6, 'size counts pending events');

  await outbox.acknowledgeThrough(added[2]!.seq);
  same(await outbox.peek(10), added.slice(3), 'acknowledging removes exactly the prefix');
  await outbox.acknowledgeThrough(added[0]!.seq);
  same(await outbox.peek(10), added.slice(3), 'a late duplicate acknowledgement changes nothing');

  const concurrent = await Promise.all([6, 7, 8, 9, 10].map((i) => outbox.append(payload(i))));
  same((await outbox.peek(10)).slice(3), concurrent, 'concurrent appends keep their call order');

  if (persistent) {
    await outbox.close();
    const reopened = await open();
    same(await reopened.peek(10), [...added.slice(3), ...concurrent], 'a reopened outbox has the pending events in order');
    const next = await reopened.append(payload(11));
    same(next.seq > concurrent[concurrent.length - 1]!.seq, true, 'numbering goes on after reopening');
    await reopened.acknowledgeThrough(next.seq);
    same(await reopened.size(), 0, 'acknowledging the last event empties the outbox');
    await reopened.close();
  } else {
    await outbox.acknowledgeThrough(concurrent[concurrent.length - 1]!.seq);
    same(await outbox.size(), 0, 'acknowledging the last event empties the outbox');
    await outbox.close();
  }
}
