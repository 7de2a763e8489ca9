import { type Db, type DbClient, inTransaction, sqlFile } from '@dispatch/db';
import {
  BULK_COLUMNS,
  BULK_MEDIA_TYPES,
  type BulkFormat,
  type BulkKind,
  type BulkPreviewDto,
  type BulkResultDto,
  type BulkRowDto,
  type BulkRowError,
  codeOfLabel,
  domainLabel,
  type LabelTable,
  type Lang,
  rooms,
} from '@dispatch/protocol';
import { appendAudit, type Actor } from '../audit/audit';
import { answerFor, HttpError } from '../http/errors';
import type { Publisher } from '../realtime/publisher';
import { announceChange } from '../resources/announce';
import { publishVehicle } from '../vehicles/publishVehicle';
import { readTable, UnreadableFileError, writeTable } from './bulkFiles';
import { type BulkRecord, type Changed, KINDS, loadLookups } from './bulkKinds';

const sql = sqlFile(new URL('./bulk.sql', import.meta.url), { savepoint: {}, release: {}, rollbackRow: {} });

export interface BulkDeps {
  db: Db;
  /** Where committed changes are pushed to the open consoles. */
  events: Publisher;
  /** The fleet's stale-position threshold, as the vehicle commands take it. */
  staleAfterSeconds: number;
}

/** A county's whole roster fits; more is a mistake (a wrong sheet) better refused than half-checked. */
export const MAX_ROWS = 5000;
/** Columns a file may leave out: each is optional on every row. */
const OPTIONAL = new Set(['nameEn', 'address', 'phone', 'inService', 'vehicle', 'hospital', 'station', 'members', 'centre']);

/** The preview a rollback carries out of the transaction. */
class RolledBack extends Error {
  constructor(readonly result: BulkResultDto) {
    super('rolled back');
  }
}

const PARTS = /[;；,，、]/;

/**
 * A coded cell as codes: each part written as a label (in either language) or as a code becomes its code; a part that
 * is none of them is kept as written, for the schema to refuse naming the column. Spaces separate codes too, but
 * only where the whole part is not itself a label ("PCI centre").
 */
function codesOf(table: LabelTable, cell: string): string {
  const codes = cell.split(PARTS).map((p) => p.trim()).filter(Boolean).flatMap((part) => {
    const code = codeOfLabel(table, part);
    if (code !== undefined) return [code];
    const codes = part.split(/\s+/).map((w) => codeOfLabel(table, w));
    return codes.every((c) => c !== undefined) ? (codes as string[]) : [part];
  });
  return codes.join(';');
}

/** Codes as the labels of a language, the way a person writes a list in it. */
function labelsOf(table: LabelTable, cell: string, lang: Lang): string {
  return cell.split(';').filter(Boolean).map((code) => domainLabel(lang, table, code)).join(lang === 'zh-CN' ? '、' : '; ');
}

/** Header text → column key: the Chinese header, the English alias (any case, spaces or _) or the key itself. */
function columnFor(kind: BulkKind, header: string): string | undefined {
  const plain = header.trim().toLowerCase().replace(/[\s_-]+/g, '');
  return BULK_COLUMNS[kind].find((c) => c.zh === header.trim() || c.en.replace(/_/g, '') === plain || c.key.toLowerCase() === plain)?.key;
}

/** The column a command's refusal names ("homeStationId: no such station" → homeStation). */
function columnOfMessage(kind: BulkKind, message: string): string | null {
  const field = /^(\w+)[.:]/.exec(message)?.[1] ?? '';
  const key = { homeStationId: 'homeStation', vehicleId: 'vehicle', hospitalId: 'hospital', stationId: 'station', memberIds: 'members', centreId: 'centre' }[field] ?? field;
  return BULK_COLUMNS[kind].some((c) => c.key === key) ? key : null;
}

const emptyResult = (kind: BulkKind, fileErrors: BulkRowError[]): BulkResultDto => ({
  kind, rows: [], fileErrors, counts: { create: 0, update: 0, unchanged: 0, error: 0 }, committable: false, committed: false, temporaryPasswords: [],
});

/**
 * Checks, and with `commit` stores, a file of one kind. Every row runs through its domain's create or update command
 * in ONE transaction, each behind a savepoint so a refused row does not hide the next row's errors. Without `commit`,
 * or when any row or the file has an error, the transaction is rolled back: nothing is stored, and the answer lists
 * every error (row, column, code). A county admin fixes the file and sends it again; half a roster is never stored.
 */
async function runImport(deps: BulkDeps, actor: Actor, kind: BulkKind, format: BulkFormat, data: Buffer, commit: boolean): Promise<BulkResultDto> {
  let table;
  try {
    table = await readTable(data, format);
  } catch (error) {
    if (error instanceof UnreadableFileError) return emptyResult(kind, [{ row: 0, column: null, code: 'unreadable', message: error.message }]);
    throw error;
  }
  const positions = new Map<string, number>();
  table.headers.forEach((h, i) => {
    const key = columnFor(kind, h);
    if (key && !positions.has(key)) positions.set(key, i);
  });
  const fileErrors: BulkRowError[] = BULK_COLUMNS[kind]
    .filter((c) => !positions.has(c.key) && !OPTIONAL.has(c.key))
    .map((c) => ({ row: 1, column: c.key, code: 'missingColumn', message: `the column ${c.zh} (${c.en}) is missing` }));
  if (table.rows.length === 0) fileErrors.push({ row: 0, column: null, code: 'empty', message: 'the file has no rows below its header' });
  if (table.rows.length > MAX_ROWS) fileErrors.push({ row: 0, column: null, code: 'tooManyRows', message: `more than ${MAX_ROWS} rows` });
  if (fileErrors.length) return emptyResult(kind, fileErrors);

  const spec = KINDS[kind];
  const codedColumns = new Map(BULK_COLUMNS[kind].flatMap((c) => (c.coded ? [[c.key, c.coded] as const] : [])));
  const keyColumn = BULK_COLUMNS[kind][0]!.key;
  const changes: Changed[] = [];
  const work = async (client: DbClient): Promise<BulkResultDto> => {
    const lookups = await loadLookups(client, deps.staleAfterSeconds);
    const existing = await spec.existing(client, lookups, deps.staleAfterSeconds);
    const seen = new Map<string, number>();
    const rows: BulkRowDto[] = [];
    const temporaryPasswords: BulkResultDto['temporaryPasswords'] = [];
    // A deadlock retry runs this again from the start.
    changes.length = 0;
    for (const { row, cells } of table.rows) {
      const record: BulkRecord = {};
      for (const [key, index] of positions) {
        const cell = cells[index] ?? '';
        const table = codedColumns.get(key);
        record[key] = table && cell ? codesOf(table, cell) : cell;
      }
      const key = spec.key(record);
      const errors: BulkRowError[] = [];
      const earlier = seen.get(key);
      if (earlier !== undefined) errors.push({ row, column: keyColumn, code: 'duplicateInFile', message: `the same as row ${earlier}` });
      else seen.set(key, row);
      const parsed = spec.parse(record, lookups);
      errors.push(...parsed.errors.map((e) => ({ ...e, row })));
      if (errors.length || parsed.input === null) {
        rows.push({ row, key, action: 'error', errors });
        continue;
      }
      const stored = existing.get(key);
      let action: BulkRowDto['action'] = stored === undefined ? 'create' : spec.same(stored, parsed.input) ? 'unchanged' : 'update';
      if (action === 'update' && !spec.update) {
        rows.push({ row, key, action: 'error', errors: [{ row, column: keyColumn, code: 'exists', message: 'stored with other values; change it on its screen' }] });
        continue;
      }
      if (action !== 'unchanged') {
        await sql.savepoint.run(client);
        try {
          if (action === 'create') {
            const created = await spec.create(client, actor, parsed.input, deps.staleAfterSeconds);
            if ('temporaryPassword' in created && created.temporaryPassword) temporaryPasswords.push(created.temporaryPassword);
            changes.push(created);
          } else {
            changes.push(await spec.update!(client, actor, stored, parsed.input, deps.staleAfterSeconds));
          }
          await sql.release.run(client);
        } catch (error) {
          // A refusal of this row (a command's 4xx, or the database's refusal of a value it cannot store) is the
          // row's error; anything else (the database gone) fails the whole request.
          const answer = answerFor(error);
          if (answer.status >= 500) throw error;
          await sql.rollbackRow.run(client);
          action = 'error';
          errors.push({ row, column: columnOfMessage(kind, answer.error), code: answer.status === 409 ? 'conflict' : 'invalid', message: answer.error });
        }
      }
      rows.push({ row, key, action, errors });
    }
    const counts = { create: 0, update: 0, unchanged: 0, error: 0 };
    for (const r of rows) counts[r.action]++;
    const committable = counts.error === 0;
    const result: BulkResultDto = { kind, rows, fileErrors: [], counts, committable, committed: commit && committable, temporaryPasswords: [] };
    if (!result.committed) throw new RolledBack(result);
    await appendAudit(client, actor, 'bulk.imported', { type: 'bulk_import', id: kind }, { format, ...counts });
    // Shown once, to the admin who imported; never in the audit or the logs.
    return { ...result, temporaryPasswords };
  };
  try {
    const result = await inTransaction(deps.db, work);
    await announce(deps, changes);
    return result;
  } catch (error) {
    if (error instanceof RolledBack) return error.result;
    throw error;
  }
}

/**
 * Pushes a committed import to the open consoles as the one-by-one screens do: each station, vehicle and hospital
 * as it now is (maps redraw), and one `resource.changed` per import for open lists to fetch their page again (not one
 * per row: a roster of hundreds would make every list fetch hundreds of times). A vehicle goes out as its update
 * command sends it (publishVehicle): to its centre's staff and, while it helps on another centre's call, that centre's
 * too, whose board would otherwise hear of the change only at the vehicle's next update; one moved to another centre's
 * station to the centre it leaves as well (that board drops it).
 */
async function announce(deps: BulkDeps, changes: Changed[]): Promise<void> {
  const { db, events, staleAfterSeconds } = deps;
  for (const change of changes) {
    if (change.kind === 'station') events.publish(rooms.dispatchers, 'station.updated', change.dto);
    if (change.kind === 'hospital') events.publish(rooms.centreStaff(change.dto.centreId), 'hospital.updated', change.dto);
    if (change.kind === 'vehicle') await publishVehicle({ db, events, policy: { staleAfterSeconds } }, change.dto.id, change.previousCentreId);
  }
  const last = changes.at(-1);
  if (last) announceChange(events, last.kind, last.dto.id);
}

/** Every row of the file with what committing would do and its errors; nothing is stored. */
export async function previewBulkImport(deps: BulkDeps, actor: Actor, kind: BulkKind, format: BulkFormat, data: Buffer): Promise<BulkPreviewDto> {
  const { committed: _committed, temporaryPasswords: _passwords, ...preview } = await runImport(deps, actor, kind, format, data, false);
  return preview;
}

/**
 * Stores the file: all its rows in one transaction, or none (422 with the preview as details) when any has an error.
 * Logins created get a one-time password, in the answer only, to change at the first login.
 */
export async function commitBulkImport(deps: BulkDeps, actor: Actor, kind: BulkKind, format: BulkFormat, data: Buffer): Promise<BulkResultDto> {
  const result = await runImport(deps, actor, kind, format, data, true);
  if (!result.committed) {
    const bad = result.fileErrors.length ? 'the file has errors' : `${result.counts.error} rows have errors`;
    throw new HttpError(422, `${bad}; nothing was stored: fix the file and send it again`, result);
  }
  return result;
}

/** The stored rows of a kind as a file with the import's columns, headers and labels in `lang`: it re-imports unchanged. */
export async function exportBulk(deps: BulkDeps, kind: BulkKind, format: BulkFormat, lang: Lang): Promise<{ data: Buffer; fileName: string; mediaType: string }> {
  const lookups = await loadLookups(deps.db, deps.staleAfterSeconds);
  const records = await KINDS[kind].exportRecords(deps.db, lookups, deps.staleAfterSeconds);
  // A single-centre deployment never names its centre (issue 15).
  const severalCentres = lookups.centreCodes.size > 1;
  const columns = BULK_COLUMNS[kind].filter((c) => c.key !== 'centre' || severalCentres);
  const cellOf = (record: Record<string, string>, c: (typeof columns)[number]) => (c.coded ? labelsOf(c.coded, record[c.key] ?? '', lang) : (record[c.key] ?? ''));
  const headers = columns.map((c) => (lang === 'zh-CN' ? c.zh : c.en));
  const data = await writeTable(kind, headers, records.map((r) => columns.map((c) => cellOf(r, c))), format);
  return { data, fileName: `${kind}.${format}`, mediaType: BULK_MEDIA_TYPES[format] };
}
