import { readQueries } from '@dispatch/db';
import type { DispatchContext } from '../dispatchContext';

const sql = readQueries(new URL('./reconcileTimers.sql', import.meta.url), ['pendingAcks', 'pendingNotices']);

/**
 * The database is the record of which timers must exist: every assignment still waiting for its crew and
 * every notice still waiting for its hospital. Scheduling them again is harmless (one job id per subject),
 * so this repairs whatever Redis lost (a restart without its file, an outage during a dispatch) and re-arms a
 * job that gave up in BullMQ's failed set (schedule replaces it); it runs at start and periodically, and fails
 * harmlessly while the database is away. A deadline already past fires at once.
 */
export async function reconcileTimers(ctx: DispatchContext): Promise<{ acks: number; notices: number }> {
  const now = Date.now();
  const [acks, notices] = await Promise.all([ctx.db.query(sql.pendingAcks), ctx.db.query(sql.pendingNotices)]);
  for (const row of acks.rows) {
    // The same instant buildOffer tells the crew as its acknowledgement deadline.
    const due = (row.dispatched_at as Date).getTime() + ctx.policy.ackTimeoutS * 1000;
    await ctx.timers.schedule('ackTimeout', { assignmentId: row.id }, row.id, due - now);
  }
  for (const row of notices.rows) {
    const due = (row.sent_at as Date).getTime() + ctx.policy.hospitalAckTimeoutS * 1000;
    await ctx.timers.schedule('noticeEscalation', { noticeId: row.id }, row.id, due - now);
  }
  return { acks: acks.rowCount ?? 0, notices: notices.rowCount ?? 0 };
}
