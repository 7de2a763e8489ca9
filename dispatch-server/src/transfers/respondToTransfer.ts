import type { Principal, TransferDto } from '@dispatch/protocol';
import { inTransaction, isUuid } from '@dispatch/db';
import { appendAudit, type Actor } from '../audit/audit';
import type { DispatchContext } from '../dispatchContext';
import { HttpError, notFound } from '../http/errors';
import { authorize } from '../policies/policies';
import { queueTransfer } from './queueTransfer';
import { announceTransfer, transferSql } from './transfers';

/**
 * The receiving hospital answers a request: accepted, the transfer enters the dispatch queue when it is due (now, or
 * at its scheduled time by the durable `transferDue` timer, holding no vehicle until then); declined, with the reason,
 * it goes back to the sender's board. Only the receiving hospital answers, and only once (409 after).
 * @param answer `{ accept: true }` or `{ accept: false, reason }`
 */
export async function respondToTransfer(
  ctx: DispatchContext,
  actor: Actor & { principal: Principal },
  transferId: string,
  answer: { accept: true } | { accept: false; reason: string },
): Promise<TransferDto> {
  if (!isUuid(transferId)) throw notFound(`transfer ${transferId}`);
  const accepted = await inTransaction(ctx.db, async (client) => {
    const transfer = await transferSql.lock.one(client, { id: transferId });
    if (!transfer) throw notFound(`transfer ${transferId}`);
    authorize(actor.principal, 'transfer.respond', { hospitalId: transfer.to_hospital_id, centreId: transfer.centres });
    if (transfer.status !== 'requested') throw new HttpError(409, `transfer #${transfer.number} is already ${transfer.status}`);
    const status = answer.accept ? 'accepted' : 'declined';
    await transferSql.respond.run(client, { id: transferId, status, reason: answer.accept ? null : answer.reason, userId: actor.principal.userId });
    await appendAudit(client, actor, `transfer.${status}`, { type: 'transfer', id: transferId }, answer.accept ? {} : { reason: answer.reason });
    return answer.accept ? transfer : null;
  });
  if (accepted) {
    const delay = accepted.scheduled_at ? accepted.scheduled_at.getTime() - Date.now() : 0;
    // Due now: queued at once (the timer is only the durable way to get here later; the reconciliation re-arms it).
    if (delay > 0) await ctx.timers.schedule('transferDue', { transferId }, transferId, delay);
    else await queueTransfer(ctx, transferId);
  }
  return announceTransfer(ctx, transferId);
}
