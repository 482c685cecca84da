// What a referral letter says about each alert: the right, its owner, the listing, the source
// and the seller with every identity ipclue holds for it.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { DossierAlert } from './referral-letter.ts';

type Db = Kysely<Database> | Transaction<Database>;

export async function loadDossier(db: Db, alertIds: string[]): Promise<DossierAlert[]> {
  if (alertIds.length === 0) return [];
  const rows = await db
    .selectFrom('alerts as a')
    .innerJoin('marks as m', 'm.id', 'a.mark_id')
    .leftJoin('rights_holders as rh', 'rh.id', 'm.rights_holder_id')
    .innerJoin('listings as l', 'l.id', 'a.listing_id')
    .innerJoin('sources as s', 's.id', 'l.source_id')
    .leftJoin('sellers as se', 'se.id', 'l.seller_id')
    .select([
      'a.id', 'a.score', 'a.level', 'a.status', 'a.matched_text', 'a.reasons', 'a.created_at',
      'm.id as mark_id', 'm.kind as mark_kind', 'm.name as mark_name', 'm.registration_no', 'm.nice_classes',
      'rh.name as owner_name', 'rh.credit_code as owner_credit_code',
      'l.id as listing_id', 'l.url', 'l.title', 'l.price', 'l.currency', 'l.raw', 'l.category', 'l.first_seen_at', 'l.last_seen_at', 'l.gone_at',
      'l.seller_name', 'l.region_code as listing_region',
      's.slug as source_slug', 's.name as source_name', 's.channel',
      'se.id as seller_id', 'se.platform as seller_platform', 'se.external_id as seller_external_id', 'se.name as seller_db_name',
      'se.location as seller_location', 'se.region_code as seller_region',
    ])
    .where('a.id', 'in', alertIds)
    .orderBy('a.id')
    .execute();
  const sellerIds = [...new Set(rows.map((r) => r.seller_id).filter((x): x is string => x !== null).map(String))];
  const identities = sellerIds.length
    ? await db.selectFrom('seller_identities').select(['seller_id', 'kind', 'value']).where('seller_id', 'in', sellerIds).orderBy('kind').execute()
    : [];
  return rows.map((r) => {
    const raw = (r.raw ?? {}) as Record<string, unknown>;
    const sales = raw.sales ?? raw.sold ?? raw.volume;
    return {
      id: String(r.id),
      score: r.score,
      level: r.level,
      status: r.status,
      matchedText: r.matched_text,
      reasons: r.reasons,
      createdAt: r.created_at,
      mark: {
        id: String(r.mark_id),
        kind: r.mark_kind,
        name: r.mark_name,
        registrationNo: r.registration_no,
        niceClasses: r.nice_classes,
        owner: r.owner_name,
        ownerCreditCode: r.owner_credit_code,
      },
      listing: {
        id: String(r.listing_id),
        url: r.url,
        title: r.title,
        price: r.price,
        currency: r.currency,
        sales: sales === undefined || sales === null || sales === '' ? null : String(sales),
        category: r.category,
        firstSeenAt: r.first_seen_at,
        lastSeenAt: r.last_seen_at,
        goneAt: r.gone_at,
      },
      source: { slug: r.source_slug, name: r.source_name, channel: r.channel },
      seller: {
        id: r.seller_id === null ? null : String(r.seller_id),
        platform: r.seller_platform,
        externalId: r.seller_external_id ?? (typeof raw.sellerId === 'string' ? raw.sellerId : null),
        name: r.seller_db_name ?? r.seller_name,
        location: r.seller_location ?? (typeof raw.sellerLocation === 'string' ? raw.sellerLocation : null),
        regionCode: r.seller_region ?? r.listing_region,
        identities: identities.filter((i) => String(i.seller_id) === String(r.seller_id)).map((i) => ({ kind: i.kind, value: i.value })),
      },
    };
  });
}

/** whether an alert exists and, for a rights holder's user, is on one of their own marks */
export async function alertVisible(db: Db, alertId: string, rightsHolderId: string | undefined): Promise<boolean> {
  let q = db.selectFrom('alerts as a').innerJoin('marks as m', 'm.id', 'a.mark_id').select('a.id').where('a.id', '=', alertId);
  if (rightsHolderId !== undefined) q = q.where('m.rights_holder_id', '=', rightsHolderId);
  return (await q.executeTakeFirst()) !== undefined;
}

/** what a capture needs: the listing's URL and what ipclue knows of it, and whether its source is local */
export async function captureTarget(db: Db, alertId: string) {
  return db
    .selectFrom('alerts as a')
    .innerJoin('listings as l', 'l.id', 'a.listing_id')
    .innerJoin('sources as s', 's.id', 'l.source_id')
    .select(['a.id', 'l.id as listing_id', 'l.url', 'l.title', 'l.price', 'l.currency', 'l.seller_name', 's.local', 's.slug as source_slug'])
    .where('a.id', '=', alertId)
    .executeTakeFirst();
}

/** the alerts of a clue: every alert on a listing of one of the clue's sellers */
export async function alertIdsOfClue(db: Db, clueId: string): Promise<{ status: string; alertIds: string[] }> {
  const clue = await db.selectFrom('clues').select(['id', 'status', 'merged_into']).where('id', '=', clueId).executeTakeFirst();
  if (!clue) throw new AppError('not_found', `no clue ${clueId}`);
  if (clue.status === 'merged') throw new AppError('conflict', `clue ${clueId} was merged into clue ${clue.merged_into}: export that one`);
  const rows = await db
    .selectFrom('clue_sellers as cs')
    .innerJoin('listings as l', 'l.seller_id', 'cs.seller_id')
    .innerJoin('alerts as a', 'a.listing_id', 'l.id')
    .select('a.id')
    .where('cs.clue_id', '=', clueId)
    .where('a.status', 'in', ['confirmed', 'referred'])
    .where(sql<boolean>`exists (select 1 from evidence_ledger e where e.alert_id = a.id)`)
    .orderBy('a.id')
    .execute();
  return { status: clue.status, alertIds: rows.map((r) => String(r.id)) };
}

/** an export, recorded as an `evidence_exported` event in each alert's history and the clue's */
export async function recordExport(
  db: Kysely<Database>,
  e: {
    alertIds: string[];
    clueId: string | null;
    actor: { id: string | null; kind: 'user' | 'system' };
    note: string;
    data: (alertId: string | null) => Record<string, unknown>;
  },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const alertId of e.alertIds) {
      await trx
        .insertInto('alert_events')
        .values({ alert_id: alertId, actor_id: e.actor.id, actor_kind: e.actor.kind, type: 'evidence_exported', note: e.note, data: JSON.stringify(e.data(alertId)) })
        .execute();
    }
    if (e.clueId) {
      await trx
        .insertInto('clue_events')
        .values({ clue_id: e.clueId, actor_id: e.actor.id, actor_kind: e.actor.kind, type: 'evidence_exported', note: e.note, data: JSON.stringify({ ...e.data(null), alertIds: e.alertIds }) })
        .execute();
    }
  });
}
