import type { MessageSendResult } from '@dispatch/protocol';
import type { DispatchContext } from '../dispatchContext';
import { answerFor } from '../http/errors';
import { permit, socketActions } from '../policies/policies';
import type { Gateway } from '../realtime/gateway';
import { sendMessage } from './messages';

/**
 * `message.sent`: a crew agent delivers a message from its outbox (the console uses REST). The same command as
 * the REST route; the acknowledgement carries the stored message, or the refusal a REST answer would have carried.
 */
export function registerMessageHandlers(io: Gateway, ctx: DispatchContext): void {
  io.on('connection', (socket) => {
    const principal = socket.data.principal;
    socket.on('message.sent', async (input, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      let result: MessageSendResult;
      try {
        permit(principal, socketActions['message.sent']);
        const { assignmentId, ...request } = input ?? ({} as typeof input);
        result = { ok: true, message: (await sendMessage(ctx, principal, String(assignmentId), request)).message };
      } catch (error) {
        const { status, error: message } = answerFor(error);
        // The error, never the message text (answerFor's message names fields, not their values).
        if (status >= 500 && status !== 503) ctx.log.error({ err: error }, 'message.sent failed');
        result = { ok: false, status, error: message };
      }
      reply(result);
    });
  });
}
