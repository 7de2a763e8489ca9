import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Outbox, OutboxEntry, OutboxPayload } from './outbox';

interface OutboxSchema extends DBSchema {
  events: { key: number; value: OutboxEntry };
}

/**
 * The tablet's outbox in IndexedDB: survives a reload, a crash of the browser and a tablet that runs out of battery.
 * The store's auto-increment key is the sequence number, so the store's key order is the outbox's order.
 */
export class IndexedDbOutbox implements Outbox {
  private constructor(private readonly db: IDBPDatabase<OutboxSchema>) {}

  /** @param name one database per login, so two crews sharing a tablet never send each other's events */
  static async open(name: string): Promise<IndexedDbOutbox> {
    const db = await openDB<OutboxSchema>(name, 1, {
      upgrade(database) {
        database.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
      },
    });
    return new IndexedDbOutbox(db);
  }

  async append(payload: OutboxPayload): Promise<OutboxEntry> {
    // The key path fills `seq` in; the transaction completes only once the record is committed.
    const seq = await this.db.add('events', payload as OutboxEntry);
    return { ...payload, seq } as OutboxEntry;
  }

  async peek(limit: number): Promise<OutboxEntry[]> {
    return this.db.getAll('events', undefined, limit);
  }

  async acknowledgeThrough(seq: number): Promise<void> {
    await this.db.delete('events', IDBKeyRange.upperBound(seq));
  }

  async size(): Promise<number> {
    return this.db.count('events');
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
