import { isUuid, type Queryable } from '@dispatch/db';
import type { Actor } from '../audit/audit';
import { HttpError } from '../http/errors';
import { telephonySql } from './telephonySql';

export interface LinkedCall {
  id: string;
  callerPhone: string | null;
  ringingAt: string | null;
  answeredAt: string | null;
}

/**
 * Locks the phone system's call for linking to an incident: 404 naming the field when there is no such call, 409 when
 * it is already linked to another incident (or, as the call an incident was taken from, to any).
 */
export async function lockCallForLink(client: Queryable, phoneCallId: string, incidentId: string | null): Promise<LinkedCall & { linkedHere: boolean }> {
  const call = isUuid(phoneCallId) ? await telephonySql.lockForLink.one(client, { id: phoneCallId }) : undefined;
  if (!call) throw new HttpError(404, `phoneCallId: no phone call ${phoneCallId}`);
  const linkedHere = call.incident_id !== null && call.incident_id === incidentId && call.incident_link === 'follow_up';
  if (call.incident_id !== null && !linkedHere) {
    throw new HttpError(409, `phoneCallId: the call is already linked to incident #${call.incident_number}`);
  }
  return {
    id: call.id,
    callerPhone: call.caller_phone,
    ringingAt: call.ringing_at?.toISOString() ?? null,
    answeredAt: call.answered_at?.toISOString() ?? null,
    linkedHere,
  };
}

/** Marks the call as the one the incident was taken from, or as a follow-up of it (once). */
export async function linkCall(client: Queryable, callId: string, incidentId: string, link: 'created' | 'follow_up', actor: Actor): Promise<void> {
  await telephonySql.link.run(client, { id: callId, incidentId, link, userId: actor.principal?.userId ?? null });
}
