import { principalOf } from '../auth/requireAuth';
import type { DispatchContext } from '../dispatchContext';
import type { Handlers } from '../http/mountRoutes';
import { listAlerts, setAlertState } from './alerts';

export const alertHandlers = (ctx: DispatchContext): Handlers<'listAlerts' | 'setAlertState'> => ({
  listAlerts: (_request, { req }) => listAlerts(ctx, principalOf(req).userId),
  setAlertState: ({ body }, { actor }) => setAlertState(ctx.db, actor, body),
});
