import { codeForStatus, ErrorCode } from '../errors';
import { pathOf, type RequestOf, type ResponseOf, type RouteDef } from './contract';
import { routes, type RouteName, type Routes } from './routes';

/** An HTTP answer that was not 2xx, with the server's message (which names the bad field on 400). */
export class ApiError extends Error {
  /** What a screen shows, translated: the server's code, or the one of the status when an older server sent none. */
  readonly code: ErrorCode;
  constructor(
    readonly status: number,
    message: string,
    /** What the server adds to some refusals, e.g. the place candidates of a 422 intake. */
    readonly details?: unknown,
    code?: unknown,
  ) {
    super(message);
    const parsed = ErrorCode.safeParse(code);
    this.code = parsed.success ? parsed.data : codeForStatus(status);
  }
}

export interface ApiClientOptions {
  /** The server's origin, e.g. `http://127.0.0.1:8080`; empty in a browser page served by the server. */
  baseUrl?: string;
  /** The bearer token to send now (read at each call: a login or a logout changes it). */
  token?: () => string | null | undefined;
  /** Told of every answer (status and, on failure, the server's message), e.g. to notice a 401 or a database outage. */
  onAnswer?: (status: number, error?: string) => void;
}

/** The request is optional when nothing in it is required. */
type Args<N extends RouteName> =
  Partial<RequestOf<Routes[N]>> extends RequestOf<Routes[N]>
    ? [request?: RequestOf<Routes[N]>, headers?: Record<string, string>]
    : [request: RequestOf<Routes[N]>, headers?: Record<string, string>];

export interface ApiClient {
  /**
   * Calls an endpoint by its name in the route table; resolves with the answer checked against the route's
   * response schema, rejects with an ApiError (status 0 when the server cannot be reached).
   */
  call<N extends RouteName>(name: N, ...args: Args<N>): Promise<ResponseOf<Routes[N]>>;
  /** The same call, answering `{ status, body }` for any status instead of rejecting (tests of refusals). */
  send<N extends RouteName>(name: N, ...args: Args<N>): Promise<{ status: number; body: unknown }>;
  /**
   * Calls an upload route (its body is a file, not JSON) with the file's bytes and type; resolves and rejects as
   * `call` does. No progress: the console's large road files go through XMLHttpRequest instead.
   */
  upload<N extends UploadRoute>(name: N, request: Omit<RequestOf<Routes[N]>, 'body'>, file: Blob): Promise<ResponseOf<Routes[N]>>;
  /** A route that answers with a file (an attachment), as a Blob, with the session's token; rejects as `call` does. */
  download<N extends RouteName>(name: N, ...args: Args<N>): Promise<Blob>;
}

/** The routes whose body is a file (an `upload` in the route table). */
export type UploadRoute = { [N in RouteName]: Routes[N] extends { upload: object } ? N : never }[RouteName];

/** The one HTTP client of the project: the console, the crew tablet, the crew agent and the tests use it. */
export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const requestOf = async (name: RouteName, request: Record<string, unknown>, headers: Record<string, string>, file?: Blob): Promise<Response> => {
    const definition = routes[name];
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries((request.query as Record<string, unknown> | undefined) ?? {})) {
      if (value !== undefined && value !== null) query.set(key, String(value));
    }
    const token = options.token?.();
    const hasBody = file === undefined && (request.body !== undefined || definition.method === 'post' || definition.method === 'put');
    const url = `${options.baseUrl ?? ''}${pathOf(definition.path, request.params as Record<string, unknown>)}${query.size ? `?${query}` : ''}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: definition.method.toUpperCase(),
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(hasBody ? { 'content-type': 'application/json' } : {}),
          ...(file ? { 'content-type': file.type || 'application/octet-stream' } : {}),
          ...headers,
        },
        body: file ?? (hasBody ? JSON.stringify(request.body ?? {}) : undefined),
      });
    } catch (error) {
      throw new ApiError(0, `server unreachable: ${(error as Error).message}`);
    }
    return res;
  };
  const send = async (name: RouteName, request: Record<string, unknown> = {}, headers: Record<string, string> = {}, file?: Blob) => {
    const res = await requestOf(name, request, headers, file);
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = { error: text };
    }
    options.onAnswer?.(res.status, res.ok ? undefined : ((body as { error?: string } | null)?.error ?? res.statusText));
    return { status: res.status, body };
  };
  const checked = async <N extends RouteName>(name: N, answer: Promise<{ status: number; body: unknown }>): Promise<ResponseOf<Routes[N]>> => {
    const { status, body } = await answer;
    if (status < 200 || status > 299) {
      const refusal = body as { error?: string; code?: unknown; details?: unknown } | null;
      throw new ApiError(status, refusal?.error ?? `HTTP ${status}`, refusal?.details, refusal?.code);
    }
    const schema = (routes[name] as RouteDef).response;
    if (!schema || status === 204) return undefined as ResponseOf<Routes[N]>;
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new ApiError(status, `the answer of ${name} is not what the contract says: ${parsed.error.message}`);
    return parsed.data as ResponseOf<Routes[N]>;
  };
  return {
    send: (name, ...[request, headers]) => send(name, request as Record<string, unknown> | undefined, headers),
    call: (name, ...[request, headers]) => checked(name, send(name, request as Record<string, unknown> | undefined, headers)),
    upload: (name, request, file) => checked(name, send(name, request as Record<string, unknown>, {}, file)),
    async download(name, ...[request, headers]) {
      const res = await requestOf(name, (request ?? {}) as Record<string, unknown>, headers ?? {});
      if (res.ok) return res.blob();
      const text = await res.text();
      let refusal: { error?: string; code?: unknown } | null = null;
      try {
        refusal = JSON.parse(text) as { error?: string; code?: unknown };
      } catch {
        refusal = { error: text };
      }
      options.onAnswer?.(res.status, refusal?.error ?? res.statusText);
      throw new ApiError(res.status, refusal?.error ?? `HTTP ${res.status}`, undefined, refusal?.code);
    },
  };
}
