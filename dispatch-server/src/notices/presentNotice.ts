import type { HospitalNoticeDto } from '@dispatch/protocol';
import { isoOrNull } from '../http/isoTime';

export function presentNotice(row: Record<string, unknown>): HospitalNoticeDto {
  return {
    id: row.id as string,
    incidentId: row.incident_id as string,
    incidentNumber: row.incident_number as number,
    hospitalId: row.hospital_id as string,
    status: row.status as HospitalNoticeDto['status'],
    category: row.category as string,
    priority: row.priority as number,
    patientSummary: (row.patient_summary as string | null) ?? null,
    priorityGroups: row.priority_groups as string[],
    vehicleCallSign: row.call_sign as string,
    etaAt: isoOrNull(row.eta_at),
    sentAt: isoOrNull(row.sent_at) ?? '',
    acknowledgedAt: isoOrNull(row.acknowledged_at),
  };
}
