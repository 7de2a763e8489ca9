import fc from 'fast-check';

/**
 * The part of JSON Schema that zod's `z.toJSONSchema` and the OpenAPI document (generated from the same zod
 * schemas) produce: enough to generate values that pass a schema, and from them values that must not.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema | false;
  prefixItems?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
}

export type Resolve = (ref: string) => JsonSchema;
const noRefs: Resolve = (ref) => {
  throw new Error(`unresolved $ref ${ref}`);
};

/** Values the schema accepts (as far as JSON Schema can say: zod refinements such as "not 0,0" are not in it). */
export function validOf(schema: JsonSchema, resolve: Resolve = noRefs, depth = 0): fc.Arbitrary<unknown> {
  if (schema.$ref) return validOf(resolve(schema.$ref), resolve, depth);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => validOf(s, resolve, depth)));
  if (schema.allOf?.[0]) return validOf(schema.allOf[0], resolve, depth);
  if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((type) => validOf({ ...schema, type }, resolve, depth)));
  switch (schema.type) {
    case 'string':
      return validString(schema);
    case 'integer':
      return fc.integer({ min: Math.ceil(schema.minimum ?? -1e6), max: Math.floor(schema.maximum ?? 1e6) });
    case 'number': {
      const min = schema.minimum ?? schema.exclusiveMinimum ?? -1e6;
      const max = schema.maximum ?? schema.exclusiveMaximum ?? 1e6;
      return fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).filter((n) => n !== schema.exclusiveMinimum && n !== schema.exclusiveMaximum);
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (schema.prefixItems) return fc.tuple(...schema.prefixItems.map((s) => validOf(s, resolve, depth + 1)));
      const items = schema.items ? validOf(schema.items, resolve, depth + 1) : fc.jsonValue({ maxDepth: 1 });
      return fc.array(items, { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, Math.max(schema.minItems ?? 0, 4)) });
    }
    case 'object': {
      const properties = schema.properties ?? {};
      const model = Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, validOf(s, resolve, depth + 1)]));
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in properties) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function validString(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'date-time') {
    // Near now: the server bounds device and call times (a few minutes ahead, a few days back).
    return fc.integer({ min: -3 * 24 * 3600, max: 120 }).map((s) => new Date(Date.now() + s * 1000).toISOString());
  }
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? Infinity));
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 40, 40));
  return fc.oneof(
    fc.string({ minLength, maxLength }),
    // Chinese names and addresses, as the centre's users type them.
    fc.string({ unit: fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCharCode(c)), minLength, maxLength }),
  ).filter((s) => s.trim().length >= minLength);
}

/** Text no field may take: NUL, control characters, unpaired surrogates, script, SQL, paths, format strings. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 20 }).map((s) => `${s}\u0000${s}`),
  fc.constantFrom('\u0000', 'a\u0000b', '\u0001\u0002\u001b[2J', 'x\ud800y', '\udc00', '\uffff\ufffe', '\u202e\u0645', 'line\r\nforged: log'),
  fc.constantFrom("'; DROP TABLE incidents; --", '<img src=x onerror=alert(1)>', '../../../etc/passwd', '%00', '${7*7}{{7*7}}', '\\x00', '%s%n%x'),
  fc.constantFrom('', ' ', '\t', 'null', 'undefined', 'NaN', '-1', '1e309', '0x41', 'true'),
  fc.constantFrom('1900-01-01T00:00:00Z', '2099-12-31T23:59:59Z', '0000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '2026-02-30T00:00:00Z', '2026-12-02T25:61:00Z'),
  fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '00000000-0000-4000-8000-00000000000\u0000'),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 100, max: 30_000 }).map((n) => '急'.repeat(n)),
);

/** Numbers at the edges: beyond every range, beyond 32/64-bit integers, subnormal, negative zero. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 2, -(2 ** 53) - 2, 2 ** 31, -(2 ** 31) - 1, 2 ** 63, -0, 5e-324, 1e-7, 0.1 + 0.2, 181, -91, 360.0001, 9999999999999),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Anything a field should not be: hostile text or numbers, the wrong JSON type, deep nesting. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [null], [[[]]], { $gt: '' }, { __proto__: { admin: true } }, { constructor: { prototype: {} } }) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 400 }).map((n) => nest(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 1200 }).map((n) => Array.from({ length: n }, (_v, i) => (i % 3 ? i : { i: 'x' }))) },
);

function nest(depth: number): unknown {
  let v: unknown = 'deep';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** Every path to a value the schema describes (properties, array items as index 0), the root included. */
export function pathsOf(schema: JsonSchema, resolve: Resolve = noRefs, prefix: (string | number)[] = [], depth = 0): (string | number)[][] {
  if (schema.$ref) return pathsOf(resolve(schema.$ref), resolve, prefix, depth);
  const out: (string | number)[][] = [prefix];
  if (depth > 4) return out;
  for (const alt of schema.anyOf ?? schema.oneOf ?? schema.allOf ?? []) out.push(...pathsOf(alt, resolve, prefix, depth + 1).slice(1));
  for (const [k, s] of Object.entries(schema.properties ?? {})) out.push(...pathsOf(s, resolve, [...prefix, k], depth + 1));
  if (schema.items) out.push(...pathsOf(schema.items, resolve, [...prefix, 0], depth + 1));
  return out;
}

type Mutation = 'replace' | 'delete' | 'extra';

function mutate(value: unknown, path: (string | number)[], how: Mutation, hostile: unknown): unknown {
  if (path.length === 0) return how === 'replace' ? hostile : value;
  const copy: any = Array.isArray(value) ? [...value] : value !== null && typeof value === 'object' ? { ...(value as object) } : {};
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (rest.length === 0) {
    if (how === 'delete') delete copy[head];
    else if (how === 'extra') copy[`${String(head)}\u0000extra`] = hostile;
    else copy[head] = hostile;
    return copy;
  }
  copy[head] = mutate(copy[head] ?? (typeof rest[0] === 'number' ? [] : {}), rest, how, hostile);
  return copy;
}

/**
 * Values derived from valid ones by one hostile change: a field replaced by a hostile value, a required field
 * dropped, an unknown field added, or the whole value replaced.
 */
export function hostileOf(schema: JsonSchema, resolve: Resolve = noRefs): fc.Arbitrary<unknown> {
  const paths = pathsOf(schema, resolve);
  return fc
    .tuple(validOf(schema, resolve), fc.constantFrom(...paths), fc.constantFrom<Mutation>('replace', 'replace', 'replace', 'delete', 'extra'), hostileValue)
    .map(([valid, path, how, hostile]) => mutate(valid, path, how, hostile));
}

/** Mostly hostile, sometimes valid: a valid value reaches the deeper code (database, ranking) that a refused one never does. */
export function fuzzOf(schema: JsonSchema, resolve: Resolve = noRefs): fc.Arbitrary<{ value: unknown; hostile: boolean }> {
  return fc.oneof(
    { weight: 4, arbitrary: hostileOf(schema, resolve).map((value) => ({ value, hostile: true })) },
    { weight: 1, arbitrary: validOf(schema, resolve).map((value) => ({ value, hostile: false })) },
  );
}
