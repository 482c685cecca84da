// Spreadsheets in and out: CSV (UTF-8 with or without BOM, or GB18030 as saved by Chinese
// Excel) and XLSX (exceljs). A table is a header row and string cells.
import type ExcelJS from 'exceljs';

// exceljs is large: loaded only when a spreadsheet is read or written
const loadExcel = async () => (await import('exceljs')).default;
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { AppError } from '../errors.ts';

export type TableFormat = 'csv' | 'xlsx';

export interface Table {
  headers: string[];
  /** data rows, each with its 1-based spreadsheet row number */
  rows: { row: number; cells: string[] }[];
}

export function detectFormat(buf: Buffer, hint?: string): TableFormat {
  if (hint === 'csv' || hint === 'xlsx') return hint;
  // an .xlsx file is a zip archive
  return buf.length > 3 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04 ? 'xlsx' : 'csv';
}

function decodeText(buf: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf).replace(/^\uFEFF/, '');
  } catch {
    return iconv.decode(buf, 'gb18030');
  }
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('error' in v) return '';
    return '';
  }
  return String(v);
}

export async function readTable(buf: Buffer, format: TableFormat): Promise<Table> {
  let matrix: { row: number; cells: string[] }[];
  if (format === 'csv') {
    let records: string[][];
    try {
      records = parse(decodeText(buf), { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
    } catch (err) {
      throw new AppError('bad_request', `not a readable CSV file: ${(err as Error).message}`, 'file');
    }
    // csv-parse skips empty lines, so number rows by their position in the parsed output
    matrix = records.map((cells, i) => ({ row: i + 1, cells }));
  } else {
    const wb: ExcelJS.Workbook = new (await loadExcel()).Workbook();
    try {
      await wb.xlsx.load(buf as unknown as ArrayBuffer);
    } catch (err) {
      throw new AppError('bad_request', `not a readable XLSX file: ${(err as Error).message}`, 'file');
    }
    const ws = wb.worksheets[0];
    if (!ws) throw new AppError('bad_request', 'the workbook has no worksheet', 'file');
    matrix = [];
    ws.eachRow({ includeEmpty: false }, (r, rowNumber) => {
      const cells: string[] = [];
      for (let c = 1; c <= r.cellCount; c++) cells.push(cellText(r.getCell(c).value).trim());
      if (cells.some((x) => x !== '')) matrix.push({ row: rowNumber, cells });
    });
  }
  if (matrix.length === 0) throw new AppError('bad_request', 'the file is empty: expected a header row', 'file');
  const [head, ...rows] = matrix;
  return { headers: head.cells.map((h) => h.trim()), rows };
}

/** keep a spreadsheet from reading a cell as a formula (CSV injection) */
function guard(s: string): string {
  return /^[=@\t\r]|^[+-][^\d]/.test(s) ? `'${s}` : s;
}

export function writeCsv(headers: string[], rows: string[][]): Buffer {
  const esc = (s: string) => {
    const v = guard(s);
    return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  };
  const lines = [headers, ...rows].map((r) => r.map(esc).join(','));
  // the BOM makes Excel read the file as UTF-8 rather than the local code page
  return Buffer.from('\uFEFF' + lines.join('\r\n') + '\r\n', 'utf8');
}

export async function writeXlsx(sheetName: string, headers: string[], rows: string[][]): Promise<Buffer> {
  const wb: ExcelJS.Workbook = new (await loadExcel()).Workbook();
  wb.creator = 'ipclue';
  const ws = wb.addWorksheet(sheetName);
  ws.addRow(headers).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  ws.columns.forEach((c) => (c.width = 18));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export const CONTENT_TYPES: Record<TableFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
