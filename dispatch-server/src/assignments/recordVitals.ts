import type { Vitals } from '@dispatch/protocol';
import { appendAudit, type Actor } from '../audit/audit';
import { inTransaction, isUuid } from '@dispatch/db';
import type { DispatchContext } from '../dispatchContext';
import { notFound } from '../http/errors';
import { authorize } from '../policies/policies';
import { appendVitals, publishEntry } from '../consultations/consultations';
import { assignmentSql } from './assignmentSql';

/**
 * Stores the latest vital signs a crew measured, which travel with the hospital notice, and keeps each measurement as
 * a point of the patient's consultation series (pushed to the crew, the receiving hospital and the dispatchers).
 */
export async function recordVitals(ctx: DispatchContext, actor: Actor, assignmentId: string, vitals: Vitals): Promise<Vitals> {
  if (!isUuid(assignmentId)) throw notFound(`assignment ${assignmentId}`);
  const entryId = await inTransaction(ctx.db, async (client) => {
    const row = await assignmentSql.lock.one(client, { id: assignmentId });
    if (!row) throw notFound(`assignment ${assignmentId}`);
    authorize(actor.principal, 'assignment.recordVitals', { vehicleId: row.vehicle_id });
    await assignmentSql.setVitals.run(client, { id: assignmentId, vitals, measuredAt: vitals.measuredAt });
    await appendAudit(client, actor, 'assignment.vitalsRecorded', { type: 'assignment', id: assignmentId });
    return appendVitals(client, actor.principal, row, vitals);
  });
  if (entryId) await publishEntry(ctx, entryId);
  return vitals;
}
