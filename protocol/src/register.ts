import { z } from 'zod';
import { PriorityGroup } from './domain';
import { PhoneNumber } from './telephony';
import { text } from './validation';

/**
 * The priority-group register (重点人群): residents the health-record system (公卫) flags, imported as CSV or as FHIR
 * R4 Patient + Flag bundles, matched to calls at intake by the caller's number or the address.
 */

/**
 * The five-colour record flag of a health record: red major disease, orange chronic disease, yellow severe mental
 * illness, blue occupational / infectious / endemic disease, green disability.
 */
export const RecordFlag = z.enum(['red', 'orange', 'yellow', 'blue', 'green']);
export type RecordFlag = z.infer<typeof RecordFlag>;

/** The flag colours as screens draw them (the same hue as the paper record's sticker). */
export const RECORD_FLAG_COLOURS: Record<RecordFlag, string> = {
  red: '#dc2626', orange: '#ea580c', yellow: '#ca8a04', blue: '#2563eb', green: '#16a34a',
};

/** A flag in words, for the dispatcher, the crew and the hospital. */
export const RECORD_FLAG_LABELS: Record<'zh-CN' | 'en', Record<RecordFlag, string>> = {
  'zh-CN': { red: '红色·重大疾病', orange: '橙色·慢性病', yellow: '黄色·严重精神障碍', blue: '蓝色·职业病/传染病/地方病', green: '绿色·残疾' },
  en: { red: 'Red · major disease', orange: 'Orange · chronic disease', yellow: 'Yellow · severe mental illness', blue: 'Blue · occupational/infectious/endemic', green: 'Green · disability' },
};

/** A resident's family-doctor team (家庭医生团队) and the number it is reached at. */
export const FamilyDoctorTeamDto = z.object({ name: z.string(), phone: z.string().nullable() });
export type FamilyDoctorTeamDto = z.infer<typeof FamilyDoctorTeamDto>;

/** A register record as the administrator's search shows it. */
export const ResidentDto = z.object({
  id: z.uuid(),
  /** The health-record system's id (健康档案编号 / Patient.id): a re-import updates the record by it. */
  recordId: z.string(),
  source: z.enum(['csv', 'fhir', 'demo']),
  name: z.string(),
  birthDate: z.string().nullable(),
  age: z.number().nullable(),
  phone: z.string().nullable(),
  address: z.string().nullable(),
  /** Declared groups, with 65+ (elderly) and under 7 (child) added from the birth date. */
  groups: z.array(PriorityGroup),
  flags: z.array(RecordFlag),
  team: FamilyDoctorTeamDto.nullable(),
  updatedAt: z.string(),
});
export type ResidentDto = z.infer<typeof ResidentDto>;

/** A resident matched to a call: what the dispatcher and the crew see (no phone or address: they have the call's). */
export const RegisterMatchDto = z.object({
  residentId: z.uuid(),
  name: z.string(),
  age: z.number().nullable(),
  groups: z.array(PriorityGroup),
  flags: z.array(RecordFlag),
  team: FamilyDoctorTeamDto.nullable(),
  /** What matched: the caller's number, the address, or both. */
  matchedBy: z.array(z.enum(['phone', 'address'])),
});
export type RegisterMatchDto = z.infer<typeof RegisterMatchDto>;

/** The call being taken, before it is an incident: its number and/or address (POST keeps them out of URLs). */
export const RegisterMatchRequest = z
  .object({
    callerPhone: PhoneNumber.optional(),
    address: text(300).trim().optional(),
    /** The phone system's call, for the audit line of this read. */
    phoneCallId: z.uuid().optional(),
  })
  .refine((r) => r.callerPhone || r.address, { message: 'give callerPhone or address', path: ['callerPhone'] });
export type RegisterMatchRequest = z.input<typeof RegisterMatchRequest>;

export const RegisterMatchAnswer = z.object({ matches: z.array(RegisterMatchDto) });
export type RegisterMatchAnswer = z.infer<typeof RegisterMatchAnswer>;

/** The residents linked to an incident (the dispatcher's incident, the crew's task). */
export const IncidentRegisterDto = z.object({ incidentId: z.uuid(), matches: z.array(RegisterMatchDto) });
export type IncidentRegisterDto = z.infer<typeof IncidentRegisterDto>;

/** What the receiving hospital gets: the record flags relevant to care, never names, groups or the team's contact. */
export const CareFlagsDto = z.object({ noticeId: z.uuid(), flags: z.array(RecordFlag) });
export type CareFlagsDto = z.infer<typeof CareFlagsDto>;

export const RegisterFormat = z.enum(['csv', 'fhir']);
export type RegisterFormat = z.infer<typeof RegisterFormat>;
export const RegisterImportQuery = z.object({ format: RegisterFormat });

/** The media types an import takes (a browser sends a .json file as octet-stream). */
export const REGISTER_MEDIA_TYPES = ['text/csv', 'application/fhir+json', 'application/octet-stream'];

/**
 * The columns of the CSV: the Chinese header a county's 公卫 system exports, the English one also accepted. Groups and
 * flags are lists separated by 、 , ; or spaces, in Chinese (老年人, 孕产妇, 红色…) or as the codes.
 */
export const REGISTER_COLUMNS = [
  { key: 'recordId', zh: '健康档案编号', en: 'record_id', required: true },
  { key: 'name', zh: '姓名', en: 'name', required: true },
  { key: 'birthDate', zh: '出生日期', en: 'birth_date', required: false },
  { key: 'phone', zh: '联系电话', en: 'phone', required: false },
  { key: 'address', zh: '现住址', en: 'address', required: false },
  { key: 'groups', zh: '重点人群', en: 'groups', required: false },
  { key: 'flags', zh: '档案标识', en: 'flags', required: false },
  { key: 'teamName', zh: '家庭医生团队', en: 'team', required: false },
  { key: 'teamPhone', zh: '团队联系电话', en: 'team_phone', required: false },
] as const;
export type RegisterColumn = (typeof REGISTER_COLUMNS)[number]['key'];

/** Why a row was skipped (nothing wrong with it, nothing to store) or refused (a field is wrong). */
export const RegisterRowReason = z.enum([
  'duplicateInFile', // skipped: the record id came earlier in the file, which is kept
  'noPriority', // skipped: no priority group and no flag, nothing the register keeps
  'inactive', // skipped: a FHIR Patient with active false
  'required', // refused: an empty field that is needed
  'badFormat', // refused: a date, phone or list written wrongly
  'notInList', // refused: a group or colour the register does not know
  'tooLong',
  'unknownPatient', // refused: a FHIR Flag whose subject is no Patient of the bundle
]);
export type RegisterRowReason = z.infer<typeof RegisterRowReason>;

export const RegisterRowDto = z.object({
  /** CSV: the row number as a spreadsheet shows it (the header is 1); FHIR: the entry's index in the bundle. */
  row: z.number().int(),
  recordId: z.string().nullable(),
  outcome: z.enum(['skipped', 'refused']),
  reason: RegisterRowReason,
  /** The field refused: a CSV column key, or the FHIR element (Patient.birthDate, Flag.subject…). */
  field: z.string().nullable(),
  message: z.string(),
});
export type RegisterRowDto = z.infer<typeof RegisterRowDto>;

/**
 * An import's report. Rows are stored one by one: `matched` updated a record of the same id (idempotent: the same file
 * again matches every row and changes nothing), `added` are new; skipped and refused rows are listed with why.
 */
export const RegisterImportReport = z.object({
  format: RegisterFormat,
  counts: z.object({ added: z.number().int(), matched: z.number().int(), skipped: z.number().int(), refused: z.number().int() }),
  rows: z.array(RegisterRowDto),
});
export type RegisterImportReport = z.infer<typeof RegisterImportReport>;

export const ResidentListQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
  sort: z.enum(['name', '-name', 'recordId', '-recordId', 'updatedAt', '-updatedAt']).default('name'),
  /** Searched in the name, record id, phone (digits) and address. */
  q: text(100).trim().optional(),
  flag: RecordFlag.optional(),
});
export const ResidentPage = z.object({ items: z.array(ResidentDto), total: z.number().int().min(0), page: z.number().int(), pageSize: z.number().int() });
export type ResidentPage = z.infer<typeof ResidentPage>;

export const FollowUpStatus = z.enum(['pending', 'sent']);
export type FollowUpStatus = z.infer<typeof FollowUpStatus>;

/** The notice a family-doctor team receives after an incident of one of its residents (an outbox row, polled). */
export const RegisterFollowUpDto = z.object({
  id: z.uuid(),
  status: FollowUpStatus,
  incidentId: z.uuid(),
  incidentNumber: z.number(),
  incidentClosedAt: z.string().nullable(),
  category: z.string(),
  resident: z.object({ id: z.uuid(), recordId: z.string(), name: z.string() }),
  team: FamilyDoctorTeamDto.nullable(),
  /** The text the team's system shows or sends on (Chinese, as the teams work in it). */
  message: z.string(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export type RegisterFollowUpDto = z.infer<typeof RegisterFollowUpDto>;

export const FollowUpQuery = z.object({
  status: FollowUpStatus.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** The team's system acknowledges the notices it has taken: each becomes sent (again: unchanged). */
export const MarkFollowUpsSentRequest = z.object({ ids: z.array(z.uuid()).min(1).max(500) });
export const MarkFollowUpsSentAnswer = z.object({ sent: z.array(z.uuid()) });

/**
 * The synthetic demo county's register numbers: the demo seeds a resident for each (dispatch-server's demoRegister.ts)
 * and the call generator rings from them now and then, so a demo call shows the flags.
 */
export const DEMO_REGISTER_PHONES = ['13935100001', '13935100002', '13935100003', '13935100004', '13935100005', '13935100006'] as const;
