import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes test inputs into a fresh temporary folder. */
export function writeTempFile(name: string, content: string | Buffer): string {
  const file = join(mkdtempSync(join(tmpdir(), 'road-import-')), name);
  writeFileSync(file, content);
  return file;
}
