import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@dispatch/db/testDatabase';
import { DeviceDirectory } from './deviceDirectory';
import { PositionIngestor } from './ingestPositions';
import { closeKeptAlive, keepDevicesConnected, OSMAND_PORT_PATHS, osmandAhead, osmandDoor } from './osmandDoor';
import { startOsmandServer } from './positions.routes';

/** The bare OsmAnd door on a real HTTP server and the real PostgreSQL: what express's parsers did, it does. */
describe('the OsmAnd door', () => {
  let database: TestDatabase;
  let ingestor: PositionIngestor;
  let server: Server;
  let base: string;
  const log = { debug: () => undefined, error: () => undefined };

  beforeAll(async () => {
    database = await createTestDatabase();
    const station = await database.db.query<{ id: string }>(
      `INSERT INTO stations (code, name, kind, location) VALUES ('S1', 'Station', 'centre', ST_SetSRID(ST_MakePoint(111.9, 37.0), 4326)) RETURNING id`,
    );
    await database.db.query(`INSERT INTO vehicles (call_sign, kind, home_station_id, device_id) VALUES ('V1', 'multipurpose', $1, 'door-1')`, [station.rows[0]!.id]);
    ingestor = new PositionIngestor(database.db, { flushIntervalMs: 5 });
    const deps = { ingestor, devices: new DeviceDirectory(database.db), log };
    // As on the API port, the door ahead of the application (here: /api/elsewhere); as on the OsmAnd port, the rest.
    const door = osmandDoor(deps, OSMAND_PORT_PATHS);
    server = createServer(osmandAhead(door, (req, res) => (req.url === '/api/elsewhere' ? res.writeHead(204).end() : door(req, res))));
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((closed) => server.close(closed));
    await ingestor.close();
    await database.drop();
  });
  beforeEach(() => database.db.query('DELETE FROM vehicle_positions; DELETE FROM vehicle_positions_latest'));

  const epoch = () => Math.floor(Date.now() / 1000) - 5;
  const stored = async () => Number((await database.db.query<{ n: string }>('SELECT count(*) AS n FROM vehicle_positions')).rows[0]!.n);
  const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error;

  it('stores a gzip-compressed JSON batch and an urlencoded form with its charset', async () => {
    const batch = { device_id: 'door-1', location: [1, 2].map((i) => ({ timestamp: new Date((epoch() - i) * 1000).toISOString(), coords: { latitude: 37, longitude: 112 } })) };
    const json = await fetch(`${base}/osmand`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(JSON.stringify(batch)) });
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({ stored: 2, ignoredInvalid: 0 });
    const form = await fetch(`${base}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: `id=door-1&lat=37.1&lon=112&timestamp=${epoch()}` });
    expect(form.status).toBe(200);
    expect(await stored()).toBe(3);
  });

  it('answers an unreadable charset or encoding with 415 naming the header, and stores nothing', async () => {
    const charset = await fetch(`${base}/`, { method: 'POST', headers: { 'content-type': 'application/json; charset=koi8-r' }, body: '{}' });
    expect(charset.status).toBe(415);
    expect(await errorOf(charset)).toMatch(/^content-type: unsupported charset "KOI8-R"/);
    const encoding = await fetch(`${base}/`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'br' }, body: '{}' });
    expect(encoding.status).toBe(415);
    expect(await errorOf(encoding)).toMatch(/^content-encoding: unsupported/);
    const notGzip = await fetch(`${base}/`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: '{"device_id":"door-1"}' });
    expect(notGzip.status).toBe(400);
    expect(await errorOf(notGzip)).toMatch(/^content-encoding: the body is not valid gzip/);
    expect(await stored()).toBe(0);
  });

  it('answers a body past its limit or with too many parameters with 413, and keeps serving', async () => {
    const big = await fetch(`${base}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `id=door-1&pad=${'x'.repeat(70_000)}` });
    expect(big.status).toBe(413);
    const many = await fetch(`${base}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Array.from({ length: 1001 }, (_, i) => `p${i}=1`).join('&') });
    expect(many.status).toBe(413);
    expect(await errorOf(many)).toBe('body: too many parameters');
    const bomb = await fetch(`${base}/`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(`{"pad":"${' '.repeat(2_000_000)}"}`) });
    expect(bomb.status).toBe(413);
    expect((await fetch(`${base}/?id=door-1&lat=37&lon=112&timestamp=${epoch()}`)).status).toBe(200);
  });

  it('answers a strict-JSON violation and a repeated parameter with 400 naming it', async () => {
    const bare = await fetch(`${base}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '"door-1"' });
    expect(bare.status).toBe(400);
    expect(await errorOf(bare)).toBe('malformed JSON body');
    const twice = await fetch(`${base}/?id=door-1&id=door-2&lat=37&lon=112`);
    expect(twice.status).toBe(400);
    expect(await errorOf(twice)).toMatch(/^id:/);
    expect(await stored()).toBe(0);
  });

  it('answers another method or path with 404, and hands the API port its other paths', async () => {
    const put = await fetch(`${base}/osmand?id=door-1&lat=37&lon=112`, { method: 'PUT' });
    expect(put.status).toBe(404);
    expect(await errorOf(put)).toBe('no route PUT /osmand');
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
    expect((await fetch(`${base}/api/elsewhere`)).status).toBe(204);
  });

  it('refuses with 503 and Retry-After once the ingest backlog has waited too long, and stores what it took', async () => {
    // A database too slow to keep up: nothing is written until close, and a position waiting 50 ms is a backlog.
    const slow = new PositionIngestor(database.db, { flushIntervalMs: 60_000, maxWaitMs: 50 });
    const door = osmandDoor({ ingestor: slow, devices: new DeviceDirectory(database.db), log }, OSMAND_PORT_PATHS);
    const overloaded = createServer(door);
    await new Promise<void>((listening) => overloaded.listen(0, '127.0.0.1', listening));
    const url = `http://127.0.0.1:${(overloaded.address() as AddressInfo).port}/`;
    try {
      const first = fetch(`${url}?id=door-1&lat=37&lon=112&timestamp=${epoch()}`);
      await expect.poll(() => slow['pending'].length).toBe(1);
      await new Promise((waited) => setTimeout(waited, 100));
      const refused = await fetch(`${url}?id=door-1&lat=37.1&lon=112&timestamp=${epoch() - 1}`);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('2');
      expect(await errorOf(refused)).toBe('position ingest is overloaded; retry');
      await slow.close();
      expect((await first).status).toBe(200);
      expect(await stored()).toBe(1);
    } finally {
      await new Promise((closed) => overloaded.close(closed));
    }
  });

  it('keeps a device connection open between reports a minute apart on the OsmAnd port', async () => {
    const port = await startOsmandServer(0, { ingestor, devices: new DeviceDirectory(database.db), log });
    try {
      // Node's default closes after 5 s idle: a fleet reporting every 10 s reconnected for every fix.
      expect(port.http.keepAliveTimeout).toBeGreaterThan(60_000);
      expect(port.http.headersTimeout).toBeGreaterThan(port.http.keepAliveTimeout);
      const answer = await fetch(`http://127.0.0.1:${port.port}/?id=door-1&lat=37&lon=112&timestamp=${epoch()}`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('keep-alive')).toBe('timeout=65');
    } finally {
      await port.close();
    }
  });

  it('closes within moments when a request was in flight at close, not after the 65 s keep-alive', async () => {
    let received!: () => void;
    const inFlight = new Promise<void>((done) => (received = done));
    const slow = keepDevicesConnected(
      createServer((_req, res) => {
        received();
        setTimeout(() => res.end('ok'), 300);
      }),
    );
    await new Promise<void>((listening) => slow.listen(0, '127.0.0.1', listening));
    const agent = new Agent({ keepAlive: true });
    try {
      const answered = new Promise<number>((done) =>
        request({ host: '127.0.0.1', port: (slow.address() as AddressInfo).port, agent }, (res) => {
          res.resume();
          res.on('end', () => done(res.statusCode ?? 0));
        }).end(),
      );
      await inFlight;
      // Without the sweep the close waits for the 65 s keep-alive: the test's timeout fails it first.
      await Promise.all([closeKeptAlive(slow), answered.then((status) => expect(status).toBe(200))]);
      expect(slow.listening).toBe(false);
    } finally {
      agent.destroy();
    }
  });

  it('answers pipelined requests on one kept-alive connection, in order', async () => {
    const t = epoch();
    const request = (lat: number, i: number) => `GET /?id=door-1&lat=${lat}&lon=112&timestamp=${t - i} HTTP/1.1\r\nHost: x\r\n\r\n`;
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    let text = '';
    const answered = new Promise<void>((done) =>
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if ((text.match(/HTTP\/1\.1 /g) ?? []).length === 3 && text.endsWith('}')) done();
      }),
    );
    socket.write(request(37, 1) + request(97, 2) + request(37.2, 3));
    await answered;
    socket.destroy();
    expect([...text.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => m[1])).toEqual(['200', '400', '200']);
    expect(await stored()).toBe(2);
  });
});
