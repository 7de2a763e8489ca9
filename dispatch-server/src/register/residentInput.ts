import { type PriorityGroup, type RecordFlag, type RegisterRowDto, textProblem } from '@dispatch/protocol';

/** A resident as an import stores it: what both the CSV and the FHIR reader produce, checked. */
export interface ResidentInput {
  recordId: string;
  name: string;
  birthDate: string | null;
  phone: string | null;
  address: string | null;
  groups: PriorityGroup[];
  flags: RecordFlag[];
  teamName: string | null;
  teamPhone: string | null;
}

/** A row of an import before its check: texts as the file has them, groups and flags as words or codes. */
export interface RawResident {
  recordId: string;
  name: string;
  birthDate: string;
  phone: string;
  address: string;
  groups: string[];
  flags: string[];
  teamName: string;
  teamPhone: string;
}

/** A row the import does not store, with why. */
export type RowProblem = Omit<RegisterRowDto, 'row' | 'recordId'>;

/** What a word of the file means: the codes themselves, and the words a 公卫 export uses. */
const GROUP_WORDS: Record<PriorityGroup, string[]> = {
  elderly: ['elderly', '65+', '老年人', '老年', '65岁以上老年人', '65岁及以上老年人'],
  pregnant: ['pregnant', '孕产妇', '孕妇', '产妇'],
  child: ['child', '儿童', '0-6岁儿童', '0～6岁儿童', '0~6岁儿童'],
  disabled: ['disabled', '残疾人', '残疾'],
  chronic: ['chronic', 'hypertension', 'diabetes', '慢性病', '慢病', '慢性病患者', '高血压', '高血压患者', '糖尿病', '糖尿病患者', '2型糖尿病', '2型糖尿病患者'],
  mental_illness: ['mental_illness', 'severe mental illness', '严重精神障碍', '严重精神障碍患者', '精神障碍', '重性精神疾病'],
};
const FLAG_WORDS: Record<RecordFlag, string[]> = {
  red: ['red', '红', '红色'],
  orange: ['orange', '橙', '橙色'],
  yellow: ['yellow', '黄', '黄色'],
  blue: ['blue', '蓝', '蓝色'],
  green: ['green', '绿', '绿色'],
};
const plain = (word: string) => word.normalize('NFKC').trim().toLowerCase().replace(/(标识|标记|标签|标)$/, '');
const lookup = <K extends string>(table: Record<K, string[]>) => {
  const map = new Map<string, K>();
  for (const [code, words] of Object.entries(table) as [K, string[]][]) for (const w of words) map.set(plain(w), code);
  return (word: string): K | undefined => map.get(plain(word));
};
export const groupOf = lookup(GROUP_WORDS);
export const flagOf = lookup(FLAG_WORDS);

/** A list cell: 老年人、高血压 / red;blue / 红色，黄色. */
export const splitList = (cell: string) => cell.split(/[、,，;；|/]+/).map((w) => w.trim()).filter(Boolean);

/** Digits with spaces, dashes, dots or brackets, an optional leading +: a mobile, or a landline with its area code. */
const PHONE = /^\+?[0-9]{5,20}$/;

/** A birth date as an export writes it (2024-03-05, 2024/3/5, 20240305; a FHIR year or year-month), as YYYY-MM-DD. */
export function birthDateOf(value: string, today = new Date()): string | null | undefined {
  const m = /^(\d{4})(?:[-/.]?(\d{1,2})(?:[-/.]?(\d{1,2}))?)?$/.exec(value.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2] ?? 1), Number(m[3] ?? 1)];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || y < 1890 || date.getTime() > today.getTime()) return undefined;
  return date.toISOString().slice(0, 10);
}

/** Age in whole years on `today`. */
export function ageOn(birthDate: string, today = new Date()): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const had = today.getUTCMonth() + 1 > m || (today.getUTCMonth() + 1 === m && today.getUTCDate() >= d);
  return today.getUTCFullYear() - y - (had ? 0 : 1);
}

/** The groups a record is in: those declared, with 65+ (elderly) and under 7 (0–6岁儿童) from the birth date. */
export function groupsWithAge(groups: readonly PriorityGroup[], birthDate: string | null, today = new Date()): PriorityGroup[] {
  const all = new Set(groups);
  if (birthDate) {
    const age = ageOn(birthDate, today);
    if (age >= 65) all.add('elderly');
    if (age < 7) all.add('child');
  }
  return [...all].sort();
}

const LIMITS: Partial<Record<keyof RawResident, number>> = { recordId: 64, name: 100, address: 300, teamName: 100 };

/**
 * Checks a row: the first problem found (the field named as `fields` calls it: a CSV column or a FHIR element), or
 * the resident to store. A row with neither group nor flag is skipped: nothing about it helps at intake.
 */
export function checkResident(raw: RawResident, fields: Record<keyof RawResident, string>, today = new Date()): ResidentInput | RowProblem {
  const refuse = (field: keyof RawResident, reason: RowProblem['reason'], message: string): RowProblem => ({
    outcome: 'refused', reason, field: fields[field], message: `${fields[field]}: ${message}`,
  });
  for (const key of ['recordId', 'name'] as const) if (!raw[key].trim()) return refuse(key, 'required', 'required');
  for (const key of Object.keys(fields) as (keyof RawResident)[]) {
    const values = Array.isArray(raw[key]) ? (raw[key] as string[]) : [raw[key] as string];
    for (const value of values) {
      const problem = textProblem(value);
      if (problem) return refuse(key, 'badFormat', problem);
    }
    const limit = LIMITS[key];
    if (limit && (raw[key] as string).trim().length > limit) return refuse(key, 'tooLong', `at most ${limit} characters`);
  }
  let birthDate: string | null = null;
  if (raw.birthDate.trim()) {
    birthDate = birthDateOf(raw.birthDate, today) ?? null;
    if (!birthDate) return refuse('birthDate', 'badFormat', 'a past date as YYYY-MM-DD');
  }
  const phoneOf = (key: 'phone' | 'teamPhone') => raw[key].replace(/[\s\-().]/g, '');
  for (const key of ['phone', 'teamPhone'] as const) {
    if (raw[key].trim() && !PHONE.test(phoneOf(key))) return refuse(key, 'badFormat', 'digits (spaces, dashes allowed), an optional leading +');
  }
  const groups: PriorityGroup[] = [];
  for (const word of raw.groups) {
    const group = groupOf(word);
    if (!group) return refuse('groups', 'notInList', `"${word.slice(0, 40)}" is no priority group (老年人, 孕产妇, 儿童, 残疾人, 慢性病, 严重精神障碍)`);
    if (!groups.includes(group)) groups.push(group);
  }
  const flags: RecordFlag[] = [];
  for (const word of raw.flags) {
    const flag = flagOf(word);
    if (!flag) return refuse('flags', 'notInList', `"${word.slice(0, 40)}" is no record flag colour (红, 橙, 黄, 蓝, 绿)`);
    if (!flags.includes(flag)) flags.push(flag);
  }
  if (groupsWithAge(groups, birthDate, today).length === 0 && flags.length === 0) {
    return { outcome: 'skipped', reason: 'noPriority', field: null, message: 'no priority group and no record flag: not a register record' };
  }
  const orNull = (v: string) => v.trim() || null;
  return {
    recordId: raw.recordId.trim(),
    name: raw.name.trim(),
    birthDate,
    phone: orNull(raw.phone),
    address: orNull(raw.address),
    groups: groups.sort(),
    flags: flags.sort(),
    teamName: orNull(raw.teamName) ?? (raw.teamPhone.trim() ? '家庭医生团队' : null),
    teamPhone: orNull(raw.teamPhone),
  };
}

export const isProblem = (checked: ResidentInput | RowProblem): checked is RowProblem => 'outcome' in checked;
