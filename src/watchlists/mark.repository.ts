// Marks and GIs (one table, `kind`), scoped by rights-holder organisation where asked.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { setChange, withChange, type ChangeContext } from './actor.ts';
import { TRANSITIONS, type Mark, type MarkCreate, type MarkKind, type MarkPatch, type MarkStatus } from './mark.schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

const DETAIL_KEYS = ['logoUrl', 'keywords', 'referencePrices', 'authorisedSellers', 'channels', 'countries', 'gi'] as const;

function baseQuery(db: Db) {
  return db
    .selectFrom('marks')
    .leftJoin('rights_holders', 'rights_holders.id', 'marks.rights_holder_id')
    .select([
      'marks.id', 'marks.kind', 'marks.name', 'marks.aliases', 'marks.registration_no', 'marks.nice_classes', 'marks.rights_holder_id',
      'marks.status', 'marks.status_reason', 'marks.details', 'marks.created_at', 'marks.updated_at', 'rights_holders.name as owner',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function toMark(r: Row): Mark {
  const d = (r.details ?? {}) as Record<string, any>;
  return {
    id: String(r.id),
    kind: r.kind,
    name: r.name,
    aliases: r.aliases ?? [],
    registrationNo: r.registration_no,
    niceClasses: r.nice_classes ?? [],
    rightsHolder: r.rights_holder_id ? { id: String(r.rights_holder_id), name: r.owner ?? '' } : null,
    status: r.status,
    statusReason: r.status_reason,
    logoUrl: d.logoUrl ?? null,
    keywords: d.keywords ?? [],
    referencePrices: d.referencePrices ?? [],
    authorisedSellers: d.authorisedSellers ?? [],
    channels: d.channels ?? [],
    countries: d.countries ?? [],
    gi: d.gi ?? null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function pickDetails(m: MarkPatch, prev: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { ...prev };
  for (const k of DETAIL_KEYS) if (m[k] !== undefined) out[k] = m[k];
  return out;
}

export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string })?.code === '23505';
}

async function checkRegistrationNo(db: Db, kind: MarkKind, no: string | undefined, exceptId?: string): Promise<void> {
  if (!no) return;
  let q = db.selectFrom('marks').select('id').where('kind', '=', kind).where('registration_no', '=', no);
  if (exceptId) q = q.where('id', '<>', exceptId);
  if (await q.executeTakeFirst()) throw new AppError('conflict', `registration number ${no} is already registered`, 'registrationNo');
}

export async function getMark(db: Db, id: string): Promise<Mark | undefined> {
  const r = await baseQuery(db).where('marks.id', '=', id).executeTakeFirst();
  return r && toMark(r);
}

/** a mark as this org may see it: another org's mark is "not found" */
export async function getMarkScoped(db: Db, id: string, kind: MarkKind | undefined, orgId: string | undefined): Promise<Mark> {
  const m = await getMark(db, id);
  if (!m || (kind && m.kind !== kind) || (orgId !== undefined && m.rightsHolder?.id !== orgId)) {
    throw new AppError('not_found', `no ${kind === 'gi' ? 'GI' : 'mark'} ${id}`);
  }
  return m;
}

export interface MarkFilter {
  kind?: MarkKind;
  status?: MarkStatus;
  q?: string;
  rightsHolderId?: string;
  limit: number;
  offset: number;
}

export async function listMarks(db: Db, f: MarkFilter): Promise<{ items: Mark[]; total: number }> {
  let q = baseQuery(db);
  let c = db.selectFrom('marks').select((eb) => eb.fn.countAll<string>().as('n'));
  const apply = <Q extends typeof q | typeof c>(x: Q): Q => {
    let y = x as any;
    if (f.kind) y = y.where('marks.kind', '=', f.kind);
    if (f.status) y = y.where('marks.status', '=', f.status);
    if (f.rightsHolderId) y = y.where('marks.rights_holder_id', '=', f.rightsHolderId);
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (s) => '\\' + s)}%`;
      y = y.where(sql<boolean>`(marks.name ilike ${like} or marks.registration_no ilike ${like} or marks.aliases::text ilike ${like})`);
    }
    return y;
  };
  q = apply(q);
  c = apply(c);
  const [rows, count] = await Promise.all([q.orderBy('marks.id').limit(f.limit).offset(f.offset).execute(), c.executeTakeFirstOrThrow()]);
  return { items: rows.map(toMark), total: Number(count.n) };
}

export async function insertMark(trx: Transaction<Database>, kind: MarkKind, input: MarkCreate, rightsHolderId: string | null): Promise<string> {
  await checkRegistrationNo(trx, kind, input.registrationNo);
  try {
    const row = await trx
      .insertInto('marks')
      .values({
        kind,
        name: input.name,
        aliases: JSON.stringify(input.aliases ?? []),
        registration_no: input.registrationNo ?? null,
        nice_classes: JSON.stringify(input.niceClasses ?? []),
        rights_holder_id: rightsHolderId,
        status: 'pending',
        status_reason: null,
        details: JSON.stringify(pickDetails({ keywords: [], referencePrices: [], authorisedSellers: [], channels: [], countries: [], ...input })),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return String(row.id);
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('conflict', `"${input.name}" is already registered for this owner`, 'name');
    throw err;
  }
}

export async function createMark(db: Kysely<Database>, change: ChangeContext, kind: MarkKind, input: MarkCreate, rightsHolderId: string | null): Promise<Mark> {
  const id = await withChange(db, { ...change, action: change.action ?? 'create' }, (trx) => insertMark(trx, kind, input, rightsHolderId));
  return (await getMark(db, id))!;
}

export async function updateMark(
  db: Kysely<Database>,
  change: ChangeContext,
  id: string,
  patch: MarkPatch,
  opts: { backToPending?: boolean } = {},
): Promise<Mark> {
  await withChange(db, { ...change, action: change.action ?? 'update' }, async (trx) => {
    const prev = await trx.selectFrom('marks').select(['kind', 'details', 'status']).where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
    await checkRegistrationNo(trx, prev.kind, patch.registrationNo, id);
    const set: Record<string, unknown> = { updated_at: new Date(), details: JSON.stringify(pickDetails(patch, prev.details)) };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.aliases !== undefined) set.aliases = JSON.stringify(patch.aliases);
    if (patch.registrationNo !== undefined) set.registration_no = patch.registrationNo;
    if (patch.niceClasses !== undefined) set.nice_classes = JSON.stringify(patch.niceClasses);
    if (patch.rightsHolderId !== undefined) set.rights_holder_id = patch.rightsHolderId;
    // a rights holder's edit of an approved or refused registration goes back to review
    if (opts.backToPending && (prev.status === 'active' || prev.status === 'rejected')) {
      set.status = 'pending';
      set.status_reason = '权利人修改登记，待重新审核 (changed by the rights holder; awaiting review)';
    }
    try {
      await trx.updateTable('marks').set(set).where('id', '=', id).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('conflict', `"${patch.name}" is already registered for this owner`, 'name');
      throw err;
    }
  });
  return (await getMark(db, id))!;
}

export async function setMarkStatus(db: Kysely<Database>, change: ChangeContext, id: string, status: MarkStatus, reason?: string): Promise<Mark> {
  await db.transaction().execute(async (trx) => {
    const prev = await trx.selectFrom('marks').select('status').where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
    if (!TRANSITIONS[prev.status].includes(status)) {
      throw new AppError('conflict', `cannot change status from ${prev.status} to ${status}`, 'status');
    }
    const action = { active: 'approve', suspended: 'suspend', rejected: 'reject', pending: 'reopen' }[status];
    await setChange(trx, { ...change, action, note: reason });
    await trx.updateTable('marks').set({ status, status_reason: reason ?? null, updated_at: new Date() }).where('id', '=', id).execute();
  });
  return (await getMark(db, id))!;
}
