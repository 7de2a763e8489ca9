import { sqlFile } from '@dispatch/db';
import { z } from 'zod';
import { rearmUnassignedAlerts } from '../alerts/alerts';
import type { DispatchContext } from '../dispatchContext';
import { transferSql } from '../transfers/transfers';

const sql = sqlFile(new URL('./reconcileTimers.sql', import.meta.url), {
  pendingAcks: { row: z.object({ id: z.string(), dispatched_at: z.date() }) },
  pendingNotices: { row: z.object({ id: z.string(), sent_at: z.date() }) },
});

/**
 * The database is the record of which timers must exist: every assignment still waiting for its crew and
 * every notice still waiting for its hospital. Scheduling them again is harmless (one job id per subject),
 * so this repairs whatever Redis lost (a restart without its file, an outage during a dispatch) and re-arms a
 * job that gave up in BullMQ's failed set (schedule replaces it); it runs at start and periodically, and fails
 * harmlessly while the database is away. A deadline already past fires at once.
 */
export async function reconcileTimers(ctx: DispatchContext): Promise<{ acks: number; notices: number; unassigned: number; transfers: number }> {
  const now = Date.now();
  const [acks, notices] = await Promise.all([sql.pendingAcks.rows(ctx.db), sql.pendingNotices.rows(ctx.db)]);
  for (const row of acks) {
    // The same instant buildOffer tells the crew as its acknowledgement deadline.
    const due = row.dispatched_at.getTime() + ctx.policy.ackTimeoutS * 1000;
    await ctx.timers.schedule('ackTimeout', { assignmentId: row.id }, row.id, due - now);
  }
  for (const row of notices) {
    const due = row.sent_at.getTime() + ctx.policy.hospitalAckTimeoutS * 1000;
    await ctx.timers.schedule('noticeEscalation', { noticeId: row.id }, row.id, due - now);
  }
  const unassigned = await rearmUnassignedAlerts(ctx);
  // Accepted transfers not yet queued; one due while nobody ran (a restart) is queued at once.
  const transfers = await transferSql.pendingDue.rows(ctx.db);
  for (const row of transfers) {
    await ctx.timers.schedule('transferDue', { transferId: row.id }, row.id, (row.scheduled_at?.getTime() ?? now) - now);
  }
  return { acks: acks.length, notices: notices.length, unassigned, transfers: transfers.length };
}
