import { type IncidentDto, rooms, type RecommendationDto } from '@dispatch/protocol';
import type { DispatchContext } from '../dispatchContext';
import { getIncident, incidentSql, publishIncident } from '../incidents/incidents';
import { computeRecommendation } from './computeRecommendation';

/**
 * Ranks vehicles for an incident, pushes the result to the dispatchers so every console shows the same list,
 * records the responsible station (and the proposed hospital when none is chosen yet) and queues the incident
 * when no suitable vehicle is free. The push goes first: the consoles need not wait for the write (a round trip
 * to PostgreSQL, tens of milliseconds on a loaded host), and the incident's own update follows it.
 * @param read the incident as the caller has just read it (after its creation's commit, or its policy check): not read
 *   again, one round trip to PostgreSQL less before the ranking starts
 */
export async function recommendForIncident(ctx: DispatchContext, incidentId: string, read?: IncidentDto): Promise<RecommendationDto> {
  const incident = read?.id === incidentId ? read : await getIncident(ctx.db, incidentId);
  const recommendation = await computeRecommendation(ctx.db, ctx.travel, ctx.fleet, incident, ctx.policy);
  ctx.events.publish(rooms.centreStaff(incident.centreId), 'recommendation.computed', recommendation);
  // One statement, deciding on the row as it is then (the incident given may be a moment old).
  await incidentSql.setRecommended.run(ctx.db, {
    id: incidentId,
    stationId: recommendation.responsibleStation?.stationId ?? null,
    hospitalId: recommendation.proposedHospital?.hospitalId ?? null,
    waitingStatus: recommendation.queued ? 'queued' : 'open',
  });
  await publishIncident(ctx, incidentId);
  return recommendation;
}
