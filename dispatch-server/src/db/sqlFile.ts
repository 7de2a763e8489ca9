import { readFileSync } from 'node:fs';

/**
 * Reads a `.sql` file of named queries, each introduced by a line `-- name: queryName`,
 * so SQL stays in files reviewers can read and code refers to queries by name.
 */
export function loadQueries<const Names extends string>(url: URL, names: readonly Names[]): Record<Names, string> {
  const text = readFileSync(url, 'utf8');
  const found: Record<string, string> = {};
  let current: string | null = null;
  for (const line of text.split('\n')) {
    const header = /^--\s*name:\s*(\w+)\s*$/.exec(line);
    if (header) {
      current = header[1]!;
      found[current] = '';
    } else if (current) {
      found[current] += `${line}\n`;
    }
  }
  for (const name of names) {
    if (!found[name]?.trim()) throw new Error(`${url.pathname}: no query named ${name}`);
  }
  return found as Record<Names, string>;
}
