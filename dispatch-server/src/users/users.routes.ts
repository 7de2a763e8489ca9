import type { DispatchContext } from '../dispatchContext';
import type { TokenService } from '../auth/tokens';
import type { Handlers } from '../http/mountRoutes';
import { announceChange, announced } from '../resources/announce';
import { userPage } from './userPage';
import { createUser, listUsers, resetUserPassword, setUserCentre, setUserDisabled } from './users';

// A disabled login, a reset password or a new centre ends the login's sessions; this process also drops what it cached of them.
export const userHandlers = (
  { db, events }: DispatchContext,
  tokens: TokenService,
): Handlers<'listUsers' | 'userPage' | 'createUser' | 'setUserDisabled' | 'resetUserPassword' | 'setUserCentre'> => ({
  listUsers: () => listUsers(db),
  userPage: ({ query }) => userPage(db, query),
  createUser: ({ body }, { actor }) => announced(events, 'user', createUser(db, actor, body)),
  setUserDisabled: async ({ params, body }, { actor }) => {
    const user = await setUserDisabled(db, actor, params.id, body.disabled);
    tokens.forget(user.id);
    announceChange(events, 'user', user.id);
    return user;
  },
  setUserCentre: async ({ params, body }, { actor }) => {
    const user = await setUserCentre(db, actor, params.id, body.centreId);
    tokens.forget(user.id);
    announceChange(events, 'user', user.id);
    return user;
  },
  resetUserPassword: async ({ params }, { actor }) => {
    const reset = await resetUserPassword(db, actor, params.id);
    tokens.forget(reset.user.id);
    announceChange(events, 'user', reset.user.id);
    return reset;
  },
});
