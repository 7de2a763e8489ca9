import type { Principal, TransferDto } from '@dispatch/protocol';
import { inTransaction, isUuid } from '@dispatch/db';
import { appendAudit, type Actor } from '../audit/audit';
import type { DispatchContext } from '../dispatchContext';
import { HttpError, notFound } from '../http/errors';
import { incidentSql } from '../incidents/incidents';
import { enqueueEffect } from '../outbox/outbox';
import { authorize } from '../policies/policies';
import { announceTransfer, transferSql } from './transfers';

/**
 * The requesting hospital (or a dispatcher) withdraws a transfer before a vehicle is on it: a request not yet answered,
 * an accepted one not yet due (its timer stops), or one waiting in the queue (its incident is cancelled, so it leaves
 * the queue). Once a vehicle is on it, it is the dispatch centre's to cancel (409).
 */
export async function cancelTransfer(ctx: DispatchContext, actor: Actor & { principal: Principal }, transferId: string, reason: string): Promise<TransferDto> {
  if (!isUuid(transferId)) throw notFound(`transfer ${transferId}`);
  const incidentId = await inTransaction(ctx.db, async (client) => {
    const first = await transferSql.lock.one(client, { id: transferId });
    if (!first) throw notFound(`transfer ${transferId}`);
    // The incident locked before the check: a dispatcher assigning a vehicle at this moment either commits first (and
    // the check below sees the vehicle) or waits for this cancellation.
    if (first.incident_id) await incidentSql.lockIncident.one(client, { id: first.incident_id });
    const transfer = first.incident_id ? (await transferSql.lock.one(client, { id: transferId }))! : first;
    authorize(actor.principal, 'transfer.cancel', { hospitalId: transfer.from_hospital_id, centreId: transfer.centres });
    if (transfer.status === 'declined' || transfer.status === 'cancelled') throw new HttpError(409, `transfer #${transfer.number} is already ${transfer.status}`);
    if (transfer.dispatched || transfer.incident_status === 'assigned') {
      throw new HttpError(409, `a vehicle is on transfer #${transfer.number}: ask the dispatch centre to cancel it`);
    }
    if (transfer.incident_status && !['open', 'queued'].includes(transfer.incident_status)) {
      throw new HttpError(409, `transfer #${transfer.number} is no longer waiting (its incident is ${transfer.incident_status})`);
    }
    await transferSql.cancel.run(client, { id: transferId, reason, userId: actor.principal.userId });
    if (transfer.incident_id) {
      await incidentSql.setStatus.run(client, { id: transfer.incident_id, status: 'cancelled', cancelledReason: reason });
      await appendAudit(client, actor, 'incident.cancelled', { type: 'incident', id: transfer.incident_id }, { reason, transferId });
      await enqueueEffect(client, transfer.incident_id, 'incident.updated', { incidentId: transfer.incident_id });
    }
    await appendAudit(client, actor, 'transfer.cancelled', { type: 'transfer', id: transferId }, { reason, incidentId: transfer.incident_id });
    return transfer.incident_id;
  });
  await ctx.timers.cancel('transferDue', transferId);
  if (incidentId) await ctx.outbox.flush(incidentId);
  return announceTransfer(ctx, transferId);
}
