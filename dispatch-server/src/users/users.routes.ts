import type { Db } from '@dispatch/db';
import type { TokenService } from '../auth/tokens';
import type { Handlers } from '../http/mountRoutes';
import { createUser, listUsers, resetUserPassword, setUserDisabled } from './users';

// A disabled login or a reset password ends the login's sessions; this process also drops what it cached of them.
export const userHandlers = (db: Db, tokens: TokenService): Handlers<'listUsers' | 'createUser' | 'setUserDisabled' | 'resetUserPassword'> => ({
  listUsers: () => listUsers(db),
  createUser: ({ body }, { actor }) => createUser(db, actor, body),
  setUserDisabled: async ({ params, body }, { actor }) => {
    const user = await setUserDisabled(db, actor, params.id, body.disabled);
    tokens.forget(user.id);
    return user;
  },
  resetUserPassword: async ({ params }, { actor }) => {
    const reset = await resetUserPassword(db, actor, params.id);
    tokens.forget(reset.user.id);
    return reset;
  },
});
