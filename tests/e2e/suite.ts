import { rm } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { seedDemo, type DemoLogins } from '@dispatch/server/demo/seedDemo';
import { startTestServer, type TestServer } from '../support/server';
import { closedLoopbackPort, launchChromium } from './browser';
import { buildTablet, consoleDist, ensureConsoleBuilt } from './consoleBuild';

export interface BrowserSuite<S> {
  server: S;
  browser: Browser;
  /** Where the tiles are supposed to come from (unless `env` gives TILE_URL): a loopback port nothing listens on. */
  tileOrigin: string;
  /** The tablet build the server serves (only with `tablet`). */
  tabletDist: string;
}

/**
 * For a describe block: before all, the console build (unless `console` is false), a tablet build of its own (with
 * `tablet`), the server `start` gives serving them with tiles that never load (the map falls back to the region's
 * own roads, as offline), and Chromium; after all, each closed and the tablet build removed.
 * @param env more server settings; a function is called once the builds exist
 */
export function browserSuite<S extends { close(): Promise<void> }>(
  start: (env: Record<string, string>) => Promise<S>,
  { console = true, tablet = false, env = {} }: { console?: boolean; tablet?: boolean; env?: Record<string, string> | (() => Record<string, string>) } = {},
): BrowserSuite<S> {
  const suite = {} as BrowserSuite<S>;
  beforeAll(async () => {
    if (console) ensureConsoleBuilt();
    if (tablet) suite.tabletDist = await buildTablet();
    suite.tileOrigin = `http://127.0.0.1:${await closedLoopbackPort()}`;
    suite.server = await start({
      ...(console ? { CONSOLE_DIST: consoleDist } : {}),
      ...(tablet ? { TABLET_DIST: suite.tabletDist } : {}),
      TILE_URL: `${suite.tileOrigin}/{z}/{x}/{y}.png`,
      ...(typeof env === 'function' ? env() : env),
    });
    suite.browser = await launchChromium();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.close();
    if (suite.tabletDist) await rm(suite.tabletDist, { recursive: true, force: true });
  });
  return suite;
}

/** The demo county with its neighbouring centre (Pingyao, its phone line) and the province supervisor (issue 15). */
export async function startCentresServer(env: Record<string, string>): Promise<TestServer & { logins: DemoLogins }> {
  const server = await startTestServer(env);
  return { ...server, logins: await seedDemo(server.database.db, { neighbour: true }) };
}
