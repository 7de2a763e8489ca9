import { beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { DEFAULT_CENTRE_ID, PROTOCOL_VERSION, type HealthReport, type SessionWelcome } from '@dispatch/protocol';
import { serverSuite } from '../support/demoSuite';
import { createUser, loginAs, startTestServer } from '../support/server';

describe('dispatch server over real HTTP and socket.io', () => {
  const server = serverSuite(() => startTestServer());
  beforeAll(async () => {
    await createUser(server.database, { username: 'disp1', role: 'dispatcher' });
  });
  const postLogin = (body: string) => fetch(`${server.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('reports PostgreSQL, PostGIS, pgRouting and Redis healthy', async () => {
    const res = await fetch(`${server.baseUrl}/api/health`);
    expect(res.status).toBe(200);
    const report = (await res.json()) as HealthReport;
    expect(report.ok).toBe(true);
    expect(report.components.postgres.detail).toMatch(/^15\./);
    expect(report.components.postgis.detail).toMatch(/^3\./);
    expect(report.components.pgrouting.detail).toMatch(/^3\./);
    expect(report.components.redis.detail).toMatch(/^\d+\./);
  });

  it('tells clients the tiles, their coordinate system and the stale threshold without a login', async () => {
    const res = await fetch(`${server.baseUrl}/api/config`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      protocolVersion: PROTOCOL_VERSION,
      tileUrl: server.config.TILE_URL,
      tileAttribution: server.config.TILE_ATTRIBUTION,
      tileCoordinates: 'wgs84',
      positionStaleAfterS: 120,
    });
  });

  it('answers malformed JSON with 400 and keeps running', async () => {
    const res = await postLogin('{"username": ');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'malformed JSON body' });
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
  });

  it('answers an oversize body with 413', async () => {
    const res = await postLogin(JSON.stringify({ username: 'x', password: 'y'.repeat(400_000) }));
    expect(res.status).toBe(413);
  });

  it('names the missing field of a login', async () => {
    const res = await postLogin(JSON.stringify({ username: 'disp1' }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^password:/);
  });

  it('refuses a wrong password with 401', async () => {
    await expect(loginAs(server.baseUrl, 'disp1', 'wrong')).rejects.toMatchObject({ status: 401 });
  });

  it('answers an unknown API route with a JSON 404', async () => {
    const res = await fetch(`${server.baseUrl}/api/no-such-thing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'no route GET /no-such-thing' });
  });

  function open(auth: object): Socket {
    return connect(server.baseUrl, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  }

  it('welcomes a socket with a valid token into the dispatchers room', async () => {
    const token = await loginAs(server.baseUrl, 'disp1', 'correct horse battery staple');
    const socket = open({ token, protocolVersion: PROTOCOL_VERSION });
    const welcome = await new Promise<SessionWelcome>((resolve, reject) => {
      socket.on('session.welcomed', resolve);
      socket.on('connect_error', reject);
    });
    // A dispatcher works in a centre (the default one here) and hears of its incidents in that centre's room (issue 15).
    expect(welcome).toMatchObject({ role: 'dispatcher', rooms: ['dispatchers', `centre:${DEFAULT_CENTRE_ID}`, `consultations:${DEFAULT_CENTRE_ID}`], protocolVersion: PROTOCOL_VERSION });
    socket.close();
  });

  it('refuses a socket without a token, with a forged token, or of another protocol version', async () => {
    const token = await loginAs(server.baseUrl, 'disp1', 'correct horse battery staple');
    const refusal = (auth: object) =>
      new Promise<string>((resolve) => {
        const socket = open(auth);
        socket.on('connect_error', (err) => {
          socket.close();
          resolve(err.message);
        });
        socket.on('connect', () => {
          socket.close();
          resolve('connected');
        });
      });
    expect(await refusal({ protocolVersion: PROTOCOL_VERSION })).toMatch(/missing token/);
    expect(await refusal({ token: `${token.slice(0, -4)}AAAA`, protocolVersion: PROTOCOL_VERSION })).toMatch(/invalid/);
    // The refusal says which side is too old, so a console reloads itself and an old server is reported.
    expect(await refusal({ token, protocolVersion: PROTOCOL_VERSION + 1 })).toMatch(/protocol mismatch: serverTooOld/);
    expect(await refusal({ token, protocolVersion: PROTOCOL_VERSION - 1 })).toMatch(/protocol mismatch: clientTooOld/);
    expect(await refusal({ token })).toMatch(/protocol mismatch: clientTooOld/);
  });
});
