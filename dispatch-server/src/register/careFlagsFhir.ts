import { type CareFlagsDto, type FhirBundle, RECORD_FLAG_LABELS } from '@dispatch/protocol';
import { stableUuid } from '../notices/presentNoticeFhir';

/** The code system of the five colours in FHIR exports (the import reads these codes back: red, orange…). */
export const RECORD_FLAG_SYSTEM = (baseUrl: string) => `${baseUrl}/fhir/CodeSystem/record-flag-colour`;

/**
 * The notice patient's care flags as FHIR R4 Flag resources (category clinical) on the bundle's Patient: all the
 * receiving hospital learns of the register, with neither the resident's name nor the family-doctor team.
 */
export function careFlagsFhir(care: CareFlagsDto, bundle: FhirBundle, baseUrl: string): FhirBundle['entry'] {
  const patient = bundle.entry.find((e) => e.resource.resourceType === 'Patient');
  if (!patient) return [];
  return care.flags.map((flag) => ({
    fullUrl: `urn:uuid:${stableUuid('flag', care.noticeId, flag)}`,
    resource: {
      resourceType: 'Flag',
      status: 'active',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'clinical', display: 'Clinical' }] }],
      code: { coding: [{ system: RECORD_FLAG_SYSTEM(baseUrl), code: flag, display: RECORD_FLAG_LABELS.en[flag] }], text: RECORD_FLAG_LABELS['zh-CN'][flag] },
      subject: { reference: patient.fullUrl },
    },
  }));
}
