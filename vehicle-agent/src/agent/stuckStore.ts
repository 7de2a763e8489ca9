import type { OutboxEntry } from './outbox';

/** An event parked after repeated server faults: off the outbox, shown to the crew, told to the dispatchers. */
export interface StuckEvent {
  /** The status step's event id, or an id made up for a batch of positions. */
  id: string;
  entries: OutboxEntry[];
  /** The server's last answer. */
  status: number;
  error: string;
  attempts: number;
  /** Whether the dispatch centre acknowledged being told. */
  announced: boolean;
}

/** Where a crew agent keeps its parked events, so that a reload or restart still shows them to the crew. */
export interface StuckStore {
  load(): Promise<StuckEvent[]>;
  save(stuck: StuckEvent[]): Promise<void>;
}

/** The tablet's: the browser's localStorage under one key per login (a few events, small JSON). */
export function localStorageStuckStore(key: string, storage: Storage = window.localStorage): StuckStore {
  return {
    async load() {
      try {
        const parsed: unknown = JSON.parse(storage.getItem(key) ?? '[]');
        return Array.isArray(parsed) ? (parsed as StuckEvent[]) : [];
      } catch {
        return [];
      }
    },
    async save(stuck) {
      if (stuck.length === 0) storage.removeItem(key);
      else storage.setItem(key, JSON.stringify(stuck));
    },
  };
}
