import { AlertDto, AlertStateRequest, rooms } from '@dispatch/protocol';
import { dtoRow, sqlFile, type Queryable } from '@dispatch/db';
import { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import type { DispatchContext } from '../dispatchContext';

const sql = sqlFile(new URL('./alerts.sql', import.meta.url), {
  live: {
    params: z.object({ userId: z.string().nullable(), incidentId: z.string().nullable(), unassignedS: z.array(z.number().int()) }),
    row: dtoRow(AlertDto),
  },
  setState: { params: z.object({ userId: z.string(), alertId: z.string(), state: z.enum(['acknowledged', 'muted']) }) },
  clearState: { params: z.object({ userId: z.string(), alertId: z.string() }) },
  waitingForFirstVehicle: { row: z.object({ id: z.string(), priority: z.number(), call_received_at: z.date() }) },
});

/**
 * The alerts whose condition holds now, each with this login's acknowledgement or mute. Derived from the
 * incidents, tasks and notices on every read, so they cannot drift from them, and a reload or a second
 * workstation sees the same list; only the per-login decision is stored (alert_states).
 * @param userId the caller; null reads every alert as `active` (timers)
 */
export async function listAlerts(ctx: Pick<DispatchContext, 'db' | 'policy'>, userId: string | null, incidentId: string | null = null): Promise<AlertDto[]> {
  return sql.live.rows(ctx.db, { userId, incidentId, unassignedS: ctx.policy.unassignedAlertS });
}

/** The caller acknowledges, mutes or re-activates one alert for itself; audited like every dispatch action. */
export async function setAlertState(db: Queryable, actor: Actor, request: AlertStateRequest): Promise<AlertStateRequest> {
  const userId = actor.principal?.userId;
  if (!userId) throw new Error('setAlertState needs a signed-in caller');
  const { alertId, state } = AlertStateRequest.parse(request);
  if (state === 'active') await sql.clearState.run(db, { userId, alertId });
  else await sql.setState.run(db, { userId, alertId, state });
  const [kind, subjectId] = alertId.split(':') as [string, string];
  await appendAudit(db, actor, `alert.${state}`, { type: kind === 'escalation' ? 'notice' : kind === 'ackOverdue' || kind === 'reoffer' ? 'assignment' : 'incident', id: subjectId }, { alertId });
  return { alertId, state };
}

/** Seconds a call of this priority may wait without a vehicle (priorities outside 1…4 take the last limit). */
export const unassignedLimitS = (ctx: Pick<DispatchContext, 'policy'>, priority: number): number =>
  ctx.policy.unassignedAlertS[Math.min(Math.max(priority, 1), ctx.policy.unassignedAlertS.length) - 1]!;

/** Arms the `unassigned` timer of a new call: it fires when the call's limit passes (harmless if it is dispatched by then). */
export async function armUnassignedAlert(ctx: DispatchContext, incident: { id: string; priority: number; callReceivedAt: string | Date }): Promise<void> {
  const due = new Date(incident.callReceivedAt).getTime() + unassignedLimitS(ctx, incident.priority) * 1000;
  await ctx.timers.schedule('unassignedAlert', { incidentId: incident.id }, incident.id, due - Date.now());
}

/**
 * A call's waiting limit passed (the `unassignedAlert` timer). Nothing in the incident changes at that instant, so the consoles are
 * told with `alert.raised`, but only when the call still has no vehicle (a late or repeated firing tells nobody).
 */
export async function raiseUnassignedAlert(ctx: DispatchContext, incidentId: string): Promise<void> {
  const alert = (await listAlerts(ctx, null, incidentId)).find((a) => a.kind === 'unassigned');
  if (alert) ctx.events.publish(rooms.dispatchers, 'alert.raised', alert);
}

/**
 * Re-arms the timers of calls still waiting for their first vehicle whose limit is ahead (reconciliation, after a
 * Redis loss); a limit already passed shows in every console's list without a push.
 */
export async function rearmUnassignedAlerts(ctx: DispatchContext): Promise<number> {
  const now = Date.now();
  let armed = 0;
  for (const row of await sql.waitingForFirstVehicle.rows(ctx.db)) {
    if (row.call_received_at.getTime() + unassignedLimitS(ctx, row.priority) * 1000 <= now) continue;
    await armUnassignedAlert(ctx, { id: row.id, priority: row.priority, callReceivedAt: row.call_received_at });
    armed++;
  }
  return armed;
}
