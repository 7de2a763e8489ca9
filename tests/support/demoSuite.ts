import type { ApiClient } from '@dispatch/protocol';
import { afterAll, beforeAll } from 'vitest';
import { startDemoServer, type DemoServer } from './demoServer';

/**
 * For a describe block: a demo server started before its tests and closed after them, and a REST client for each
 * of `users` (demo logins). They are stand-ins that read each property from what beforeAll made, so that the
 * block can name them at once: `const { server, clients: [dispatcher] } = demoSuite({}, 'dispatcher')`.
 */
export function demoSuite<Users extends string[]>(
  overrides: Record<string, string> = {},
  ...users: Users
): { server: DemoServer; clients: { [K in keyof Users]: ApiClient } } {
  let server: DemoServer | undefined;
  const clients: ApiClient[] = [];
  beforeAll(async () => {
    server = await startDemoServer(overrides);
    for (const user of users) clients.push((await server.as(user)).api);
  });
  afterAll(() => server?.close());
  return { server: madeLater(() => server), clients: users.map((_, i) => madeLater(() => clients[i])) as { [K in keyof Users]: ApiClient } };
}

function madeLater<T extends object>(made: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_, key) {
      const value = made();
      if (!value) throw new Error(`read ${String(key)} before beforeAll made it`);
      return Reflect.get(value, key);
    },
  });
}
