import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generatePassword } from '../auth/passwords';

/** Demo password by login name. */
export type DemoPasswords = Record<string, string>;

/** The demo passwords kept in `file`, or none when it does not exist yet. */
export function readDemoPasswords(file: string): DemoPasswords {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoPasswords) : {};
}

/**
 * A generated password for each login that has none yet; with a file, the passwords are read from it and
 * written back (readable by its owner only), so every start of the same demo prints the same ones.
 */
export function demoPasswords(usernames: readonly string[], file: string | null): DemoPasswords {
  const known = file ? readDemoPasswords(file) : {};
  const passwords = Object.fromEntries(usernames.map((u) => [u, known[u] ?? generatePassword()]));
  if (file && usernames.some((u) => !known[u])) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ ...known, ...passwords }, null, 2)}\n`, { mode: 0o600 });
  }
  return passwords;
}
