import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export type AlertLevel = 'high' | 'medium' | 'low';
export type AlertStatus = 'new' | 'in_review' | 'confirmed' | 'dismissed' | 'referred' | 'closed';

export interface AlertUpsert {
  listingId: string;
  markId: string;
  score: number;
  level: AlertLevel;
  matchKind: string;
  matchedText: string;
  reasons: { code: string; points: number; text: string }[];
}

/**
 * One alert per (listing, entry): a re-crawl updates score and reasons in place and records
 * the change as an event; a retried match job writes nothing new.
 */
export async function upsertAlert(db: Kysely<Database>, a: AlertUpsert): Promise<{ id: string; created: boolean; updated: boolean }> {
  return db.transaction().execute(async (trx) => {
    const prev = await trx
      .selectFrom('alerts')
      .select(['id', 'score', 'level', 'reasons'])
      .where('listing_id', '=', a.listingId)
      .where('mark_id', '=', a.markId)
      .forUpdate()
      .executeTakeFirst();
    const reasons = JSON.stringify(a.reasons);
    if (!prev) {
      const row = await trx
        .insertInto('alerts')
        .values({
          listing_id: a.listingId,
          mark_id: a.markId,
          score: a.score,
          level: a.level,
          match_kind: a.matchKind,
          matched_text: a.matchedText,
          reasons,
        })
        .onConflict((oc) => oc.columns(['listing_id', 'mark_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row) return { id: '', created: false, updated: false }; // a concurrent insert won
      await trx
        .insertInto('alert_events')
        .values({ alert_id: row.id, actor_kind: 'system', type: 'created', to_status: 'new', data: JSON.stringify({ score: a.score, level: a.level }) })
        .execute();
      return { id: String(row.id), created: true, updated: false };
    }
    // jsonb does not keep key order: compare reasons field by field
    const same = (x: AlertUpsert['reasons']) => JSON.stringify(x.map((r) => [r.code, r.points, r.text]));
    if (prev.score === a.score && prev.level === a.level && same(prev.reasons) === same(a.reasons)) {
      return { id: String(prev.id), created: false, updated: false };
    }
    await trx
      .updateTable('alerts')
      .set({ score: a.score, level: a.level, match_kind: a.matchKind, matched_text: a.matchedText, reasons, updated_at: new Date() })
      .where('id', '=', prev.id)
      .execute();
    await trx
      .insertInto('alert_events')
      .values({
        alert_id: prev.id,
        actor_kind: 'system',
        type: 'rescored',
        data: JSON.stringify({ from: { score: prev.score, level: prev.level }, to: { score: a.score, level: a.level } }),
      })
      .execute();
    return { id: String(prev.id), created: false, updated: true };
  });
}

export interface AlertFilter {
  status?: AlertStatus[];
  level?: AlertLevel[];
  markId?: string;
  sourceId?: string;
  channel?: string;
  /** keyset cursor: the (score, id) of the last row of the previous page */
  after?: { score: number; id: string };
  limit: number;
}

export interface AlertListItem {
  id: string;
  score: number;
  level: AlertLevel;
  status: AlertStatus;
  matchKind: string;
  matchedText: string;
  reasons: { code: string; points: number; text: string }[];
  createdAt: Date;
  updatedAt: Date;
  mark: { id: string; name: string; kind: string };
  listing: { id: string; title: string; url: string; price: string | null; currency: string | null; sellerName: string | null; regionCode: string | null; goneAt: Date | null };
  source: { id: string; slug: string; name: string; channel: string };
}

/** The review queue: highest risk first, keyset-paginated on (score desc, id desc). */
export async function listAlerts(db: Kysely<Database>, f: AlertFilter): Promise<{ items: AlertListItem[]; next: string | null }> {
  let q = db
    .selectFrom('alerts as a')
    .innerJoin('listings as l', 'l.id', 'a.listing_id')
    .innerJoin('marks as m', 'm.id', 'a.mark_id')
    .innerJoin('sources as s', 's.id', 'l.source_id')
    .select([
      'a.id', 'a.score', 'a.level', 'a.status', 'a.match_kind', 'a.matched_text', 'a.reasons', 'a.created_at', 'a.updated_at',
      'm.id as mark_id', 'm.name as mark_name', 'm.kind as mark_kind',
      'l.id as listing_id', 'l.title', 'l.url', 'l.price', 'l.currency', 'l.seller_name', 'l.region_code', 'l.gone_at',
      's.id as source_id', 's.slug as source_slug', 's.name as source_name', 's.channel',
    ])
    .orderBy('a.score', 'desc')
    .orderBy('a.id', 'desc')
    .limit(f.limit + 1);
  if (f.status?.length) q = q.where('a.status', 'in', f.status);
  if (f.level?.length) q = q.where('a.level', 'in', f.level);
  if (f.markId) q = q.where('a.mark_id', '=', f.markId);
  if (f.sourceId) q = q.where('l.source_id', '=', f.sourceId);
  if (f.channel) q = q.where('s.channel', '=', f.channel);
  if (f.after) {
    const { score, id } = f.after;
    q = q.where(sql<boolean>`(a.score, a.id) < (${score}, ${id}::bigint)`);
  }
  const rows = await q.execute();
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    next: rows.length > f.limit && last ? `${last.score}:${last.id}` : null,
    items: page.map((r) => ({
      id: String(r.id),
      score: r.score,
      level: r.level,
      status: r.status,
      matchKind: r.match_kind,
      matchedText: r.matched_text,
      reasons: r.reasons,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      mark: { id: String(r.mark_id), name: r.mark_name, kind: r.mark_kind },
      listing: {
        id: String(r.listing_id), title: r.title, url: r.url, price: r.price, currency: r.currency,
        sellerName: r.seller_name, regionCode: r.region_code, goneAt: r.gone_at,
      },
      source: { id: String(r.source_id), slug: r.source_slug, name: r.source_name, channel: r.channel },
    })),
  };
}

export function parseCursor(cursor: string | undefined): { score: number; id: string } | undefined {
  if (!cursor) return undefined;
  const m = /^(\d{1,3}):(\d{1,19})$/.exec(cursor);
  if (!m) return undefined;
  return { score: Number(m[1]), id: m[2] };
}

export async function alertCounts(db: Kysely<Database>): Promise<{ status: string; level: string; n: number }[]> {
  const rows = await db
    .selectFrom('alerts')
    .select(['status', 'level', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy(['status', 'level'])
    .execute();
  return rows.map((r) => ({ status: r.status, level: r.level, n: Number(r.n) }));
}
