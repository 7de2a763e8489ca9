import { PROTOCOL_VERSION, type ServerToClientEvents } from '@dispatch/protocol';
import { io as connect, type Socket } from 'socket.io-client';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

/** A small REST client bound to one login, for tests. */
export function apiClient(baseUrl: string, token: string) {
  const call = async <T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> => {
    const res = await fetch(`${baseUrl}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return {
    get: <T = any>(path: string) => call<T>('GET', path),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>('POST', path, body ?? {}, headers),
    put: <T = any>(path: string, body?: unknown) => call<T>('PUT', path, body ?? {}),
    delete: <T = any>(path: string) => call<T>('DELETE', path),
  };
}
export type ApiClient = ReturnType<typeof apiClient>;

/** A real socket.io client that records every event it receives. */
export async function openSocket(baseUrl: string, token: string) {
  const socket: Socket = connect(baseUrl, {
    auth: { token, protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const received: { event: string; payload: any }[] = [];
  socket.onAny((event, payload) => received.push({ event, payload }));
  await new Promise<void>((resolve, reject) => {
    socket.once('session.welcomed', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    socket,
    received,
    /** Resolves with the first payload of `event` (already received or future) that matches. */
    waitFor<E extends keyof ServerToClientEvents>(event: E, match: (payload: any) => boolean = () => true, timeoutMs = 10_000) {
      return new Promise<any>((resolve, reject) => {
        const seen = received.find((r) => r.event === event && match(r.payload));
        if (seen) return resolve(seen.payload);
        const timer = setTimeout(() => {
          socket.off(event as string, listener);
          reject(new Error(`no ${event} within ${timeoutMs} ms`));
        }, timeoutMs);
        const listener = (payload: any) => {
          if (!match(payload)) return;
          clearTimeout(timer);
          socket.off(event as string, listener);
          resolve(payload);
        };
        socket.on(event as string, listener);
      });
    },
    close: () => socket.close(),
  };
}
