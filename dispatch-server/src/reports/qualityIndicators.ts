import type { QualityIndicatorsDto, QualityQuery, Rate } from '@dispatch/protocol';
import { z } from 'zod';
import { type Db, sqlFile } from '@dispatch/db';

const count = z.number();
const seconds = z.number().nullable();
const sql = sqlFile(new URL('./reports.sql', import.meta.url), {
  quality: {
    params: z.object({ from: z.string(), to: z.string(), centreId: z.string().nullable() }),
    row: z.object({
      calls: count, phone_answers: count, answered_within_10s: count, dispatched: count, dispatched_within_60s: count, turned_out: count,
      turned_out_within_3min: count, arrived: count,
      response_p90_s: seconds, response_p50_s: seconds, response_p90_priority1_s: seconds,
    }),
  },
});

const rate = (numerator: number, denominator: number, target: number): Rate => {
  const value = denominator === 0 ? null : numerator / denominator;
  return { numerator, denominator, rate: value, target, met: value === null ? null : value >= target };
};

/**
 * The quality indicators a 120 centre reports, for calls received in [from, to): call answered within 10 s
 * and 3-minute turnout (Chinese 120 indicators, each ≥ 95%), answer to dispatch within 60 s (NFPA 1225,
 * ≥ 90%), and the response-time percentiles (call received → first vehicle on scene).
 */
/** `centreId`: one centre's calls (its supervisor's report), null for the province's. */
export async function qualityIndicators(db: Db, { from, to }: QualityQuery, centreId: string | null): Promise<QualityIndicatorsDto> {
  // An aggregate without GROUP BY always answers one row.
  const r = (await sql.quality.one(db, { from, to, centreId }))!;
  return {
    from,
    to,
    calls: r.calls,
    answerSources: { phone: r.phone_answers, dispatcher: r.calls - r.phone_answers },
    answeredWithin10s: rate(r.answered_within_10s, r.calls, 0.95),
    turnoutWithin3min: rate(r.turned_out_within_3min, r.turned_out, 0.95),
    nfpa1225AnswerToDispatch60s: rate(r.dispatched_within_60s, r.dispatched, 0.9),
    responseSeconds: {
      arrived: r.arrived,
      p50: r.response_p50_s,
      p90: r.response_p90_s,
      p90Priority1: r.response_p90_priority1_s,
    },
  };
}
