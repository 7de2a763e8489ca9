import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const consoleDist = join(repoRoot, 'console/dist');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/**
 * Builds the console unless console/dist is newer than every source it is built from (`npm test` builds it
 * first, so this normally does nothing; a single-file run after an edit gets a fresh build).
 */
export function ensureConsoleBuilt(): void {
  const index = join(consoleDist, 'index.html');
  const sources = ['console/src', 'console/index.html', 'console/vite.config.ts', 'protocol/src', 'ui/src'].map((p) => join(repoRoot, p));
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  execFileSync(join(repoRoot, 'node_modules/.bin/vite'), ['build', 'console', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
}

/** A tablet build of its own in a new temporary folder (the caller removes it), so a test never serves a stale or half-written vehicle-agent/dist. */
export async function buildTablet(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tablet-dist-'));
  await build({ configFile: join(repoRoot, 'vehicle-agent/vite.config.ts'), build: { outDir: dir, emptyOutDir: true }, logLevel: 'warn' });
  return dir;
}
