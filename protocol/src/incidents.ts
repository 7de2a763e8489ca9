import { z } from 'zod';
import type {
  HospitalLoad} from './domain';
import {
  HospitalCapability,
  IncidentCategory,
  Lat,
  Lon,
  Priority,
  PriorityGroup,
  TaskStatus,
  Timestamp,
  VehicleCapability,
  type VehicleState,
} from './domain';
import { text } from './validation';

/** What each category needs by default; the dispatcher can override both lists on the call. */
export const CATEGORY_REQUIREMENTS: Record<
  IncidentCategory,
  { vehicle: VehicleCapability[]; hospital: HospitalCapability[] }
> = {
  chest_pain: { vehicle: ['als'], hospital: ['pci'] },
  stroke: { vehicle: ['als'], hospital: ['stroke_centre'] },
  trauma: { vehicle: ['als'], hospital: ['trauma'] },
  obstetric: { vehicle: [], hospital: ['obstetrics'] },
  newborn_transfer: { vehicle: ['neonatal'], hospital: ['nicu'] },
  fever: { vehicle: ['negative_pressure'], hospital: ['fever_clinic'] },
  respiratory: { vehicle: ['als'], hospital: ['emergency'] },
  poisoning: { vehicle: ['als'], hospital: ['emergency'] },
  paediatric: { vehicle: [], hospital: ['paediatrics'] },
  other: { vehicle: [], hospital: ['emergency'] },
};

export const IncidentStatus = z.enum(['open', 'queued', 'assigned', 'closed', 'cancelled']);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

export const CreateIncidentRequest = z
  .object({
    /** Where the patient is; or give placeName and the gazetteer locates it. */
    location: z.object({ lon: Lon, lat: Lat }).optional(),
    placeName: text(100).trim().min(1).optional(),
    address: text(300).optional(),
    category: IncidentCategory,
    priority: Priority,
    callerPhone: z
      .string()
      .regex(/^\+?[0-9 -]{3,20}$/, 'digits, spaces, dashes, optional leading +')
      .optional(),
    patientSummary: text(2000).optional(),
    priorityGroups: z.array(PriorityGroup).max(6).default([]),
    requiredVehicleCapabilities: z.array(VehicleCapability).max(6).optional(),
    requiredHospitalCapabilities: z.array(HospitalCapability).max(6).optional(),
    /** When the phone rang (eTimes.01); defaults to the moment the server receives the call. */
    callReceivedAt: Timestamp.optional(),
    /** When the call-taker picked up; defaults to the moment the server receives the call. */
    callAnsweredAt: Timestamp.optional(),
  })
  .refine((r) => r.location || r.placeName, { message: 'give location {lon, lat} or placeName', path: ['location'] })
  // Without a ring time the server would take its own clock, later than the answer given.
  .refine((r) => !r.callAnsweredAt || r.callReceivedAt, {
    message: 'required when callAnsweredAt is given (when the phone rang)',
    path: ['callReceivedAt'],
  })
  .refine((r) => !r.callReceivedAt || !r.callAnsweredAt || Date.parse(r.callAnsweredAt) >= Date.parse(r.callReceivedAt), {
    message: 'must not be before callReceivedAt',
    path: ['callAnsweredAt'],
  });
export type CreateIncidentRequest = z.input<typeof CreateIncidentRequest>;

export const IncidentDto = z.object({
  id: z.uuid(),
  number: z.number(),
  status: IncidentStatus,
  category: IncidentCategory,
  priority: z.number(),
  location: z.object({ lon: Lon, lat: Lat }),
  address: z.string().nullable(),
  placeName: z.string().nullable(),
  callerPhone: z.string().nullable(),
  patientSummary: z.string().nullable(),
  priorityGroups: z.array(PriorityGroup),
  requiredVehicleCapabilities: z.array(VehicleCapability),
  requiredHospitalCapabilities: z.array(HospitalCapability),
  responsibleStationId: z.uuid().nullable(),
  destinationHospitalId: z.uuid().nullable(),
  callReceivedAt: z.string(),
  callAnsweredAt: z.string().nullable(),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
  assignments: z.array(z.lazy(() => AssignmentDto)),
});
export type IncidentDto = z.infer<typeof IncidentDto>;

export type ExclusionReason = 'out_of_service' | 'busy' | 'missing_capability' | 'unreachable' | 'no_position';

export interface CandidateDto {
  vehicleId: string;
  callSign: string;
  kind: string;
  capabilities: string[];
  state: VehicleState;
  etaSeconds: number;
  distanceM: number;
  /** Where the ETA was measured from: the vehicle's last GPS fix, or its home station when the fix is stale. */
  positionSource: 'gps' | 'station';
  stale: boolean;
  positionAgeSeconds: number | null;
  /** Vehicles finishing another job (returning) are proposed after free ones at equal ETA. */
  returning: boolean;
}

export interface ExcludedVehicleDto {
  vehicleId: string;
  callSign: string;
  reason: ExclusionReason;
  detail: string;
}

export interface HospitalOptionDto {
  hospitalId: string;
  name: string;
  loadStatus: z.infer<typeof HospitalLoad>;
  capabilities: string[];
  etaSeconds: number;
  distanceM: number;
  /** Why it was passed over, when it was. */
  skippedBecause: 'load_red' | 'closed' | null;
}

export interface RecommendationDto {
  incidentId: string;
  computedAt: string;
  region: string;
  incidentSnapDistanceM: number;
  responsibleStation: { stationId: string; code: string; name: string; etaSeconds: number } | null;
  candidates: CandidateDto[];
  excluded: ExcludedVehicleDto[];
  /** No suitable free vehicle: the incident is queued with the responsible station; nextBest is the busy vehicle to free first. */
  queued: boolean;
  nextBest: { vehicleId: string; callSign: string; taskStatus: string | null; detail: string } | null;
  proposedHospital: HospitalOptionDto | null;
  hospitalOptions: HospitalOptionDto[];
  computeMs: number;
}

export const AssignRequest = z.object({
  vehicleId: z.uuid(),
  destinationHospitalId: z.uuid().optional(),
});

export const StatusReport = z.object({
  /** Client-generated id; a replay of the same event is recognised and not applied twice. */
  eventId: z.uuid(),
  status: TaskStatus,
  /** Device clock, with offset: the time of the event, not of its delivery. */
  deviceTime: Timestamp,
  location: z.object({ lon: Lon, lat: Lat }).optional(),
  note: text(500).optional(),
});
export type StatusReport = z.infer<typeof StatusReport>;

export const CancelRequest = z.object({ reason: text(300).trim().min(1) });

export const ChangeDestinationRequest = z.object({ hospitalId: z.uuid() });

export interface RouteStepDto {
  maneuver: string;
  streetName: string | null;
  distanceM: number;
  durationS: number;
  location: [number, number];
}
export interface RouteDto {
  geometry: { type: 'LineString'; coordinates: [number, number][] };
  durationS: number;
  distanceM: number;
  steps: RouteStepDto[];
}

export const AssignmentDto = z.object({
  id: z.uuid(),
  incidentId: z.uuid(),
  vehicleId: z.uuid(),
  callSign: z.string(),
  status: z.string(),
  destinationHospitalId: z.uuid().nullable(),
  routeEtaSeconds: z.number().nullable(),
  routeDistanceM: z.number().nullable(),
  timestamps: z.record(z.string(), z.string().nullable()),
  endedAt: z.string().nullable(),
  endReason: z.string().nullable(),
});
export type AssignmentDto = z.infer<typeof AssignmentDto>;

/** What a crew tablet receives: everything to drive there and treat, and nothing more. */
export interface AssignmentOfferDto {
  assignment: AssignmentDto;
  incident: Pick<
    IncidentDto,
    'id' | 'number' | 'category' | 'priority' | 'location' | 'address' | 'placeName' | 'patientSummary' | 'priorityGroups'
  >;
  route: RouteDto | null;
  destinationHospital: { id: string; name: string; loadStatus: string; location: { lon: number; lat: number } } | null;
  ackDeadline: string;
}

export interface StatusEventDto {
  id: string;
  incidentId: string;
  assignmentId: string | null;
  vehicleId: string | null;
  status: string;
  deviceTime: string;
  receivedAt: string;
  actor: string | null;
  source: string;
}

export interface HospitalNoticeDto {
  id: string;
  incidentId: string;
  incidentNumber: number;
  hospitalId: string;
  status: 'sent' | 'acknowledged' | 'escalated' | 'cancelled' | 'arrived';
  category: string;
  priority: number;
  /** Minimised: summary and priority flags, never the caller's phone or the exact address. */
  patientSummary: string | null;
  priorityGroups: string[];
  vehicleCallSign: string;
  etaAt: string | null;
  sentAt: string;
  acknowledgedAt: string | null;
}

/** Vital signs a crew measures on scene; each maps to a LOINC code in the FHIR export. */
export const Vitals = z
  .object({
    heartRate: z.number().int().min(0).max(300).optional(),
    respiratoryRate: z.number().int().min(0).max(100).optional(),
    systolicBp: z.number().int().min(0).max(300).optional(),
    diastolicBp: z.number().int().min(0).max(200).optional(),
    spo2: z.number().min(0).max(100).optional(),
    temperatureC: z.number().min(25).max(45).optional(),
    gcs: z.number().int().min(3).max(15).optional(),
    measuredAt: Timestamp,
  })
  .refine((v) => Object.keys(v).length > 1, { message: 'give at least one measurement', path: ['heartRate'] });
export type Vitals = z.infer<typeof Vitals>;
