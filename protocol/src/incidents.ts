import { z } from 'zod';
import {
  HospitalCapability,
  HospitalLoad,
  IncidentCategory,
  LonLatPair,
  PointInput,
  Priority,
  PriorityGroup,
  TaskStatus,
  Timestamp,
  VehicleCapability,
  VehicleState,
} from './domain';
import { text } from './validation';
import { TransferBrief } from './transfers';

/**
 * What each category needs as shipped: migration 018 seeds the centre's editable category_requirements table with
 * these, and intake reads that table. The dispatcher can override both lists on the call.
 */
export const CATEGORY_REQUIREMENTS: Record<IncidentCategory, { vehicle: VehicleCapability[]; hospital: HospitalCapability[] }> = {
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
    location: PointInput.optional(),
    placeName: text(100).trim().min(1).optional(),
    address: text(300).optional(),
    category: IncidentCategory,
    priority: Priority,
    callerPhone: z.string().regex(/^\+?[0-9 -]{3,20}$/, 'digits, spaces, dashes, optional leading +').optional(),
    patientSummary: text(2000).optional(),
    priorityGroups: z.array(PriorityGroup).max(6).default([]),
    requiredVehicleCapabilities: z.array(VehicleCapability).max(6).optional(),
    requiredHospitalCapabilities: z.array(HospitalCapability).max(6).optional(),
    /** When the phone rang (eTimes.01); defaults to the moment the server receives the call. */
    callReceivedAt: Timestamp.optional(),
    /** When the call-taker picked up; defaults to the moment the server receives the call. */
    callAnsweredAt: Timestamp.optional(),
    /** The phone system's call this incident is taken from: its ring and answer times and its number are the record. */
    phoneCallId: z.uuid().optional(),
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
  /** The centre that took the call (issue 15). */
  centreId: z.uuid(),
  status: IncidentStatus,
  category: IncidentCategory,
  priority: z.number(),
  location: PointInput,
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
  /** Calls about it since (催车 / 重复来电), each on its timeline. */
  followUps: z.number(),
  /** An inter-facility transfer: picked up at its sending hospital (the location), delivered to the receiving one. */
  transfer: TransferBrief.nullable(),
  assignments: z.array(z.lazy(() => AssignmentDto)),
});
export type IncidentDto = z.infer<typeof IncidentDto>;

export const ExclusionReason = z.enum(['out_of_service', 'busy', 'missing_capability', 'unreachable', 'no_position']);
export type ExclusionReason = z.infer<typeof ExclusionReason>;
/** Why a vehicle has no ETA to the scene (the road search's reasons, in its order). */
export const UnreachableReason = z.enum(['too_far_from_road', 'no_path', 'beyond_time_limit']);
export type UnreachableReason = z.infer<typeof UnreachableReason>;
/** Where a step of an incident was recorded (its timeline entries' `source`). */
export const EventSource = z.enum(['console', 'tablet', 'agent', 'simulator', 'system']);
export type EventSource = z.infer<typeof EventSource>;

export const CandidateDto = z.object({
  vehicleId: z.string(),
  callSign: z.string(),
  kind: z.string(),
  capabilities: z.array(z.string()),
  state: VehicleState,
  etaSeconds: z.number(),
  distanceM: z.number(),
  /** Where the ETA was measured from: the vehicle's last GPS fix, or its home station when the fix is stale. */
  positionSource: z.enum(['gps', 'station']),
  stale: z.boolean(),
  positionAgeSeconds: z.number().nullable(),
  /** Vehicles finishing another job (returning) are proposed after free ones at equal ETA. */
  returning: z.boolean(),
  /**
   * A scarce vehicle (mobile CT, neonatal) offered for a call that does not need it: held back after the ordinary
   * vehicles, or ahead of them because it gains more than the centre's margin over the best of them.
   */
  reserve: z
    .object({ capabilities: z.array(z.string()), heldBack: z.boolean(), gainSeconds: z.number(), marginSeconds: z.number() })
    .nullable(),
  /**
   * The vehicle's nearest road is cut off from the main road network (a one-way piece, a gated road): its ETA
   * is measured from the nearest point of the main network, this many metres farther than that road. Null otherwise.
   */
  fallbackExtraM: z.number().nullable().optional(),
});
export type CandidateDto = z.infer<typeof CandidateDto>;

/** A free vehicle of another centre near the incident (issue 15): help the dispatcher may request, never a candidate. */
export const CrossCentreCandidateDto = CandidateDto.extend({ centreId: z.uuid(), centreName: z.string(), centreNameEn: z.string().nullable() });
export type CrossCentreCandidateDto = z.infer<typeof CrossCentreCandidateDto>;

export const ExcludedVehicleDto = z.object({
  vehicleId: z.string(),
  callSign: z.string(),
  reason: ExclusionReason,
  /** In English, for the API and logs; the screens say it in their language from the fields below. */
  detail: z.string(),
  /** missing_capability: the call's required capabilities it lacks. */
  lacks: z.array(VehicleCapability).optional(),
  /** busy: its task's status and incident number. */
  taskStatus: TaskStatus.nullable().optional(),
  incidentNumber: z.number().int().nullable().optional(),
  /** unreachable: why no ETA. */
  unreachable: UnreachableReason.optional(),
});
export type ExcludedVehicleDto = z.infer<typeof ExcludedVehicleDto>;

export const HospitalOptionDto = z.object({
  hospitalId: z.string(),
  name: z.string(),
  loadStatus: HospitalLoad,
  capabilities: z.array(z.string()),
  etaSeconds: z.number(),
  distanceM: z.number(),
  /** Why it was passed over, when it was. */
  skippedBecause: z.enum(['load_red', 'closed']).nullable(),
});
export type HospitalOptionDto = z.infer<typeof HospitalOptionDto>;

export const RecommendationDto = z.object({
  incidentId: z.string(),
  computedAt: z.string(),
  region: z.string(),
  incidentSnapDistanceM: z.number(),
  /** As a candidate's fallbackExtraM, for the incident's own position: the ETAs lead to the main network this much farther. */
  incidentFallbackExtraM: z.number().nullable().optional(),
  responsibleStation: z.object({ stationId: z.string(), code: z.string(), name: z.string(), etaSeconds: z.number() }).nullable(),
  /** The best free suitable vehicles, at most 20 (the panel shows five and folds the rest). */
  candidates: z.array(CandidateDto),
  /** Free suitable vehicles ranked after those in `candidates`: counted, not sent (a province has thousands). */
  moreCandidates: z.number().int().nonnegative().optional(),
  /**
   * The centre's vehicles left out, with the reason, by call sign: every one while a reason has at most 10, else the
   * 10 nearest of that reason (busy: by ETA; the others: in a straight line from the position the ranking would use).
   */
  excluded: z.array(ExcludedVehicleDto),
  /** Per reason, the vehicles left out but not listed in `excluded` (a province leaves thousands out): counted, not sent. */
  moreExcluded: z.array(z.object({ reason: ExclusionReason, count: z.number().int().positive() })).optional(),
  /** No suitable free vehicle: the incident is queued with the responsible station; nextBest is the busy vehicle to free first. */
  queued: z.boolean(),
  nextBest: z
    .object({
      vehicleId: z.string(),
      callSign: z.string(),
      taskStatus: z.string().nullable(),
      /** In English, for the API and logs; the screens say it in their language from the fields below. */
      detail: z.string(),
      /** The incident its task serves, and its ETA to this scene (what `detail` says). */
      incidentNumber: z.number().int().nullable().optional(),
      etaSeconds: z.number().optional(),
    })
    .nullable(),
  proposedHospital: HospitalOptionDto.nullable(),
  hospitalOptions: z.array(HospitalOptionDto),
  /**
   * The nearest free suitable vehicles of other centres (issue 15), nearest first: never candidates; sending one is
   * cross-centre help (AssignRequest.crossCentreHelp). Absent where the database has one centre.
   */
  crossCentre: z.array(CrossCentreCandidateDto).optional(),
  computeMs: z.number(),
});
export type RecommendationDto = z.infer<typeof RecommendationDto>;

/** Sending a patient to a full (red) or closed hospital is refused until it is confirmed, and the confirmation is audited. */
const confirmDestinationLoad = z.boolean().optional();
export const AssignRequest = z.object({
  vehicleId: z.uuid(),
  destinationHospitalId: z.uuid().optional(),
  confirmDestinationLoad,
  /** Sending another centre's vehicle (issue 15) is refused (409) without this: the reason is audited and shown to both centres. */
  crossCentreHelp: z.object({ reason: text(500).trim().min(1) }).optional(),
});
export type AssignRequest = z.infer<typeof AssignRequest>;

export const StatusReport = z.object({
  /** Client-generated id; a replay of the same event is recognised and not applied twice. */
  eventId: z.uuid(),
  status: TaskStatus,
  /** Device clock, with offset: the time of the event, not of its delivery. */
  deviceTime: Timestamp,
  location: PointInput.optional(),
  note: text(500).optional(),
});
export type StatusReport = z.infer<typeof StatusReport>;

export const CancelRequest = z.object({ reason: text(300).trim().min(1) });
export type CancelRequest = z.infer<typeof CancelRequest>;

export const ChangeDestinationRequest = z.object({ hospitalId: z.uuid(), confirmDestinationLoad });
export type ChangeDestinationRequest = z.infer<typeof ChangeDestinationRequest>;

export const RouteStepDto = z.object({
  maneuver: z.string(),
  streetName: z.string().nullable(),
  distanceM: z.number(),
  durationS: z.number(),
  location: LonLatPair,
});
export type RouteStepDto = z.infer<typeof RouteStepDto>;
export const RouteDto = z.object({
  geometry: z.object({ type: z.literal('LineString'), coordinates: z.array(LonLatPair) }),
  durationS: z.number(),
  distanceM: z.number(),
  steps: z.array(RouteStepDto),
});
export type RouteDto = z.infer<typeof RouteDto>;

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
  /** The incident's centre (issue 15). */
  centreId: z.uuid(),
  /** Cross-centre help: the vehicle's own centre and the dispatcher's reason; null for a vehicle of the incident's centre. */
  helpFromCentreId: z.uuid().nullable(),
  helpReason: z.string().nullable(),
});
export type AssignmentDto = z.infer<typeof AssignmentDto>;

/** What a crew tablet receives: everything to drive there and treat, and nothing more. */
export const AssignmentOfferDto = z.object({
  assignment: AssignmentDto,
  incident: IncidentDto.pick({
    id: true, number: true, category: true, priority: true, location: true, address: true, placeName: true, patientSummary: true, priorityGroups: true,
    transfer: true,
  }),
  route: RouteDto.nullable(),
  destinationHospital: z.object({ id: z.string(), name: z.string(), loadStatus: z.string(), location: z.object({ lon: z.number(), lat: z.number() }) }).nullable(),
  ackDeadline: z.string(),
});
export type AssignmentOfferDto = z.infer<typeof AssignmentOfferDto>;

/** The answer to a status report over REST (202 when it was kept as record only). */
export const StatusReportOutcome = z.object({ applied: z.boolean(), duplicate: z.boolean(), assignment: AssignmentDto });
export type StatusReportOutcome = z.infer<typeof StatusReportOutcome>;

export const StatusEventDto = z.object({
  id: z.string(),
  incidentId: z.string(),
  assignmentId: z.string().nullable(),
  vehicleId: z.string().nullable(),
  status: z.string(),
  deviceTime: z.string(),
  receivedAt: z.string(),
  actor: z.string().nullable(),
  source: z.string(),
  note: z.string().nullable(),
  /** The number of the call this entry records (the call received, a follow-up call). */
  callerPhone: z.string().nullable(),
});
export type StatusEventDto = z.infer<typeof StatusEventDto>;

export const NoticeStatus = z.enum(['sent', 'acknowledged', 'escalated', 'cancelled', 'arrived']);
export type NoticeStatus = z.infer<typeof NoticeStatus>;

export const HospitalNoticeDto = z.object({
  id: z.string(),
  incidentId: z.string(),
  incidentNumber: z.number(),
  hospitalId: z.string(),
  status: NoticeStatus,
  category: z.string(),
  priority: z.number(),
  /** Minimised: summary and priority flags, never the caller's phone or the exact address. */
  patientSummary: z.string().nullable(),
  priorityGroups: z.array(z.string()),
  vehicleCallSign: z.string(),
  etaAt: z.string().nullable(),
  sentAt: z.string(),
  acknowledgedAt: z.string().nullable(),
});
export type HospitalNoticeDto = z.infer<typeof HospitalNoticeDto>;

/** Sends the notice now; to this hospital when given, else to the task's destination. */
export const SendNoticeRequest = z.object({ hospitalId: z.uuid().optional() });

/** An HL7 FHIR R4 message Bundle; its resources are FHIR's own, not restated here. */
export const FhirBundle = z.object({
  resourceType: z.literal('Bundle'),
  id: z.string(),
  type: z.literal('message'),
  timestamp: z.string(),
  entry: z.array(z.object({ fullUrl: z.string(), resource: z.record(z.string(), z.unknown()) })),
});
export type FhirBundle = z.infer<typeof FhirBundle>;

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
