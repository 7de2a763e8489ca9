import { ApiError, createApiClient, PROTOCOL_VERSION, type ApiClient, type CreateIncidentRequest, type ServerToClientEvents } from '@dispatch/protocol';
import { io as connect, type Socket } from 'socket.io-client';

/** The one client of the project (the console's and the tablet's), bound to one login (or to none). */
export const apiClient = (baseUrl: string, token?: string) => createApiClient({ baseUrl, token: () => token });

/** Takes a call and dispatches the first vehicle recommended for it: the incident, that candidate and the offer. */
export async function dispatchFirst(dispatcher: ApiClient, body: CreateIncidentRequest) {
  const incident = await dispatcher.call('createIncident', { body });
  const pick = (await dispatcher.call('getRecommendations', { params: { id: incident.id } })).candidates[0]!;
  const offer = await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: pick.vehicleId } });
  return { incident, pick, offer };
}

/** The refusal a call ends with; a call that succeeds fails the test. */
export async function refusal(answer: Promise<unknown>): Promise<ApiError> {
  const outcome = await answer.then(
    () => new Error('the call was expected to be refused but succeeded'),
    (error: unknown) => error,
  );
  if (outcome instanceof ApiError) return outcome;
  throw outcome;
}

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
