import { z } from 'zod';
import { Lang, type LabelTable } from './labels';

/** What a county keeps in spreadsheets and can import and export in bulk. */
export const BulkKind = z.enum(['stations', 'vehicles', 'hospitals', 'users', 'crewMembers', 'shifts']);
export type BulkKind = z.infer<typeof BulkKind>;

export const BulkFormat = z.enum(['csv', 'xlsx']);
export type BulkFormat = z.infer<typeof BulkFormat>;

/**
 * The columns of each kind's file, in order: the Chinese and English headers (either is accepted on import, an export
 * writes those of its language). A `coded` column holds codes of a label table, written as their labels in the
 * file's language and read back in either language or as codes. An exported file re-imports unchanged.
 */
/**
 * The `centre` column (issue 15), optional: a centre's code (or id). Empty, or no such column: a new station, hospital,
 * dispatcher or supervisor is the default centre's and a stored station or hospital keeps its own. A dispatcher or
 * supervisor of every centre is written 全省 or province. Exports write it only where the database has several centres.
 */
export const PROVINCE_CELLS: readonly string[] = ['全省', 'province'];

export const BULK_COLUMNS: Record<BulkKind, readonly { key: string; zh: string; en: string; coded?: LabelTable }[]> = {
  stations: [
    { key: 'code', zh: '编码', en: 'code' },
    { key: 'name', zh: '名称', en: 'name' },
    { key: 'nameEn', zh: '英文名称', en: 'name_en' },
    { key: 'kind', zh: '类型', en: 'kind', coded: 'stationKind' },
    { key: 'address', zh: '地址', en: 'address' },
    { key: 'lon', zh: '经度', en: 'lon' },
    { key: 'lat', zh: '纬度', en: 'lat' },
    { key: 'centre', zh: '中心编码', en: 'centre' },
  ],
  vehicles: [
    { key: 'callSign', zh: '呼号', en: 'call_sign' },
    { key: 'kind', zh: '车型', en: 'kind', coded: 'vehicleKind' },
    { key: 'capabilities', zh: '能力', en: 'capabilities', coded: 'vehicleCapability' },
    { key: 'homeStation', zh: '所属站点编码', en: 'home_station' },
    { key: 'inService', zh: '在用', en: 'in_service', coded: 'yesNo' },
  ],
  hospitals: [
    { key: 'code', zh: '编码', en: 'code' },
    { key: 'name', zh: '名称', en: 'name' },
    { key: 'nameEn', zh: '英文名称', en: 'name_en' },
    { key: 'kind', zh: '类型', en: 'kind', coded: 'hospitalKind' },
    { key: 'capabilities', zh: '能力', en: 'capabilities', coded: 'hospitalCapability' },
    { key: 'address', zh: '地址', en: 'address' },
    { key: 'phone', zh: '电话', en: 'phone' },
    { key: 'lon', zh: '经度', en: 'lon' },
    { key: 'lat', zh: '纬度', en: 'lat' },
    { key: 'centre', zh: '中心编码', en: 'centre' },
  ],
  users: [
    { key: 'username', zh: '用户名', en: 'username' },
    { key: 'displayName', zh: '显示名', en: 'display_name' },
    { key: 'role', zh: '角色', en: 'role', coded: 'role' },
    { key: 'vehicle', zh: '车辆呼号', en: 'vehicle' },
    { key: 'hospital', zh: '医院编码', en: 'hospital' },
    { key: 'centre', zh: '中心编码', en: 'centre' },
  ],
  crewMembers: [
    { key: 'name', zh: '姓名', en: 'name' },
    { key: 'crewRole', zh: '岗位', en: 'crew_role', coded: 'crewRole' },
    { key: 'phone', zh: '电话', en: 'phone' },
    { key: 'station', zh: '站点编码', en: 'station' },
  ],
  shifts: [
    { key: 'vehicle', zh: '车辆呼号', en: 'vehicle' },
    { key: 'startsAt', zh: '开始时间', en: 'starts_at' },
    { key: 'endsAt', zh: '结束时间', en: 'ends_at' },
    { key: 'members', zh: '人员', en: 'members' },
  ],
};

/** Why a row (or the file) was refused, as a code the console translates; `message` is the English detail. */
export const BulkErrorCode = z.enum([
  'required', // an empty cell where a value is needed
  'notInList', // not one of the allowed values (kind, role, capability)
  'badFormat', // a number, time or code written wrongly
  'tooLong',
  'outOfRange', // a coordinate or number beyond its bounds
  'unknownStation',
  'unknownVehicle',
  'unknownHospital',
  'unknownCentre', // neither a centre's code nor its id (nor 全省 / province for a login of every centre)
  'unknownMember',
  'ambiguousMember', // two crew members of that name: give the phone too (姓名/电话)
  'duplicateInFile',
  'exists', // already stored with other values, and this kind cannot be changed by import
  'conflict', // refused by the database (an overlapping shift, a taken name)
  'invalid',
  'missingColumn', // file level: a required column is absent
  'unreadable', // file level: not a CSV or xlsx file that can be read
  'empty', // file level: no rows
  'tooManyRows',
]);
export type BulkErrorCode = z.infer<typeof BulkErrorCode>;

export const BulkRowError = z.object({
  /** The row number as the spreadsheet shows it (the header is row 1); 0 for the file itself. */
  row: z.number(),
  /** The column's key (BULK_COLUMNS), or null for the row or file as a whole. */
  column: z.string().nullable(),
  code: BulkErrorCode,
  message: z.string(),
});
export type BulkRowError = z.infer<typeof BulkRowError>;

export const BulkRowDto = z.object({
  row: z.number(),
  /** What committing does with it. */
  action: z.enum(['create', 'update', 'unchanged', 'error']),
  /** The row's natural key (code, call sign, username…), to show beside its errors. */
  key: z.string(),
  errors: z.array(BulkRowError),
});
export type BulkRowDto = z.infer<typeof BulkRowDto>;

export const BulkCounts = z.object({ create: z.number(), update: z.number(), unchanged: z.number(), error: z.number() });

export const BulkPreviewDto = z.object({
  kind: BulkKind,
  rows: z.array(BulkRowDto),
  /** Errors of the file itself (a missing column, an unreadable file). */
  fileErrors: z.array(BulkRowError),
  counts: BulkCounts,
  /** Whether committing this file would store it: no file or row error. */
  committable: z.boolean(),
});
export type BulkPreviewDto = z.infer<typeof BulkPreviewDto>;

/** A committed import; users created get a one-time password, shown here once and never stored or logged in clear. */
export const BulkResultDto = BulkPreviewDto.extend({
  committed: z.boolean(),
  temporaryPasswords: z.array(z.object({ username: z.string(), temporaryPassword: z.string() })),
});
export type BulkResultDto = z.infer<typeof BulkResultDto>;

export const BulkUploadQuery = z.object({ kind: BulkKind, format: BulkFormat });
export const BulkExportQuery = z.object({ kind: BulkKind, format: BulkFormat, lang: Lang.default('zh-CN') });

/** The media types of the two formats, for uploads and downloads. */
export const BULK_MEDIA_TYPES: Record<BulkFormat, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
