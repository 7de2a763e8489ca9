import type { ServerToClientEvents } from '@dispatch/protocol';
import type { Gateway } from './gateway';

/** How commands announce what changed; the gateway delivers it to the rooms. */
export interface Publisher {
  publish<E extends keyof ServerToClientEvents>(
    roomNames: string | string[],
    event: E,
    ...payload: Parameters<ServerToClientEvents[E]>
  ): void;
}

export function gatewayPublisher(io: Gateway): Publisher {
  return {
    publish(roomNames, event, ...payload) {
      io.to(roomNames).emit(event, ...payload);
    },
  };
}
