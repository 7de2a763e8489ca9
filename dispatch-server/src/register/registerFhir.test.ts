import fc from 'fast-check';
import { RecordFlag } from '@dispatch/protocol';
import { describe, expect, it } from 'vitest';
import { FhirBundleInput, readRegisterBundle } from './registerFhir';
import { checkResident, groupsWithAge, isProblem } from './residentInput';

const TODAY = new Date('2026-12-03T00:00:00Z');
const COLOUR_WORDS: Record<RecordFlag, string[]> = {
  red: ['red', '红', '红色', '红色标识'], orange: ['orange', '橙色'], yellow: ['yellow', '黄色'], blue: ['blue', '蓝色标'], green: ['green', '绿色'],
};

const patient = fc.record({
  id: fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/),
  name: fc.constantFrom('张三', '李秀英', 'Wang Fang'),
  birth: fc.date({ min: new Date('1920-01-01'), max: new Date('2026-01-01'), noInvalidDate: true }),
  phone: fc.stringMatching(/^1[3-9][0-9]{9}$/),
  flags: fc.uniqueArray(fc.constantFrom(...RecordFlag.options), { maxLength: 5 }),
  useCategory: fc.boolean(),
  word: fc.nat(3),
});

describe('FHIR R4 register bundle', () => {
  it('reads every Patient once, with the colours its Flags name in code or category, in any words', () => {
    fc.assert(
      fc.property(fc.uniqueArray(patient, { selector: (p) => p.id, minLength: 1, maxLength: 8 }), (patients) => {
        const entry = patients.flatMap((p) => [
          {
            fullUrl: `urn:uuid:${p.id}`,
            resource: { resourceType: 'Patient', id: p.id, name: [{ text: p.name }], birthDate: p.birth.toISOString().slice(0, 10), telecom: [{ system: 'phone', value: p.phone }] },
          },
          ...p.flags.map((f) => {
            const words = COLOUR_WORDS[f];
            const concept = { text: words[p.word % words.length] };
            return { resource: { resourceType: 'Flag', status: 'active', subject: { reference: `Patient/${p.id}` }, ...(p.useCategory ? { category: [concept] } : { code: concept }) } };
          }),
        ]);
        const rows = readRegisterBundle(FhirBundleInput.parse({ resourceType: 'Bundle', type: 'collection', entry }), TODAY);
        expect(rows.map((r) => r.recordId)).toEqual(patients.map((p) => p.id));
        for (const [i, p] of patients.entries()) {
          const checked = rows[i]!.checked;
          const ageGroups = groupsWithAge([], p.birth.toISOString().slice(0, 10), TODAY);
          if (p.flags.length === 0 && ageGroups.length === 0) {
            expect(checked).toMatchObject({ outcome: 'skipped', reason: 'noPriority' });
          } else {
            expect(isProblem(checked)).toBe(false);
            expect(checked).toMatchObject({ name: p.name, phone: p.phone, flags: [...p.flags].sort() });
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on arbitrary JSON inside a Bundle: each entry is read, skipped or refused', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ resource: fc.record({ resourceType: fc.constantFrom('Patient', 'Flag', 'Organization'), id: fc.string() }, { requiredKeys: ['resourceType'] }) }), { maxLength: 10 }), fc.jsonValue(), (entries, junk) => {
        const entry = entries.map((e) => ({ resource: { ...e.resource, name: junk, telecom: junk, code: junk, subject: junk, birthDate: junk } }));
        expect(() => readRegisterBundle(FhirBundleInput.parse({ resourceType: 'Bundle', entry }), TODAY)).not.toThrow();
      }),
      { numRuns: 200 },
    );
  });
});

describe('a register row', () => {
  const fields = { recordId: 'recordId', name: 'name', birthDate: 'birthDate', phone: 'phone', address: 'address', groups: 'groups', flags: 'flags', teamName: 'teamName', teamPhone: 'teamPhone' };
  const row = { recordId: 'R1', name: '张三', birthDate: '', phone: '', address: '', groups: [], flags: [], teamName: '', teamPhone: '' };

  it('takes 公卫 words for groups and colours, and derives 65+ and under 7 from the birth date', () => {
    expect(checkResident({ ...row, groups: ['高血压', '2型糖尿病患者', '严重精神障碍患者'], flags: ['橙色', '黄'] }, fields, TODAY)).toMatchObject({
      groups: ['chronic', 'mental_illness'], flags: ['orange', 'yellow'],
    });
    expect(groupsWithAge([], '1961-12-03', TODAY)).toEqual(['elderly']);
    expect(groupsWithAge([], '1961-12-04', TODAY)).toEqual([]);
    expect(groupsWithAge(['pregnant'], '2020-01-01', TODAY)).toEqual(['child', 'pregnant']);
  });

  it('refuses a row naming the field: an impossible date, a future one, a phone with letters, an unknown colour', () => {
    expect(checkResident({ ...row, flags: ['red'], birthDate: '2023-02-30' }, fields, TODAY)).toMatchObject({ outcome: 'refused', reason: 'badFormat', field: 'birthDate' });
    expect(checkResident({ ...row, flags: ['red'], birthDate: '2030-01-01' }, fields, TODAY)).toMatchObject({ outcome: 'refused', field: 'birthDate' });
    expect(checkResident({ ...row, flags: ['red'], phone: '139abc' }, fields, TODAY)).toMatchObject({ outcome: 'refused', field: 'phone' });
    expect(checkResident({ ...row, flags: ['紫色'] }, fields, TODAY)).toMatchObject({ outcome: 'refused', reason: 'notInList', field: 'flags' });
    expect(checkResident({ ...row, flags: ['red'], name: 'x'.repeat(101) }, fields, TODAY)).toMatchObject({ outcome: 'refused', reason: 'tooLong', field: 'name' });
  });
});
