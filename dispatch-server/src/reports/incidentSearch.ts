import { IncidentSummaryDto, type IncidentPageDto, type IncidentSearchQuery, type IncidentTrackDto } from '@dispatch/protocol';
import { z } from 'zod';
import { dtoRow, type Db, sqlFile } from '@dispatch/db';
import { getIncident } from '../incidents/incidents';

const maybe = z.string().nullable();
const sql = sqlFile(new URL('./incidentSearch.sql', import.meta.url), {
  search: {
    params: z.object({
      from: z.string(), to: z.string(), category: maybe, place: maybe, vehicleId: maybe, phoneDigits: maybe, centreId: maybe, limit: z.number(), offset: z.number(),
    }),
    row: z.object({ total: z.number(), items: z.array(IncidentSummaryDto) }),
  },
  track: {
    params: z.object({ id: z.string() }),
    row: dtoRow(
      z.object({
        assignmentId: z.string(),
        callSign: z.string(),
        from: z.string(),
        to: z.string(),
        points: z.number(),
        line: z.object({ type: z.literal('LineString'), coordinates: z.array(z.tuple([z.number(), z.number()])) }).nullable(),
      }),
    ),
  },
  answerSource: { params: z.object({ id: z.string() }), row: z.object({ answerSource: z.enum(['phone', 'dispatcher']) }) },
});

/** `%`, `_` and `\` stand for themselves in what the user typed. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Incidents whose call was received in [from, to), newest first, by place text (address or place name), category,
 * vehicle sent and caller number (any part of its digits), a page at a time with the count of all that match.
 */
/** `centreId`: a centre's staff find its incidents and those its vehicles helped on; null for the province. */
export async function searchIncidents(db: Db, q: z.output<typeof IncidentSearchQuery>, centreId: string | null): Promise<IncidentPageDto> {
  const phoneDigits = q.callerPhone?.replace(/[^0-9]/g, '') || null;
  const row = (await sql.search.one(db, {
    from: q.from,
    to: q.to,
    category: q.category ?? null,
    place: q.place ? likePattern(q.place) : null,
    vehicleId: q.vehicleId ?? null,
    phoneDigits,
    centreId,
    limit: q.pageSize,
    offset: (q.page - 1) * q.pageSize,
  }))!;
  return { total: row.total, page: q.page, pageSize: q.pageSize, items: row.items };
}

/** The way each vehicle of the incident drove between its dispatch and its release (404 for an unknown incident). */
export async function incidentTrack(db: Db, id: string): Promise<IncidentTrackDto> {
  await getIncident(db, id);
  const [tracks, source] = await Promise.all([sql.track.rows(db, { id }), sql.answerSource.one(db, { id })]);
  return { incidentId: id, answerSource: source!.answerSource, tracks };
}
