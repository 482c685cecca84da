// Markets of concern, risk points and the blacklist. The three tables are flat, so rows map to
// domain objects by renaming snake_case to camelCase; every write names its actor (actor.ts).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { withChange, type ChangeContext } from './actor.ts';
import { isUniqueViolation } from './mark.repository.ts';

export type FlatList = 'markets' | 'risk_points' | 'blacklist';
type Db = Kysely<Database> | Transaction<Database>;

const camel = (k: string) => k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());

/** a pg `date` arrives as local midnight: print it back as the same calendar day */
export function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function toDomain(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (k === 'listed_since' || k === 'listed_on') out[camel(k)] = v instanceof Date ? isoDay(v) : v;
    else if (k === 'id') out.id = String(v);
    else out[camel(k)] = v;
  }
  return out;
}

function toColumns(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) if (v !== undefined) out[snake(k)] = v;
  return out;
}

export interface Market {
  id: string; name: string; channel: 'ecommerce' | 'exhibition' | 'market'; platform: string | null; host: string | null;
  regionCode: string | null; countryCode: string | null; reason: string; listedSince: string; active: boolean; createdAt: Date; updatedAt: Date;
}
export interface RiskPoint {
  id: string; channel: string | null; category: string | null; regionCode: string | null; weight: number; reason: string; active: boolean;
  createdAt: Date; updatedAt: Date;
}
export interface BlacklistEntry {
  id: string; platform: string | null; sellerId: string | null; sellerName: string | null; companyName: string | null; creditCode: string | null;
  phone: string | null; address: string | null; reason: string; sourceKind: 'alert' | 'court' | 'administrative' | 'other'; sourceRef: string | null;
  listedOn: string; liftedAt: Date | null; liftedReason: string | null; createdAt: Date; updatedAt: Date;
}
export interface ListTypes {
  markets: Market;
  risk_points: RiskPoint;
  blacklist: BlacklistEntry;
}

const SEARCH: Record<FlatList, string[]> = {
  markets: ['name', 'platform', 'host', 'reason'],
  risk_points: ['channel', 'category', 'region_code', 'reason'],
  blacklist: ['platform', 'seller_id', 'seller_name', 'company_name', 'credit_code', 'phone', 'address', 'reason'],
};

export async function getEntry<L extends FlatList>(db: Db, list: L, id: string): Promise<ListTypes[L]> {
  const row = await (db as Kysely<any>).selectFrom(list).selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found', `no ${list.replace('_', ' ')} entry ${id}`);
  return toDomain(row) as unknown as ListTypes[L];
}

export async function listEntries<L extends FlatList>(
  db: Db,
  list: L,
  f: { q?: string; includeInactive?: boolean; limit: number; offset: number },
): Promise<{ items: ListTypes[L][]; total: number }> {
  const k = db as any;
  const filter = (q: any) => {
    if (!f.includeInactive) q = list === 'blacklist' ? q.where('lifted_at', 'is', null) : q.where('active', '=', true);
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (s) => '\\' + s)}%`;
      q = q.where(sql<boolean>`concat_ws(' ', ${sql.join(SEARCH[list].map((c) => sql.ref(c)))}) ilike ${like}`);
    }
    return q;
  };
  const [rows, count] = await Promise.all([
    filter(k.selectFrom(list).selectAll()).orderBy('id').limit(f.limit).offset(f.offset).execute(),
    filter(k.selectFrom(list).select((eb: any) => eb.fn.countAll().as('n'))).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toDomain) as ListTypes[L][], total: Number(count.n) };
}

export async function createEntry<L extends FlatList>(db: Kysely<Database>, change: ChangeContext, list: L, input: Record<string, unknown>): Promise<ListTypes[L]> {
  const id = await withChange(db, { ...change, action: change.action ?? 'create' }, async (trx) => {
    try {
      const row = await (trx as Transaction<any>).insertInto(list).values(toColumns(input)).returning('id').executeTakeFirstOrThrow();
      return String(row.id);
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('conflict', 'an entry with this name is already listed', 'name');
      throw err;
    }
  });
  return getEntry(db, list, id);
}

export async function updateEntry<L extends FlatList>(
  db: Kysely<Database>,
  change: ChangeContext,
  list: L,
  id: string,
  patch: Record<string, unknown>,
): Promise<ListTypes[L]> {
  await withChange(db, { ...change, action: change.action ?? 'update' }, async (trx) => {
    const t = trx as any;
    const prev = await t.selectFrom(list).selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!prev) throw new AppError('not_found', `no ${list.replace('_', ' ')} entry ${id}`);
    if (list === 'blacklist' && prev.lifted_at) throw new AppError('conflict', 'a lifted blacklist entry cannot be edited; list the seller again instead');
    const cols = toColumns(patch);
    if (Object.keys(cols).length === 0) return;
    try {
      await t.updateTable(list).set({ ...cols, updated_at: new Date() }).where('id', '=', id).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('conflict', 'an entry with this name is already listed', 'name');
      throw err;
    }
  });
  return getEntry(db, list, id);
}

export async function liftBlacklistEntry(db: Kysely<Database>, change: ChangeContext, id: string, reason: string): Promise<BlacklistEntry> {
  await withChange(db, { ...change, action: 'lift', note: reason }, async (trx) => {
    const prev = await trx.selectFrom('blacklist').select('lifted_at').where('id', '=', id).forUpdate().executeTakeFirst();
    if (!prev) throw new AppError('not_found', `no blacklist entry ${id}`);
    if (prev.lifted_at) throw new AppError('conflict', 'this blacklist entry is already lifted');
    await trx.updateTable('blacklist').set({ lifted_at: new Date(), lifted_reason: reason, updated_at: new Date() }).where('id', '=', id).execute();
  });
  return getEntry(db, 'blacklist', id);
}
