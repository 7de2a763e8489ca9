import { rooms, type RecommendationDto } from '@dispatch/protocol';
import type { DispatchContext } from '../dispatchContext';
import { getIncident, incidentSql, publishIncident } from '../incidents/incidents';
import { computeRecommendation } from './computeRecommendation';

/**
 * Ranks vehicles for an incident, records the responsible station (and the proposed hospital when none
 * is chosen yet), queues the incident when no suitable vehicle is free, and pushes the result to the
 * dispatchers so every console shows the same list.
 */
export async function recommendForIncident(ctx: DispatchContext, incidentId: string): Promise<RecommendationDto> {
  const incident = await getIncident(ctx.db, incidentId);
  const recommendation = await computeRecommendation(ctx.db, ctx.travel, ctx.fleet, incident, ctx.policy);
  await incidentSql.setPlan.run(ctx.db, {
    id: incidentId,
    stationId: recommendation.responsibleStation?.stationId ?? null,
    hospitalId: incident.destinationHospitalId ? null : (recommendation.proposedHospital?.hospitalId ?? null),
  });
  const waiting = incident.status === 'open' || incident.status === 'queued';
  const nextStatus = recommendation.queued ? 'queued' : 'open';
  if (waiting && incident.status !== nextStatus) await incidentSql.setStatus.run(ctx.db, { id: incidentId, status: nextStatus });
  ctx.events.publish(rooms.centreStaff(incident.centreId), 'recommendation.computed', recommendation);
  await publishIncident(ctx, incidentId);
  return recommendation;
}
