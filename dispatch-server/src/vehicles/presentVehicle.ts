import type { VehicleDto } from '@dispatch/protocol';
import { isoOrNull } from '../http/isoTime';

export function presentVehicle(row: Record<string, unknown>, staleAfterSeconds: number): VehicleDto {
  const age = row.age_seconds as number | null;
  return {
    id: row.id as string,
    callSign: row.call_sign as string,
    kind: row.kind as VehicleDto['kind'],
    capabilities: row.capabilities as VehicleDto['capabilities'],
    homeStationId: row.home_station_id as string,
    inService: row.in_service as boolean,
    deviceId: (row.device_id as string | null) ?? null,
    state: row.state as VehicleDto['state'],
    stateChangedAt: isoOrNull(row.state_changed_at) ?? '',
    taskStatus: (row.task_status as string | null) ?? null,
    incidentId: (row.incident_id as string | null) ?? null,
    position:
      row.lon == null
        ? null
        : {
            lon: row.lon as number,
            lat: row.lat as number,
            deviceTime: isoOrNull(row.device_time) ?? '',
            ageSeconds: Math.max(0, Math.round(age ?? 0)),
            stale: (age ?? Infinity) > staleAfterSeconds,
          },
  };
}
