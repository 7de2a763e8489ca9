import type { DispatchContext } from '../dispatchContext';
import { Reply, type Handlers } from '../http/mountRoutes';
import { incidentCalls, linkFollowUp, listRecentCalls, recordPhoneCallEvent, relatedIncidents } from './phoneCalls';

type TelephonyRoutes = 'reportPhoneCall' | 'listPhoneCalls' | 'getIncidentCalls' | 'relatedIncidents' | 'linkFollowUp';

export const telephonyHandlers = (ctx: DispatchContext): Handlers<TelephonyRoutes> => ({
  reportPhoneCall: ({ body }, { actor }) => recordPhoneCallEvent(ctx, actor, body),
  listPhoneCalls: ({ query }) => listRecentCalls(ctx.db, query.minutes),
  getIncidentCalls: ({ params }) => incidentCalls(ctx.db, params.id),
  relatedIncidents: ({ body }) => relatedIncidents(ctx.db, body),
  linkFollowUp: async ({ params, body }, { actor }) => {
    const { entry, created } = await linkFollowUp(ctx, actor, params.id, body);
    return created ? entry : new Reply(200, entry);
  },
});
