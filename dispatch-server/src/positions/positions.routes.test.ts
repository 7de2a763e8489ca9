import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { Redis } from 'ioredis';
import { packPosition, type PackedPosition } from '@dispatch/protocol';
import type { Gateway } from '../realtime/gateway';
import { createStreamsAdapter, type StreamsAdapter } from '../realtime/streamsAdapter';
import { emitHereFirst, watchPeers } from './positions.routes';

const fix = (lat: number): PackedPosition =>
  packPosition({
    vehicleId: '00000000-0000-4000-8000-000000000001',
    lon: 111.92,
    lat,
    speedMps: null,
    headingDeg: null,
    accuracyM: null,
    deviceTime: new Date().toISOString(),
    receivedAt: new Date().toISOString(),
    source: 'test',
  });

/** Two server processes' gateways on one Redis stream, each with a console in the `staff` room. */
describe('emitHereFirst on the real Redis stream adapter', () => {
  const prefix = `emit-here-first-${randomBytes(4).toString('hex')}`;
  const processes: Process[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) processes.push(await openProcess(prefix));
    // Each process's stream reader starts on its own: until it reads, a broadcast of the other is not heard.
    for (const [from, to] of [[0, 1], [1, 0]] as const) {
      const repeat = setInterval(() => processes[from]!.io.to('staff').emit('vehicle.positionsUpdated', [fix(0)]), 200);
      await heardAll(processes[to]!, 1);
      clearInterval(repeat);
    }
    // What the warm-up sent may still be arriving: a last broadcast of each, through the stream, marks its end.
    for (const p of processes) {
      p.io.to('staff').emit('vehicle.positionsUpdated', [fix(-1)]);
      for (const q of processes) await until(q, () => q.heard.filter((lat) => lat === -1).length === (p === processes[0] ? 1 : 2));
    }
    for (const p of processes) p.heard.length = 0;
  });

  afterAll(async () => {
    for (const p of processes) {
      p.console.close();
      await new Promise<void>((closed) => p.io.close(() => closed()));
      p.streams.close();
    }
    const redis = new Redis(process.env.REDIS_URL!);
    for await (const keys of redis.scanStream({ match: `${prefix}:*` }) as AsyncIterable<string[]>) if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it("writes this process's consoles without waiting for the stream's append, the other's through it, each once", async () => {
    const [a, b] = processes as [Process, Process];
    // Sent through the adapter first: it reaches even A's own console only once its append has come back.
    a.io.to('staff').emit('vehicle.positionsUpdated', [fix(37.0)]);
    emitHereFirst(a.io, ['staff'], [fix(37.1)]);
    await heardAll(a, 2);
    await heardAll(b, 2);
    // A copy through the adapter would reach A's console before a broadcast appended to the stream after it.
    a.io.to('staff').emit('vehicle.positionsUpdated', [fix(37.2)]);
    await heardAll(a, 3);
    await heardAll(b, 3);
    expect(a.heard).toEqual([37.1, 37.0, 37.2]);
    expect(b.heard).toEqual([37.0, 37.1, 37.2]);
  });
});

describe('emitHereFirst when this process is alone on the adapter', () => {
  const prefix = `emit-alone-${randomBytes(4).toString('hex')}`;
  const processes: Process[] = [];
  const redis = new Redis(process.env.REDIS_URL!);
  const streamLength = () => redis.xlen(`${prefix}:socket.io`);

  afterAll(async () => {
    for (const p of processes) {
      p.console.close();
      await new Promise<void>((closed) => p.io.close(() => closed()));
      p.streams.close();
    }
    for await (const keys of redis.scanStream({ match: `${prefix}:*` }) as AsyncIterable<string[]>) if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it("appends nothing to the stream while no other process listens, and the other's consoles hear it once one does", async () => {
    const a = await openProcess(prefix);
    processes.push(a);
    // Asked by the test only (the interval is out of the way): each answer is the adapter's count at that moment.
    const peers = watchPeers(a.io, 3_600_000, () => a.streams.alone(a.io));
    // A process whose own subscription is not up (being set up again after Redis came back) while another's is: the one
    // subscriber counted is the other process, not this one.
    const notSubscribed = { of: () => ({ adapter: { uid: 'a-process-not-subscribed' } }) };
    // Its own subscription to the adapter's channel is being set up: until then it does not count itself.
    while (!(await peers.refresh())) await new Promise((r) => setTimeout(r, 50));
    expect(await a.streams.alone(notSubscribed)).toBe(false);
    const before = await streamLength();
    emitHereFirst(a.io, ['staff'], [fix(38.1)], peers);
    await heardAll(a, 1);
    expect(a.heard).toEqual([38.1]);
    expect(await streamLength()).toBe(before);

    const b = await openProcess(prefix);
    processes.push(b);
    while (await peers.refresh()) await new Promise((r) => setTimeout(r, 50));
    // B's stream reader starts on its own: A's positions are repeated until B's console has one.
    const repeat = setInterval(() => emitHereFirst(a.io, ['staff'], [fix(38.2)], peers), 100);
    await heardAll(b, 1);
    clearInterval(repeat);
    expect(b.heard[0]).toBe(38.2);
    expect(await streamLength()).toBeGreaterThan(before);
    peers.stop();
  });
});

/** A server process's gateway on the Redis stream `prefix`, with a console in the `staff` room. */
async function openProcess(prefix: string): Promise<Process> {
  const streams = createStreamsAdapter(process.env.REDIS_URL!, prefix, 1000);
  const http = createServer();
  const io = new Server(http, { adapter: streams.adapter, connectionStateRecovery: {} }) as unknown as Gateway;
  io.on('connection', (socket) => void socket.join('staff'));
  await new Promise<void>((listening) => http.listen(0, '127.0.0.1', listening));
  const console = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'], forceNew: true });
  const heard: number[] = [];
  console.on('vehicle.positionsUpdated', (positions: PackedPosition[]) => heard.push(...positions.map((p) => p[2])));
  await new Promise<void>((connected) => console.once('connect', connected));
  return { http, io, streams, console, heard };
}

interface Process {
  http: HttpServer;
  io: Gateway;
  streams: StreamsAdapter;
  console: Socket;
  heard: number[];
}

/** Resolves once `done` holds, checked after each batch the process's console hears. */
function until(p: Process, done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!done()) return;
      p.console.off('vehicle.positionsUpdated', check);
      resolve();
    };
    p.console.on('vehicle.positionsUpdated', check);
    check();
  });
}

const heardAll = (p: Process, n: number) => until(p, () => p.heard.length >= n);
