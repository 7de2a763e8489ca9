import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bindNames, dtoRow, sqlFile } from './sqlFile';
import { createTestDatabase, type TestDatabase } from './testDatabase';

function fileWith(text: string): URL {
  const path = join(mkdtempSync(join(tmpdir(), 'sql-')), 'q.sql');
  writeFileSync(path, text);
  return pathToFileURL(path);
}

describe('bindNames', () => {
  it('numbers each name once, in order of first use', () => {
    expect(bindNames('SELECT :b, :a, :b')).toEqual({ text: 'SELECT $1, $2, $1', names: ['b', 'a'] });
  });

  it('leaves casts, string literals, quoted identifiers and comments alone', () => {
    const sql = `SELECT :ids::uuid[], to_char(t, 'HH24:MI'), "a:b" -- not :this\n FROM x /* nor :that */ WHERE y = :y`;
    expect(bindNames(sql)).toEqual({
      text: `SELECT $1::uuid[], to_char(t, 'HH24:MI'), "a:b" -- not :this\n FROM x /* nor :that */ WHERE y = $2`,
      names: ['ids', 'y'],
    });
  });
});

describe('sqlFile', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  const file = fileWith(`-- name: pair
-- Why: a comment line belongs to the statement.
SELECT :n::int AS n, :label::text AS label, now() AS at;

-- name: none
SELECT 1 AS one WHERE false;
`);

  it('sends named parameters and returns rows checked against their schema', async () => {
    const sql = sqlFile(file, {
      pair: { params: z.object({ n: z.number(), label: z.string() }), row: z.object({ n: z.number(), label: z.string(), at: z.date() }) },
      none: { row: z.object({ one: z.number() }) },
    });
    const row = await sql.pair.one(database.db, { n: 7, label: '人民医院' });
    expect(row).toMatchObject({ n: 7, label: '人民医院' });
    expect(row?.at).toBeInstanceOf(Date);
    expect(await sql.none.one(database.db)).toBeUndefined();
  });

  it('fails at start-up when a statement is missing or its parameters differ from the declaration', () => {
    expect(() => sqlFile(file, { absent: {} })).toThrowError(/no statement "-- name: absent"/);
    expect(() => sqlFile(file, { pair: { params: z.object({ n: z.number() }) } })).toThrowError(/uses :n, :label but declares n/);
  });

  it('refuses a row of another shape, naming the statement', async () => {
    const sql = sqlFile(file, { pair: { params: z.object({ n: z.number(), label: z.string() }), row: z.object({ n: z.string() }) } });
    await expect(sql.pair.rows(database.db, { n: 1, label: 'x' })).rejects.toThrowError(/statement "pair" returned a row of another shape/);
  });

  it('reads DTO-shaped rows: top-level timestamps as ISO strings, undeclared columns dropped, another shape refused', async () => {
    const Dto = z.object({ n: z.number(), at: z.string() });
    const sql = sqlFile(file, { pair: { params: z.object({ n: z.number(), label: z.string() }), row: dtoRow(Dto) } });
    const row = await sql.pair.one(database.db, { n: 7, label: 'x' });
    expect(row).toEqual({ n: 7, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) });
    const other = sqlFile(file, { pair: { params: z.object({ n: z.number(), label: z.string() }), row: dtoRow(Dto.extend({ label: z.number() })) } });
    await expect(other.pair.rows(database.db, { n: 1, label: 'x' })).rejects.toThrowError(/statement "pair" returned a row of another shape/);
  });
});
