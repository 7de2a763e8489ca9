import { assignVehicle } from '../assignments/assignVehicle';
import { cancelIncident, closeIncident } from '../assignments/cancelAssignment';
import { alertNewCall } from '../alerts/alerts';
import type { DispatchContext } from '../dispatchContext';
import { Reply, type Handlers } from '../http/mountRoutes';
import { recommendForIncident } from '../recommendations/recommendForIncident';
import { announceCall, relatedIncidents } from '../telephony/phoneCalls';
import { readCentre } from '../policies/policies';
import { createIncident, incidentFor, incidentTimeline, listActiveIncidents } from './incidents';

/** The longest a new call's answer waits for its ranking on the held fleet to be pushed first. */
const HELD_RANKING_WAIT_MS = 50;

type IncidentRoutes =
  | 'listIncidents' | 'createIncident' | 'getIncident' | 'getTimeline' | 'getRecommendations' | 'assignVehicle' | 'cancelIncident' | 'closeIncident';

export const incidentHandlers = (ctx: DispatchContext): Handlers<IncidentRoutes> => ({
  createIncident: async ({ body }, { req, actor }) => {
    const { incident: taken, created } = await createIncident(ctx, actor, body, req.get('Idempotency-Key'));
    // The answer names the open incidents this call may duplicate (same number, close in place and time, same address).
    const { related } = await relatedIncidents(ctx.db, actor.principal, { callerPhone: taken.callerPhone ?? undefined, location: taken.location, address: taken.address ?? undefined, placeName: taken.placeName ?? undefined }, taken.id);
    const incident = { ...taken, related };
    if (!created) return new Reply(200, incident);
    if (body.phoneCallId) await announceCall(ctx, body.phoneCallId);
    // Computed right away and pushed, so the console has the ranking without asking. The answer and the alert wait for
    // the ranking on the held fleet to be pushed (~2 ms; not for the fleet sync): their work ran between its steps
    // (bench:dispatch phase timers: its searches began 1.7 ms p50 after it did). Never longer than a moment: a road
    // graph being loaded again (after a re-import or a lost connection) can hold the ranking for seconds.
    let waited: NodeJS.Timeout | undefined;
    await new Promise<void>((first) => {
      waited = setTimeout(first, HELD_RANKING_WAIT_MS);
      recommendForIncident(ctx, incident.id, taken, first)
        .catch((error) => ctx.log.warn({ err: (error as Error).message, incidentId: incident.id }, 'recommendation after intake failed'))
        .finally(first);
    });
    clearTimeout(waited);
    // Not awaited: Redis being away must not hold the answer (the consoles' alert list derives the alert from the call
    // itself, and the reconciliation re-arms the timer).
    void alertNewCall(ctx, incident);
    return incident;
  },
  // A dispatcher of one centre reads and acts on its centre's incidents only (issue 15): policies' centre scope.
  listIncidents: (_request, { actor }) => listActiveIncidents(ctx.db, 60, readCentre(actor.principal, 'incident.read')),
  getIncident: ({ params }, { actor }) => incidentFor(ctx.db, actor.principal, 'incident.read', params.id),
  getTimeline: async ({ params }, { actor }) => incidentTimeline(ctx.db, (await incidentFor(ctx.db, actor.principal, 'incident.read', params.id)).id),
  getRecommendations: async ({ params }, { actor }) => {
    const incident = await incidentFor(ctx.db, actor.principal, 'incident.read', params.id);
    return recommendForIncident(ctx, incident.id, incident);
  },
  assignVehicle: async ({ params, body }, { actor }) => {
    await incidentFor(ctx.db, actor.principal, 'incident.dispatch', params.id);
    return assignVehicle(ctx, actor, params.id, body);
  },
  cancelIncident: async ({ params, body }, { actor }) => {
    await incidentFor(ctx.db, actor.principal, 'incident.dispatch', params.id);
    return cancelIncident(ctx, actor, params.id, body);
  },
  closeIncident: async ({ params }, { actor }) => {
    await incidentFor(ctx.db, actor.principal, 'incident.dispatch', params.id);
    return closeIncident(ctx, actor, params.id);
  },
});
