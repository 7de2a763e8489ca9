import { HospitalLoad, VehicleCapability, VehicleKind, VehicleState } from '@dispatch/protocol';
import { z } from 'zod';

/** The rows the fleet state holds (fleet.sql's answers) and the ranking's view of a vehicle. */
export const FleetVehicle = z.object({
  id: z.string(), call_sign: z.string(), kind: VehicleKind, capabilities: z.array(z.string()), in_service: z.boolean(), state: VehicleState,
  home_station_id: z.string(), task_status: z.string().nullable(), task_incident_number: z.number().nullable(),
  task_centre_id: z.string().nullable(),
});
export const FleetPosition = z.object({ vehicle_id: z.string(), lon: z.number(), lat: z.number(), device_ms: z.number() });
// Each station and hospital is of a dispatch centre (issue 15); a vehicle is of its home station's.
export const FleetStation = z.object({ id: z.string(), code: z.string(), name: z.string(), centre_id: z.string(), lon: z.number(), lat: z.number() });
export const FleetHospital = z.object({
  id: z.string(), name: z.string(), capabilities: z.array(z.string()), load_status: HospitalLoad, centre_id: z.string(), lon: z.number(), lat: z.number(),
});
export type FleetVehicle = z.infer<typeof FleetVehicle>;
export type FleetPosition = z.infer<typeof FleetPosition>;
export type FleetStation = z.infer<typeof FleetStation>;
export type FleetHospital = z.infer<typeof FleetHospital>;

/** A vehicle as the ranking reads it: its row, its task, its latest fix, and its home station's place. */
export interface RankingVehicle extends Omit<FleetVehicle, 'home_station_id' | 'task_centre_id'> {
  lon: number | null;
  lat: number | null;
  /** The fix's device time in epoch milliseconds: its age is taken when a ranking reads it (rows are kept ready). */
  device_ms: number | null;
  station_lon: number;
  station_lat: number;
  /** Its home station's centre. */
  centre_id: string;
  /** Its capabilities as bits (capabilityMask): a call's requirements are checked with one AND per vehicle. */
  capability_mask: number;
}

const CAPABILITY_BIT = new Map<string, number>(VehicleCapability.options.map((c, i) => [c, 1 << i]));

/**
 * Bit i for VehicleCapability.options[i]. A name outside them adds nothing to a vehicle's mask, and makes a call's
 * requirement every bit (`required`): no vehicle then passes the AND, and the ranking compares the names themselves.
 */
export function capabilityMask(capabilities: readonly string[], { required = false } = {}): number {
  let mask = 0;
  for (const c of capabilities) mask |= CAPABILITY_BIT.get(c) ?? (required ? -1 : 0);
  return mask;
}

/** What the fleet state holds, by id. The maps are replaced or updated in place between two reads, never during one. */
export interface FleetTables {
  vehicles: ReadonlyMap<string, FleetVehicle>;
  positions: ReadonlyMap<string, FleetPosition>;
  stations: ReadonlyMap<string, FleetStation>;
  hospitals: ReadonlyMap<string, FleetHospital>;
}
