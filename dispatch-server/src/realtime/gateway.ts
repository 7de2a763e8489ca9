import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import {
  PROTOCOL_VERSION,
  mismatchMessage,
  versionMismatch,
  type ClientToServerEvents,
  type Principal,
  type ServerToClientEvents,
  type SessionWelcome,
} from '@dispatch/protocol';
import { PasswordChangeRequiredError, SessionInvalidError, type TokenService } from '../auth/tokens';
import { roomsFor } from '../policies/policies';
import type { StreamsAdapter } from './streamsAdapter';

export interface SocketData {
  principal: Principal;
}

/**
 * Notes one server process sends the others over the socket.io adapter (the gateway's server-side events;
 * realtime/peers.ts sends and handles them), so that what they cache follows a change made here at once instead of
 * after its cache time: a logout, a disabled login or a reset password ends the
 * login's sessions on every process; a device bound to another vehicle reports for that vehicle everywhere; a
 * category's new required capabilities apply to the next call on every process.
 * A note lost while a process's Redis connection is down costs only the cache time (10 s sessions and categories,
 * 30 s devices).
 */
export interface PeerNotes {
  'sessions.forget': (userId: string) => void;
  'device.forget': (deviceId: string) => void;
  'categoryRequirements.forget': () => void;
}

export type Gateway = Server<ClientToServerEvents, ServerToClientEvents, PeerNotes, SocketData>;

const isSessionOver = (error: unknown) => error instanceof SessionInvalidError || error instanceof PasswordChangeRequiredError;

/**
 * socket.io with authentication in the handshake: `auth: { token, protocolVersion }`.
 * A client of another protocol version is refused with a message saying so, not left to misread events.
 */
/**
 * @param httpServer the server whose sockets it serves; null in a process without the realtime role, whose
 *   gateway only publishes (through the adapter) to the sockets of the other processes
 * @param recheckMs how often live sockets' tokens are checked again (expiry, login disabled or re-bound)
 * @param adapter how broadcasts reach the other server processes (realtime/streamsAdapter.ts); none: this process only
 */
export function createGateway(httpServer: HttpServer | null, tokens: TokenService, recheckMs = 30_000, adapter?: StreamsAdapter['adapter']): Gateway {
  const io: Gateway = new Server(httpServer ?? undefined, {
    ...(adapter ? { adapter } : {}),
    path: '/socket.io',
    serveClient: false,
    // Tablets on mobile networks drop often; a short ping notices it quickly.
    pingInterval: 10_000,
    pingTimeout: 8_000,
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000 },
  });

  io.use(async (socket, next) => {
    const auth = socket.handshake.auth as Partial<{ token: unknown; protocolVersion: unknown }>;
    if (typeof auth.token !== 'string' || auth.token === '') return next(new Error('unauthorized: missing token'));
    const mismatch = versionMismatch(PROTOCOL_VERSION, auth.protocolVersion);
    if (mismatch) {
      // `data` tells the client which side to update: a console reloads, an old server needs its operator.
      return next(Object.assign(new Error(mismatchMessage(mismatch, PROTOCOL_VERSION, auth.protocolVersion)), { data: { mismatch, server: PROTOCOL_VERSION } }));
    }
    try {
      socket.data.principal = await tokens.verify(auth.token);
      next();
    } catch (error) {
      // "Cannot check now" is not "invalid": clients read `unavailable:` as "retry", `unauthorized:` as "log in again".
      next(new Error(isSessionOver(error) ? `unauthorized: ${(error as Error).message}` : 'unavailable: the database cannot be reached to check the session; retrying'));
    }
  });

  // A socket lives for hours: re-check its token (expiry, login disabled or re-bound) periodically.
  const revalidation = setInterval(() => {
    for (const socket of io.sockets.sockets.values()) {
      const token = (socket.handshake.auth as { token?: string }).token ?? '';
      tokens.verify(token).catch((error: unknown) => {
        // A database outage ends nobody's session: the socket lives on and is checked again next round.
        if (!isSessionOver(error)) return;
        // Locally, not through the adapter: socket.emit would append to the Redis stream first (for connection state
        // recovery) and reach the socket only after the disconnect below had closed it.
        io.local.to(socket.id).emit('session.ended', { reason: 'the session is no longer valid; log in again' });
        socket.disconnect(true);
      });
    }
  }, recheckMs);
  // Unref'd, and a no-op once the server is closed (no sockets left).
  revalidation.unref();

  io.on('connection', (socket) => {
    const principal = socket.data.principal;
    const joined = roomsFor(principal);
    void socket.join(joined);
    const welcome = (): SessionWelcome => ({
      protocolVersion: PROTOCOL_VERSION,
      userId: principal.userId,
      role: principal.role,
      rooms: joined,
      serverTime: new Date().toISOString(),
    });
    socket.emit('session.welcomed', welcome());
    socket.on('session.resynced', (ack) => {
      if (typeof ack === 'function') ack(welcome());
    });
  });
  return io;
}

/**
 * Closes the sockets and the adapter. A gateway that serves no sockets (no realtime role) has no engine, on which
 * socket.io's own close would throw.
 */
export async function closeGateway(io: Gateway): Promise<void> {
  if (io.engine) await new Promise<void>((done) => io.close(() => done()));
  else await io.of('/').adapter.close();
}
