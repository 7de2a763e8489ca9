import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from './consoleBuild';

/** Debian's chromium; never a browser downloaded by `npx playwright install`. */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** A suite title that says it is skipped, and why, only when it is. */
export function chromiumSuite(title: string): string {
  if (hasChromium) return title;
  console.warn(`skipping "${title}": ${CHROMIUM} is absent (apt-get install chromium)`);
  return `${title} (SKIPPED: ${CHROMIUM} is absent; apt-get install chromium)`;
}
export const artifactsDir = join(repoRoot, 'tests/artifacts');

/** Headless Chromium with a fresh temporary profile and nothing that calls home. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic',
    ],
  });
}

/** A page in a context of its own, at the size and in the language given, on a dispatch centre's clock (and where `geolocation` says). */
export async function newPage(
  browser: Browser,
  {
    width = 1600, height = 950, locale = 'zh-CN', timeoutMs = 10_000, geolocation,
  }: { width?: number; height?: number; locale?: 'zh-CN' | 'en'; timeoutMs?: number; geolocation?: { longitude: number; latitude: number; accuracy: number } } = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width, height }, locale, timezoneId: 'Asia/Shanghai', ...(geolocation ? { geolocation, permissions: ['geolocation'] } : {}),
  });
  context.setDefaultTimeout(timeoutMs);
  const page = await context.newPage();
  if (locale === 'en') await page.addInitScript(() => localStorage.setItem('dispatch120.lang', 'en'));
  return page;
}

/** Opens the server's page and logs in through its form (the console's and the tablet's have the same fields). */
export async function logIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.press('input[name=password]', 'Enter');
}

/** A loopback port nothing listens on: a tile URL there fails at once, without touching the network. */
export async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/**
 * A screenshot taker into `dir` (outside the repository, for a person to open and look at), optionally of a region.
 */
export function shotsIn(dir: string): (page: Page, name: string, clip?: { x: number; y: number; width: number; height: number }) => Promise<void> {
  return async (page, name, clip) => {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, `${name}.png`), ...(clip ? { clip } : {}) });
  };
}

/** Saves a screenshot under tests/artifacts/ (git-ignored) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Page errors and console errors, except the expected failures of the unreachable tile server. */
export function collectErrors(page: Page, tileOrigin: string): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const url = m.location().url ?? '';
    if (url.startsWith(tileOrigin) || /ERR_CONNECTION_REFUSED/.test(m.text())) return;
    errors.push(`console: ${m.text()} (${url})`);
  });
  return errors;
}

export /** Where coordinates are on the map element, from the view it exposes (Web Mercator, 256-pixel tiles). */
async function mapProjector(page: Page): Promise<(lonLat: [number, number]) => { x: number; y: number }> {
  const map = page.locator('[data-testid=map]');
  // The view settles first (the map may still be flying to a route).
  let view = '';
  for (let next = await map.getAttribute('data-view'); next !== view; next = await map.getAttribute('data-view')) {
    view = next!;
    await page.waitForTimeout(400);
  }
  const [zoom, cLat, cLon] = view.split('/').map(Number) as [number, number, number];
  const box = (await map.boundingBox())!;
  const scale = 256 * 2 ** zoom;
  const project = (lo: number, la: number) => {
    const s = Math.sin((la * Math.PI) / 180);
    return { x: ((lo + 180) / 360) * scale, y: (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * scale };
  };
  const c = project(cLon, cLat);
  return ([lon, lat]) => {
    const p = project(lon, lat);
    return { x: box.width / 2 + (p.x - c.x), y: box.height / 2 + (p.y - c.y) };
  };
}
