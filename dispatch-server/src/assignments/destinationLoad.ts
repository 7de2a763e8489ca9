import { HttpError } from '../http/errors';
import { appendAudit, type Actor } from '../audit/audit';
import type { DbClient } from '@dispatch/db';
import { assignmentSql } from './assignmentSql';

/**
 * A full (red) or closed hospital is a destination only on purpose: the dispatcher or crew confirms it, the server
 * refuses (409, code destination_load_unconfirmed) until they do, and the audit log keeps who confirmed which load.
 * The load is read inside the caller's transaction, so a hospital turning red while the dispatcher looked at blue
 * is caught here. The system itself (an automatic re-offer) keeps the destination a person already chose.
 */
export async function checkDestinationLoad(
  client: DbClient,
  actor: Actor,
  hospitalId: string,
  confirmed: boolean | undefined,
  target: { type: 'incident' | 'assignment'; id: string },
): Promise<void> {
  const hospital = await assignmentSql.hospitalBrief.one(client, { id: hospitalId });
  if (!hospital || (hospital.load_status !== 'red' && hospital.load_status !== 'closed') || !actor.principal) return;
  if (!confirmed) {
    throw new HttpError(
      409,
      `destinationHospitalId: ${hospital.name} is ${hospital.load_status === 'red' ? 'full (red)' : 'closed'}; confirm to send the patient there anyway`,
      { hospitalId, loadStatus: hospital.load_status },
      'destination_load_unconfirmed',
    );
  }
  await appendAudit(client, actor, 'assignment.destinationLoadConfirmed', target, { hospitalId, loadStatus: hospital.load_status });
}
