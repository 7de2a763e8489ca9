import type { AssignmentDto, AssignmentOfferDto, ClientConfigDto, HospitalDto, RouteDto, StationDto, VehicleDto } from '@dispatch/protocol';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The login answer of `POST /api/auth/login`. */
export interface LoginResult {
  token: string;
  /** The token may only set a new password (POST /api/auth/password) until one is set. */
  mustChangePassword?: boolean;
  user: { userId: string; username: string; role: string; vehicleId: string | null; hospitalId: string | null; displayName: string };
}

/** `GET /api/route` answer: the route with its turn-by-turn steps. */
export type RouteResult = RouteDto & { region?: string };

/** The REST calls a crew agent makes, bound to a base URL and a token. */
export class AgentApi {
  token: string | null = null;

  constructor(readonly baseUrl: string) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T | null }> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`cannot reach ${this.baseUrl} (${method} /api${path}): ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (res.status >= 400) {
      const message = (parsed as { error?: string; message?: string } | null)?.error ?? (parsed as { message?: string } | null)?.message ?? text;
      throw new ApiError(res.status, `${method} /api${path}: ${res.status} ${message}`);
    }
    return { status: res.status, body: parsed as T | null };
  }

  private async get<T>(path: string): Promise<T> {
    return (await this.request<T>('GET', path)).body as T;
  }

  async login(username: string, password: string): Promise<LoginResult> {
    const result = (await this.request<LoginResult>('POST', '/auth/login', { username, password })).body as LoginResult;
    this.token = result.token;
    return result;
  }

  me(): Promise<LoginResult['user']> {
    return this.get('/auth/me');
  }

  /** The vehicle's live task with its route, or null when the vehicle is free (204). */
  async currentAssignment(vehicleId: string): Promise<AssignmentOfferDto | null> {
    const res = await this.request<AssignmentOfferDto>('GET', `/vehicles/${encodeURIComponent(vehicleId)}/assignment`);
    return res.status === 204 ? null : res.body;
  }

  assignment(assignmentId: string): Promise<AssignmentOfferDto> {
    return this.get(`/assignments/${encodeURIComponent(assignmentId)}`);
  }

  async changeDestination(assignmentId: string, hospitalId: string): Promise<AssignmentDto> {
    return (await this.request<AssignmentDto>('PUT', `/assignments/${encodeURIComponent(assignmentId)}/destination`, { hospitalId })).body as AssignmentDto;
  }

  hospitals(): Promise<HospitalDto[]> {
    return this.get('/hospitals');
  }

  hospital(id: string): Promise<HospitalDto> {
    return this.get(`/hospitals/${encodeURIComponent(id)}`);
  }

  vehicle(id: string): Promise<VehicleDto> {
    return this.get(`/vehicles/${encodeURIComponent(id)}`);
  }

  stations(): Promise<StationDto[]> {
    return this.get('/stations');
  }

  config(): Promise<ClientConfigDto> {
    return this.get('/config');
  }

  /** The fastest road route between two points, [lon, lat] each. */
  route(from: [number, number], to: [number, number]): Promise<RouteResult> {
    return this.get(`/route?from=${from[0]},${from[1]}&to=${to[0]},${to[1]}`);
  }
}
