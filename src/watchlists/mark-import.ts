// Bulk import of marks and GIs from the spreadsheets rights holders keep. Every row is checked
// by the same schema as the API; each good row is written in its own transaction, so a bad row
// never blocks the good ones and never half-writes. The report says, row by row, what was
// imported, what was rejected and why, and which rows were duplicates.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { findRightsHolderByName, getRightsHolder } from '../auth/user.repository.ts';
import { withChange } from './actor.ts';
import { insertMark } from './mark.repository.ts';
import { GiCreateSchema, MarkCreateSchema, type MarkKind } from './mark.schema.ts';
import type { Table } from './table-io.ts';

/** accepted headers for each field (Chinese as in the export, or the API's English names) */
export const MARK_COLUMNS: Record<string, string[]> = {
  name: ['名称', 'name', '商标名称', '地理标志名称'],
  aliases: ['别名', 'aliases', '其他名称'],
  registrationNo: ['注册号', 'registrationNo', 'registration_no'],
  niceClasses: ['尼斯分类', 'niceClasses', 'nice_classes', '类别'],
  owner: ['权利人', 'owner'],
  keywords: ['商品关键词', 'keywords', '关键词'],
  referencePrices: ['参考价格', 'referencePrices', '参考价'],
  authorisedSellers: ['授权店铺', 'authorisedSellers', '授权经销商'],
  channels: ['监测渠道', 'channels'],
  countries: ['监测国家', 'countries'],
  logoUrl: ['标识图片', 'logoUrl'],
  regionCodes: ['保护地域代码', 'regionCodes', '行政区划代码'],
  category: ['产品类别', 'category'],
  seasonMonths: ['上市月份', 'seasonMonths'],
  producers: ['授权使用者', 'producers'],
};

const splitText = (s: string) => s.split(/[;；、|\n]/).map((x) => x.trim()).filter(Boolean);
const splitCodes = (s: string) => s.split(/[;；、|,，\s]+/).map((x) => x.trim()).filter(Boolean);
const num = (s: string) => (/^\d+(\.\d+)?$/.test(s) ? Number(s) : s);

export class RowError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

/** "CNY 3-5; USD 1.5-2" → [{currency, min, max}] */
function parsePrices(s: string) {
  return splitText(s).map((p) => {
    const m = /^([A-Za-z]{3})\s*(\d+(?:\.\d+)?)\s*[-~～至]\s*(\d+(?:\.\d+)?)$/.exec(p);
    if (!m) throw new RowError('referencePrices', `price range "${p}" should look like "CNY 3-5"`);
    return { currency: m[1], min: Number(m[2]), max: Number(m[3]) };
  });
}

/** "taobao:某某旗舰店; 京东自营" → [{platform, sellerName}] */
function parseSellers(s: string) {
  return splitText(s).map((p) => {
    const i = p.search(/[:：]/);
    return i > 0 ? { platform: p.slice(0, i).trim(), sellerName: p.slice(i + 1).trim() } : { sellerName: p };
  });
}

function rowObject(headers: string[], cells: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((h, i) => {
    const field = Object.entries(MARK_COLUMNS).find(([, names]) => names.some((n) => n.toLowerCase() === h.toLowerCase()))?.[0];
    if (field && cells[i]) out[field] = cells[i];
  });
  return out;
}

/** one spreadsheet row (or console form) of text fields → the API's input shape, for the schema to check */
export function toInput(kind: MarkKind, r: Record<string, string>): Record<string, unknown> {
  const input: Record<string, unknown> = { name: r.name ?? '' };
  if (r.aliases) input.aliases = splitText(r.aliases);
  if (r.registrationNo) input.registrationNo = r.registrationNo;
  input.niceClasses = r.niceClasses ? splitCodes(r.niceClasses).map(num) : [];
  if (r.keywords) input.keywords = splitText(r.keywords);
  if (r.referencePrices) input.referencePrices = parsePrices(r.referencePrices);
  if (r.authorisedSellers) input.authorisedSellers = parseSellers(r.authorisedSellers);
  if (r.channels) input.channels = splitCodes(r.channels);
  if (r.countries) input.countries = splitCodes(r.countries);
  if (r.logoUrl) input.logoUrl = r.logoUrl;
  if (kind === 'gi' || r.regionCodes) {
    const gi: Record<string, unknown> = { regionCodes: r.regionCodes ? splitCodes(r.regionCodes) : [] };
    if (r.category) gi.category = r.category;
    if (r.seasonMonths) gi.seasonMonths = splitCodes(r.seasonMonths).map(num);
    if (r.producers) gi.producers = splitText(r.producers);
    input.gi = gi;
  }
  return input;
}

export interface ImportRowResult {
  row: number;
  status: 'imported' | 'rejected' | 'duplicate';
  name?: string;
  id?: string;
  field?: string;
  message?: string;
}

export interface ImportReport {
  imported: number;
  rejected: number;
  duplicates: number;
  rows: ImportRowResult[];
}

export interface ImportOptions {
  kind: MarkKind;
  actorId: string | null;
  /** a rights holder imports for its own organisation only */
  ownOrgId?: string;
  /** the default owner for rows without an owner column (admin/reviewer imports) */
  defaultOrgId?: string;
}

export async function importMarks(db: Kysely<Database>, table: Table, opts: ImportOptions): Promise<ImportReport> {
  if (!table.headers.some((h) => MARK_COLUMNS.name.some((n) => n.toLowerCase() === h.toLowerCase()))) {
    throw new AppError('bad_request', `the header row has no name column (one of: ${MARK_COLUMNS.name.join(', ')})`, 'file');
  }
  const ownOrg = opts.ownOrgId ? await getRightsHolder(db, opts.ownOrgId) : undefined;
  const defaultOrg = opts.defaultOrgId ? await getRightsHolder(db, opts.defaultOrgId) : undefined;
  if (opts.defaultOrgId && !defaultOrg) throw new AppError('bad_request', `no rights holder ${opts.defaultOrgId}`, 'rightsHolderId');
  const schema = opts.kind === 'gi' ? GiCreateSchema : MarkCreateSchema;
  const seen = new Map<string, number>();
  const rows: ImportRowResult[] = [];

  for (const { row, cells } of table.rows) {
    const r = rowObject(table.headers, cells);
    const name = r.name;
    try {
      let org: { id: string; name: string } | undefined;
      if (ownOrg) {
        if (r.owner && r.owner !== ownOrg.name) throw new RowError('owner', `you may import only your own organisation's marks (${ownOrg.name})`);
        org = ownOrg;
      } else if (r.owner) {
        org = await findRightsHolderByName(db, r.owner);
        if (!org) throw new RowError('owner', `unknown rights holder "${r.owner}"`);
      } else {
        org = defaultOrg;
      }
      const parsed = schema.safeParse(toInput(opts.kind, r));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new RowError(issue.path.join('.'), issue.message);
      }
      const input = parsed.data;
      const keys = [`name:${input.name}|${org?.id ?? ''}`, input.registrationNo ? `reg:${input.registrationNo}` : ''].filter(Boolean);
      const earlier = keys.map((k) => seen.get(k)).find((x) => x !== undefined);
      if (earlier !== undefined) {
        rows.push({ row, status: 'duplicate', name, message: `duplicate of row ${earlier} in this file` });
        continue;
      }
      keys.forEach((k) => seen.set(k, row));
      try {
        const id = await withChange(db, { actorId: opts.actorId, action: 'import' }, (trx) => insertMark(trx, opts.kind, input, org?.id ?? null));
        rows.push({ row, status: 'imported', name, id });
      } catch (err) {
        if (err instanceof AppError && err.code === 'conflict') {
          rows.push({ row, status: 'duplicate', name, field: err.field, message: `already registered: ${err.message}` });
        } else throw err;
      }
    } catch (err) {
      if (err instanceof RowError) rows.push({ row, status: 'rejected', name, field: err.field, message: err.message });
      else throw err;
    }
  }
  return {
    imported: rows.filter((r) => r.status === 'imported').length,
    rejected: rows.filter((r) => r.status === 'rejected').length,
    duplicates: rows.filter((r) => r.status === 'duplicate').length,
    rows,
  };
}
