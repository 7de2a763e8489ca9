import { AssignmentDto, HospitalLoad, TaskStatus, VehicleState, Vitals } from '@dispatch/protocol';
import { dtoRow, type Queryable, sqlFile } from '@dispatch/db';
import { z } from 'zod';

const stamp = z.date().nullable();
/** An assignment with its vehicle's call sign, as assignments.sql gets and locks it. */
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

const id = z.object({ id: z.string() });
const vehicleId = z.object({ vehicleId: z.string() });
/** Statements on tasks, shared by the assignment commands, the notices and the timers. */
export const assignmentSql = sqlFile(new URL('./assignments.sql', import.meta.url), {
  lockVehicle: { params: vehicleId, row: z.object({ id: z.string(), call_sign: z.string(), in_service: z.boolean(), centre_id: z.string() }) },
  insert: {
    params: z.object({
      incidentId: z.string(), vehicleId: z.string(), userId: z.string().nullable(), hospitalId: z.string().nullable(),
      helpFromCentreId: z.string().nullable(), helpReason: z.string().nullable(),
    }),
    row: z.object({ id: z.string(), dispatched_at: z.date() }),
  },
  liveOfVehicle: { params: vehicleId, row: z.object({ incident_id: z.string(), number: z.number() }) },
  setVehicleState: { params: vehicleId.extend({ state: VehicleState }) },
  get: { params: id, row: AssignmentRow },
  lock: { params: id, row: AssignmentRow },
  present: { params: z.object({ ids: z.array(z.string()), incidentIds: z.array(z.string()) }), row: dtoRow(AssignmentDto) },
  recordStep: {
    params: id.extend({ step: z.union([TaskStatus, z.literal('timed_out')]), at: z.date(), advance: z.boolean(), endReason: z.string().nullable() }),
  },
  setRoute: { params: id.extend({ etaS: z.number(), distanceM: z.number() }) },
  setVitals: { params: id.extend({ vitals: Vitals, measuredAt: z.string() }) },
  liveOfIncident: { params: z.object({ incidentId: z.string() }), row: z.object({ id: z.string(), vehicle_id: z.string() }) },
  latestOfVehicle: { params: vehicleId, row: id.extend({ ended_at: z.date().nullable() }) },
  vehicleStart: {
    params: vehicleId,
    row: z.object({
      lon: z.number().nullable(), lat: z.number().nullable(), age_seconds: z.number().nullable(), station_lon: z.number(), station_lat: z.number(),
    }),
  },
  hospitalBrief: {
    params: id,
    row: z.object({ id: z.string(), name: z.string(), load_status: HospitalLoad, lon: z.number(), lat: z.number() }),
  },
  setDestination: { params: id.extend({ hospitalId: z.string() }) },
});

/** One task as consoles and tablets receive it. */
export const presentAssignment = async (db: Queryable, id: string) => (await assignmentSql.present.one(db, { ids: [id], incidentIds: [] }))!;
