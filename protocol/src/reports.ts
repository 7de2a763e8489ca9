import { z } from 'zod';
import { Timestamp } from './domain';

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
