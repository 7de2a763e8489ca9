import { VehicleCapability, VehicleKind, VehicleState, type VehicleDto } from '@dispatch/protocol';
import { z } from 'zod';

/** A vehicle with its live assignment and last position, as vehicles.sql lists it. */
export const VehicleRow = z.object({
  id: z.string(), call_sign: z.string(), kind: VehicleKind, capabilities: z.array(VehicleCapability), home_station_id: z.string(),
  in_service: z.boolean(), device_id: z.string().nullable(), state: VehicleState, state_changed_at: z.date(),
  task_status: z.string().nullable(), incident_id: z.string().nullable(),
  // The last position, all null when the vehicle has reported none.
  lon: z.number().nullable(), lat: z.number().nullable(), device_time: z.date().nullable(), age_seconds: z.number().nullable(),
});
export type VehicleRow = z.infer<typeof VehicleRow>;

export function presentVehicle(row: VehicleRow, staleAfterSeconds: number): VehicleDto {
  const age = row.age_seconds;
  return {
    id: row.id,
    callSign: row.call_sign,
    kind: row.kind,
    capabilities: row.capabilities,
    homeStationId: row.home_station_id,
    inService: row.in_service,
    deviceId: row.device_id,
    state: row.state,
    stateChangedAt: row.state_changed_at.toISOString(),
    taskStatus: row.task_status,
    incidentId: row.incident_id,
    position:
      row.lon === null || row.lat === null || row.device_time === null
        ? null
        : {
            lon: row.lon,
            lat: row.lat,
            deviceTime: row.device_time.toISOString(),
            ageSeconds: Math.max(0, Math.round(age ?? 0)),
            stale: (age ?? Infinity) > staleAfterSeconds,
          },
  };
}
