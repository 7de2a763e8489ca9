import { Vitals } from '@dispatch/protocol';
import { appendAudit, type Actor } from '../audit/audit';
import { inTransaction, isUuid } from '@dispatch/db';
import type { DispatchContext } from '../dispatchContext';
import { notFound } from '../http/errors';
import { authorize } from '../policies/policies';
import { assignmentSql } from './assignmentSql';

/** Stores the latest vital signs a crew measured; they travel with the hospital notice (FHIR export). */
export async function recordVitals(ctx: DispatchContext, actor: Actor, assignmentId: string, input: unknown): Promise<Vitals> {
  const vitals = Vitals.parse(input);
  if (!isUuid(assignmentId)) throw notFound(`assignment ${assignmentId}`);
  await inTransaction(ctx.db, async (client) => {
    const row = (await client.query(assignmentSql.lock, [assignmentId])).rows[0];
    if (!row) throw notFound(`assignment ${assignmentId}`);
    authorize(actor.principal, 'assignment.recordVitals', { vehicleId: row.vehicle_id });
    await client.query('UPDATE assignments SET vitals = $2, vitals_measured_at = $3 WHERE id = $1', [assignmentId, vitals, vitals.measuredAt]);
    await appendAudit(client, actor, 'assignment.vitalsRecorded', { type: 'assignment', id: assignmentId });
  });
  return vitals;
}
