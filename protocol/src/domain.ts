import { z } from 'zod';
import { TASK_ORDER } from './lifecycle';

/**
 * Roles of the people who log in (design brief: Reliability and security), and the centre's phone system, which logs in
 * as `telephony` to report calls and may do nothing else.
 */
export const Role = z.enum(['dispatcher', 'supervisor', 'crew', 'hospital', 'admin', 'telephony']);
export type Role = z.infer<typeof Role>;

/** What a vehicle can do; incident categories require some of these. */
export const VehicleCapability = z.enum(['negative_pressure', 'neonatal', 'mobile_ct', 'als', 'bls', 'multipurpose']);
export type VehicleCapability = z.infer<typeof VehicleCapability>;

export const VehicleKind = z.enum(['negative_pressure_ambulance', 'neonatal_transfer', 'mobile_ct', 'multipurpose']);
export type VehicleKind = z.infer<typeof VehicleKind>;

/** What a receiving hospital offers; incident categories need some of these. */
export const HospitalCapability = z.enum([
  'emergency', 'pci', 'stroke_centre', 'obstetrics', 'nicu', 'fever_clinic', 'trauma', 'paediatrics', 'burns',
]);
export type HospitalCapability = z.infer<typeof HospitalCapability>;

export const HospitalKind = z.enum(['general', 'tcm', 'private', 'township', 'village_clinic']);
export type HospitalKind = z.infer<typeof HospitalKind>;

/** Emergency-department load as fever clinics publish it: blue normal, yellow call ahead, red confirm first, closed ×. */
export const HospitalLoad = z.enum(['blue', 'yellow', 'red', 'closed']);
export type HospitalLoad = z.infer<typeof HospitalLoad>;

export const StationKind = z.enum(['centre', 'substation']);
export type StationKind = z.infer<typeof StationKind>;

export const IncidentCategory = z.enum([
  'chest_pain', 'stroke', 'trauma', 'obstetric', 'newborn_transfer', 'fever', 'respiratory', 'poisoning',
  'paediatric', 'other',
]);
export type IncidentCategory = z.infer<typeof IncidentCategory>;

/** 1 is the most urgent (life-threatening), 4 the least (transfer, non-urgent). */
export const Priority = z.number().int().min(1).max(4);

export const PriorityGroup = z.enum(['elderly', 'pregnant', 'child', 'disabled', 'chronic', 'mental_illness']);
export type PriorityGroup = z.infer<typeof PriorityGroup>;

/**
 * The task lifecycle of one vehicle on one incident, in order. Each step maps to NEMSIS v3 eTimes and to
 * the Chinese 120 task timestamps (see DESIGN.md); `cancelled` may follow any step before `handover`.
 */
export const TaskStatus = z.enum([...TASK_ORDER, 'cancelled']);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const NEMSIS_ETIMES: Record<TaskStatus | 'call_received', string> = {
  call_received: 'eTimes.01',
  dispatched: 'eTimes.03',
  acknowledged: 'eTimes.04',
  en_route: 'eTimes.05',
  on_scene: 'eTimes.06',
  at_patient: 'eTimes.07',
  transporting: 'eTimes.09',
  at_hospital: 'eTimes.11',
  handover: 'eTimes.12',
  back_in_service: 'eTimes.13',
  cancelled: 'eTimes.14',
  back_at_base: 'eTimes.15',
};

/** What the fleet board shows for a vehicle: free, busy on a task step, or out of service. */
export const VehicleState = z.enum(['available', 'busy', 'returning', 'out_of_service']);
export type VehicleState = z.infer<typeof VehicleState>;

export const Lon = z.number().min(-180).max(180);
export const Lat = z.number().min(-90).max(90);
export const LonLat = z.tuple([Lon, Lat]);
export type LonLat = z.infer<typeof LonLat>;
export const PointInput = z.object({ lon: Lon, lat: Lat });
/** A [lon, lat] in an answer: two numbers, without the range checks of LonLat. */
export const LonLatPair = z.tuple([z.number(), z.number()]);

/** An instant with its timezone offset, as the record requires (e.g. 2026-11-24T20:31:05+08:00). */
export const Timestamp = z.iso.datetime({ offset: true });
