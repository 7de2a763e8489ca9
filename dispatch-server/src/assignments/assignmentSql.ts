import { HospitalLoad, TaskStatus, VehicleState, Vitals } from '@dispatch/protocol';
import { sqlFile } from '@dispatch/db';
import { z } from 'zod';
import { AssignmentRow } from './presentAssignment';

const id = z.object({ id: z.string() });
const vehicleId = z.object({ vehicleId: z.string() });
/** Statements on tasks, shared by the assignment commands, the notices and the timers. */
export const assignmentSql = sqlFile(new URL('./assignments.sql', import.meta.url), {
  lockVehicle: { params: vehicleId, row: z.object({ id: z.string(), call_sign: z.string(), in_service: z.boolean() }) },
  insert: {
    params: z.object({ incidentId: z.string(), vehicleId: z.string(), userId: z.string().nullable(), hospitalId: z.string().nullable() }),
    row: z.object({ id: z.string(), dispatched_at: z.date() }),
  },
  liveOfVehicle: { params: vehicleId, row: z.object({ incident_id: z.string(), number: z.number() }) },
  setVehicleState: { params: vehicleId.extend({ state: VehicleState }) },
  get: { params: id, row: AssignmentRow },
  lock: { params: id, row: AssignmentRow },
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
