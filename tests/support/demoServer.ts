import { seedDemo, type DemoLogins } from '@dispatch/server/demo/seedDemo';
import type { ApiClient } from '@dispatch/protocol';
import { apiClient } from './api';
import { loginAs, startTestServer, type TestServer } from './server';

export interface DemoServer extends TestServer {
  logins: DemoLogins;
  /** Logs in a demo user and returns a REST client and the token. */
  as(username: string): Promise<{ api: ApiClient; token: string }>;
}

/** The real server over a fresh database seeded with the synthetic demo county. */
export async function startDemoServer(overrides: Record<string, string> = {}, log?: Parameters<typeof startTestServer>[1]): Promise<DemoServer> {
  const server = await startTestServer(overrides, log);
  const logins = await seedDemo(server.database.db);
  return {
    ...server,
    logins,
    async as(username: string) {
      const token = await loginAs(server.baseUrl, username, logins.passwords[username] ?? '');
      return { api: apiClient(server.baseUrl, token), token };
    },
  };
}
