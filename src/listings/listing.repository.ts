import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** A listing as extracted (the crawler's Listing satisfies this shape). */
export interface ListingInput {
  externalId: string;
  url: string;
  title: string;
  price: number | null;
  currency: string | null;
  sellerName: string | null;
  sellerId: string | null;
  sellerLocation: string | null;
  regionCode: string | null;
  countryCode: string | null;
  images: string[];
  category: string | null;
  raw: Record<string, string>;
}

export interface UpsertedListing {
  id: string;
  externalId: string;
  contentHash: string;
  /** new, or title/price/seller changed since the last crawl: needs (re)matching */
  changed: boolean;
  inserted: boolean;
}

/** What matching depends on: a change in any of these re-queues the listing for matching. */
export function listingContentHash(l: ListingInput): string {
  const key = JSON.stringify([l.title, l.price, l.currency, l.sellerName, l.sellerId, l.regionCode, l.countryCode, l.category]);
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

const TRACKED = ['title', 'price', 'currency', 'seller_name'] as const;

/**
 * Upserts a page's listings by (source, external id). First-seen stays, last-seen moves, a
 * listing seen again is no longer gone, and title/price/seller changes go to listing_changes.
 */
export async function upsertListings(
  db: Kysely<Database>,
  sourceId: string,
  platform: string,
  listings: ListingInput[],
): Promise<UpsertedListing[]> {
  if (listings.length === 0) return [];
  // the same item twice on one page (a sponsored repeat): keep the first; rows go in key order
  // so that concurrent pages sharing sellers or items always lock rows in the same order
  const unique = [...new Map(listings.map((l) => [l.externalId, l])).values()].sort((a, b) => (a.externalId < b.externalId ? -1 : 1));
  const sellerKey = (l: ListingInput) => l.sellerId ?? (l.sellerName ? `name:${l.sellerName}` : null);
  const sellerRows = [...new Map(unique.filter((l) => sellerKey(l)).map((l) => [sellerKey(l)!, l])).entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, l]) => ({ platform, external_id: key, name: l.sellerName, location: l.sellerLocation, region_code: l.regionCode, country_code: l.countryCode }));
  const sellerIds = new Map<string, string>();
  if (sellerRows.length) {
    const saved = await db
      .insertInto('sellers')
      .values(sellerRows)
      .onConflict((oc) =>
        oc.columns(['platform', 'external_id']).doUpdateSet((eb) => ({
          name: sql`coalesce(${eb.ref('excluded.name')}, sellers.name)`,
          location: sql`coalesce(${eb.ref('excluded.location')}, sellers.location)`,
          region_code: sql`coalesce(${eb.ref('excluded.region_code')}, sellers.region_code)`,
          country_code: sql`coalesce(${eb.ref('excluded.country_code')}, sellers.country_code)`,
          last_seen_at: new Date(),
        })),
      )
      .returning(['id', 'external_id'])
      .execute();
    for (const r of saved) sellerIds.set(r.external_id, String(r.id));
  }
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('listings')
      .select(['id', 'external_id', 'title', 'price', 'currency', 'seller_name', 'content_hash'])
      .where('source_id', '=', sourceId)
      .where('external_id', 'in', unique.map((l) => l.externalId))
      .execute();
    const before = new Map(existing.map((r) => [r.external_id, r]));

    const rows = unique.map((l) => {
      const key = sellerKey(l);
      return {
        source_id: sourceId,
        external_id: l.externalId,
        url: l.url,
        title: l.title,
        price: l.price === null ? null : l.price.toFixed(2),
        currency: l.currency,
        seller_id: key ? (sellerIds.get(key) ?? null) : null,
        seller_name: l.sellerName,
        region_code: l.regionCode,
        country_code: l.countryCode,
        images: JSON.stringify(l.images),
        category: l.category,
        raw: JSON.stringify({ ...l.raw, sellerLocation: l.sellerLocation ?? undefined, sellerId: l.sellerId ?? undefined }),
        content_hash: listingContentHash(l),
      };
    });
    const saved = await trx
      .insertInto('listings')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['source_id', 'external_id']).doUpdateSet((eb) => ({
          url: eb.ref('excluded.url'),
          title: eb.ref('excluded.title'),
          price: eb.ref('excluded.price'),
          currency: eb.ref('excluded.currency'),
          seller_id: eb.ref('excluded.seller_id'),
          seller_name: eb.ref('excluded.seller_name'),
          region_code: eb.ref('excluded.region_code'),
          country_code: eb.ref('excluded.country_code'),
          images: eb.ref('excluded.images'),
          category: eb.ref('excluded.category'),
          raw: eb.ref('excluded.raw'),
          content_hash: eb.ref('excluded.content_hash'),
          last_seen_at: new Date(),
          gone_at: null,
        })),
      )
      .returning(['id', 'external_id', 'content_hash'])
      .execute();

    const changes: { listing_id: string; field: string; old_value: string | null; new_value: string | null }[] = [];
    const out: UpsertedListing[] = saved.map((s) => {
      const old = before.get(s.external_id);
      const row = rows.find((r) => r.external_id === s.external_id)!;
      if (old && old.content_hash !== s.content_hash) {
        for (const f of TRACKED) {
          const o = old[f] === null ? null : String(old[f]);
          const n = row[f] === null ? null : String(row[f]);
          if (o !== n) changes.push({ listing_id: String(s.id), field: f, old_value: o, new_value: n });
        }
      }
      return {
        id: String(s.id),
        externalId: s.external_id,
        contentHash: s.content_hash,
        inserted: !old,
        changed: !old || old.content_hash !== s.content_hash,
      };
    });
    if (changes.length) await trx.insertInto('listing_changes').values(changes).execute();
    return out;
  });
}

/** Listings of a source not seen since a run began are gone (kept, never deleted). */
export async function markGone(db: Kysely<Database>, sourceId: string, seenBefore: Date): Promise<number> {
  const res = await db
    .updateTable('listings')
    .set({ gone_at: new Date() })
    .where('source_id', '=', sourceId)
    .where('last_seen_at', '<', seenBefore)
    .where('gone_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

export async function getListing(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('listings')
    .innerJoin('sources', 'sources.id', 'listings.source_id')
    .select([
      'listings.id', 'listings.source_id', 'listings.external_id', 'listings.url', 'listings.title', 'listings.price',
      'listings.currency', 'listings.seller_id', 'listings.seller_name', 'listings.region_code', 'listings.country_code',
      'listings.category', 'listings.content_hash', 'listings.raw', 'sources.channel', 'sources.slug as source_slug',
      'sources.definition',
    ])
    .where('listings.id', '=', id)
    .executeTakeFirst();
}
