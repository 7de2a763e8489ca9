import { createHash } from 'node:crypto';
import { IncidentCategory, PriorityGroup, Vitals, type FhirBundle } from '@dispatch/protocol';
import { z } from 'zod';

/** A stable UUID (name-based, v5 layout) so exporting the same notice twice gives the same resource ids. */
export function stableUuid(...parts: string[]): string {
  const h = createHash('sha1').update(parts.join('/')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** LOINC codes of the vital signs (FHIR vital-signs profile). */
export const VITAL_LOINC: Record<Exclude<keyof Vitals, 'measuredAt'>, { code: string; display: string; unit: string; ucum: string }> = {
  heartRate: { code: '8867-4', display: 'Heart rate', unit: 'beats/minute', ucum: '/min' },
  respiratoryRate: { code: '9279-1', display: 'Respiratory rate', unit: 'breaths/minute', ucum: '/min' },
  systolicBp: { code: '8480-6', display: 'Systolic blood pressure', unit: 'mmHg', ucum: 'mm[Hg]' },
  diastolicBp: { code: '8462-4', display: 'Diastolic blood pressure', unit: 'mmHg', ucum: 'mm[Hg]' },
  spo2: { code: '59408-5', display: 'Oxygen saturation in Arterial blood by Pulse oximetry', unit: '%', ucum: '%' },
  temperatureC: { code: '8310-5', display: 'Body temperature', unit: 'Cel', ucum: 'Cel' },
  gcs: { code: '9269-2', display: 'Glasgow coma score total', unit: '{score}', ucum: '{score}' },
};

/** What the FHIR export of a notice is made of (notices.sql fhirSource). */
export const FhirSourceRow = z.object({
  id: z.string(), sent_at: z.date(), eta_at: z.date().nullable(),
  incident_id: z.string(), number: z.number(), category: IncidentCategory, priority: z.number(),
  patient_summary: z.string().nullable(), priority_groups: z.array(PriorityGroup),
  hospital_name: z.string(), hospital_code: z.string(), vehicle_id: z.string(), call_sign: z.string(),
  vitals: Vitals.nullable(), lon: z.number().nullable(), lat: z.number().nullable(),
});
export type FhirSourceRow = z.infer<typeof FhirSourceRow>;

/**
 * The incoming-patient notice as an HL7 FHIR R4 message Bundle: MessageHeader, Patient (minimised: no
 * name, no phone), Encounter (class EMER, status planned), vital-sign Observations with LOINC codes, and the
 * Location of the vehicle. Identifiers are urn:uuid full URLs so the bundle stands on its own.
 * @param baseUrl the configured PUBLIC_URL, never the request's Host header (a client could point the links anywhere)
 */
export function presentNoticeFhir(row: FhirSourceRow, baseUrl: string): FhirBundle {
  const ref = (id: string) => `urn:uuid:${id}`;
  const { vitals } = row;
  const noticeId = row.id;
  const patientId = stableUuid('patient', row.incident_id);
  const encounterId = stableUuid('encounter', noticeId);
  const locationId = stableUuid('vehicle', row.vehicle_id);
  const headerId = stableUuid('header', noticeId);
  const observations = vitals
    ? (Object.keys(VITAL_LOINC) as (keyof typeof VITAL_LOINC)[])
        .filter((k) => vitals[k] !== undefined)
        .map((k) => ({
          fullUrl: ref(stableUuid('observation', noticeId, k)),
          resource: {
            resourceType: 'Observation',
            status: 'preliminary',
            category: [
              { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs', display: 'Vital Signs' }] },
            ],
            code: { coding: [{ system: 'http://loinc.org', code: VITAL_LOINC[k].code, display: VITAL_LOINC[k].display }] },
            subject: { reference: ref(patientId) },
            encounter: { reference: ref(encounterId) },
            effectiveDateTime: vitals.measuredAt,
            valueQuantity: { value: vitals[k], unit: VITAL_LOINC[k].unit, system: 'http://unitsofmeasure.org', code: VITAL_LOINC[k].ucum },
          },
        }))
    : [];
  const summary = [row.patient_summary, row.priority_groups.length ? `flags: ${row.priority_groups.join(', ')}` : null]
    .filter(Boolean)
    .join('; ');
  return {
    resourceType: 'Bundle',
    id: row.id,
    type: 'message',
    timestamp: row.sent_at.toISOString(),
    entry: [
      {
        fullUrl: `urn:uuid:${headerId}`,
        resource: {
          resourceType: 'MessageHeader',
          eventCoding: { system: `${baseUrl}/fhir/message-events`, code: 'incoming-patient-notice', display: '来院预告 incoming patient notice' },
          destination: [{ name: row.hospital_name, endpoint: `urn:hospital:${row.hospital_code}` }],
          source: { name: '120 dispatch', endpoint: baseUrl },
          focus: [{ reference: ref(encounterId) }],
        },
      },
      {
        fullUrl: ref(patientId),
        resource: { resourceType: 'Patient', active: true, text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Patient of incident #' + String(row.number) + '</div>' } },
      },
      {
        fullUrl: ref(encounterId),
        resource: {
          resourceType: 'Encounter',
          status: 'planned',
          class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'EMER', display: 'emergency' },
          priority: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActPriority', code: row.priority <= 2 ? 'EM' : 'UR' }],
          },
          subject: { reference: ref(patientId) },
          reasonCode: [{ text: `${row.category}${summary ? `: ${summary}` : ''}` }],
          period: { start: row.eta_at?.toISOString() },
          serviceProvider: { display: row.hospital_name },
          location: [{ location: { reference: ref(locationId), display: row.call_sign }, status: 'active' }],
        },
      },
      {
        fullUrl: ref(locationId),
        resource: {
          resourceType: 'Location',
          status: 'active',
          name: `Ambulance ${row.call_sign}`,
          mode: 'instance',
          physicalType: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/location-physical-type', code: 've', display: 'Vehicle' }] },
          ...(row.lon != null ? { position: { longitude: row.lon, latitude: row.lat } } : {}),
        },
      },
      ...observations,
    ],
  };
}
