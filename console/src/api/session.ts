import type { ClientConfigDto, Role } from '@dispatch/protocol';
import { createApi } from './client';

export interface SessionUser {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  vehicleId: string | null;
  hospitalId: string | null;
}

export interface Session {
  token: string;
  user: SessionUser;
}

// Per tab, so a dispatcher and a hospital login can sit side by side in one browser.
const KEY = 'dispatch120.session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

export async function login(username: string, password: string): Promise<Session> {
  return createApi(null).post<Session>('/auth/login', { username, password });
}

/** `GET /api/config`: tiles, the coordinate system they are drawn in, and when a position fix counts as stale. */
export type ClientConfig = ClientConfigDto;

export interface RoadRegion {
  name: string;
  synthetic: boolean;
  sourceName: string;
  bbox: [number, number, number, number] | null;
}
