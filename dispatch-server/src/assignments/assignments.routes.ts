import { principalOf } from '../auth/requireAuth';
import type { DispatchContext } from '../dispatchContext';
import { Reply, type Handlers } from '../http/mountRoutes';
import { changeDestination, sendNotice } from '../notices/notices';
import { getLiveOffer, getOffer } from './assignVehicle';
import { cancelAssignment } from './cancelAssignment';
import { recordVitals } from './recordVitals';
import { reportStatus } from './reportStatus';

type AssignmentRoutes =
  | 'getAssignment' | 'getVehicleAssignment' | 'reportStatus' | 'cancelAssignment' | 'changeDestination' | 'recordVitals' | 'sendNotice';

export const assignmentHandlers = (ctx: DispatchContext): Handlers<AssignmentRoutes> => ({
  getAssignment: ({ params }, { req }) => getOffer(ctx, principalOf(req), params.id),
  // Nothing (204) when the vehicle is free.
  getVehicleAssignment: async ({ params }, { req }) => (await getLiveOffer(ctx, principalOf(req), params.id)) ?? undefined,
  reportStatus: async ({ params, body }, { actor }) => {
    // A login bound to a vehicle is its crew's tablet.
    const outcome = await reportStatus(ctx, actor, params.id, body, actor.principal?.vehicleId ? 'tablet' : 'console');
    return outcome.applied ? outcome : new Reply(202, outcome);
  },
  cancelAssignment: ({ params, body }, { actor }) => cancelAssignment(ctx, actor, params.id, body),
  changeDestination: ({ params, body }, { actor }) => changeDestination(ctx, actor, params.id, body),
  recordVitals: ({ params, body }, { actor }) => recordVitals(ctx, actor, params.id, body),
  sendNotice: ({ params, body }, { actor }) => sendNotice(ctx, actor, params.id, body.hospitalId),
});
