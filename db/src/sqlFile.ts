import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Db, DbClient } from './pool';

/** The pool or one client of a transaction: every statement runs on either. */
export type Queryable = Db | DbClient;

/** What a statement declares: its `:named` parameters and the shape of its rows, both as zod schemas. */
export interface StatementSpec {
  params?: z.ZodObject;
  row?: z.ZodType;
}

type ParamsOf<S extends StatementSpec> = S['params'] extends z.ZodObject ? [params: z.input<S['params']>] : [];
type RowOf<S extends StatementSpec> = S['row'] extends z.ZodType ? z.output<S['row']> : never;

/**
 * One statement of a .sql file. Why zod row schemas rather than generated types (pgtyped) or a query builder
 * (Kysely): the SQL stays plain SQL in files a reviewer reads, no code generator needs a live database at build
 * time, PostGIS expressions need no typing plug-in, and the check runs where the rows enter the program, so a
 * column renamed in a migration fails the first test that reads it instead of reaching a presenter as `undefined`.
 */
export class Statement<P extends unknown[], R> {
  constructor(
    readonly name: string,
    /** The statement as PostgreSQL receives it, `:name` replaced by `$n`. */
    readonly text: string,
    private readonly names: readonly string[],
    private readonly params: z.ZodObject | undefined,
    private readonly row: z.ZodType<R> | undefined,
  ) {}

  /** Every row, each checked against the row schema. */
  async rows(db: Queryable, ...params: P): Promise<R[]> {
    const { rows } = await db.query(this.text, this.values(params[0]));
    const schema = this.row;
    if (!schema) throw new Error(`statement "${this.name}" declares no row`);
    return rows.map((row) => {
      const parsed = schema.safeParse(row);
      if (!parsed.success) throw new Error(`statement "${this.name}" returned a row of another shape: ${z.prettifyError(parsed.error)}`);
      return parsed.data;
    });
  }

  /** The first row, or undefined when there is none. */
  async one(db: Queryable, ...params: P): Promise<R | undefined> {
    return (await this.rows(db, ...params))[0];
  }

  /** Runs the statement for its effect; answers how many rows it touched. */
  async run(db: Queryable, ...params: P): Promise<number> {
    return (await db.query(this.text, this.values(params[0]))).rowCount ?? 0;
  }

  private values(given: unknown): unknown[] {
    if (!this.params) return [];
    const parsed = this.params.safeParse(given);
    if (!parsed.success) throw new Error(`statement "${this.name}" was given other parameters: ${z.prettifyError(parsed.error)}`);
    const values = parsed.data as Record<string, unknown>;
    return this.names.map((name) => values[name]);
  }
}

/**
 * The row schema of a statement whose SQL names its columns as a protocol DTO's fields (`name_en AS "nameEn"`), so
 * the DTO schema itself checks the row and strips anything it does not declare. node-pg returns timestamptz columns
 * as Date while DTOs carry ISO strings: each top-level Date becomes its toISOString() before the schema checks it.
 */
export const dtoRow = <S extends z.ZodType>(schema: S) =>
  z.preprocess(
    (row) => Object.fromEntries(Object.entries(row as object).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value])),
    schema,
  );

/**
 * Replaces each `:name` by `$n` (the same name, the same n), leaving alone string literals, quoted identifiers,
 * comments and `::type` casts.
 */
export function bindNames(sql: string): { text: string; names: string[] } {
  const names: string[] = [];
  let text = '';
  for (let i = 0; i < sql.length; ) {
    const rest = sql.slice(i);
    const skipped =
      /^'(?:[^']|'')*'/.exec(rest) ?? /^"(?:[^"]|"")*"/.exec(rest) ?? /^--[^\n]*/.exec(rest) ?? /^\/\*[\s\S]*?\*\//.exec(rest) ?? /^::/.exec(rest);
    const param = skipped ? null : /^:([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    if (param) {
      const name = param[1]!;
      if (!names.includes(name)) names.push(name);
      text += `$${names.indexOf(name) + 1}`;
      i += param[0].length;
    } else {
      const token = skipped?.[0] ?? /^[^'":\-/]+|^[\s\S]/.exec(rest)![0];
      text += token;
      i += token.length;
    }
  }
  return { text, names };
}

/**
 * Reads a .sql file of named statements, each introduced by a `-- name: <key>` line, and binds each to its
 * declaration. A statement missing from the file, or whose `:parameters` differ from the declared ones, fails at
 * start-up rather than on the first call.
 */
export function sqlFile<T extends Record<string, StatementSpec>>(
  url: URL,
  specs: T,
): { [K in keyof T]: Statement<ParamsOf<T[K]>, RowOf<T[K]>> } {
  const text = readFileSync(url, 'utf8');
  const found = new Map<string, string>();
  for (const section of text.split(/^-- name: /m).slice(1)) {
    const newline = section.indexOf('\n');
    found.set(section.slice(0, newline).trim(), section.slice(newline + 1).trim());
  }
  const statements: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const sql = found.get(name);
    if (!sql) throw new Error(`${url.pathname} has no statement "-- name: ${name}"`);
    const bound = bindNames(sql);
    const declared = Object.keys(spec.params?.shape ?? {}).sort();
    if (declared.join() !== [...bound.names].sort().join()) {
      throw new Error(`${url.pathname} "${name}" uses :${bound.names.join(', :') || '(none)'} but declares ${declared.join(', ') || 'no parameters'}`);
    }
    statements[name] = new Statement(name, bound.text, bound.names, spec.params, spec.row);
  }
  return statements as { [K in keyof T]: Statement<ParamsOf<T[K]>, RowOf<T[K]>> };
}
