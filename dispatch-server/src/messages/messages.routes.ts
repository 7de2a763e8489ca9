import { principalOf } from '../auth/requireAuth';
import type { DispatchContext } from '../dispatchContext';
import { Reply, type Handlers } from '../http/mountRoutes';
import { listMessages, sendMessage } from './messages';

export const messageHandlers = (ctx: DispatchContext): Handlers<'listMessages' | 'sendMessage'> => ({
  listMessages: ({ params }, { req }) => listMessages(ctx, principalOf(req), params.id),
  sendMessage: async ({ params, body }, { req }) => {
    const { message, created } = await sendMessage(ctx, principalOf(req), params.id, body);
    return created ? message : new Reply(200, message);
  },
});
