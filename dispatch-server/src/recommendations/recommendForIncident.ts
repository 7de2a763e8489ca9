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
 * @param onFirst given, the held ranking is pushed first, and this called once it is, or once it is known there is none
 *   (it then waits for the sync): a caller with other work for the same request can let the ranking run first
 */
export async function recommendForIncident(ctx: DispatchContext, incidentId: string, read?: IncidentDto, onFirst?: () => void): Promise<RecommendationDto> {
  const incident = read?.id === incidentId ? read : await getIncident(ctx.db, incidentId);
  const push = (r: RecommendationDto) => ctx.events.publish(rooms.centreStaff(incident.centreId), 'recommendation.computed', r);
  let pushed: RecommendationDto | null = null;
  // Only a caller with other work waiting (the intake) has the held ranking pushed first: a console asking (GET) gets
  // the synced one in its answer, and a push of the held one besides would double the pushes to every console.
  const onHeld = onFirst && ((held: RecommendationDto | null) => {
    if (held) push((pushed = held));
    onFirst();
  });
  const recommendation = await computeRecommendation(ctx.db, ctx.travel, ctx.fleet, incident, ctx.policy, onHeld).catch((error: unknown) => {
    // The held ranking is on the consoles, which then do not ask again: once more for the synced one (the sync itself
    // already tried a new connection), so a stale list is not left standing after a passing fault.
    if (pushed === null) throw error;
    return computeRecommendation(ctx.db, ctx.travel, ctx.fleet, incident, ctx.policy);
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
