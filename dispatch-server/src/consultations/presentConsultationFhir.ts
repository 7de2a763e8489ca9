import type { Vitals } from '@dispatch/protocol';
import { stableUuid, VITAL_LOINC } from '../notices/presentNoticeFhir';
import type { FhirEntryRow } from './consultations';

type BundleEntry = { fullUrl: string; resource: Record<string, unknown> };

/**
 * A patient's consultation as FHIR R4 resources for the notice's message Bundle: a Communication per message,
 * answer or attachment (sender, time, the text or a reference to the file, inResponseTo for a doctor's answer),
 * an Observation per vital sign per measurement (the series, LOINC coded), and per file a Media (photos) or a
 * DocumentReference (PDF) that points at the file by URL with its type, size and SHA-1: never inlined, a photo is
 * megabytes and the URL serves it to the consultation's readers only.
 * @param context.latestVitalsAt the measurement the notice's own Observations already carry (not repeated)
 * @param baseUrl the configured PUBLIC_URL, never the request's Host header
 */
export function presentConsultationFhir(
  rows: FhirEntryRow[],
  context: { incidentId: string; noticeId: string; latestVitalsAt: string | null },
  baseUrl: string,
): BundleEntry[] {
  const ref = (id: string) => `urn:uuid:${id}`;
  const subject = { reference: ref(stableUuid('patient', context.incidentId)) };
  const encounter = { reference: ref(stableUuid('encounter', context.noticeId)) };
  const latest = context.latestVitalsAt ? Date.parse(context.latestVitalsAt) : null;
  const senderOf = (row: FhirEntryRow) => ({
    display: [row.side === 'crew' ? 'ambulance crew' : row.side === 'hospital' ? (row.hospital_name ?? 'receiving hospital') : '120 dispatch', row.author]
      .filter(Boolean)
      .join(': '),
  });
  const fileId = (row: FhirEntryRow) => stableUuid('consultation-file', row.id);
  return rows.flatMap((row): BundleEntry[] => {
    const sent = row.device_time.toISOString();
    if (row.kind === 'vitals' && row.vitals) {
      const vitals: Vitals = row.vitals;
      if (latest !== null && row.measured_at?.getTime() === latest) return [];
      return (Object.keys(VITAL_LOINC) as (keyof typeof VITAL_LOINC)[])
        .filter((k) => vitals[k] !== undefined)
        .map((k) => ({
          fullUrl: ref(stableUuid('consultation-observation', row.id, k)),
          resource: {
            resourceType: 'Observation',
            status: 'preliminary',
            category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs', display: 'Vital Signs' }] }],
            code: { coding: [{ system: 'http://loinc.org', code: VITAL_LOINC[k].code, display: VITAL_LOINC[k].display }] },
            subject,
            encounter,
            effectiveDateTime: (row.measured_at ?? row.device_time).toISOString(),
            performer: [senderOf(row)],
            valueQuantity: { value: vitals[k], unit: VITAL_LOINC[k].unit, system: 'http://unitsofmeasure.org', code: VITAL_LOINC[k].ucum },
          },
        }));
    }
    const communication: BundleEntry = {
      fullUrl: ref(row.id),
      resource: {
        resourceType: 'Communication',
        status: 'completed',
        category: [{ text: 'consultation (远程会诊)' }],
        subject,
        encounter,
        sent,
        sender: senderOf(row),
        ...(row.reply_to ? { inResponseTo: [{ reference: ref(row.reply_to) }] } : {}),
        payload: [
          ...(row.body ? [{ contentString: row.body }] : []),
          ...(row.kind === 'attachment' ? [{ contentReference: { reference: ref(fileId(row)) } }] : []),
        ],
      },
    };
    if (row.kind !== 'attachment' || !row.media_type) return [communication];
    const attachment = {
      contentType: row.media_type,
      url: `${baseUrl}/api/consultation-attachments/${row.id}`,
      size: row.byte_size,
      hash: row.sha1,
      ...(row.file_name ? { title: row.file_name } : {}),
      creation: sent,
    };
    const file: BundleEntry =
      row.media_type === 'application/pdf'
        ? {
            fullUrl: ref(fileId(row)),
            resource: { resourceType: 'DocumentReference', status: 'current', subject, date: sent, author: [senderOf(row)], context: { encounter: [encounter] }, content: [{ attachment }] },
          }
        : {
            fullUrl: ref(fileId(row)),
            resource: {
              resourceType: 'Media',
              status: 'completed',
              type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/media-type', code: 'image', display: 'Image' }] },
              subject,
              encounter,
              createdDateTime: sent,
              operator: senderOf(row),
              content: attachment,
            },
          };
    return [communication, file];
  });
}
