import { rooms } from '@dispatch/protocol';
import { systemActor } from '../audit/audit';
import type { DispatchContext } from '../dispatchContext';
import { HttpError } from '../http/errors';
import { getIncident, incidentSql, publishIncident } from '../incidents/incidents';
import { computeRecommendation } from '../recommendations/computeRecommendation';
import { assignVehicle } from './assignVehicle';

/**
 * After a crew let its acknowledgement deadline pass (an outbox effect of the time-out): the incident is
 * offered to the best vehicle that has not yet let it time out, or queued when there is none. Derived from
 * the committed state, so a repeat does nothing: only an incident still open, with no vehicle, is offered.
 */
export async function reofferIncident(ctx: DispatchContext, incidentId: string): Promise<void> {
  const incident = await getIncident(ctx.db, incidentId);
  if (incident.status !== 'open') return;
  const recommendation = await computeRecommendation(ctx.db, ctx.travel, ctx.fleet, incident, ctx.policy);
  // Every crew that already let this call time out is passed over, not only the last one.
  const timedOutBefore = new Set(incident.assignments.filter((a) => a.status === 'timed_out').map((a) => a.vehicleId));
  const next = recommendation.candidates.find((c) => !timedOutBefore.has(c.vehicleId));
  if (next) {
    try {
      await assignVehicle(
        ctx,
        systemActor,
        incident.id,
        { vehicleId: next.vehicleId, destinationHospitalId: incident.destinationHospitalId ?? undefined },
        { onlyIfUnassigned: true },
      );
      return;
    } catch (error) {
      // A database failure is retried by the outbox; a refusal (a dispatcher took the call or the vehicle
      // meanwhile) leaves the incident in the queue below for the dispatcher.
      if (!(error instanceof HttpError)) throw error;
      ctx.log.warn({ err: error.message, incidentId: incident.id }, 'automatic re-offer refused');
    }
  } else {
    await incidentSql.queueIfOpen.run(ctx.db, { id: incident.id });
  }
  ctx.events.publish(rooms.centreStaff(incident.centreId), 'recommendation.computed', recommendation);
  await publishIncident(ctx, incident.id);
}
