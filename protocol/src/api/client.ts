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
}

/** The one HTTP client of the project: the console, the crew tablet, the crew agent and the tests use it. */
export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const send = async (name: RouteName, request: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    const definition = routes[name];
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries((request.query as Record<string, unknown> | undefined) ?? {})) {
      if (value !== undefined && value !== null) query.set(key, String(value));
    }
    const token = options.token?.();
    const hasBody = request.body !== undefined || definition.method === 'post' || definition.method === 'put';
    const url = `${options.baseUrl ?? ''}${pathOf(definition.path, request.params as Record<string, unknown>)}${query.size ? `?${query}` : ''}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: definition.method.toUpperCase(),
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(hasBody ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: hasBody ? JSON.stringify(request.body ?? {}) : undefined,
      });
    } catch (error) {
      throw new ApiError(0, `server unreachable: ${(error as Error).message}`);
    }
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
  return {
    send: (name, ...[request, headers]) => send(name, request as Record<string, unknown> | undefined, headers),
    async call(name, ...[request, headers]) {
      const { status, body } = await send(name, request as Record<string, unknown> | undefined, headers);
      if (status < 200 || status > 299) {
        const answer = body as { error?: string; code?: unknown; details?: unknown } | null;
        throw new ApiError(status, answer?.error ?? `HTTP ${status}`, answer?.details, answer?.code);
      }
      const schema = (routes[name] as RouteDef).response;
      if (!schema || status === 204) return undefined as ResponseOf<Routes[typeof name]>;
      const parsed = schema.safeParse(body);
      if (!parsed.success) throw new ApiError(status, `the answer of ${name} is not what the contract says: ${parsed.error.message}`);
      return parsed.data as ResponseOf<Routes[typeof name]>;
    },
  };
}
