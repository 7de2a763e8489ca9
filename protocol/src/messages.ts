import { z } from 'zod';
import { Timestamp } from './domain';
import { Refused, text } from './validation';

/** The longest message of the task channel, in characters. */
export const MESSAGE_MAX_CHARS = 500;

/** A crew's one-tap replies; each side shows the code in its own language. */
export const QuickReply = z.enum(['received', 'arrived', 'need_backup', 'caller_unreachable']);
export type QuickReply = z.infer<typeof QuickReply>;

/** One message of a task's channel between the dispatch centre and the crew. */
export const SendMessageRequest = z.object({
  /** The sender's own id: a replay (outbox, retry) stores and pushes the message once. */
  messageId: z.uuid(),
  text: text(MESSAGE_MAX_CHARS).trim().min(1),
  quickReply: QuickReply.optional(),
  /** When it was written on the device; the server's clock when absent. */
  deviceTime: Timestamp.optional(),
});
export type SendMessageRequest = z.input<typeof SendMessageRequest>;

export const MessageDto = z.object({
  id: z.uuid(),
  incidentId: z.uuid(),
  assignmentId: z.uuid(),
  side: z.enum(['dispatch', 'crew']),
  /** Who wrote it: the login's display name or username. */
  author: z.string().nullable(),
  text: z.string(),
  quickReply: QuickReply.nullable(),
  deviceTime: z.string(),
  receivedAt: z.string(),
});
export type MessageDto = z.infer<typeof MessageDto>;

/** The socket answer to `message.sent`: the message as stored (also for a replay), or the REST refusal. */
export const MessageSendResult = z.union([z.object({ ok: z.literal(true), message: MessageDto }), Refused]);
export type MessageSendResult = z.infer<typeof MessageSendResult>;
