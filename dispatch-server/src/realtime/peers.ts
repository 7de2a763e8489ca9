import type { Gateway } from './gateway';

/**
 * Notes one server process sends the others, over the socket.io adapter, so that what they cache follows a change
 * made here at once instead of after its cache time: a logout, a disabled login or a reset password ends the
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

export interface Peers {
  /** Sends the note to every other process (not to this one, which has acted on it already). */
  tell<N extends keyof PeerNotes>(note: N, ...args: Parameters<PeerNotes[N]>): void;
}

/** Acts on the other processes' notes with `handlers` and returns how to send this one's. */
export function linkPeers(io: Gateway, handlers: PeerNotes): Peers {
  for (const note of Object.keys(handlers) as (keyof PeerNotes)[]) io.on(note, handlers[note]);
  return {
    tell(note, ...args) {
      io.serverSideEmit(note, ...args);
    },
  };
}
