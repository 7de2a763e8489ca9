import type { ApiClient } from '@dispatch/protocol';
import { seedDemo, type DemoLogins } from '@dispatch/server/demo/seedDemo';
import { afterAll, beforeAll } from 'vitest';
import { apiClient } from './api';
import { startDemoServer, type DemoServer } from './demoServer';
import { loginAs, startTestServer } from './server';

/**
 * For a describe block: a demo server started before its tests and closed after them, and a REST client for each
 * of `users` (demo logins), with their tokens by username. The server and the clients are stand-ins that read (and
 * write) each property of what beforeAll made, so that the block can name them at once:
 * `const { server, clients: [dispatcher], tokens } = demoSuite({}, 'dispatcher')`.
 */
export function demoSuite<const Users extends string[]>(
  overrides: Record<string, string> = {},
  ...users: Users
): { server: DemoServer; clients: { [K in keyof Users]: ApiClient }; tokens: Record<Users[number], string> } {
  const server = serverSuite(() => startDemoServer(overrides));
  const clients: ApiClient[] = [];
  const tokens = {} as Record<Users[number], string>;
  beforeAll(async () => {
    for (const user of users) {
      const { api, token } = await server.as(user);
      clients.push(api);
      tokens[user as Users[number]] = token;
    }
  });
  return { server, clients: users.map((_, i) => madeLater(() => clients[i])) as { [K in keyof Users]: ApiClient }, tokens };
}

/**
 * For a describe block of several centres (issue 15): a test server seeded with the demo county, its neighbouring
 * centre (Pingyao) and the province supervisor, with each of `users`' token and REST client by username; `logins` and
 * `pingyao` (the neighbour's centre id) are set once beforeAll has run.
 */
export function centresSuite(...users: string[]) {
  const server = serverSuite(() => startTestServer());
  const centres = { server, tokens: {} as Record<string, string>, api: {} as Record<string, ApiClient>, logins: {} as DemoLogins, pingyao: '' };
  beforeAll(async () => {
    centres.logins = await seedDemo(server.database.db, { neighbour: true });
    centres.pingyao = centres.logins.neighbour!.centreId;
    for (const user of users) {
      centres.tokens[user] = await loginAs(server.baseUrl, user, centres.logins.passwords[user]!);
      centres.api[user] = apiClient(server.baseUrl, centres.tokens[user]);
    }
  });
  return centres;
}

/** For a describe block: the server `start` gives, started before its tests and closed after them (a stand-in as above). */
export function serverSuite<S extends { close(): Promise<void> }>(start: () => Promise<S>): S {
  let server: S | undefined;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(() => server?.close());
  return madeLater(() => server);
}

function madeLater<T extends object>(made: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_, key) {
      const value = made();
      if (!value) throw new Error(`read ${String(key)} before beforeAll made it`);
      return Reflect.get(value, key);
    },
    set: (_, key, value) => Reflect.set(made()!, key, value),
  });
}
