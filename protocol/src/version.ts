/**
 * Bumped whenever an event, a DTO or a route changes incompatibly; clients send theirs in the socket handshake.
 * 2: status events carry assignment-scoped event ids, incidents the call-answer time, errors a `details` field.
 * 3: vehicle.positionsUpdated carries packed positions (arrays, epoch milliseconds; positions.ts PackedPosition).
 */
export const PROTOCOL_VERSION = 3;

/** Which side must be updated when the two speak different versions (told to the user, as tldraw does). */
export type VersionMismatch = 'clientTooOld' | 'serverTooOld';

export function versionMismatch(server: number, client: unknown): VersionMismatch | null {
  if (client === server) return null;
  return typeof client === 'number' && client > server ? 'serverTooOld' : 'clientTooOld';
}

/** The handshake refusal's text: `protocol mismatch: clientTooOld (server 2, client 1)`. */
export const mismatchMessage = (mismatch: VersionMismatch, server: number, client: unknown) =>
  `protocol mismatch: ${mismatch} (server ${server}, client ${String(client)})`;
