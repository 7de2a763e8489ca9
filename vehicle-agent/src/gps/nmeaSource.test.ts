import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withChecksum, type NmeaFix } from './nmea';
import { LineSplitter, NmeaSource } from './nmeaSource';

const RMC = '$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A';
const GGA = '$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47';
const GSV = '$GPGSV,3,1,11,03,03,111,00,04,15,270,00,06,01,010,00,13,06,292,00*74';
const BAD = '$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6B';
const VOID = '$GPRMC,,V,,,,,,,,,,N*53';

describe('LineSplitter', () => {
  it('joins a sentence split across chunks and accepts CRLF, LF and CR line ends', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('$GPRMC,1235').lines).toEqual([]);
    expect(splitter.push('19,A\r').lines).toEqual(['$GPRMC,123519,A']);
    expect(splitter.push('\n$X\n$Y\r\n$Z').lines).toEqual(['$X', '$Y']);
    expect(splitter.push('\r\n').lines).toEqual(['$Z']);
  });

  it('drops an over-long line without a line end and recovers at the next one', () => {
    const splitter = new LineSplitter(20);
    const first = splitter.push('x'.repeat(25));
    expect(first).toEqual({ lines: [], overflowed: 1 });
    expect(splitter.push('yyyy\r\n$OK\r\n').lines).toEqual(['$OK']);
  });
});

describe('NmeaSource over TCP', () => {
  let server: Server | undefined;
  let source: NmeaSource | undefined;
  afterEach(async () => {
    await source?.stop();
    server?.close();
  });

  async function listen(onConnection: (socket: Socket) => void): Promise<number> {
    server = createServer(onConnection);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  }

  it('decodes sentences delivered in arbitrary chunks, reports bad ones and ignores other types', async () => {
    const stream = [RMC, GSV, BAD, VOID, GGA, withChecksum('GNRMC,123520,A,4807.040,N,01131.010,E,022.0,085.0,230394,,,A')]
      .map((s) => `${s}\r\n`)
      .join('');
    const port = await listen((socket) => {
      // Small, uneven chunks with pauses: a sentence arrives in several TCP segments, as from a radio modem.
      let offset = 0;
      const sizes = [7, 1, 30, 13, 64, 2];
      let i = 0;
      const timer = setInterval(() => {
        if (offset >= stream.length) {
          clearInterval(timer);
          return;
        }
        const size = sizes[i++ % sizes.length]!;
        socket.write(stream.slice(offset, offset + size));
        offset += size;
      }, 1);
      socket.on('close', () => clearInterval(timer));
    });
    source = new NmeaSource({ tcp: { host: '127.0.0.1', port } });
    const fixes: NmeaFix[] = [];
    const rejected: string[] = [];
    source.on('fix', (fix) => fixes.push(fix));
    source.on('rejected', (r) => rejected.push(r.code));
    const done = new Promise<void>((resolve) => source!.on('fix', () => fixes.length === 3 && resolve()));
    source.start();
    await done;
    expect(fixes.map((f) => [f.sentence, f.deviceTime])).toEqual([
      ['RMC', '1994-03-23T12:35:19.000Z'],
      // GGA carries no date: it takes the day of the RMC before it.
      ['GGA', '1994-03-23T12:35:19.000Z'],
      ['RMC', '1994-03-23T12:35:20.000Z'],
    ]);
    expect(fixes[0]!.lat).toBeCloseTo(48.1173, 6);
    expect(rejected).toEqual(['bad_checksum', 'void']);
    expect(source.stats).toEqual({ fixes: 3, rejected: 2, ignored: 1, connects: 1 });
  });

  it('reconnects with backoff after the stream drops and discards the partial sentence', async () => {
    let connections = 0;
    const port = await listen((socket) => {
      connections++;
      if (connections === 1) {
        // First link: one whole sentence, half of another, then the line dies.
        socket.end(`${RMC}\r\n${RMC.slice(0, 30)}`);
      } else {
        socket.write(`${withChecksum('GPRMC,123521,A,4807.050,N,01131.020,E,021.0,086.0,230394,,')}\r\n`);
      }
    });
    source = new NmeaSource({ tcp: { host: '127.0.0.1', port }, minBackoffMs: 20 });
    const fixes: string[] = [];
    const rejected: string[] = [];
    const disconnects: string[] = [];
    source.on('fix', (fix) => fixes.push(fix.deviceTime));
    source.on('rejected', (r) => rejected.push(r.reason));
    source.on('disconnected', (reason) => disconnects.push(reason));
    const second = new Promise<void>((resolve) => source!.on('fix', () => fixes.length === 2 && resolve()));
    source.start();
    await second;
    expect(fixes).toEqual(['1994-03-23T12:35:19.000Z', '1994-03-23T12:35:21.000Z']);
    expect(rejected).toEqual([]);
    expect(disconnects.length).toBeGreaterThanOrEqual(1);
    expect(source.stats.connects).toBe(2);
  });

  it('keeps retrying while nothing listens and connects once the receiver appears', async () => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((done) => probe.close(() => done()));

    source = new NmeaSource({ tcp: { host: '127.0.0.1', port }, minBackoffMs: 10, maxBackoffMs: 40 });
    const refusals: string[] = [];
    source.on('disconnected', (reason) => refusals.push(reason));
    source.start();
    while (refusals.length < 3) await once(source, 'disconnected');
    expect(refusals[0]).toMatch(/ECONNREFUSED/);

    server = createServer((socket) => socket.write(`${RMC}\r\n`));
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    const [fix] = (await once(source, 'fix')) as [NmeaFix];
    expect(fix.deviceTime).toBe('1994-03-23T12:35:19.000Z');
  });
});

describe('NmeaSource from a file path', () => {
  it('reads a recorded log to its end and reports the end', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nmea-'));
    try {
      const path = join(dir, 'drive.nmea');
      writeFileSync(path, `${GSV}\n${RMC}\n${BAD}\n${GGA}\n`);
      const source = new NmeaSource({ path });
      const fixes: NmeaFix[] = [];
      source.on('fix', (fix) => fixes.push(fix));
      const ended = once(source, 'end');
      source.start();
      await ended;
      expect(fixes.map((f) => f.sentence)).toEqual(['RMC', 'GGA']);
      expect(source.stats).toMatchObject({ fixes: 2, rejected: 1, ignored: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
