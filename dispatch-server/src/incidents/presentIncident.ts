import type { AssignmentDto, IncidentDto, StatusEventDto } from '@dispatch/protocol';
import { TIMESTAMP_COLUMN } from '../lifecycle/taskLifecycle';
import { isoOrNull } from '../http/isoTime';

export function presentAssignment(row: Record<string, unknown>): AssignmentDto {
  const timestamps: Record<string, string | null> = {};
  for (const [status, column] of Object.entries(TIMESTAMP_COLUMN)) timestamps[status] = isoOrNull(row[column]);
  return {
    id: row.id as string,
    incidentId: row.incident_id as string,
    vehicleId: row.vehicle_id as string,
    callSign: row.call_sign as string,
    status: row.status as string,
    destinationHospitalId: (row.destination_hospital_id as string | null) ?? null,
    routeEtaSeconds: (row.route_eta_s as number | null) ?? null,
    routeDistanceM: (row.route_distance_m as number | null) ?? null,
    timestamps,
    endedAt: isoOrNull(row.ended_at),
    endReason: (row.end_reason as string | null) ?? null,
  };
}

export function presentIncident(row: Record<string, unknown>, assignments: AssignmentDto[]): IncidentDto {
  return {
    id: row.id as string,
    number: row.number as number,
    status: row.status as IncidentDto['status'],
    category: row.category as IncidentDto['category'],
    priority: row.priority as number,
    location: { lon: row.lon as number, lat: row.lat as number },
    address: (row.address as string | null) ?? null,
    placeName: (row.place_name as string | null) ?? null,
    callerPhone: (row.caller_phone as string | null) ?? null,
    patientSummary: (row.patient_summary as string | null) ?? null,
    priorityGroups: row.priority_groups as IncidentDto['priorityGroups'],
    requiredVehicleCapabilities: row.required_vehicle_capabilities as IncidentDto['requiredVehicleCapabilities'],
    requiredHospitalCapabilities: row.required_hospital_capabilities as IncidentDto['requiredHospitalCapabilities'],
    responsibleStationId: (row.responsible_station_id as string | null) ?? null,
    destinationHospitalId: (row.destination_hospital_id as string | null) ?? null,
    callReceivedAt: isoOrNull(row.call_received_at) ?? '',
    callAnsweredAt: isoOrNull(row.call_answered_at),
    createdAt: isoOrNull(row.created_at) ?? '',
    closedAt: isoOrNull(row.closed_at),
    assignments,
  };
}

export function presentStatusEvent(row: Record<string, unknown>): StatusEventDto {
  return {
    id: row.id as string,
    incidentId: row.incident_id as string,
    assignmentId: (row.assignment_id as string | null) ?? null,
    vehicleId: (row.vehicle_id as string | null) ?? null,
    status: row.status as string,
    deviceTime: isoOrNull(row.device_time) ?? '',
    receivedAt: isoOrNull(row.received_at) ?? '',
    actor: (row.actor as string | null) ?? null,
    source: row.source as string,
  };
}
