import { mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileOutbox } from './fileOutbox';
import { MemoryOutbox, type Outbox, type OutboxPayload } from './outbox';
import { runOutboxContract } from './outboxContract';

const status = (n: number): OutboxPayload => ({
  kind: 'status',
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  assignmentId: '11111111-1111-4111-8111-111111111111',
  status: 'en_route',
  deviceTime: `2026-11-24T20:${String(n % 60).padStart(2, '0')}:00.000+08:00`,
});
const position = (n: number): OutboxPayload => ({
  kind: 'position',
  position: { lon: 111.9 + n / 1000, lat: 37.02, speedMps: 10, headingDeg: 90, accuracyM: 5, deviceTime: new Date(1_790_000_000_000 + n * 1000).toISOString() },
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outbox-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let fileCount = 0;
const stores: [string, () => Promise<Outbox>][] = [
  ['MemoryOutbox', async () => new MemoryOutbox()],
  ['FileOutbox', () => FileOutbox.open(join(dir, `contract-${++fileCount}.jsonl`), { compactAfter: 5 })],
];

describe.each(stores)('%s keeps the outbox contract', (_name, make) => {
  it('returns events oldest first with increasing sequence numbers', async () => {
    const outbox = await make();
    const added = [];
    for (let i = 0; i < 5; i++) added.push(await outbox.append(i % 2 ? position(i) : status(i)));
    expect(added.map((e) => e.seq)).toEqual([...added.map((e) => e.seq)].sort((a, b) => a - b));
    expect(new Set(added.map((e) => e.seq)).size).toBe(5);
    const head = await outbox.peek(3);
    expect(head).toEqual(added.slice(0, 3));
    expect(await outbox.size()).toBe(5);
    await outbox.close();
  });

  it('removes exactly the acknowledged prefix and keeps the rest in order', async () => {
    const outbox = await make();
    const added = [];
    for (let i = 0; i < 12; i++) added.push(await outbox.append(position(i)));
    await outbox.acknowledgeThrough(added[6]!.seq);
    expect(await outbox.size()).toBe(5);
    expect(await outbox.peek(100)).toEqual(added.slice(7));
    // Acknowledging an already removed prefix again (a late duplicate ack) changes nothing.
    await outbox.acknowledgeThrough(added[2]!.seq);
    expect(await outbox.peek(100)).toEqual(added.slice(7));
    const later = await outbox.append(status(99));
    expect(later.seq).toBeGreaterThan(added[11]!.seq);
    await outbox.acknowledgeThrough(later.seq);
    expect(await outbox.size()).toBe(0);
    expect(await outbox.peek(10)).toEqual([]);
    await outbox.close();
  });

  it('keeps the call order of appends made concurrently', async () => {
    const outbox = await make();
    const added = await Promise.all(Array.from({ length: 20 }, (_, i) => outbox.append(position(i))));
    expect((await outbox.peek(100)).map((e) => (e.kind === 'position' ? e.position.lon : 0))).toEqual(added.map((e) => (e.kind === 'position' ? e.position.lon : 0)));
    await outbox.close();
  });
});

describe('the shared outbox contract (also run against IndexedDbOutbox in Chromium by the tablet e2e test)', () => {
  it('holds for MemoryOutbox', async () => {
    const outbox = new MemoryOutbox();
    await runOutboxContract(async () => outbox, false);
  });
  it('holds for FileOutbox, including a reopen', async () => {
    const path = join(dir, 'shared-contract.jsonl');
    await runOutboxContract(() => FileOutbox.open(path, { compactAfter: 4 }), true);
  });
});

describe('FileOutbox on disk', () => {
  it('survives a process restart: a new instance on the same file has the pending events, in order', async () => {
    const path = join(dir, 'restart.jsonl');
    const first = await FileOutbox.open(path);
    const added = [];
    for (let i = 0; i < 6; i++) added.push(await first.append(i === 3 ? status(i) : position(i)));
    await first.acknowledgeThrough(added[1]!.seq);
    await first.close();

    const second = await FileOutbox.open(path);
    expect(await second.peek(100)).toEqual(added.slice(2));
    const next = await second.append(status(7));
    expect(next.seq).toBe(added[5]!.seq + 1);
    await second.close();
  });

  it('drops a torn last line left by a crash mid-append and keeps every complete event', async () => {
    const path = join(dir, 'torn.jsonl');
    const outbox = await FileOutbox.open(path);
    const a = await outbox.append(status(1));
    const b = await outbox.append(position(2));
    await outbox.close();
    await appendFile(path, '{"add":{"kind":"position","posi');

    const reopened = await FileOutbox.open(path);
    expect(await reopened.peek(10)).toEqual([a, b]);
    const c = await reopened.append(status(3));
    await reopened.close();
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toHaveLength(3);
    expect((await (await FileOutbox.open(path)).peek(10)).map((e) => e.seq)).toEqual([a.seq, b.seq, c.seq]);
  });

  it('compacts the journal to the pending events and keeps numbering after a restart', async () => {
    const path = join(dir, 'compact.jsonl');
    const outbox = await FileOutbox.open(path, { compactAfter: 10 });
    const added = [];
    for (let i = 0; i < 14; i++) added.push(await outbox.append(position(i)));
    await outbox.acknowledgeThrough(added[11]!.seq);
    await outbox.close();
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    // The next sequence number and the two pending events; the 12 acknowledged ones are gone from the file.
    expect(lines).toHaveLength(3);
    const reopened = await FileOutbox.open(path);
    expect(await reopened.peek(10)).toEqual(added.slice(12));
    await reopened.acknowledgeThrough(added[13]!.seq);
    expect((await reopened.append(status(1))).seq).toBe(added[13]!.seq + 1);
    await reopened.close();
  });

  it('refuses a journal corrupted before its last line, naming the file and line', async () => {
    const path = join(dir, 'corrupt.jsonl');
    await writeFile(path, `${JSON.stringify({ add: { ...status(1), seq: 1 } })}\nnot json\n${JSON.stringify({ ackThrough: 1 })}\n`);
    await expect(FileOutbox.open(path)).rejects.toThrow(/corrupt\.jsonl line 2 is corrupt/);
  });
});
