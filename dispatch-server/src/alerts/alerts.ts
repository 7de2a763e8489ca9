import { AlertDto, AlertStateRequest } from '@dispatch/protocol';
import { dtoRow, sqlFile, type Queryable } from '@dispatch/db';
import { z } from 'zod';
import { staffRoomsOfIncident } from '../centres/centres';
import { appendAudit, type Actor } from '../audit/audit';
import type { DispatchContext } from '../dispatchContext';

const sql = sqlFile(new URL('./alerts.sql', import.meta.url), {
  live: {
    params: z.object({ userId: z.string().nullable(), incidentId: z.string().nullable(), centreId: z.string().nullable(), unassignedS: z.array(z.number().int()) }),
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
/** @param centreId one centre's alerts (a dispatcher's, issue 15), or null for every centre's */
export async function listAlerts(ctx: Pick<DispatchContext, 'db' | 'policy'>, userId: string | null, incidentId: string | null = null, centreId: string | null = null): Promise<AlertDto[]> {
  return sql.live.rows(ctx.db, { userId, incidentId, centreId, unassignedS: ctx.policy.unassignedAlertS });
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

/**
 * A call was taken: the consoles hear of it at once (`alert.raised`, newCall), and its `unassigned` timer is armed
 * to fire when the call's limit passes (harmless if it is dispatched by then). Neither fails the intake: a push
 * that cannot be made shows in the next read of the list, a timer that cannot be armed is re-armed by reconciliation.
 */
export async function alertNewCall(ctx: DispatchContext, incident: { id: string; priority: number; callReceivedAt: string | Date }): Promise<void> {
  await Promise.all([
    pushAlert(ctx, incident.id, 'newCall').catch((error) => ctx.log.warn({ err: (error as Error).message, incidentId: incident.id }, 'new-call alert push failed')),
    armUnassignedAlert(ctx, incident),
  ]);
}

/** Arms the `unassigned` timer of a call: it fires when the call's limit passes (harmless if it is dispatched by then). */
export async function armUnassignedAlert(ctx: DispatchContext, incident: { id: string; priority: number; callReceivedAt: string | Date }): Promise<void> {
  const due = new Date(incident.callReceivedAt).getTime() + unassignedLimitS(ctx, incident.priority) * 1000;
  await ctx.timers.schedule('unassignedAlert', { incidentId: incident.id }, incident.id, due - Date.now());
}

/**
 * Pushes an alert to the consoles (`alert.raised`) if its condition holds now: a new call right after intake (so the
 * first sound needs no read of the list), a call past its waiting limit when its timer fires (nothing in the incident
 * changes at that instant). A late or repeated firing finds the condition gone and tells nobody.
 */
export async function pushAlert(ctx: DispatchContext, incidentId: string, kind: AlertDto['kind']): Promise<void> {
  const alert = (await listAlerts(ctx, null, incidentId)).find((a) => a.kind === kind);
  if (alert) ctx.events.publish(await staffRoomsOfIncident(ctx.db, incidentId), 'alert.raised', alert);
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
