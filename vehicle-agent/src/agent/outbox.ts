import type { AgentPosition, QuickReply, TaskStatus } from '@dispatch/protocol';

/** A lifecycle step waiting for the server's acknowledgement. */
export interface StatusOutboxPayload {
  kind: 'status';
  eventId: string;
  assignmentId: string;
  status: TaskStatus;
  /** The device time of the step, never the time it was sent. */
  deviceTime: string;
  location?: { lon: number; lat: number };
  note?: string;
}

/** One GPS fix waiting for the server; consecutive fixes are sent as one batch. */
export interface PositionOutboxPayload {
  kind: 'position';
  position: AgentPosition;
}

/** A message of the task channel written on the tablet, waiting for the server (sent in order with the steps). */
export interface MessageOutboxPayload {
  kind: 'message';
  /** The message's own id: a replay is stored once. */
  messageId: string;
  assignmentId: string;
  text: string;
  quickReply?: QuickReply;
  deviceTime: string;
}

export type OutboxPayload = StatusOutboxPayload | PositionOutboxPayload | MessageOutboxPayload;
/** `seq` orders the outbox: strictly increasing in the order events happened. */
export type OutboxEntry = OutboxPayload & { seq: number };

/**
 * The durable queue of everything the agent still has to deliver. Events leave strictly in order and only from
 * the head, so removal is "everything up to and including seq". Implementations: FileOutbox (headless agent,
 * node), IndexedDbOutbox (browser), MemoryOutbox (simulated crews, which have nothing to survive).
 */
export interface Outbox {
  /** Stores the event durably before it resolves; returns it with its sequence number. */
  append(payload: OutboxPayload): Promise<OutboxEntry>;
  /** The oldest `limit` events, oldest first. */
  peek(limit: number): Promise<OutboxEntry[]>;
  /** Removes every event with `seq` up to and including this one (acknowledged, or refused for good). */
  acknowledgeThrough(seq: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

/** Keeps events in memory only: for simulated crews and load tests, where a process restart loses the fleet anyway. */
export class MemoryOutbox implements Outbox {
  private entries: OutboxEntry[] = [];
  private nextSeq = 1;

  async append(payload: OutboxPayload): Promise<OutboxEntry> {
    const entry = { ...payload, seq: this.nextSeq++ } as OutboxEntry;
    this.entries.push(entry);
    return entry;
  }
  async peek(limit: number): Promise<OutboxEntry[]> {
    return this.entries.slice(0, limit);
  }
  async acknowledgeThrough(seq: number): Promise<void> {
    this.entries = this.entries.filter((e) => e.seq > seq);
  }
  async size(): Promise<number> {
    return this.entries.length;
  }
  async close(): Promise<void> {}
}
