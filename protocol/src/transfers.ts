import { z } from 'zod';
import { IncidentCategory, Priority, Timestamp, type VehicleCapability } from './domain';
import { text } from './validation';

/** 上转: up to a county hospital; 下转: back down to a township health centre (two-way referral, 双向转诊). */
export const TransferDirection = z.enum(['up', 'down']);
export type TransferDirection = z.infer<typeof TransferDirection>;

/** What the patient needs on the way; all but the escort are vehicle capabilities the dispatch requires. */
export const TransferNeed = z.enum(['neonatal', 'negative_pressure', 'monitoring', 'escort']);
export type TransferNeed = z.infer<typeof TransferNeed>;

/** The vehicle capability each need requires (monitoring: a 监护型 ALS ambulance; an escort rides with any vehicle). */
export const TRANSFER_NEED_CAPABILITY: Record<TransferNeed, VehicleCapability | null> = {
  neonatal: 'neonatal',
  negative_pressure: 'negative_pressure',
  monitoring: 'als',
  escort: null,
};

/** The green channel (绿色通道) is for chest pain and stroke only. */
export const GREEN_CHANNEL_CATEGORIES: readonly IncidentCategory[] = ['chest_pain', 'stroke'];

/** What the request is: kept status. */
export const TransferStatus = z.enum(['requested', 'accepted', 'declined', 'cancelled']);
export type TransferStatus = z.infer<typeof TransferStatus>;

/**
 * Where the transfer is, for both hospitals' boards: waiting for an answer, declined or cancelled, accepted and not yet
 * due (scheduled), in the dispatch queue, a vehicle on its way to pick up, at the sending hospital, on the way to the
 * receiving one, arrived there, done.
 */
export const TransferPhase = z.enum([
  'requested', 'declined', 'cancelled', 'scheduled', 'queued', 'dispatched', 'at_pickup', 'transporting', 'arrived', 'completed',
]);
export type TransferPhase = z.infer<typeof TransferPhase>;

/** A patient summary is clinical text: inert everywhere, never logged. */
export const RequestTransferRequest = z
  .object({
    /** The requesting hospital: a hospital login's own (a dispatcher may enter it for a hospital that phoned). */
    fromHospitalId: z.uuid(),
    toHospitalId: z.uuid(),
    direction: TransferDirection,
    category: IncidentCategory.default('other'),
    /** Defaults to 2 on the green channel, else 4 (a transfer, not urgent). */
    priority: Priority.optional(),
    patientSummary: text(2000).trim().min(1),
    needs: z.array(TransferNeed).max(4).default([]),
    greenChannel: z.boolean().default(false),
    /** When the patient should be picked up; absent: as soon as it is accepted. */
    scheduledAt: Timestamp.optional(),
  })
  .refine((r) => r.fromHospitalId !== r.toHospitalId, { message: 'must differ from fromHospitalId', path: ['toHospitalId'] })
  .refine((r) => !r.greenChannel || GREEN_CHANNEL_CATEGORIES.includes(r.category), {
    message: 'the green channel is for chest_pain and stroke only',
    path: ['greenChannel'],
  });
export type RequestTransferRequest = z.input<typeof RequestTransferRequest>;

export const TransferReasonRequest = z.object({ reason: text(300).trim().min(1) });
export type TransferReasonRequest = z.infer<typeof TransferReasonRequest>;

const HospitalRef = z.object({ id: z.uuid(), name: z.string(), nameEn: z.string().nullable() });

/** What an incident carries of the transfer it came from (the queue marks it 转运, the tablet says pick up at A). */
export const TransferBrief = z.object({
  id: z.uuid(),
  number: z.number(),
  direction: TransferDirection,
  from: HospitalRef,
  to: HospitalRef,
  needs: z.array(TransferNeed),
  greenChannel: z.boolean(),
});
export type TransferBrief = z.infer<typeof TransferBrief>;

export const TransferDto = TransferBrief.extend({
  status: TransferStatus,
  phase: TransferPhase,
  category: IncidentCategory,
  priority: z.number(),
  patientSummary: z.string(),
  scheduledAt: z.string().nullable(),
  /** Declined or cancelled: why. */
  reason: z.string().nullable(),
  requestedAt: z.string(),
  respondedAt: z.string().nullable(),
  incidentId: z.uuid().nullable(),
  incidentNumber: z.number().nullable(),
  vehicleCallSign: z.string().nullable(),
  /** Expected arrival of the vehicle at the sending hospital (dispatched) or of the patient at the receiving one (transporting). */
  etaAt: z.string().nullable(),
});
export type TransferDto = z.infer<typeof TransferDto>;
