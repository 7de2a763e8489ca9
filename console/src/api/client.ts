/** An HTTP answer that was not 2xx, with the server's message (which names the bad field on 400). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** What the server adds to some refusals, e.g. the place candidates of a 422 intake. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
}

/**
 * REST under /api with the session's bearer token. A 401 means the session ended (expired token, server
 * secret changed): the caller is told once so it can show the login again. A 503 means the database cannot
 * be reached for now (the session lives on): `onDatabase(false)`, and `onDatabase(true)` at the next answer.
 */
export function createApi(token: string | null, onUnauthorized: () => void = () => undefined, onDatabase: (reachable: boolean) => void = () => undefined): Api {
  const call = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(`/api${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(0, `server unreachable: ${(error as Error).message}`);
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = { error: text };
    }
    // Other 503s (no road network imported) say nothing about the database.
    onDatabase(!(res.status === 503 && /database/.test((parsed as { error?: string } | null)?.error ?? '')));
    if (!res.ok) {
      if (res.status === 401 && token) onUnauthorized();
      const answer = parsed as { error?: string; details?: unknown } | null;
      throw new ApiError(res.status, answer?.error ?? `${res.status} ${res.statusText}`, answer?.details);
    }
    return parsed as T;
  };
  return {
    get: (path) => call('GET', path),
    post: (path, body, headers) => call('POST', path, body ?? {}, headers),
    put: (path, body) => call('PUT', path, body ?? {}),
  };
}
