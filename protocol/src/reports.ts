import { z } from 'zod';
import { IncidentCategory, Timestamp } from './domain';
import { text } from './validation';

/** `GET /api/reports/quality?from=&to=`: calls received in [from, to). */
export const QualityQuery = z
  .object({ from: Timestamp, to: Timestamp })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: 'must be after from', path: ['to'] });
export type QualityQuery = z.infer<typeof QualityQuery>;

/** A rate with what it counts, so a report never shows 100% of nothing. */
const Rate = z.object({
  numerator: z.number(),
  denominator: z.number(),
  rate: z.number().nullable(),
  target: z.number(),
  met: z.boolean().nullable(),
});
export type Rate = z.infer<typeof Rate>;

export const QualityIndicatorsDto = z.object({
  from: z.string(),
  to: z.string(),
  calls: z.number(),
  /** Where the answer times come from: the phone system's answer events, or the dispatcher (typed or the intake's moment). */
  answerSources: z.object({ phone: z.number(), dispatcher: z.number() }),
  answeredWithin10s: Rate,
  turnoutWithin3min: Rate,
  nfpa1225AnswerToDispatch60s: Rate,
  /** Call received → first vehicle on scene; null without arrivals. */
  responseSeconds: z.object({ arrived: z.number(), p50: z.number().nullable(), p90: z.number().nullable(), p90Priority1: z.number().nullable() }),
});
export type QualityIndicatorsDto = z.infer<typeof QualityIndicatorsDto>;

/** `GET /api/incidents/{id}/etimes`: NEMSIS v3 eTimes of each vehicle (eTimes.01 … eTimes.15, ISO-8601 or null). */
export const ETimesDto = z.object({
  incidentNumber: z.number(),
  incidentId: z.string(),
  records: z.array(
    z.object({ assignmentId: z.string(), unitCallSign: z.string(), outcome: z.string(), eTimes: z.record(z.string(), z.string().nullable()) }),
  ),
});
export type ETimesDto = z.infer<typeof ETimesDto>;

/** `GET /api/incidents/{id}/eido`: a NENA EIDO document (NENA-STA-024); the standard defines the rest of it. */
export const EidoDocument = z.looseObject({
  $schema: z.string(),
  eidoMessageIdentifier: z.string(),
  incidentComponent: z.record(z.string(), z.unknown()),
});
export type EidoDocument = z.infer<typeof EidoDocument>;

/** What a breakdown groups by: the vehicle's home station, the vehicle, the call's category, or a period of the call. */
export const BreakdownGroup = z.enum(['station', 'vehicle', 'category', 'day', 'week', 'month']);
export type BreakdownGroup = z.infer<typeof BreakdownGroup>;

/** The intervals of one response, in order: ring → answer, answer → dispatch, dispatch → en route, … at hospital → handover. */
export const RESPONSE_INTERVALS = ['answer', 'callToDispatch', 'turnout', 'travel', 'onScene', 'transport', 'handover'] as const;
export type ResponseInterval = (typeof RESPONSE_INTERVALS)[number];

/** Where an incident's answer time comes from: the phone system's answer event, or the dispatcher (typed, or the intake's moment). */
export const AnswerSource = z.enum(['phone', 'dispatcher']);
export type AnswerSource = z.infer<typeof AnswerSource>;

/** A time zone the database knows by its IANA name (days, weeks and months start at its midnight). */
const TimeZone = z
  .string()
  .max(64)
  // A name (Asia/Shanghai, UTC), never an offset: PostgreSQL reads "+08:00" the POSIX way, eight hours west.
  .regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/, 'an IANA time zone name, e.g. Asia/Shanghai')
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone, e.g. Asia/Shanghai');

/** `GET /api/reports/response-times?from=&to=&by=`: calls received in [from, to). */
export const BreakdownQuery = z
  .object({ from: Timestamp, to: Timestamp, by: BreakdownGroup.default('station'), timeZone: TimeZone.default('Asia/Shanghai') })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: 'must be after from', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 400 * 86_400_000, { message: 'at most 400 days after from', path: ['to'] });
export type BreakdownQuery = z.input<typeof BreakdownQuery>;

/** The export of a breakdown: the same query and the file's format. */
export const BreakdownExportQuery = z
  .object({ from: Timestamp, to: Timestamp, by: BreakdownGroup.default('station'), timeZone: TimeZone.default('Asia/Shanghai'), format: z.enum(['csv', 'xlsx']), lang: z.enum(['zh-CN', 'en']).default('zh-CN') })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: 'must be after from', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 400 * 86_400_000, { message: 'at most 400 days after from', path: ['to'] });
export type BreakdownExportQuery = z.input<typeof BreakdownExportQuery>;

/** One interval over a group: how many responses had both ends, and their median and 90th percentile in seconds. */
export const IntervalStats = z.object({ n: z.number(), p50: z.number().nullable(), p90: z.number().nullable() });
export type IntervalStats = z.infer<typeof IntervalStats>;

export const BreakdownRowDto = z.object({
  /** The station's or vehicle's id, the category code, or the period's first day (YYYY-MM-DD). */
  key: z.string(),
  /** The station's name, the vehicle's call sign; null for categories and periods (the client words them). */
  label: z.string().nullable(),
  labelEn: z.string().nullable(),
  incidents: z.number(),
  responses: z.number(),
  /** Incidents by where their answer time comes from. */
  answerSources: z.object({ phone: z.number(), dispatcher: z.number() }),
  intervals: z.object(Object.fromEntries(RESPONSE_INTERVALS.map((k) => [k, IntervalStats])) as Record<ResponseInterval, typeof IntervalStats>),
});
export type BreakdownRowDto = z.infer<typeof BreakdownRowDto>;

export const BreakdownDto = z.object({ from: z.string(), to: z.string(), by: BreakdownGroup, timeZone: z.string(), rows: z.array(BreakdownRowDto) });
export type BreakdownDto = z.infer<typeof BreakdownDto>;

/** `GET /api/reports/incidents`: incidents whose call was received in [from, to), filtered, newest first, a page at a time. */
export const IncidentSearchQuery = z
  .object({
    from: Timestamp,
    to: Timestamp,
    /** Part of the address or the gazetteer place's name (Chinese or English). */
    place: text(100).trim().min(1).optional(),
    category: IncidentCategory.optional(),
    vehicleId: z.uuid().optional(),
    /** Digits of the caller's number, any part of it. */
    callerPhone: z.string().regex(/^\+?[0-9 -]{3,20}$/, 'digits, spaces, dashes, optional leading +').optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: 'must be after from', path: ['to'] });
export type IncidentSearchQuery = z.input<typeof IncidentSearchQuery>;

export const IncidentSummaryDto = z.object({
  id: z.uuid(),
  number: z.number(),
  status: z.string(),
  category: IncidentCategory,
  priority: z.number(),
  address: z.string().nullable(),
  placeName: z.string().nullable(),
  placeNameEn: z.string().nullable(),
  callerPhone: z.string().nullable(),
  callReceivedAt: z.string(),
  callAnsweredAt: z.string().nullable(),
  answerSource: AnswerSource,
  closedAt: z.string().nullable(),
  /** Call signs of the vehicles sent, in dispatch order. */
  vehicles: z.array(z.string()),
});
export type IncidentSummaryDto = z.infer<typeof IncidentSummaryDto>;

export const IncidentPageDto = z.object({ total: z.number(), page: z.number(), pageSize: z.number(), items: z.array(IncidentSummaryDto) });
export type IncidentPageDto = z.infer<typeof IncidentPageDto>;

/** `GET /api/incidents/{id}/track`: the way each vehicle actually drove, from its dispatch to its release (or now). */
export const IncidentTrackDto = z.object({
  incidentId: z.uuid(),
  answerSource: AnswerSource,
  tracks: z.array(
    z.object({
      assignmentId: z.uuid(),
      callSign: z.string(),
      from: z.string(),
      to: z.string(),
      points: z.number(),
      /** The fixes joined in device-time order (PostGIS ST_MakeLine); null with fewer than two. */
      line: z.object({ type: z.literal('LineString'), coordinates: z.array(z.tuple([z.number(), z.number()])) }).nullable(),
    }),
  ),
});
export type IncidentTrackDto = z.infer<typeof IncidentTrackDto>;
