import type { VehiclePositionDto } from '@dispatch/protocol';
import { z } from 'zod';

/** A `vehicle_positions(_latest)` row with the point as lon/lat columns. */
export const PositionRow = z.object({
  vehicle_id: z.string(),
  lon: z.number(),
  lat: z.number(),
  speed_mps: z.number().nullable(),
  heading_deg: z.number().nullable(),
  accuracy_m: z.number().nullable(),
  device_time: z.date(),
  received_at: z.date(),
  source: z.string(),
});
export type PositionRow = z.infer<typeof PositionRow>;

/** What consoles receive. */
export function presentPosition(row: PositionRow): VehiclePositionDto {
  return {
    vehicleId: row.vehicle_id,
    lon: row.lon,
    lat: row.lat,
    speedMps: row.speed_mps,
    headingDeg: row.heading_deg,
    accuracyM: row.accuracy_m,
    deviceTime: row.device_time.toISOString(),
    receivedAt: row.received_at.toISOString(),
    source: row.source,
  };
}
