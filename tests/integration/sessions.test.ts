import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { LOGIN_LIMITS } from '@dispatch/server/auth/loginThrottle';
import { apiClient, openSocket } from '../support/api';
import { expectRefusal } from '../support/expectations';
import { demoSuite, serverSuite } from '../support/demoSuite';
import { startGatedDemoServer } from '../support/gatedServer';
import { createLoggedInUser, createUser, loginAs } from '../support/server';
import { eventually } from '../support/wait';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const login = (baseUrl: string, username: string, password: string) => apiClient(baseUrl).send('login', { body: { username, password } });

describe('live sessions of logins that change', () => {
  const { server } = demoSuite({ SESSION_RECHECK_S: '1' });

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

  it('logs out: the token is refused at once, other sessions of the same login live on', async () => {
    const first = await server.as('supervisor');
    const second = await server.as('supervisor');
    await first.api.call('logout');
    expect((await first.api.send('listIncidents')).status).toBe(401);
    await second.api.call('listIncidents');
  });

  it('changes a password only with the current one, and ends every other session of the login', async () => {
    const user = await createUser(server.database, { username: 'changer', role: 'dispatcher' });
    const other = await loginAs(server.baseUrl, user.username, user.password);
    const mine = await loginAs(server.baseUrl, user.username, user.password);
    const api = apiClient(server.baseUrl, mine);
    expect((await api.send('changePassword', { body: { currentPassword: 'not it at all', newPassword: 'a brand new passphrase' } })).status).toBe(403);
    await expectRefusal(api.call('changePassword', { body: { currentPassword: user.password, newPassword: 'short' } }), 400, /newPassword/);

    const { token } = await api.call('changePassword', { body: { currentPassword: user.password, newPassword: 'a brand new passphrase' } });
    await apiClient(server.baseUrl, token).call('listIncidents');
    expect((await apiClient(server.baseUrl, other).send('listIncidents')).status).toBe(401);
    expect((await login(server.baseUrl, user.username, user.password)).status).toBe(401);
    await loginAs(server.baseUrl, user.username, 'a brand new passphrase');
  });

  it('lets an admin disable and enable a login (sessions end at once) but not its own', async () => {
    const admin = await server.as('admin');
    const user = await createLoggedInUser(server, { username: 'leaver', role: 'dispatcher' });
    expect((await admin.api.call('setUserDisabled', { params: { id: user.id }, body: { disabled: true } })).disabled).toBe(true);
    expect((await user.api.send('listIncidents')).status).toBe(401);
    expect((await login(server.baseUrl, user.username, user.password)).status).toBe(401);
    expect((await admin.api.call('setUserDisabled', { params: { id: user.id }, body: { disabled: false } })).disabled).toBe(false);
    await loginAs(server.baseUrl, user.username, user.password);

    const self = await admin.api.call('me');
    expect((await admin.api.send('setUserDisabled', { params: { id: self.userId }, body: { disabled: true } })).status).toBe(409);
    expect((await admin.api.send('setUserDisabled', { params: { id: 'not-a-uuid' }, body: { disabled: true } })).status).toBe(404);
    expect((await (await server.as('dispatcher')).api.send('setUserDisabled', { params: { id: user.id }, body: { disabled: true } })).status).toBe(403);
  });

  it('resets a password to a one-time one whose session may only set a new password', async () => {
    const admin = await server.as('admin');
    const user = await createLoggedInUser(server, { username: 'forgetful', role: 'dispatcher' });
    const reset = await admin.api.call('resetUserPassword', { params: { id: user.id } });
    const temporary = reset.temporaryPassword;
    expect((await user.api.send('listIncidents')).status).toBe(401);

    const once = await apiClient(server.baseUrl).call('login', { body: { username: user.username, password: temporary } });
    expect(once.mustChangePassword).toBe(true);
    const limited = apiClient(server.baseUrl, once.token);
    await expectRefusal(limited.call('listIncidents'), 403, /new password/);
    await expect(openSocket(server.baseUrl, once.token)).rejects.toThrowError(/password/);
    expect((await limited.call('me')).mustChangePassword).toBe(true);

    const full = await limited.call('changePassword', { body: { currentPassword: temporary, newPassword: 'my own passphrase now' } });
    expect(full.mustChangePassword).toBe(false);
    await apiClient(server.baseUrl, full.token).call('listIncidents');
    expect((await limited.send('me')).status).toBe(401);
  });

  it('refuses a token without an expiry even when signed with the server secret', async () => {
    const user = await createUser(server.database, { username: 'forever', role: 'dispatcher' });
    const sessionId = randomUUID();
    await server.database.db.query(`INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, now() + interval '1 day')`, [sessionId, user.id]);
    const forged = await new SignJWT({ userId: user.id, username: user.username, role: 'dispatcher', vehicleId: null, hospitalId: null })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setJti(sessionId)
      .setIssuedAt()
      .sign(new TextEncoder().encode(server.config.JWT_SECRET));
    expect((await apiClient(server.baseUrl, forged).send('listIncidents')).status).toBe(401);
    await expect(openSocket(server.baseUrl, forged)).rejects.toThrowError(/unauthorized/);
  });

  it('throttles failed logins per login with 429 and Retry-After, audits each failure without the password', async () => {
    const user = await createUser(server.database, { username: 'target', role: 'dispatcher' });
    for (let i = 0; i < LOGIN_LIMITS.perLogin.points; i++) {
      expect((await login(server.baseUrl, 'TARGET', `guess-number-${i}`)).status).toBe(401);
    }
    // The header is the wire's: read the raw answer.
    const throttled = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user.username, password: user.password }),
    });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another login from the same address is not locked out by it.
    await server.as('dispatcher');

    expect(await login(server.baseUrl, 'nobody-here', 'guess-number-x')).toEqual({ status: 401, body: { error: 'wrong username or password', code: 'unauthenticated' } });
    const { rows } = await server.database.db.query(`SELECT entity_id, details, remote_addr FROM audit_log WHERE action = 'login.failed'`);
    expect(rows.filter((r) => r.entity_id === 'target')).toHaveLength(LOGIN_LIMITS.perLogin.points);
    expect(rows.find((r) => r.entity_id === 'nobody-here')?.details).toEqual({ reason: 'unknown login' });
    expect(JSON.stringify(rows)).not.toMatch(/guess-number/);
  });

  it('bootstraps an admin from the command line with a one-time password that must be changed first', async () => {
    const run = () =>
      spawnSync(process.execPath, ['--import', 'tsx', 'dispatch-server/src/users/createAdminCli.ts', '--username', 'chief'], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: server.database.url },
        encoding: 'utf8',
      });
    const created = run();
    expect(created.status).toBe(0);
    const password = /One-time password: (\S+)/.exec(created.stdout)?.[1];
    const chief = await apiClient(server.baseUrl).call('login', { body: { username: 'chief', password: password! } });
    expect(chief).toMatchObject({ user: { role: 'admin' }, mustChangePassword: true });
    expect((await apiClient(server.baseUrl, chief.token).send('listUsers')).status).toBe(403);
    const again = run();
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/username: taken/);
  }, 30_000);

  it('gives every demo login its own password', () => {
    const passwords = Object.values(server.logins.passwords);
    expect(passwords.length).toBeGreaterThan(30);
    expect(new Set(passwords).size).toBe(passwords.length);
  });
});

describe('demo passwords on a server that listens beyond loopback', () => {
  const { server } = demoSuite({ HOST: '0.0.0.0' });

  it('refuses a demo password and takes a real one', async () => {
    await expectRefusal(apiClient(server.baseUrl).call('login', { body: { username: 'admin', password: server.logins.passwords.admin! } }), 403, /demo passwords are refused/);
    await createLoggedInUser(server, { username: 'real-admin', role: 'admin' });
  });
});

describe('sessions while the database cannot be reached', () => {
  const server = serverSuite(() => startGatedDemoServer({ SESSION_RECHECK_S: '1' }));

  it('answers 503 (never 401), keeps every socket, refuses a new handshake as "unavailable", and carries on after', async () => {
    const { baseUrl, gate } = server;
    const token = await loginAs(baseUrl, 'dispatcher', server.logins.passwords.dispatcher!);
    const api = apiClient(baseUrl, token);
    const socket = await openSocket(baseUrl, token);

    await gate.cut();
    // Past the 10 s a session is trusted for, so its state must be read again, and past several socket re-checks.
    await new Promise((r) => setTimeout(r, 11_500));
    await expectRefusal(api.call('me'), 503, /database is unavailable/);
    expect((await api.send('listIncidents')).status).toBe(503);
    expect((await login(baseUrl, 'dispatcher', server.logins.passwords.dispatcher!)).status).toBe(503);
    await expect(openSocket(baseUrl, token)).rejects.toThrowError(/^unavailable/);
    expect(socket.socket.connected).toBe(true);

    await gate.restore();
    await eventually(async () => (await api.send('me')).status === 200);
    await api.call('listIncidents');
    expect(socket.socket.connected).toBe(true);
    expect(socket.received.map((r) => r.event)).not.toContain('session.ended');
    const again = await openSocket(baseUrl, token);
    again.close();
    socket.close();
  }, 60_000);
});
