import { readFileSync } from 'node:fs';

/**
 * Reads a .sql file of named statements, each introduced by a `-- name: <key>` line, so the SQL stays in
 * files reviewers can read and each statement is still sent on its own (with parameters).
 */
export function readQueries<K extends string>(url: URL, names: readonly K[]): Record<K, string> {
  const text = readFileSync(url, 'utf8');
  const found = new Map<string, string>();
  for (const section of text.split(/^-- name: /m).slice(1)) {
    const newline = section.indexOf('\n');
    found.set(section.slice(0, newline).trim(), section.slice(newline + 1).trim());
  }
  const queries = {} as Record<K, string>;
  for (const name of names) {
    const sql = found.get(name);
    if (!sql) throw new Error(`${url.pathname} has no statement "-- name: ${name}"`);
    queries[name] = sql;
  }
  return queries;
}
