import { open, readFile, rename, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Outbox, OutboxEntry, OutboxPayload } from './outbox';

/** One line of the journal: an event added, everything through a seq acknowledged, or the next seq (after compaction). */
type JournalLine = { add: OutboxEntry } | { ackThrough: number } | { nextSeq: number };

export interface FileOutboxOptions {
  /** Rewrite the journal once this many acknowledged events have piled up in it. */
  compactAfter?: number;
}

/**
 * The headless agent's outbox: an append-only journal of JSON lines, each append fsync'd before it resolves, so an
 * event the agent accepted survives a crash or power loss. Acknowledgements are journal lines too; once enough of
 * them pile up the journal is rewritten with only the pending events (written beside it, fsync'd, renamed over it).
 * One process per file: two agents sharing a journal would interleave their sequence numbers.
 */
export class FileOutbox implements Outbox {
  private pending: OutboxEntry[] = [];
  private nextSeq = 1;
  private acknowledgedInJournal = 0;
  private handle: FileHandle | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly compactAfter: number;

  private constructor(
    readonly path: string,
    options: FileOutboxOptions,
  ) {
    this.compactAfter = options.compactAfter ?? 500;
  }

  /** Opens (or creates) the journal at `path` and reads what is still pending from it. */
  static async open(path: string, options: FileOutboxOptions = {}): Promise<FileOutbox> {
    const outbox = new FileOutbox(path, options);
    await outbox.load();
    return outbox;
  }

  private async load(): Promise<void> {
    let text = '';
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    let goodBytes = 0;
    let offset = 0;
    const lines = text.split('\n');
    for (const [i, line] of lines.entries()) {
      const isLast = i === lines.length - 1;
      const lineBytes = Buffer.byteLength(line, 'utf8') + (isLast ? 0 : 1);
      if (line === '') {
        offset += lineBytes;
        if (!isLast) goodBytes = offset;
        continue;
      }
      let parsed: JournalLine;
      try {
        parsed = JSON.parse(line) as JournalLine;
      } catch (error) {
        // A crash mid-append leaves a torn last line: that event was never acknowledged to anyone, so drop it.
        if (isLast) break;
        throw new Error(`outbox journal ${this.path} line ${i + 1} is corrupt: ${(error as Error).message}`);
      }
      if (isLast) {
        // No newline yet: the append did not finish, so its fsync did not either.
        break;
      }
      offset += lineBytes;
      goodBytes = offset;
      this.apply(parsed);
    }
    if (goodBytes < Buffer.byteLength(text, 'utf8')) await truncate(this.path, goodBytes);
    this.handle = await open(this.path, 'a');
  }

  private apply(line: JournalLine): void {
    if ('add' in line) {
      this.pending.push(line.add);
      this.nextSeq = Math.max(this.nextSeq, line.add.seq + 1);
    } else if ('ackThrough' in line) {
      const before = this.pending.length;
      this.pending = this.pending.filter((e) => e.seq > line.ackThrough);
      this.acknowledgedInJournal += before - this.pending.length;
      this.nextSeq = Math.max(this.nextSeq, line.ackThrough + 1);
    } else {
      this.nextSeq = Math.max(this.nextSeq, line.nextSeq);
    }
  }

  /** Operations run one at a time, in call order: the journal's line order is the outbox's order. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(line: JournalLine): Promise<void> {
    if (!this.handle) throw new Error(`outbox ${this.path} is closed`);
    await this.handle.write(`${JSON.stringify(line)}\n`);
    await this.handle.datasync();
  }

  append(payload: OutboxPayload): Promise<OutboxEntry> {
    return this.serial(async () => {
      // The number is spent even if the write fails: a half-written line may still be read back after a crash,
      // and the next event must never reuse its number.
      const entry = { ...payload, seq: this.nextSeq++ } as OutboxEntry;
      await this.write({ add: entry });
      this.pending.push(entry);
      return entry;
    });
  }

  peek(limit: number): Promise<OutboxEntry[]> {
    return this.serial(async () => this.pending.slice(0, limit));
  }

  acknowledgeThrough(seq: number): Promise<void> {
    return this.serial(async () => {
      const removed = this.pending.filter((e) => e.seq <= seq).length;
      if (removed === 0) return;
      await this.write({ ackThrough: seq });
      this.pending = this.pending.slice(removed);
      this.acknowledgedInJournal += removed;
      if (this.acknowledgedInJournal >= this.compactAfter) await this.compact();
    });
  }

  size(): Promise<number> {
    return this.serial(async () => this.pending.length);
  }

  /** Rewrites the journal with only the pending events; a crash at any point leaves either the old or the new one. */
  private async compact(): Promise<void> {
    const tmp = `${this.path}.compact`;
    const lines: JournalLine[] = [{ nextSeq: this.nextSeq }, ...this.pending.map((add) => ({ add }))];
    const out = await open(tmp, 'w');
    try {
      await out.write(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
      await out.sync();
    } finally {
      await out.close();
    }
    await this.handle?.close();
    this.handle = null;
    try {
      await rename(tmp, this.path);
    } finally {
      // Whether or not the rename went through, keep appending to whatever journal is in place.
      this.handle = await open(this.path, 'a');
    }
    // The rename itself must reach the disk, or a crash could bring back the old journal after new appends.
    const dir = await open(dirname(this.path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    this.acknowledgedInJournal = 0;
  }

  close(): Promise<void> {
    return this.serial(async () => {
      await this.handle?.close();
      this.handle = null;
    });
  }
}
