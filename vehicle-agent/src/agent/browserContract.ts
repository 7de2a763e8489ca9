import { IndexedDbOutbox } from './indexedDbOutbox';
import { runOutboxContract } from './outboxContract';

/** Entry of the small bundle the e2e test loads into Chromium to check IndexedDbOutbox against the contract. */
declare global {
  interface Window {
    outboxContract(databaseName: string): Promise<string>;
  }
}

window.outboxContract = async (databaseName: string) => {
  await runOutboxContract(() => IndexedDbOutbox.open(databaseName), true);
  return 'ok';
};

declare global {
  interface Window {
    outboxAppendPositions(databaseName: string, count: number): Promise<number[]>;
    outboxPending(databaseName: string): Promise<number[]>;
  }
}

/** Fills an outbox so that the test can reload the page and see what survived. */
window.outboxAppendPositions = async (databaseName: string, count: number) => {
  const outbox = await IndexedDbOutbox.open(databaseName);
  const seqs: number[] = [];
  for (let i = 0; i < count; i++) {
    const entry = await outbox.append({ kind: 'position', position: { lon: 111.9, lat: 37 + i / 1000, deviceTime: new Date(1_790_000_000_000 + i * 1000).toISOString() } });
    seqs.push(entry.seq);
  }
  await outbox.close();
  return seqs;
};

window.outboxPending = async (databaseName: string) => {
  const outbox = await IndexedDbOutbox.open(databaseName);
  const pending = await outbox.peek(1000);
  await outbox.close();
  return pending.map((e) => e.seq);
};
