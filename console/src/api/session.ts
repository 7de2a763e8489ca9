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
  /** The token may only set a new password (after an admin reset or the bootstrap command). */
  mustChangePassword?: boolean;
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

/** Sets a new password; the answer is a new full session (every other session of the login has ended). */
export async function changePassword(token: string, currentPassword: string, newPassword: string): Promise<Session> {
  return createApi(token).post<Session>('/auth/password', { currentPassword, newPassword });
}

/** Ends the session on the server too, so the token is refused from now on; a failure changes nothing here. */
export function logoutOnServer(token: string): void {
  createApi(token)
    .post('/auth/logout')
    .catch(() => undefined);
}

/** `GET /api/config`: tiles, the coordinate system they are drawn in, and when a position fix counts as stale. */
export type ClientConfig = ClientConfigDto;

export interface RoadRegion {
  name: string;
  synthetic: boolean;
  sourceName: string;
  bbox: [number, number, number, number] | null;
}
