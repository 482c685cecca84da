// Clues (线索): sellers grouped by identity. Two sellers are one clue when they are the same
// shop on a platform (one sellers row) or share a company name, unified social credit code,
// phone number or address across platforms. Grouping is a union: a seller whose identity links
// two clues merges them into the older one (the newer is kept, marked merged, never deleted).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export const IDENTITY_KINDS = ['company_name', 'credit_code', 'phone', 'address'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];
export type IdentityAttrs = Partial<Record<IdentityKind, string | null | undefined>>;

/** comparable forms: spacing and punctuation differ between platforms, the identity does not */
export function normaliseIdentity(kind: IdentityKind, value: string): string | null {
  const v = value.normalize('NFKC').trim();
  if (!v) return null;
  switch (kind) {
    case 'credit_code': {
      const c = v.toUpperCase().replace(/[\s-]/g, '');
      return /^[0-9A-HJ-NPQRTUWXY]{18}$/.test(c) ? c : null;
    }
    case 'phone': {
      let d = v.replace(/\D/g, '');
      if (d.startsWith('86') && d.length === 13) d = d.slice(2);
      return d.length >= 7 ? d : null;
    }
    case 'company_name':
      return v.replace(/[\s()（）]/g, '');
    case 'address':
      return v.replace(/[\s,，]/g, '');
  }
}

/** identity attributes found in an extracted listing's raw fields, if the page showed them */
export function identityFromRaw(raw: Record<string, unknown>): IdentityAttrs {
  const s = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : undefined);
  return {
    company_name: s('companyName') ?? s('company'),
    credit_code: s('creditCode') ?? s('uscc'),
    phone: s('phone') ?? s('sellerPhone'),
    address: s('address') ?? s('sellerAddress'),
  };
}

export async function addSellerIdentities(trx: Db, sellerId: string, attrs: IdentityAttrs): Promise<number> {
  const rows = IDENTITY_KINDS.flatMap((kind) => {
    const raw = attrs[kind];
    const value = raw ? normaliseIdentity(kind, raw) : null;
    return value ? [{ seller_id: sellerId, kind, value }] : [];
  });
  if (!rows.length) return 0;
  const r = await trx.insertInto('seller_identities').values(rows).onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0);
}

export async function insertClueEvent(
  trx: Db,
  e: { clueId: string; actorKind: 'user' | 'system' | 'rule'; actorId?: string | null; type: string; note?: string | null; data?: Record<string, unknown> },
): Promise<void> {
  await trx
    .insertInto('clue_events')
    .values({ clue_id: e.clueId, actor_kind: e.actorKind, actor_id: e.actorId ?? null, type: e.type, note: e.note ?? null, data: JSON.stringify(e.data ?? {}) })
    .execute();
}

/**
 * The clue of a seller, creating or merging clues as its identity requires. Serialised by
 * transaction-level advisory locks on the seller and on each of its identity values (taken in
 * sorted order, so two callers cannot deadlock): two match jobs must not create two clues for
 * one shop or one company, while unrelated sellers proceed in parallel.
 */
export async function ensureClueForSeller(trx: Transaction<Database>, sellerId: string): Promise<string> {
  const idents = await trx.selectFrom('seller_identities').select(['kind', 'value']).where('seller_id', '=', sellerId).execute();
  const keys = [`seller:${sellerId}`, ...idents.map((i) => `${i.kind}:${i.value}`)].sort();
  for (const k of keys) await sql`select pg_advisory_xact_lock(hashtext(${`ipclue.clue.${k}`}))`.execute(trx);
  const linked = await sql<{ clue_id: string }>`
    select distinct cs.clue_id from clue_sellers cs where cs.seller_id = ${sellerId}::bigint
    union
    select distinct cs.clue_id
    from seller_identities mine
    join seller_identities other on other.kind = mine.kind and other.value = mine.value and other.seller_id <> mine.seller_id
    join clue_sellers cs on cs.seller_id = other.seller_id
    where mine.seller_id = ${sellerId}::bigint`.execute(trx);
  const ids = [...new Set(linked.rows.map((r) => String(r.clue_id)))].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  if (ids.length === 0) {
    const c = await trx.insertInto('clues').values({ merged_into: null }).returning('id').executeTakeFirstOrThrow();
    const clueId = String(c.id);
    await trx.insertInto('clue_sellers').values({ seller_id: sellerId, clue_id: clueId }).execute();
    await insertClueEvent(trx, { clueId, actorKind: 'system', type: 'created', data: { sellerId } });
    return clueId;
  }
  const [keep, ...merge] = ids;
  if (merge.length) {
    await trx.updateTable('clue_sellers').set({ clue_id: keep }).where('clue_id', 'in', merge).execute();
    await trx.updateTable('clues').set({ status: 'merged', merged_into: keep, updated_at: new Date() }).where('id', 'in', merge).execute();
    for (const m of merge) {
      await insertClueEvent(trx, { clueId: m, actorKind: 'system', type: 'merged_into', data: { into: keep } });
    }
    await insertClueEvent(trx, { clueId: keep, actorKind: 'system', type: 'merged', note: '同一主体（名称、信用代码、电话或地址相同）', data: { from: merge } });
  }
  const mine = await trx.selectFrom('clue_sellers').select('clue_id').where('seller_id', '=', sellerId).executeTakeFirst();
  if (!mine) {
    await trx.insertInto('clue_sellers').values({ seller_id: sellerId, clue_id: keep }).execute();
    await insertClueEvent(trx, { clueId: keep, actorKind: 'system', type: 'seller_linked', data: { sellerId } });
  }
  return keep;
}

export async function clueOfSeller(db: Db, sellerId: string): Promise<string | null> {
  const r = await db.selectFrom('clue_sellers').select('clue_id').where('seller_id', '=', sellerId).executeTakeFirst();
  return r ? String(r.clue_id) : null;
}

/** confirmed alerts (confirmed, and those referred or closed after confirmation) of a seller */
export async function confirmedAlertCount(db: Db, sellerId: string): Promise<number> {
  const r = await db
    .selectFrom('alerts as a')
    .innerJoin('listings as l', 'l.id', 'a.listing_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('l.seller_id', '=', sellerId)
    .where('a.status', 'in', ['confirmed', 'referred', 'closed'])
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export const BLACKLIST_PROPOSAL_AT = 3;

/**
 * A seller with three or more confirmed alerts is proposed for the blacklist (000 一(六):
 * repeat infringers); a reviewer decides. A rejected proposal is raised again only when more
 * alerts have been confirmed since.
 */
export async function maybeProposeBlacklist(trx: Transaction<Database>, sellerId: string): Promise<string | null> {
  const n = await confirmedAlertCount(trx, sellerId);
  if (n < BLACKLIST_PROPOSAL_AT) return null;
  const prior = await trx
    .selectFrom('blacklist_proposals')
    .select(['status', 'confirmed_alerts'])
    .where('seller_id', '=', sellerId)
    .execute();
  if (prior.some((p) => p.status !== 'rejected')) return null;
  if (prior.some((p) => p.confirmed_alerts >= n)) return null;
  const clueId = await clueOfSeller(trx, sellerId);
  const row = await trx
    .insertInto('blacklist_proposals')
    .values({ seller_id: sellerId, clue_id: clueId, confirmed_alerts: n, note: null, decided_by: null, decided_at: null, blacklist_id: null })
    .onConflict((oc) => oc.column('seller_id').where('status', '=', 'proposed').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (row && clueId) {
    await insertClueEvent(trx, { clueId, actorKind: 'system', type: 'blacklist_proposed', note: `已确认预警 ${n} 条`, data: { sellerId, proposalId: String(row.id) } });
  }
  return row ? String(row.id) : null;
}
