import { TaskStatus, type AssignmentDto } from '@dispatch/protocol';
import { z } from 'zod';

const stamp = z.date().nullable();
/** An assignment with its vehicle's call sign, as incidents.sql and assignments.sql read it. */
export const AssignmentRow = z.object({
  id: z.string(), incident_id: z.string(), vehicle_id: z.string(), call_sign: z.string(),
  status: z.union([TaskStatus, z.literal('timed_out')]), destination_hospital_id: z.string().nullable(),
  route_eta_s: z.number().nullable(), route_distance_m: z.number().nullable(),
  dispatched_at: z.date(), acknowledged_at: stamp, en_route_at: stamp, on_scene_at: stamp, at_patient_at: stamp,
  transporting_at: stamp, at_hospital_at: stamp, handover_at: stamp, back_in_service_at: stamp, back_at_base_at: stamp,
  cancelled_at: stamp, ended_at: stamp, end_reason: z.string().nullable(),
});
export type AssignmentRow = z.infer<typeof AssignmentRow>;

/** When each step of the task happened (the first report of it), by step. */
export const stepTimes = (row: AssignmentRow) =>
  Object.fromEntries(TaskStatus.options.map((step) => [step, row[`${step}_at`]])) as Record<TaskStatus, Date | null>;

export function presentAssignment(row: AssignmentRow): AssignmentDto {
  return {
    id: row.id,
    incidentId: row.incident_id,
    vehicleId: row.vehicle_id,
    callSign: row.call_sign,
    status: row.status,
    destinationHospitalId: row.destination_hospital_id,
    routeEtaSeconds: row.route_eta_s,
    routeDistanceM: row.route_distance_m,
    timestamps: Object.fromEntries(Object.entries(stepTimes(row)).map(([step, at]) => [step, at?.toISOString() ?? null])),
    endedAt: row.ended_at?.toISOString() ?? null,
    endReason: row.end_reason,
  };
}
