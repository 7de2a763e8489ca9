import { z } from 'zod';

/**
 * What a dispatcher must not miss, each with its own sound: a new call; a call still without a vehicle after the
 * centre's limit for its priority; a crew that let its acknowledgement deadline pass; a call the system re-offered
 * to another vehicle; a hospital that did not acknowledge its notice.
 */
export const AlertKind = z.enum(['newCall', 'unassigned', 'ackOverdue', 'reoffer', 'escalation']);
export type AlertKind = z.infer<typeof AlertKind>;

/** The most urgent first: the order of the alert list and which sound wins when several start at once. */
export const ALERT_URGENCY: readonly AlertKind[] = ['unassigned', 'ackOverdue', 'escalation', 'reoffer', 'newCall'];

/** One dispatcher's decision on an alert: still to see, seen (acknowledged), or seen and silenced while it lasts (muted). */
export const AlertState = z.enum(['active', 'acknowledged', 'muted']);
export type AlertState = z.infer<typeof AlertState>;

/**
 * `kind:subject id`, derived from what it is about, so it stays the same across reloads: `newCall:<incident>`,
 * `unassigned:<incident>` (or `:<the task last withdrawn>` when the call waits again), `ackOverdue:<task>`,
 * `reoffer:<task>`, `escalation:<notice>`.
 */
export const AlertId = z.string().regex(/^(newCall|unassigned|ackOverdue|reoffer|escalation):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'kind:uuid, e.g. unassigned:<incident id>');

export const AlertDto = z.object({
  id: AlertId,
  kind: AlertKind,
  incidentId: z.uuid(),
  incidentNumber: z.number(),
  priority: z.number(),
  /** When the condition began (the call, the deadline passed, the re-offer, the escalation). */
  raisedAt: z.string(),
  /** The vehicle's call sign (acknowledgement, re-offer) or the hospital's name (escalation). */
  subject: z.string().nullable(),
  /** This dispatcher's decision; a pushed alert is `active`. */
  state: AlertState,
});
export type AlertDto = z.infer<typeof AlertDto>;

export const AlertStateRequest = z.object({ alertId: AlertId, state: AlertState });
export type AlertStateRequest = z.infer<typeof AlertStateRequest>;

/** Seconds a call of priority 1…4 may wait without a vehicle before the `unassigned` alert: the server's UNASSIGNED_ALERT_S. */
export const UnassignedAlertSeconds = z.tuple([z.number(), z.number(), z.number(), z.number()]);
