import type { HealthReport } from './health';
import type { VehiclePositionDto } from './positions';

/**
 * Typed socket.io events, named `resource.pastTenseVerb`. Shared by the server, the console and the
 * agent so that an event cannot be renamed or reshaped on one side only.
 */
export interface ServerToClientEvents {
  'session.welcomed': (payload: SessionWelcome) => void;
  'health.changed': (payload: HealthReport) => void;
  /** Latest positions since the last flush, at most one per vehicle. */
  'vehicle.positionsUpdated': (positions: VehiclePositionDto[]) => void;
}

export interface ClientToServerEvents {
  'session.resynced': (ack: (payload: SessionWelcome) => void) => void;
}

export interface SessionWelcome {
  protocolVersion: number;
  userId: string;
  role: string;
  rooms: string[];
  serverTime: string;
}

/** Handshake `auth` payload every client sends. */
export interface HandshakeAuth {
  token: string;
  protocolVersion: number;
}

/** Room names: one per console role, vehicle and hospital. */
export const rooms = {
  dispatchers: 'dispatchers',
  vehicle: (vehicleId: string) => `vehicle:${vehicleId}`,
  hospital: (hospitalId: string) => `hospital:${hospitalId}`,
} as const;
