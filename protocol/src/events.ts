import { z } from 'zod';
import type { HealthReport } from './health';
import { Refused } from './validation';
import {
  AssignmentDto,
  type AssignmentOfferDto,
  type HospitalNoticeDto,
  type IncidentDto,
  type RecommendationDto,
  type StatusReport,
} from './incidents';
import type { StuckEventNotice, StuckEventReport, StuckEventResult } from './outbox';
import type { AgentPosition, PackedPosition, PositionsReportResult } from './positions';
import type { AlertDto } from './alerts';
import type { MessageDto, MessageSendResult, SendMessageRequest } from './messages';
import type { ConsultationEntryDto } from './consultations';
import type { HospitalDto, StationDto, VehicleDto } from './resources';
import type { ResourceChange } from './admin';
import type { SettingsChange } from './operatorData';
import type { PhoneCallDto } from './telephony';
import type { LiveCoverageDto, RepositionDto } from './moveUp';
import type { TransferDto } from './transfers';

/**
 * Typed socket.io events, named `resource.pastTenseVerb`. Shared by the server, the console and the
 * agent so that an event cannot be renamed or reshaped on one side only.
 */
export interface ServerToClientEvents {
  'session.welcomed': (payload: SessionWelcome) => void;
  /** The token expired or the login was disabled or re-bound: the socket is closed after this. */
  'session.ended': (payload: { reason: string }) => void;
  'health.changed': (payload: HealthReport) => void;
  /** Latest positions of a commit, at most one per vehicle, packed (unpackPositions gives the DTOs). */
  'vehicle.positionsUpdated': (positions: PackedPosition[]) => void;
  'vehicle.updated': (vehicle: VehicleDto) => void;
  'hospital.loadChanged': (hospital: HospitalDto) => void;
  /** An administrator added or changed a hospital (its load has hospital.loadChanged). */
  'hospital.updated': (hospital: HospitalDto) => void;
  'station.updated': (station: StationDto) => void;
  /** To staff: an administrator's change (deletions included), for open lists to fetch their page again. */
  'resource.changed': (change: ResourceChange) => void;
  /** To staff: the live road region, a region's network, road speeds or category requirements changed. */
  'settings.changed': (change: SettingsChange) => void;
  'incident.created': (incident: IncidentDto) => void;
  'incident.updated': (incident: IncidentDto) => void;
  /** Computed right after a call is created (and on request), pushed so the console need not ask. */
  'recommendation.computed': (recommendation: RecommendationDto) => void;
  /** To the vehicle's room: a new task with its route; the crew must acknowledge before the deadline. */
  'assignment.offered': (offer: AssignmentOfferDto) => void;
  'assignment.updated': (assignment: AssignmentDto) => void;
  /** To the vehicle's room: the task was cancelled or re-offered to another vehicle. */
  'assignment.withdrawn': (payload: { assignmentId: string; incidentId: string; reason: string }) => void;
  'notice.sent': (notice: HospitalNoticeDto) => void;
  'notice.updated': (notice: HospitalNoticeDto) => void;
  /** To dispatchers: a hospital did not acknowledge a notice in time. */
  'notice.escalated': (notice: HospitalNoticeDto) => void;
  /** To dispatchers: a crew tablet parked an event the server kept failing on, or the crew resolved one. */
  'crew.eventStuck': (notice: StuckEventNotice) => void;
  /** To dispatchers: the phone system reports a call ringing on a line (the console pops up the intake). */
  'phoneCall.ringing': (call: PhoneCallDto) => void;
  /** To dispatchers: a call was answered, ended, located or linked to an incident. */
  'phoneCall.updated': (call: PhoneCallDto) => void;
  /** To dispatchers: an alert that began with no change of the incident to show it (a call waited past its limit). */
  'alert.raised': (alert: AlertDto) => void;
  /** To dispatchers and the task's vehicle: a message of the task's channel. */
  'message.posted': (message: MessageDto) => void;
  /** To dispatchers and supervisors: the 30-minute circle now, a few seconds after the free fleet changed. */
  'coverage.updated': (coverage: LiveCoverageDto) => void;
  /** To the vehicle's room and the dispatchers: a move-up sent, accepted, arrived or cancelled. */
  'reposition.updated': (reposition: RepositionDto) => void;
  /** To both hospitals of a transfer and the dispatchers: requested, answered, queued, and each step of its task. */
  'transfer.updated': (transfer: TransferDto) => void;
  /** To the task's vehicle, its receiving hospital and the consultation readers of the centre: a consultation entry. */
  'consultation.posted': (entry: ConsultationEntryDto) => void;
}

export const StatusReportResult = z.union([z.object({ ok: z.literal(true), applied: z.boolean(), assignment: AssignmentDto }), Refused]);
export type StatusReportResult = z.infer<typeof StatusReportResult>;

export interface ClientToServerEvents {
  'session.resynced': (ack: (payload: SessionWelcome) => void) => void;
  /** A crew reports a lifecycle step; replays of the same eventId are acknowledged without effect. */
  'status.reported': (report: StatusReport & { assignmentId: string }, ack: (result: StatusReportResult) => void) => void;
  /** A crew agent's GPS fixes (in device-time order, possibly replayed from its outbox), stored before the ack. */
  'positions.reported': (positions: AgentPosition[], ack: (result: PositionsReportResult) => void) => void;
  /** A crew agent parked an undeliverable event (or the crew retried or discarded it): audited, told to dispatchers. */
  'outbox.stuck': (report: StuckEventReport, ack: (result: StuckEventResult) => void) => void;
  /** A message to the task's channel (a crew agent sends it from its outbox; replays by messageId store it once). */
  'message.sent': (message: SendMessageRequest & { assignmentId: string }, ack: (result: MessageSendResult) => void) => void;
}

export const SessionWelcome = z.object({
  protocolVersion: z.number(),
  userId: z.string(),
  role: z.string(),
  rooms: z.array(z.string()),
  serverTime: z.string(),
});
export type SessionWelcome = z.infer<typeof SessionWelcome>;

/**
 * Room names: one per console role, centre, vehicle and hospital. A centre's incidents, tasks, fleet and hospitals
 * go to `centre(id)` rooms: its own staff's and the province room (issue 15); what every centre shares (road
 * networks, settings, stations, resource changes) goes to `dispatchers`, which all staff join.
 */
export const rooms = {
  dispatchers: 'dispatchers',
  /** The staff of one centre. */
  centre: (centreId: string) => `centre:${centreId}`,
  /** The province-wide logins (no centre), who see every centre. */
  province: 'province',
  /** Where news of these centres' incidents, tasks, fleet and hospitals goes: their staff and the province room. */
  centreStaff: (...centreIds: (string | null | undefined)[]) => [
    ...new Set(centreIds.filter((id): id is string => !!id).map((id) => `centre:${id}`)),
    'province',
  ],
  vehicle: (vehicleId: string) => `vehicle:${vehicleId}`,
  hospital: (hospitalId: string) => `hospital:${hospitalId}`,
  /**
   * Patients' consultations (clinical text and photos) go to the dispatchers and supervisors of the incident's centre
   * (and of a helping one) and the province's, never to administrators: the room a reader joins...
   */
  consultationReaders: (centreId: string | null) => `consultations:${centreId ?? 'province'}`,
  /** ...and the rooms an entry of these centres' incidents goes to. */
  consultations: (...centreIds: (string | null | undefined)[]) => [
    ...new Set(centreIds.filter((id): id is string => !!id).map((id) => `consultations:${id}`)),
    'consultations:province',
  ],
} as const;
