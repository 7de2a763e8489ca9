import { IncidentCategory, NoticeStatus, PriorityGroup, type HospitalNoticeDto } from '@dispatch/protocol';
import { z } from 'zod';

/** A notice as notices.sql presents it: minimised for the hospital. */
export const NoticeRow = z.object({
  id: z.string(), incident_id: z.string(), incident_number: z.number(), hospital_id: z.string(), status: NoticeStatus,
  category: IncidentCategory, priority: z.number(), patient_summary: z.string().nullable(), priority_groups: z.array(PriorityGroup),
  call_sign: z.string(), eta_at: z.date().nullable(), sent_at: z.date(), acknowledged_at: z.date().nullable(),
});
export type NoticeRow = z.infer<typeof NoticeRow>;

export function presentNotice(row: NoticeRow): HospitalNoticeDto {
  return {
    id: row.id,
    incidentId: row.incident_id,
    incidentNumber: row.incident_number,
    hospitalId: row.hospital_id,
    status: row.status,
    category: row.category,
    priority: row.priority,
    patientSummary: row.patient_summary,
    priorityGroups: row.priority_groups,
    vehicleCallSign: row.call_sign,
    etaAt: row.eta_at?.toISOString() ?? null,
    sentAt: row.sent_at.toISOString(),
    acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
  };
}
