import { randomUUID } from 'node:crypto';
import { rooms, TRANSFER_NEED_CAPABILITY, TransferNeed, type IncidentDto, type VehicleCapability } from '@dispatch/protocol';
import { inTransaction } from '@dispatch/db';
import { alertNewCall } from '../alerts/alerts';
import { appendAudit, systemActor } from '../audit/audit';
import type { DispatchContext } from '../dispatchContext';
import { getIncident, incidentSql } from '../incidents/incidents';
import { categoryRequirement } from '../operatorData/operatorData';
import { recommendForIncident } from '../recommendations/recommendForIncident';
import { announceTransfer, transferSql } from './transfers';

/**
 * An accepted transfer is due: it becomes an incident in the dispatch queue, with its own category and priority, located
 * at the sending hospital and with the receiving hospital as its fixed destination; its needs are required vehicle
 * capabilities beside its category's. Once only: a second firing (timer and reconciliation, or a retry) finds the
 * transfer already queued, and a transfer cancelled meanwhile is not queued. Then the dispatchers get the incident, its
 * alert and its recommendation like a call's.
 * @returns the incident, or null when there was nothing to queue
 */
export async function queueTransfer(ctx: DispatchContext, transferId: string): Promise<IncidentDto | null> {
  const incidentId = await inTransaction(ctx.db, async (client) => {
    const transfer = await transferSql.lock.one(client, { id: transferId });
    if (!transfer || transfer.status !== 'accepted' || transfer.incident_id) return null;
    const sender = (await transferSql.sender.one(client, { id: transfer.from_hospital_id }))!;
    const needs = transfer.needs.map((n) => TransferNeed.parse(n));
    const required = new Set<VehicleCapability>((await categoryRequirement(client, transfer.category)).vehicle);
    for (const need of needs) {
      const capability = TRANSFER_NEED_CAPABILITY[need];
      if (capability) required.add(capability);
    }
    const now = new Date().toISOString();
    const { id } = (await incidentSql.insert.one(client, {
      idempotencyKey: null, bodyHash: null, userId: null, placeId: null,
      category: transfer.category, priority: transfer.priority, lon: sender.lon, lat: sender.lat,
      // The sending hospital is the address the crew drives to, and its phone the number to call back.
      address: sender.name, callerPhone: sender.phone, patientSummary: transfer.patient_summary, priorityGroups: [],
      requiredVehicleCapabilities: [...required], requiredHospitalCapabilities: [],
      // The sending hospital's place decides the centre (its nearest station's).
      callReceivedAt: now, callAnsweredAt: now, centreId: null,
    }))!;
    await incidentSql.setPlan.run(client, { id, hospitalId: transfer.to_hospital_id });
    await transferSql.setIncident.run(client, { id: transferId, incidentId: id });
    await incidentSql.appendEvent.run(client, {
      // No note: the timeline is read in either language, and the incident carries its transfer.
      id: randomUUID(), incidentId: id, status: 'call_received', deviceTime: now, userId: null, source: 'system',
    });
    await appendAudit(client, systemActor, 'transfer.queued', { type: 'transfer', id: transferId }, { incidentId: id });
    return id;
  });
  if (!incidentId) return null;
  const incident = await getIncident(ctx.db, incidentId);
  ctx.events.publish(rooms.centreStaff(incident.centreId), 'incident.created', incident);
  void alertNewCall(ctx, incident);
  await announceTransfer(ctx, transferId);
  recommendForIncident(ctx, incidentId).catch((error) =>
    ctx.log.warn({ err: (error as Error).message, incidentId }, 'recommendation for a queued transfer failed'),
  );
  return incident;
}
