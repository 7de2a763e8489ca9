import { EventEmitter } from 'node:events';
import { createReadStream, type ReadStream } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { NmeaDecoder, type NmeaFix, type NmeaRejection } from './nmea';

/**
 * Splits a byte stream into sentences. Chunks from TCP or a serial line end anywhere, so a partial line is
 * kept until its terminator arrives; CR, LF and CRLF all end a line. A line longer than `maxLength` without
 * a terminator is line noise (wrong baud rate, binary protocol) and is dropped rather than buffered forever.
 */
export class LineSplitter {
  private buffer = '';
  private discarding = false;

  constructor(private readonly maxLength = 1024) {}

  /** The complete lines in `chunk` (plus what was buffered); `overflowed` counts dropped over-long lines. */
  push(chunk: string): { lines: string[]; overflowed: number } {
    const lines: string[] = [];
    let overflowed = 0;
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = this.buffer + chunk.slice(start, i);
      this.buffer = '';
      start = i + 1;
      if (this.discarding) this.discarding = false;
      else if (line !== '') lines.push(line);
    }
    if (!this.discarding) {
      this.buffer += chunk.slice(start);
      if (this.buffer.length > this.maxLength) {
        this.buffer = '';
        this.discarding = true;
        overflowed++;
      }
    }
    return { lines, overflowed };
  }

  /** Forgets a partial line: after a reconnect the rest of it will never come. */
  reset(): void {
    this.buffer = '';
    this.discarding = false;
  }
}

interface CommonOptions {
  /** UTC date (YYYY-MM-DD) for GGA sentences seen before any RMC. */
  date?: string;
  /** First reconnect delay; doubles on each failure up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export type NmeaSourceOptions =
  | (CommonOptions & {
      tcp: { host: string; port: number };
      /** A receiver sends at least once a second: this long without data means the link is dead. */
      idleTimeoutMs?: number;
    })
  | (CommonOptions & {
      /** A serial device (e.g. /dev/ttyUSB0, line speed set beforehand with `stty`) or a recorded file. */
      path: string;
      /** Reopen after end or error; defaults to true for /dev/ paths (a USB receiver unplugged and back). */
      reopen?: boolean;
    });

export interface NmeaSourceEvents {
  fix: [fix: NmeaFix, line: string];
  rejected: [rejection: NmeaRejection & { line: string }];
  connected: [];
  disconnected: [reason: string];
  /** A file source without `reopen` reached its end. */
  end: [];
}

export interface NmeaSourceStats {
  fixes: number;
  rejected: number;
  /** Sentences of other types (GSV, GSA, VTG...): expected from any receiver, so not reported as rejections. */
  ignored: number;
  connects: number;
}

/**
 * Reads NMEA 0183 from a TCP stream or a device/file path and emits decoded fixes and rejected sentences.
 * TCP reconnects with exponential backoff; so does a device path. Uses plain `net`/`fs`, so no native
 * serial-port module is needed.
 */
export class NmeaSource extends EventEmitter<NmeaSourceEvents> {
  readonly stats: NmeaSourceStats = { fixes: 0, rejected: 0, ignored: 0, connects: 0 };
  private readonly decoder: NmeaDecoder;
  private readonly splitter = new LineSplitter();
  private stream: Socket | ReadStream | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = true;

  constructor(private readonly options: NmeaSourceOptions) {
    super();
    this.decoder = new NmeaDecoder({ date: options.date });
  }

  start(): this {
    if (!this.stopped) return this;
    this.stopped = false;
    this.open();
    return this;
  }

  /** Closes the stream and cancels any pending reconnect. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const stream = this.stream;
    this.stream = undefined;
    if (!stream || stream.destroyed) return;
    await new Promise<void>((done) => {
      stream.once('close', () => done());
      stream.destroy();
    });
  }

  private open(): void {
    this.splitter.reset();
    const stream = 'tcp' in this.options ? this.openTcp(this.options.tcp, this.options.idleTimeoutMs ?? 30_000) : this.openPath(this.options.path);
    this.stream = stream;
    stream.on('data', (chunk: string | Buffer) => this.onData(typeof chunk === 'string' ? chunk : chunk.toString('latin1')));
    let reason = 'closed';
    stream.on('error', (error: Error) => {
      reason = error.message;
    });
    stream.on('close', () => {
      if (this.stream !== stream) return;
      this.stream = undefined;
      this.emit('disconnected', reason);
      if (this.stopped) return;
      if ('path' in this.options && !(this.options.reopen ?? this.options.path.startsWith('/dev/'))) {
        this.stopped = true;
        this.emit('end');
        return;
      }
      this.scheduleReopen();
    });
  }

  private openTcp(target: { host: string; port: number }, idleTimeoutMs: number): Socket {
    const socket = connect({ host: target.host, port: target.port });
    socket.setEncoding('latin1');
    socket.setTimeout(idleTimeoutMs, () => socket.destroy(new Error(`no data for ${idleTimeoutMs} ms`)));
    socket.once('connect', () => {
      this.stats.connects++;
      this.emit('connected');
    });
    return socket;
  }

  private openPath(path: string): ReadStream {
    // A tty delivers a few bytes at a time; a small buffer keeps latency at one sentence.
    const stream = createReadStream(path, { encoding: 'latin1', highWaterMark: 512 });
    stream.once('open', () => {
      this.stats.connects++;
      this.emit('connected');
    });
    return stream;
  }

  private scheduleReopen(): void {
    const min = this.options.minBackoffMs ?? 500;
    const max = this.options.maxBackoffMs ?? 30_000;
    const base = Math.min(max, min * 2 ** this.failures);
    this.failures++;
    // Jitter keeps a fleet of units from reconnecting in lockstep after a shared outage.
    const delay = base * (0.8 + Math.random() * 0.4);
    this.retryTimer = setTimeout(() => {
      if (!this.stopped) this.open();
    }, delay);
  }

  private onData(chunk: string): void {
    const { lines, overflowed } = this.splitter.push(chunk);
    for (let i = 0; i < overflowed; i++) {
      this.stats.rejected++;
      this.emit('rejected', { code: 'malformed', reason: 'line too long without a line end (line noise?)', line: '' });
    }
    // Whole lines arriving means the link works, whatever they say: the next outage starts from a short delay.
    if (lines.length > 0) this.failures = 0;
    for (const line of lines) {
      const result = this.decoder.decode(line);
      if (result.ok) {
        this.stats.fixes++;
        this.emit('fix', result.fix, line);
      } else if (result.code === 'unsupported') {
        this.stats.ignored++;
      } else {
        this.stats.rejected++;
        this.emit('rejected', { code: result.code, reason: result.reason, line });
      }
    }
  }
}
