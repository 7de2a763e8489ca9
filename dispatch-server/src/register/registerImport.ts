import { type Db, inTransaction } from '@dispatch/db';
import { REGISTER_COLUMNS, type RegisterColumn, type RegisterFormat, type RegisterImportReport, type RegisterRowDto } from '@dispatch/protocol';
import { appendAudit, type Actor } from '../audit/audit';
import { readTable, UnreadableFileError } from '../bulk/bulkFiles';
import { HttpError } from '../http/errors';
import { FhirBundleInput, readRegisterBundle } from './registerFhir';
import { registerSql as sql } from './registerSql';
import { checkResident, isProblem, splitList, type RawResident, type ResidentInput, type RowProblem } from './residentInput';

/** A county's register is tens of thousands of residents; more in one file is a wrong file. */
export const MAX_REGISTER_ROWS = 20_000;

/** One row of a file, checked, with where it was. */
interface Checked {
  row: number;
  recordId: string | null;
  checked: ResidentInput | RowProblem;
}

/** Header text → column: the Chinese header, the English one (any case, spaces or _), or the key. */
function columnFor(header: string): RegisterColumn | undefined {
  const plain = header.trim().toLowerCase().replace(/[\s_-]+/g, '');
  return REGISTER_COLUMNS.find((c) => c.zh === header.trim() || c.en.replace(/_/g, '') === plain || c.key.toLowerCase() === plain)?.key;
}

const CSV_FIELDS = Object.fromEntries(REGISTER_COLUMNS.map((c) => [c.key, c.key])) as Record<keyof RawResident, string>;

/** The rows of a 公卫 CSV export; a file without the record id or name column is refused whole (400 naming it). */
async function readCsv(data: Buffer, today: Date): Promise<Checked[]> {
  let table;
  try {
    table = await readTable(data, 'csv');
  } catch (error) {
    if (error instanceof UnreadableFileError) throw new HttpError(400, `body: ${error.message}`);
    throw error;
  }
  const at = new Map<RegisterColumn, number>();
  table.headers.forEach((h, i) => {
    const key = columnFor(h);
    if (key && !at.has(key)) at.set(key, i);
  });
  const missing = REGISTER_COLUMNS.find((c) => c.required && !at.has(c.key));
  if (missing) throw new HttpError(400, `${missing.key}: the column ${missing.zh} (${missing.en}) is missing`);
  if (table.rows.length > MAX_REGISTER_ROWS) throw new HttpError(413, `body: more than ${MAX_REGISTER_ROWS} rows`);
  return table.rows.map(({ row, cells }) => {
    const cell = (key: RegisterColumn) => (at.has(key) ? (cells[at.get(key)!] ?? '') : '');
    const raw: RawResident = {
      recordId: cell('recordId'), name: cell('name'), birthDate: cell('birthDate'), phone: cell('phone'), address: cell('address'),
      groups: splitList(cell('groups')),
      flags: cell('flags').split(/[、,，;；|/\s]+/).map((w) => w.trim()).filter(Boolean),
      teamName: cell('teamName'), teamPhone: cell('teamPhone'),
    };
    return { row, recordId: raw.recordId.trim() || null, checked: checkResident(raw, CSV_FIELDS, today) };
  });
}

/** The rows of a FHIR R4 Bundle (JSON); not JSON or not a Bundle: 400 naming what is wrong. */
function readFhir(data: Buffer, today: Date): Checked[] {
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    throw new HttpError(400, 'body: not JSON (a FHIR R4 Bundle is expected)');
  }
  const bundle = FhirBundleInput.safeParse(json);
  if (!bundle.success) {
    const issue = bundle.error.issues[0]!;
    throw new HttpError(400, `${['body', ...issue.path].join('.')}: ${issue.message}`);
  }
  return readRegisterBundle(bundle.data, today);
}

/**
 * Imports residents from the health-record system. Rows are taken one by one, not all or nothing: each record stands
 * alone, and a county export with one mistyped phone must not keep every other resident's flags away from intake.
 * Refused rows are reported with their field so the health-record system's entry can be fixed and the file sent again:
 * a re-import is idempotent by the record id (a stored record of the same id is matched, updated only if it changed).
 * A record id twice in one file: the first row is taken, the others skipped. The stored rows commit in one transaction
 * with the audit line (counts only, no personal data).
 */
export async function importRegister(db: Db, actor: Actor, format: RegisterFormat, data: Buffer, today = new Date()): Promise<RegisterImportReport> {
  const rows = format === 'csv' ? await readCsv(data, today) : readFhir(data, today);
  const counts = { added: 0, matched: 0, skipped: 0, refused: 0 };
  const reported: RegisterRowDto[] = [];
  const seen = new Set<string>();
  await inTransaction(db, async (client) => {
    for (const { row, recordId, checked } of rows) {
      let problem: RowProblem | null = isProblem(checked) ? checked : null;
      if (!problem && seen.has((checked as ResidentInput).recordId)) {
        problem = { outcome: 'skipped', reason: 'duplicateInFile', field: format === 'csv' ? 'recordId' : 'Patient.id', message: 'the record id came earlier in the file (that row is taken)' };
      }
      if (problem) {
        counts[problem.outcome]++;
        reported.push({ row, recordId, ...problem });
        continue;
      }
      const input = checked as ResidentInput;
      seen.add(input.recordId);
      const stored = await sql.upsert.one(client, { ...input, source: format });
      if (stored?.inserted) counts.added++;
      else counts.matched++;
    }
    await appendAudit(client, actor, 'register.imported', { type: 'register', id: format }, { counts });
  });
  return { format, counts, rows: reported };
}

