import { RequestTransferRequest, type Principal, type TransferDto } from '@dispatch/protocol';
import { inTransaction } from '@dispatch/db';
import { appendAudit, type Actor } from '../audit/audit';
import { HttpError } from '../http/errors';
import { authorize } from '../policies/policies';
import type { DispatchContext } from '../dispatchContext';
import { announceTransfer, transferResource, transferSql } from './transfers';

/** How far ahead a transfer may be scheduled. */
export const MAX_SCHEDULE_AHEAD_MS = 30 * 24 * 3600_000;
/** A scheduled time this far in the past is a mistake, not "now". */
const SCHEDULE_PAST_TOLERANCE_MS = 5 * 60_000;

/**
 * A hospital asks for a patient to be moved to another network hospital (上转 or 下转): stored as requested, audited
 * (never with the patient summary), and pushed to both hospitals' boards; the receiving hospital answers. A hospital
 * login requests only from its own hospital; a dispatcher may enter a request a hospital phoned in.
 * @param input the request: from, to, direction, category, needs, green channel, patient summary, scheduled time
 */
export async function requestTransfer(ctx: DispatchContext, actor: Actor & { principal: Principal }, input: RequestTransferRequest): Promise<TransferDto> {
  const request = RequestTransferRequest.parse(input);
  // A centre's staff enter requests from or to a hospital of their centre only.
  authorize(actor.principal, 'transfer.request', await transferResource(ctx.db, request.fromHospitalId, [request.fromHospitalId, request.toHospitalId]));
  if (request.scheduledAt) {
    const at = Date.parse(request.scheduledAt);
    if (at < Date.now() - SCHEDULE_PAST_TOLERANCE_MS) throw new HttpError(400, 'scheduledAt: is in the past; leave it out for a transfer now');
    if (at > Date.now() + MAX_SCHEDULE_AHEAD_MS) throw new HttpError(400, 'scheduledAt: at most 30 days ahead');
  }
  const id = await inTransaction(ctx.db, async (client) => {
    const found = await transferSql.hospitals.rows(client, { ids: [request.fromHospitalId, request.toHospitalId] });
    for (const field of ['fromHospitalId', 'toHospitalId'] as const) {
      const hospital = found.find((h) => h.id === request[field]);
      if (!hospital) throw new HttpError(404, `${field}: no hospital ${request[field]}`);
      if (hospital.kind === 'village_clinic') throw new HttpError(422, `${field}: a village clinic neither sends nor receives transfers`);
    }
    const { id } = (await transferSql.insert.one(client, {
      fromHospitalId: request.fromHospitalId,
      toHospitalId: request.toHospitalId,
      direction: request.direction,
      category: request.category,
      priority: request.priority ?? (request.greenChannel ? 2 : 4),
      patientSummary: request.patientSummary,
      needs: [...new Set(request.needs)],
      greenChannel: request.greenChannel,
      scheduledAt: request.scheduledAt ?? null,
      userId: actor.principal.userId,
    }))!;
    await appendAudit(client, actor, 'transfer.requested', { type: 'transfer', id }, {
      fromHospitalId: request.fromHospitalId,
      toHospitalId: request.toHospitalId,
      direction: request.direction,
      category: request.category,
      needs: request.needs,
      greenChannel: request.greenChannel,
      scheduledAt: request.scheduledAt ?? null,
    });
    return id;
  });
  return announceTransfer(ctx, id);
}
