import type { Principal } from '@dispatch/protocol';
import { principalOf } from '../auth/requireAuth';
import { authorizeTaskCentre } from '../centres/centres';
import type { Action } from '../policies/policies';
import type { DispatchContext } from '../dispatchContext';
import { Reply, type Handlers } from '../http/mountRoutes';
import { changeDestination, sendNotice } from '../notices/notices';
import { getLiveOffer, getOffer } from './assignVehicle';
import { cancelAssignment } from './cancelAssignment';
import { recordVitals } from './recordVitals';
import { reportStatus } from './reportStatus';

type AssignmentRoutes =
  | 'getAssignment' | 'getVehicleAssignment' | 'reportStatus' | 'cancelAssignment' | 'changeDestination' | 'recordVitals' | 'sendNotice';

// A dispatcher of one centre acts on its centre's tasks and those of its vehicles' help (issue 15).
const inCentre = (ctx: DispatchContext, principal: Principal | null, action: Action, assignmentId: string) =>
  authorizeTaskCentre(ctx.db, principal, action, assignmentId);

export const assignmentHandlers = (ctx: DispatchContext): Handlers<AssignmentRoutes> => ({
  getAssignment: async ({ params }, { req }) => {
    await inCentre(ctx, principalOf(req), 'assignment.read', params.id);
    return getOffer(ctx, principalOf(req), params.id);
  },
  // Nothing (204) when the vehicle is free.
  getVehicleAssignment: async ({ params }, { req }) => (await getLiveOffer(ctx, principalOf(req), params.id)) ?? undefined,
  reportStatus: async ({ params, body }, { actor }) => {
    await inCentre(ctx, actor.principal, 'assignment.report', params.id);
    // A login bound to a vehicle is its crew's tablet.
    const outcome = await reportStatus(ctx, actor, params.id, body, actor.principal?.vehicleId ? 'tablet' : 'console');
    return outcome.applied ? outcome : new Reply(202, outcome);
  },
  cancelAssignment: async ({ params, body }, { actor }) => {
    await inCentre(ctx, actor.principal, 'incident.dispatch', params.id);
    return cancelAssignment(ctx, actor, params.id, body);
  },
  changeDestination: async ({ params, body }, { actor }) => {
    await inCentre(ctx, actor.principal, 'assignment.changeDestination', params.id);
    return changeDestination(ctx, actor, params.id, body);
  },
  recordVitals: async ({ params, body }, { actor }) => {
    await inCentre(ctx, actor.principal, 'assignment.recordVitals', params.id);
    return recordVitals(ctx, actor, params.id, body);
  },
  sendNotice: async ({ params, body }, { actor }) => {
    await inCentre(ctx, actor.principal, 'incident.dispatch', params.id);
    return sendNotice(ctx, actor, params.id, body.hospitalId);
  },
});
