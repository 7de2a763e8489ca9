import {
  HospitalCapability,
  IncidentCategory,
  IncidentStatus,
  PriorityGroup,
  VehicleCapability,
  type AssignmentDto,
  type IncidentDto,
  type StatusEventDto,
} from '@dispatch/protocol';
import { z } from 'zod';

const text = z.string().nullable();
/** An incident as incidents.sql reads it, with its place's name. */
export const IncidentRow = z.object({
  id: z.string(), number: z.number(), status: IncidentStatus, category: IncidentCategory, priority: z.number(),
  lon: z.number(), lat: z.number(), address: text, place_name: text, caller_phone: text, patient_summary: text,
  priority_groups: z.array(PriorityGroup),
  required_vehicle_capabilities: z.array(VehicleCapability),
  required_hospital_capabilities: z.array(HospitalCapability),
  responsible_station_id: text, destination_hospital_id: text,
  call_received_at: z.date(), call_answered_at: z.date().nullable(), created_at: z.date(), closed_at: z.date().nullable(),
});
export type IncidentRow = z.infer<typeof IncidentRow>;

export function presentIncident(row: IncidentRow, assignments: AssignmentDto[]): IncidentDto {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    category: row.category,
    priority: row.priority,
    location: { lon: row.lon, lat: row.lat },
    address: row.address,
    placeName: row.place_name,
    callerPhone: row.caller_phone,
    patientSummary: row.patient_summary,
    priorityGroups: row.priority_groups,
    requiredVehicleCapabilities: row.required_vehicle_capabilities,
    requiredHospitalCapabilities: row.required_hospital_capabilities,
    responsibleStationId: row.responsible_station_id,
    destinationHospitalId: row.destination_hospital_id,
    callReceivedAt: row.call_received_at.toISOString(),
    callAnsweredAt: row.call_answered_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    closedAt: row.closed_at?.toISOString() ?? null,
    assignments,
  };
}

/** A status event as the timeline reads it, with the login that reported it. */
export const StatusEventRow = z.object({
  id: z.string(), incident_id: z.string(), assignment_id: text, vehicle_id: text, status: z.string(),
  device_time: z.date(), received_at: z.date(), source: z.string(), actor: text,
});
export type StatusEventRow = z.infer<typeof StatusEventRow>;

export function presentStatusEvent(row: StatusEventRow): StatusEventDto {
  return {
    id: row.id,
    incidentId: row.incident_id,
    assignmentId: row.assignment_id,
    vehicleId: row.vehicle_id,
    status: row.status,
    deviceTime: row.device_time.toISOString(),
    receivedAt: row.received_at.toISOString(),
    actor: row.actor,
    source: row.source,
  };
}
