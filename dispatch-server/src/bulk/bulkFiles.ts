import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { BulkFormat } from '@dispatch/protocol';

/** A sheet as text: the header row and each following row's cells, with its row number as the spreadsheet shows it. */
export interface Table {
  headers: string[];
  rows: { row: number; cells: string[] }[];
}

export class UnreadableFileError extends Error {}

/**
 * A CSV cell Excel would run as a formula (=, +, -, @, tab, CR first) is written behind an apostrophe, as OWASP
 * advises against CSV injection; reading takes one such apostrophe off again, so the file re-imports unchanged.
 * A plain number (a negative longitude) is left as it is. In xlsx every cell is a string cell, never a formula.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;
const defuse = (cell: string) => (FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell) ? `'${cell}` : cell);
const restore = (cell: string) => (cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell);

/** What a cell of a hand-made workbook holds, as the text a CSV would have (dates as ISO instants). */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    if ('error' in value) return '';
  }
  return String(value);
}

/** Reads a CSV (UTF-8, with or without BOM) or the first sheet of an xlsx; blank rows are skipped. */
export async function readTable(data: Buffer, format: BulkFormat): Promise<Table> {
  let grid: { row: number; cells: string[] }[];
  try {
    if (format === 'csv') {
      const records = parse(data, { bom: true, relax_column_count: true, skip_empty_lines: false }) as string[][];
      grid = records.map((cells, i) => ({ row: i + 1, cells: cells.map((c) => restore(c.trim())) }));
    } else {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(data as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0];
      if (!sheet) throw new UnreadableFileError('the workbook has no sheet');
      grid = [];
      sheet.eachRow({ includeEmpty: false }, (row, number) => {
        const cells: string[] = [];
        for (let c = 1; c <= row.cellCount; c++) cells.push(cellText(row.getCell(c).value).trim());
        grid.push({ row: number, cells });
      });
    }
  } catch (error) {
    if (error instanceof UnreadableFileError) throw error;
    throw new UnreadableFileError(`cannot read the file as ${format}: ${(error as Error).message.slice(0, 200)}`);
  }
  const filled = grid.filter((r) => r.cells.some((c) => c !== ''));
  const [header, ...rows] = filled;
  return { headers: header?.cells ?? [], rows };
}

/** Writes a header row and the rows, every cell as text (so a code like 0012 stays 0012), as CSV or xlsx. */
export async function writeTable(sheetName: string, headers: string[], rows: string[][], format: BulkFormat): Promise<Buffer> {
  if (format === 'csv') {
    // The BOM makes Excel open the UTF-8 file with its Chinese intact.
    return Buffer.from(`\uFEFF${stringify([headers, ...rows.map((row) => row.map(defuse))])}`, 'utf8');
  }
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow(headers).font = { bold: true };
  for (const row of rows) sheet.addRow(row);
  for (let c = 1; c <= headers.length; c++) sheet.getColumn(c).width = 18;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
