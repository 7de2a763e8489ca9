import { z } from 'zod';
import { Lat, Lon, Timestamp } from './domain';
import { Refused } from './validation';

/** One vehicle's position as consoles receive it (coalesced: the latest per vehicle per flush). */
export const VehiclePositionDto = z.object({
  vehicleId: z.uuid(),
  lon: Lon,
  lat: Lat,
  speedMps: z.number().nullable(),
  headingDeg: z.number().nullable(),
  accuracyM: z.number().nullable(),
  /** When the device measured it, with offset. */
  deviceTime: z.string(),
  /** When the server received it. */
  receivedAt: z.string(),
  source: z.string(),
});
export type VehiclePositionDto = z.infer<typeof VehiclePositionDto>;

/**
 * A position as `vehicle.positionsUpdated` carries it: an array instead of an object, the two times as epoch
 * milliseconds. Every console hears every fix of its fleet: the object's field names and ISO times were half of its
 * bytes, and half of the reading of each message (bench:doors, 20 consoles and 5,000 fixes a second).
 * unpackPositions gives the DTOs back.
 */
export type PackedPosition = [
  vehicleId: string,
  lon: number,
  lat: number,
  speedMps: number | null,
  headingDeg: number | null,
  accuracyM: number | null,
  deviceTimeMs: number,
  receivedAtMs: number,
  source: string,
];

export const packPosition = (p: VehiclePositionDto): PackedPosition => [
  p.vehicleId, p.lon, p.lat, p.speedMps, p.headingDeg, p.accuracyM, Date.parse(p.deviceTime), Date.parse(p.receivedAt), p.source,
];

export const unpackPosition = (p: PackedPosition): VehiclePositionDto => ({
  vehicleId: p[0],
  lon: p[1],
  lat: p[2],
  speedMps: p[3],
  headingDeg: p[4],
  accuracyM: p[5],
  deviceTime: new Date(p[6]).toISOString(),
  receivedAt: new Date(p[7]).toISOString(),
  source: p[8],
});

export const unpackPositions = (batch: readonly PackedPosition[]): VehiclePositionDto[] => batch.map(unpackPosition);

/** `PUT /api/vehicles/:id/device`: binds the id an OsmAnd/Traccar client or GPS unit reports; null unbinds. */
export const BindVehicleDeviceRequest = z.object({
  deviceId: z
    .string()
    .trim()
    .min(1, 'deviceId must not be empty (use null to unbind)')
    .max(128)
    .regex(/^[\x21-\x7e]+$/, 'deviceId must be printable ASCII without spaces')
    .nullable(),
});
export type BindVehicleDeviceRequest = z.infer<typeof BindVehicleDeviceRequest>;
export const VehicleDeviceDto = z.object({ vehicleId: z.uuid(), deviceId: z.string().nullable() });
export type VehicleDeviceDto = z.infer<typeof VehicleDeviceDto>;

/** The OsmAnd endpoint's answer: invalid fixes are acknowledged but not stored (a client would resend them forever). */
export const OsmandAnswer = z.object({ stored: z.number(), ignoredInvalid: z.number() });
export type OsmandAnswer = z.infer<typeof OsmandAnswer>;

/** A fix a crew agent (tablet, headless agent, simulator) sends over its socket; the vehicle comes from the token. */
export const AgentPosition = z.object({
  lon: Lon,
  lat: Lat,
  speedMps: z.number().min(0).max(100).nullish(),
  headingDeg: z.number().min(0).max(360).nullish(),
  accuracyM: z.number().min(0).max(100_000).nullish(),
  deviceTime: Timestamp,
});
export type AgentPosition = z.infer<typeof AgentPosition>;
export const AgentPositionBatch = z.array(AgentPosition).min(1).max(1000);

export const PositionsReportResult = z.union([
  z.object({ ok: z.literal(true), stored: z.number() }),
  Refused,
]);
export type PositionsReportResult = z.infer<typeof PositionsReportResult>;
