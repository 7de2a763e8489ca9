import { z } from 'zod';
import { Lat, Lon } from './domain';

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
