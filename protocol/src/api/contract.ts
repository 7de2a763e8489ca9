import { z } from 'zod';

export type Method = 'get' | 'post' | 'put' | 'delete';

/** Groups of the OpenAPI document for the integrations outside the centre's own clients, with what each is for. */
export const ROUTE_TAGS = {
  telephony: "The centre's phone system (CTI): calls ringing, answered and ended, the caller's location, related calls",
} as const;
export type RouteTag = keyof typeof ROUTE_TAGS;

/**
 * One HTTP endpoint of the contract. The server validates requests with these schemas, the OpenAPI document
 * is printed from them and the one client (console, tablet, crew agent, tests) sends and reads through them.
 * Who may call it is the policy `action` (the server's one policy module maps each action to roles and to the
 * resources they reach); `public` endpoints take no token.
 */
export interface RouteDef {
  method: Method;
  /** Under the server's root, with `{name}` path parameters, e.g. `/api/stations/{id}`. */
  path: string;
  summary: string;
  action?: string;
  public?: true;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The answer's body; absent for 204. */
  response?: z.ZodType;
  /** The success status, 200 when absent. */
  status?: 200 | 201 | 204;
  /** The group of the OpenAPI document it is listed under. */
  tag?: RouteTag;
}

/** A path parameter that names a resource: always a UUID. */
export const IdParams = z.object({ id: z.uuid() });

/** Who may call an endpoint: a policy action, or anyone without a token. */
export const PUBLIC = null;

type Shape = Pick<RouteDef, 'query' | 'body' | 'response' | 'status' | 'tag'>;
type Access<A extends string | null> = A extends string ? { action: A } : { public: true };
type ParamsOf<P extends string> = P extends `${string}{id}${string}` ? { params: typeof IdParams } : unknown;

/** `get(path, action or PUBLIC, summary, { query, body, response, status })`; an `{id}` in the path is a UUID. */
const endpoint =
  <M extends Method>(method: M) =>
  <P extends string, A extends string | null, S extends Shape = Record<never, never>>(path: P, access: A, summary: string, shape?: S) =>
    ({
      method,
      path,
      summary,
      ...(access === null ? { public: true } : { action: access }),
      ...(path.includes('{id}') ? { params: IdParams } : {}),
      ...shape,
    }) as unknown as { method: M; path: P; summary: string } & Access<A> & ParamsOf<P> & S;

export const get = endpoint('get');
export const post = endpoint('post');
export const put = endpoint('put');
export const del = endpoint('delete');

export const ErrorBody = z.object({ error: z.string(), details: z.unknown().optional() });
export type ErrorBody = z.infer<typeof ErrorBody>;

// A part whose fields are all optional (a query of filters) may be left out.
type Part<R extends RouteDef, K extends 'params' | 'query' | 'body'> = R[K] extends z.ZodType
  ? object extends z.input<R[K]>
    ? { [P in K]?: z.input<R[K]> }
    : { [P in K]: z.input<R[K]> }
  : { [P in K]?: never };
/** What a caller sends: path parameters, query and body as the route declares them. */
export type RequestOf<R extends RouteDef> = Part<R, 'params'> & Part<R, 'query'> & Part<R, 'body'>;
/** What the server has after validation. */
export type ParsedRequestOf<R extends RouteDef> = {
  params: R['params'] extends z.ZodType ? z.output<R['params']> : Record<string, never>;
  query: R['query'] extends z.ZodType ? z.output<R['query']> : Record<string, never>;
  body: R['body'] extends z.ZodType ? z.output<R['body']> : undefined;
};
/** What the answer carries. */
export type ResponseOf<R extends RouteDef> = R['response'] extends z.ZodType ? z.output<R['response']> : void;

/** Fills `{name}` path parameters. */
export function pathOf(path: string, params: Record<string, unknown> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params[name] ?? '')));
}
