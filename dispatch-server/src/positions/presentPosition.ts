import type { VehiclePositionDto } from '@dispatch/protocol';

/** A `vehicle_positions(_latest)` row with the point as lon/lat columns → what consoles receive. */
export function presentPosition(row: Record<string, unknown>): VehiclePositionDto {
  return {
    vehicleId: row.vehicle_id as string,
    lon: row.lon as number,
    lat: row.lat as number,
    speedMps: (row.speed_mps as number | null) ?? null,
    headingDeg: (row.heading_deg as number | null) ?? null,
    accuracyM: (row.accuracy_m as number | null) ?? null,
    deviceTime: (row.device_time as Date).toISOString(),
    receivedAt: (row.received_at as Date).toISOString(),
    source: row.source as string,
  };
}
