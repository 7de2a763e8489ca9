import type { DispatchContext } from '../dispatchContext';
import { Reply, type Handlers } from '../http/mountRoutes';
import { readCentre } from '../policies/policies';
import { incidentCalls, linkFollowUp, listRecentCalls, recordPhoneCallEvent, relatedIncidents } from './phoneCalls';

type TelephonyRoutes = 'reportPhoneCall' | 'listPhoneCalls' | 'getIncidentCalls' | 'relatedIncidents' | 'linkFollowUp';

export const telephonyHandlers = (ctx: DispatchContext): Handlers<TelephonyRoutes> => ({
  reportPhoneCall: ({ body }, { actor }) => recordPhoneCallEvent(ctx, actor, body),
  // A dispatcher or supervisor of one centre reads its centre's calls only (issue 15): policies' centre scope.
  listPhoneCalls: ({ query }, { actor }) => listRecentCalls(ctx.db, query.minutes, readCentre(actor.principal, 'phoneCall.read')),
  getIncidentCalls: ({ params }, { actor }) => incidentCalls(ctx.db, actor.principal, params.id),
  relatedIncidents: ({ body }, { actor }) => relatedIncidents(ctx.db, actor.principal, body),
  linkFollowUp: async ({ params, body }, { actor }) => {
    const { entry, created } = await linkFollowUp(ctx, actor, params.id, body);
    return created ? entry : new Reply(200, entry);
  },
});
