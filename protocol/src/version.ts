/** Bumped whenever an event or DTO changes shape; clients compare it in the socket handshake. */
export const PROTOCOL_VERSION = 1;
