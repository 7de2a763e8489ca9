import { isUuid, type Queryable } from '@dispatch/db';
import type { Principal } from '@dispatch/protocol';
import type { Actor } from '../audit/audit';
import { HttpError } from '../http/errors';
import { authorize } from '../policies/policies';
import { telephonySql } from './telephonySql';

export interface LinkedCall {
  id: string;
  /** The centre whose line rang. */
  centreId: string;
  callerPhone: string | null;
  ringingAt: string | null;
  answeredAt: string | null;
}

/**
 * Locks the phone system's call for linking to an incident: 404 naming the field when there is no such call, 403
 * other_centre when it rang on another centre's line than the principal's, 409 when it is of another centre than the
 * incident (a login of every centre linking across) or already linked to another incident (or, as the call an
 * incident was taken from, to any).
 * @param principal who links it; null: the system
 * @param incident the incident it becomes a follow-up of; null: a new incident taken from it
 */
export async function lockCallForLink(
  client: Queryable,
  principal: Principal | null,
  phoneCallId: string,
  incident: { id: string; centreId: string } | null,
): Promise<LinkedCall & { linkedHere: boolean }> {
  const call = isUuid(phoneCallId) ? await telephonySql.lockForLink.one(client, { id: phoneCallId }) : undefined;
  if (!call) throw new HttpError(404, `phoneCallId: no phone call ${phoneCallId}`);
  authorize(principal, 'incident.create', { centreId: call.centre_id });
  // A call is its line's centre's record: an incident of another centre would show its caller to staff it never rang.
  if (incident && call.centre_id !== incident.centreId) {
    throw new HttpError(409, "phoneCallId: the call rang on another centre's line than the incident's; link it to that centre's incident or take it there as a new one");
  }
  const incidentId = incident?.id ?? null;
  const linkedHere = call.incident_id !== null && call.incident_id === incidentId && call.incident_link === 'follow_up';
  if (call.incident_id !== null && !linkedHere) {
    throw new HttpError(409, `phoneCallId: the call is already linked to incident #${call.incident_number}`);
  }
  return {
    id: call.id,
    centreId: call.centre_id,
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
