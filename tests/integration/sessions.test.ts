import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket } from '../support/api';
import { startDemoServer, type DemoServer } from '../support/demoServer';

describe('live sessions of logins that change', () => {
  let server: DemoServer;
  beforeAll(async () => {
    server = await startDemoServer({ SESSION_RECHECK_S: '1' });
  });
  afterAll(() => server.close());

  it('ends the socket of a crew whose login is disabled, and refuses its next handshake', async () => {
    const crew = server.logins.crews[3]!;
    const { token } = await server.as(crew.username);
    const socket = await openSocket(server.baseUrl, token);
    const ended = new Promise<{ reason: string }>((resolve) => socket.socket.once('session.ended', resolve));
    const disconnected = new Promise<void>((resolve) => socket.socket.once('disconnect', () => resolve()));
    await server.database.db.query('UPDATE users SET disabled = true WHERE username = $1', [crew.username]);
    // Within the 10 s the login is trusted for, plus one re-check.
    expect((await ended).reason).toMatch(/log in again/);
    await disconnected;
    await expect(openSocket(server.baseUrl, token)).rejects.toThrowError(/unauthorized/);
  }, 20_000);
});
