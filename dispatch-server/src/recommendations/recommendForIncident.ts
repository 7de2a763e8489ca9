import { type IncidentDto, rooms, type RecommendationDto } from '@dispatch/protocol';
import type { DispatchContext } from '../dispatchContext';
import { getIncident, incidentSql, publishIncident } from '../incidents/incidents';
import { computeRecommendation, sameRecommendation } from './computeRecommendation';

/**
 * Ranks vehicles for an incident, pushes the result to the dispatchers so every console shows the same list,
 * records the responsible station (and the proposed hospital when none is chosen yet) and queues the incident
 * when no suitable vehicle is free. The push goes first: the consoles need not wait for the write (a round trip
 * to PostgreSQL, tens of milliseconds on a loaded host), and the incident's own update follows it.
 * The ranking on the fleet as held in memory is pushed as soon as it is made; when the fleet sync then brings a
 * change that alters it (committed a moment before, its note still in flight), the corrected one follows for the same
 * incident (the consoles keep the latest per incident). What is recorded and answered is always the synced one.
 * @param read the incident as the caller has just read it (after its creation's commit, or its policy check): not read
 *   again, one round trip to PostgreSQL less before the ranking starts
 * @param onFirst called once the held ranking is pushed, or once it is known there is none (it then waits for the sync):
 *   a caller with other work for the same request can let the ranking run first
 */
export async function recommendForIncident(ctx: DispatchContext, incidentId: string, read?: IncidentDto, onFirst?: () => void): Promise<RecommendationDto> {
  const incident = read?.id === incidentId ? read : await getIncident(ctx.db, incidentId);
  const push = (r: RecommendationDto) => ctx.events.publish(rooms.centreStaff(incident.centreId), 'recommendation.computed', r);
  let pushed: RecommendationDto | null = null;
  const recommendation = await computeRecommendation(ctx.db, ctx.travel, ctx.fleet, incident, ctx.policy, (held) => {
    if (held) push((pushed = held));
    onFirst?.();
  });
  if (pushed === null || !sameRecommendation(pushed, recommendation)) push(recommendation);
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
