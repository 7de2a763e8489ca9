import { principalOf } from '../auth/requireAuth';
import type { DispatchContext } from '../dispatchContext';
import type { Handlers } from '../http/mountRoutes';
import { readCentre } from '../policies/policies';
import { listAlerts, setAlertState } from './alerts';

export const alertHandlers = (ctx: DispatchContext): Handlers<'listAlerts' | 'setAlertState'> => ({
  listAlerts: (_request, { req }) => listAlerts(ctx, principalOf(req).userId, null, readCentre(principalOf(req), 'alert.read')),
  setAlertState: ({ body }, { actor }) => setAlertState(ctx.db, actor, body),
});
