import { MessageDto, rooms, SendMessageRequest, timeProblem, MAX_FIX_AGE_MS, type Principal } from '@dispatch/protocol';
import { dtoRow, isUuid, sqlFile } from '@dispatch/db';
import { z } from 'zod';
import { staffRoomsOfIncident } from '../centres/centres';
import type { DispatchContext } from '../dispatchContext';
import { HttpError, notFound } from '../http/errors';
import { authorize } from '../policies/policies';

const nullableText = z.string().nullable();
const sql = sqlFile(new URL('./messages.sql', import.meta.url), {
  task: {
    params: z.object({ id: z.string() }),
    row: z.object({ id: z.string(), incident_id: z.string(), vehicle_id: z.string(), status: z.string(), ended_at: z.date().nullable() }),
  },
  insert: {
    params: z.object({
      id: z.string(), incidentId: z.string(), assignmentId: z.string(), userId: nullableText, side: z.enum(['dispatch', 'crew']),
      body: z.string(), quickReply: nullableText, deviceTime: z.string(),
    }),
    row: z.object({ id: z.string() }),
  },
  list: { params: z.object({ assignmentId: nullableText, id: nullableText }), row: dtoRow(MessageDto) },
});

async function taskOf(ctx: DispatchContext, assignmentId: string) {
  const task = isUuid(assignmentId) ? await sql.task.one(ctx.db, { id: assignmentId }) : undefined;
  if (!task) throw notFound(`assignment ${assignmentId}`);
  return task;
}

/** The task's channel, oldest first: the dispatchers and the crew of the task's own vehicle only. */
export async function listMessages(ctx: DispatchContext, principal: Principal, assignmentId: string): Promise<MessageDto[]> {
  const task = await taskOf(ctx, assignmentId);
  authorize(principal, 'message.read', { vehicleId: task.vehicle_id });
  return sql.list.rows(ctx.db, { assignmentId: task.id, id: null });
}

/**
 * Stores a message of the task's channel and pushes it (`message.posted`) to the dispatchers and the task's vehicle.
 * The sender's messageId makes it idempotent: a replay answers the stored message (created: false) and pushes
 * nothing again; the same id on another task is refused. A task that ended (cancelled, re-offered, back at base)
 * takes no more messages (409); its drive back after "back in service" still does. The text is never logged.
 */
export async function sendMessage(
  ctx: DispatchContext,
  principal: Principal,
  assignmentId: string,
  input: SendMessageRequest,
): Promise<{ message: MessageDto; created: boolean }> {
  const task = await taskOf(ctx, assignmentId);
  authorize(principal, 'message.send', { vehicleId: task.vehicle_id });
  const request = SendMessageRequest.parse(input);
  if (request.deviceTime) {
    const problem = timeProblem(request.deviceTime, Date.now(), MAX_FIX_AGE_MS);
    if (problem) throw new HttpError(400, `deviceTime: ${problem}`);
  }
  const stored = async () => (await sql.list.one(ctx.db, { assignmentId: null, id: request.messageId })) ?? null;
  const earlier = await stored();
  if (earlier) return { message: sameTask(earlier, task.id), created: false };
  if (task.ended_at && task.status !== 'back_in_service') throw new HttpError(409, 'assignment: the task has ended; its messages can be read but not added to', undefined, 'task_ended');
  // Only a crew login carries a vehicle: its messages are the crew's side of the channel.
  const side = principal.vehicleId ? 'crew' : 'dispatch';
  const inserted = await sql.insert.one(ctx.db, {
    id: request.messageId,
    incidentId: task.incident_id,
    assignmentId: task.id,
    userId: principal.userId,
    side,
    body: request.text,
    // A quick reply is the crew's; a dispatcher's message is text only.
    quickReply: side === 'crew' ? (request.quickReply ?? null) : null,
    deviceTime: request.deviceTime ?? new Date().toISOString(),
  });
  const message = await stored();
  if (!message) throw new Error('a message was not found right after its insert');
  if (!inserted) return { message: sameTask(message, task.id), created: false };
  ctx.events.publish([...(await staffRoomsOfIncident(ctx.db, task.incident_id)), rooms.vehicle(task.vehicle_id)], 'message.posted', message);
  return { message, created: true };
}

/** A message id already used on another task is the sender's mistake, not a replay. */
function sameTask(message: MessageDto, assignmentId: string): MessageDto {
  if (message.assignmentId !== assignmentId) throw new HttpError(409, 'messageId: already used for a message of another task; send a new id');
  return message;
}
