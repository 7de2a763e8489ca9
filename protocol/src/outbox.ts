import { z } from 'zod';
import { TaskStatus, Timestamp } from './domain';
import { Refused, text } from './validation';

/**
 * What a crew agent tells the dispatch centre about an event it could not deliver: after repeated server faults it
 * parks the event (`stuck`) so that later steps and positions still go, and the crew then sends it again (`retried`)
 * or gives it up (`discarded`). Audited, and pushed to every console as `crew.eventStuck`.
 */
export const StuckEventReport = z.object({
  /** The status step's event id; for a batch of positions, an id the agent made up for it. */
  id: z.uuid(),
  state: z.enum(['stuck', 'retried', 'discarded']),
  kind: z.enum(['status', 'position', 'message']),
  /** Events parked together: one status step, or a batch of positions. */
  count: z.number().int().min(1).max(100_000),
  assignmentId: z.uuid().optional(),
  status: TaskStatus.optional(),
  /** The device time of the (first) event. */
  deviceTime: Timestamp,
  /** The last answer the server gave for it. */
  httpStatus: z.number().int().min(0).max(599),
  error: text(500),
  attempts: z.number().int().min(0).max(10_000),
});
export type StuckEventReport = z.infer<typeof StuckEventReport>;

/** `crew.eventStuck` to the dispatchers: the report, with the vehicle it came from. */
export const StuckEventNotice = StuckEventReport.extend({ vehicleId: z.string(), reportedAt: z.string() });
export type StuckEventNotice = z.infer<typeof StuckEventNotice>;

export const StuckEventResult = z.union([z.object({ ok: z.literal(true) }), Refused]);
export type StuckEventResult = z.infer<typeof StuckEventResult>;
