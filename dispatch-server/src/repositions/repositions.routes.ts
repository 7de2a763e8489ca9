import { principalOf } from '../auth/requireAuth';
import type { LiveCoverage } from '../coverage/liveCoverage';
import type { DispatchContext } from '../dispatchContext';
import type { Handlers } from '../http/mountRoutes';
import { readCentre } from '../policies/policies';
import { openReposition, reportReposition, sendReposition } from './repositions';

/** The live 30-minute circle, its move-up suggestions, and the repositions a dispatcher sends and a crew answers. */
export const repositionHandlers = (
  ctx: DispatchContext,
  live: LiveCoverage,
): Handlers<'liveCoverage' | 'moveUpSuggestions' | 'sendReposition' | 'getVehicleReposition' | 'reportReposition'> => ({
  // A centre's dispatchers and supervisors get their centre's figure and moves; the province's logins the whole province's.
  liveCoverage: (_, { req }) => live.current(readCentre(principalOf(req), 'coverage.read')),
  moveUpSuggestions: (_, { req }) => live.suggestions(readCentre(principalOf(req), 'coverage.read')),
  sendReposition: async ({ params, body }, { actor }) => {
    const reposition = await sendReposition(ctx, actor, params.id, body.stationId);
    live.touch();
    return reposition;
  },
  // Nothing (204) when the vehicle has no open reposition.
  getVehicleReposition: async ({ params }, { actor }) => (await openReposition(ctx, actor, params.id)) ?? undefined,
  reportReposition: async ({ params, body }, { actor }) => {
    const reposition = await reportReposition(ctx, actor, params.id, body);
    live.touch();
    return reposition;
  },
});
