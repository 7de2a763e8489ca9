import { z } from 'zod';
import { checkResident, flagOf, groupOf, isProblem, type RawResident, type ResidentInput, type RowProblem } from './residentInput';

/**
 * Reads a FHIR R4 Bundle of Patient and Flag resources (a health-record system's export) as register rows.
 *
 * The mapping (also in the README):
 * - the record id: Patient.identifier[0].value, else Patient.id;
 * - name: Patient.name[0].text, else family + given (Chinese order, no space); birthDate as given (a year or a month
 *   counts from its first day); phone: the first Patient.telecom of system "phone" (mobile first) not of use "old";
 *   address: Patient.address[0].text, else state, city, district and lines joined; active false: skipped;
 * - colours and groups: every active Flag whose subject is a Patient of the bundle; each of its Flag.code and
 *   Flag.category codings (code or display) and texts that names a colour (red…, 红色…) or a group (elderly…, 老年人…)
 *   is added; a Flag naming neither is refused (Flag.code), one naming no Patient of the bundle too (Flag.subject);
 * - the family-doctor team: Patient.generalPractitioner[0], resolved in the bundle (fullUrl or Type/id) or among the
 *   Patient's contained resources (#id): an Organization's or CareTeam's name, a PractitionerRole's organization or
 *   practitioner display, with that resource's first phone telecom; unresolved, the reference's display without a
 *   phone. Or an extension on Patient whose url ends in "family-doctor-team", with sub-extensions "name" and "phone"
 *   (valueString), which wins over generalPractitioner.
 */

const Coding = z.looseObject({ code: z.string().optional(), display: z.string().optional() });
const Concept = z.looseObject({ text: z.string().optional(), coding: z.array(Coding).optional() });
const Telecom = z.looseObject({ system: z.string().optional(), value: z.string().optional(), use: z.string().optional() });
const Reference = z.looseObject({ reference: z.string().optional(), display: z.string().optional() });
const Extension: z.ZodType<{ url?: string; valueString?: string; extension?: unknown[] }> = z.looseObject({
  url: z.string().optional(),
  valueString: z.string().optional(),
  extension: z.array(z.unknown()).optional(),
});
const Resource = z.looseObject({ resourceType: z.string(), id: z.string().optional() });
const Patient = Resource.extend({
  active: z.boolean().optional(),
  identifier: z.array(z.looseObject({ value: z.string().optional() })).optional(),
  name: z.array(z.looseObject({ text: z.string().optional(), family: z.string().optional(), given: z.array(z.string()).optional() })).optional(),
  telecom: z.array(Telecom).optional(),
  birthDate: z.string().optional(),
  address: z
    .array(
      z.looseObject({
        text: z.string().optional(), line: z.array(z.string()).optional(), city: z.string().optional(), district: z.string().optional(), state: z.string().optional(),
      }),
    )
    .optional(),
  generalPractitioner: z.array(Reference).optional(),
  contained: z.array(Resource).optional(),
  extension: z.array(Extension).optional(),
});
const Flag = Resource.extend({
  status: z.string().optional(),
  code: Concept.optional(),
  category: z.array(Concept).optional(),
  subject: Reference.optional(),
});
const Team = Resource.extend({
  name: z.string().optional(),
  telecom: z.array(Telecom).optional(),
  organization: Reference.optional(),
  practitioner: Reference.optional(),
});
export const FhirBundleInput = z.looseObject({
  resourceType: z.literal('Bundle', { error: 'expected a FHIR Bundle' }),
  entry: z.array(z.looseObject({ fullUrl: z.string().optional(), resource: Resource })).max(20_000).default([]),
});

/** One Patient (or a refused Flag) of the bundle, by its entry index. */
export interface FhirRow {
  row: number;
  recordId: string | null;
  checked: ResidentInput | RowProblem;
}

const FIELDS: Record<keyof RawResident, string> = {
  recordId: 'Patient.id', name: 'Patient.name', birthDate: 'Patient.birthDate', phone: 'Patient.telecom', address: 'Patient.address',
  groups: 'Flag.code', flags: 'Flag.code', teamName: 'Patient.generalPractitioner', teamPhone: 'Patient.generalPractitioner',
};

const phoneOf = (telecom: z.infer<typeof Telecom>[] | undefined) => {
  const phones = (telecom ?? []).filter((t) => t.system === 'phone' && t.use !== 'old' && t.value);
  return (phones.find((t) => t.use === 'mobile') ?? phones[0])?.value ?? '';
};

/** The words a Flag's code and categories say. */
const flagWords = (flag: z.infer<typeof Flag>) =>
  [flag.code, ...(flag.category ?? [])].flatMap((c) => [c?.text, ...(c?.coding ?? []).flatMap((k) => [k.code, k.display])]).filter((w): w is string => !!w);

function teamOf(patient: z.infer<typeof Patient>, byRef: Map<string, z.infer<typeof Resource>>): { name: string; phone: string } {
  const ext = patient.extension?.find((e) => e.url?.endsWith('family-doctor-team'));
  if (ext) {
    const part = (url: string) => (ext.extension ?? []).map((e) => Extension.safeParse(e).data).find((e) => e?.url === url)?.valueString ?? '';
    return { name: part('name') || ext.valueString || '', phone: part('phone') };
  }
  const gp = patient.generalPractitioner?.[0];
  if (!gp) return { name: '', phone: '' };
  const ref = gp.reference ?? '';
  const target = ref.startsWith('#') ? patient.contained?.find((c) => `#${c.id}` === ref) : byRef.get(ref);
  const team = target ? Team.safeParse(target).data : undefined;
  const name = team?.name ?? team?.organization?.display ?? team?.practitioner?.display ?? gp.display ?? '';
  return { name: name || gp.display || '', phone: phoneOf(team?.telecom) };
}

/** The bundle's rows: each Patient checked, with the colours and groups of its Flags; refused Flags as rows of their own. */
export function readRegisterBundle(bundle: z.infer<typeof FhirBundleInput>, today = new Date()): FhirRow[] {
  const byRef = new Map<string, z.infer<typeof Resource>>();
  bundle.entry.forEach(({ fullUrl, resource }) => {
    if (fullUrl) byRef.set(fullUrl, resource);
    if (resource.id) byRef.set(`${resource.resourceType}/${resource.id}`, resource);
  });
  const patients = new Map<z.infer<typeof Resource>, { groups: string[]; flags: string[] }>();
  for (const { resource } of bundle.entry) if (resource.resourceType === 'Patient') patients.set(resource, { groups: [], flags: [] });
  const rows: FhirRow[] = [];
  bundle.entry.forEach(({ resource }, index) => {
    if (resource.resourceType !== 'Flag') return;
    const parsed = Flag.safeParse(resource);
    const flag = parsed.data;
    if (!flag || (flag.status && flag.status !== 'active')) return;
    const subject = byRef.get(flag.subject?.reference ?? '');
    const words = patients.get(subject!);
    const refuse = (reason: RowProblem['reason'], field: string, message: string) =>
      rows.push({ row: index, recordId: subject?.id ?? null, checked: { outcome: 'refused', reason, field, message: `${field}: ${message}` } });
    if (!subject || !words) return void refuse('unknownPatient', 'Flag.subject', 'names no Patient of this bundle');
    const said = flagWords(flag);
    const colours = said.filter((w) => flagOf(w));
    const groups = said.filter((w) => groupOf(w));
    if (colours.length === 0 && groups.length === 0) return void refuse('notInList', 'Flag.code', 'names no record flag colour (red, orange, yellow, blue, green) and no priority group');
    words.flags.push(...colours);
    words.groups.push(...groups);
  });
  bundle.entry.forEach(({ resource }, index) => {
    if (resource.resourceType !== 'Patient') return;
    const parsed = Patient.safeParse(resource);
    if (!parsed.success) {
      const field = `Patient.${parsed.error.issues[0]?.path.join('.') ?? ''}`;
      rows.push({ row: index, recordId: resource.id ?? null, checked: { outcome: 'refused', reason: 'badFormat', field, message: `${field}: not as FHIR R4 writes it` } });
      return;
    }
    const patient = parsed.data;
    const recordId = patient.identifier?.find((i) => i.value)?.value ?? patient.id ?? '';
    if (patient.active === false) {
      rows.push({ row: index, recordId, checked: { outcome: 'skipped', reason: 'inactive', field: 'Patient.active', message: 'Patient.active: false' } });
      return;
    }
    const name = patient.name?.[0];
    const address = patient.address?.[0];
    const team = teamOf(patient, byRef);
    const words = patients.get(resource)!;
    const raw: RawResident = {
      recordId,
      name: name?.text ?? `${name?.family ?? ''}${(name?.given ?? []).join('')}`,
      birthDate: patient.birthDate ?? '',
      phone: phoneOf(patient.telecom),
      address: address?.text ?? [address?.state, address?.city, address?.district, ...(address?.line ?? [])].filter(Boolean).join(''),
      groups: words.groups,
      flags: words.flags,
      teamName: team.name,
      teamPhone: team.phone,
    };
    const checked = checkResident(raw, FIELDS, today);
    rows.push({ row: index, recordId: recordId || null, checked });
  });
  return rows.sort((a, b) => a.row - b.row);
}

export { isProblem };
