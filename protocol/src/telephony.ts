import { z } from 'zod';
import { parseAml } from './aml';
import { IncidentCategory, Lat, Lon, PointInput, Timestamp } from './domain';
import { IncidentDto, IncidentStatus } from './incidents';
import { text } from './validation';

/** A telephone number as a caller or the phone system gives it: digits, spaces, dashes, an optional leading +. */
export const PhoneNumber = z.string().regex(/^\+?[0-9 -]{3,20}$/, 'digits, spaces, dashes, optional leading +');

export const PhoneCallEventKind = z.enum(['ringing', 'answered', 'ended']);
export type PhoneCallEventKind = z.infer<typeof PhoneCallEventKind>;

/**
 * Where the network says the caller is. `aml`: the Advanced Mobile Location message (ETSI TS 103 625) exactly as
 * the handset sent it over HTTPS or SMS (`A"ML=1;lt=…;lg=…;rd=…;top=…;lc=…;pm=…`); `cell`: the carrier's cell
 * location, a point and the radius of the cell.
 */
export const CallerLocationInput = z.discriminatedUnion('format', [
  z.object({
    format: z.literal('aml'),
    message: text(500).superRefine((message, ctx) => {
      const parsed = parseAml(message);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem });
    }),
  }),
  z.object({
    format: z.literal('cell'),
    lon: Lon,
    lat: Lat,
    radiusM: z.number().positive().max(100_000),
    /** When the network located the caller; the event's time when absent. */
    at: Timestamp.optional(),
  }),
]);
export type CallerLocationInput = z.infer<typeof CallerLocationInput>;

/**
 * One event of the phone system (CTI) about one call on one line. Replays and events out of order are expected:
 * the PBX's call id makes the call, every time is the first one reported, and a call never goes back a step.
 */
export const PhoneCallEvent = z.object({
  event: PhoneCallEventKind,
  /** The PBX's own id of the call (Asterisk's uniqueid, a SIP Call-ID...), the same on every event of the call. */
  callId: z.string().regex(/^[\x21-\x7e]{1,128}$/, '1 to 128 printable characters without spaces'),
  /**
   * The line (trunk, queue or dialled number) the call came in on: it says whose centre the call is (migration 026's
   * phone_lines); a line no centre names rings the default centre's.
   */
  lineId: text(64).trim().min(1),
  /** The caller's number; absent when withheld. */
  callerNumber: PhoneNumber.optional(),
  /** When the PBX saw it happen, with offset. */
  at: Timestamp,
  location: CallerLocationInput.optional(),
  /** The PBX's reference of the call's recording (its file name or URL), usually on `ended`. */
  recordingRef: text(300).trim().min(1).optional(),
});
export type PhoneCallEvent = z.infer<typeof PhoneCallEvent>;

export const CallerLocationDto = z.object({
  lon: z.number(),
  lat: z.number(),
  radiusM: z.number(),
  source: z.enum(['aml_gnss', 'aml_wifi', 'aml_cell', 'aml', 'carrier_cell']),
  at: z.string().nullable(),
  confidence: z.number().nullable(),
});
export type CallerLocationDto = z.infer<typeof CallerLocationDto>;

export const PhoneCallState = z.enum(['ringing', 'answered', 'ended']);
export type PhoneCallState = z.infer<typeof PhoneCallState>;

/** A call as the dispatchers see it. */
export const PhoneCallDto = z.object({
  id: z.uuid(),
  pbxCallId: z.string(),
  lineId: z.string(),
  /** The centre whose line rang (issue 15): its staff and the province hear of the call and read it. */
  centreId: z.uuid(),
  state: PhoneCallState,
  callerPhone: z.string().nullable(),
  ringingAt: z.string().nullable(),
  answeredAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  location: CallerLocationDto.nullable(),
  recordingRef: z.string().nullable(),
  incidentId: z.uuid().nullable(),
  incidentNumber: z.number().nullable(),
  incidentLink: z.enum(['created', 'follow_up']).nullable(),
});
export type PhoneCallDto = z.infer<typeof PhoneCallDto>;

export const PhoneCallQuery = z.object({
  /** Calls that rang within this many minutes (not yet linked to an incident unless `all`). */
  minutes: z.coerce.number().int().min(1).max(24 * 60).default(30),
});

/** An earlier incident from the same number: when, where, what and how it ended. */
export const CallerHistoryEntryDto = z.object({
  incidentId: z.uuid(),
  number: z.number(),
  callReceivedAt: z.string(),
  address: z.string().nullable(),
  placeName: z.string().nullable(),
  category: IncidentCategory,
  status: IncidentStatus,
  /** The last step of its vehicles (handover, cancelled...), or null when none was sent. */
  outcome: z.string().nullable(),
  cancelledReason: z.string().nullable(),
});
export type CallerHistoryEntryDto = z.infer<typeof CallerHistoryEntryDto>;

/** Why an open incident may be the same emergency as the call being taken. */
export const RelatedReason = z.enum(['same_caller', 'nearby', 'same_address']);
export type RelatedReason = z.infer<typeof RelatedReason>;

export const RelatedIncidentDto = z.object({
  incident: IncidentDto,
  reasons: z.array(RelatedReason),
  /** Metres between the call and the incident, when the call has a location. */
  distanceM: z.number().nullable(),
});
export type RelatedIncidentDto = z.infer<typeof RelatedIncidentDto>;

/**
 * What is known of a call being taken: any of them. Sent in a body (POST), never in a URL, so the number and the
 * address stay out of access logs.
 */
export const RelatedQuery = z.object({
  callerPhone: PhoneNumber.optional(),
  location: PointInput.optional(),
  address: text(300).optional(),
  placeName: text(100).optional(),
  /** The phone system's call being taken: its number and location count too. */
  phoneCallId: z.uuid().optional(),
});
export type RelatedQuery = z.infer<typeof RelatedQuery>;

export const RelatedAnswer = z.object({
  related: z.array(RelatedIncidentDto),
  /** The number's earlier incidents, newest first. */
  history: z.array(CallerHistoryEntryDto),
});
export type RelatedAnswer = z.infer<typeof RelatedAnswer>;

/** A call about an open incident (催车 / 重复来电): recorded on its timeline instead of a new incident. */
export const FollowUpRequest = z
  .object({
    /** The phone system's call, when it came through it: linked once, its number and ring time taken from it. */
    phoneCallId: z.uuid().optional(),
    callerPhone: PhoneNumber.optional(),
    note: text(500).trim().optional(),
  })
  .refine((r) => r.phoneCallId || r.callerPhone || r.note, { message: 'give phoneCallId, callerPhone or a note', path: ['phoneCallId'] });
export type FollowUpRequest = z.input<typeof FollowUpRequest>;

/** The answer of call intake: the new incident, and the open incidents it may duplicate (the console warns). */
export const CreatedIncidentDto = IncidentDto.extend({ related: z.array(RelatedIncidentDto) });
export type CreatedIncidentDto = z.infer<typeof CreatedIncidentDto>;
