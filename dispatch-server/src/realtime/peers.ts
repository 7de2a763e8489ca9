import type { Gateway, PeerNotes } from './gateway';

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
