import { hash } from 'node:crypto';
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

/**
 * What matching depends on: a change in any of these re-queues the listing for matching. (The
 * one-shot crypto.hash: a Hash object per listing cost half as much again, forty a page.)
 */
export function listingContentHash(l: ListingInput): string {
  const key = JSON.stringify([l.title, l.price, l.currency, l.sellerName, l.sellerId, l.regionCode, l.countryCode, l.category]);
  return hash('sha256', key, 'hex').slice(0, 32);
}


/**
 * Upserts a page's listings by (source, external id). First-seen stays, last-seen moves, a
 * listing seen again is no longer gone, and title/price/seller changes go to listing_changes.
 */
/**
 * Sellers this process wrote recently, by platform and key, with what it wrote. Shops appear on
 * page after page of a run: without this every page re-upserts them and concurrent pages queue
 * on the same seller rows (half of a page's write time in the crawl benchmark).
 */
export class SellerCache {
  private map = new Map<string, { id: string; sig: string; at: number }>();
  constructor(
    private readonly ttlMs = 30 * 60_000,
    private readonly max = 50_000,
  ) {}
  get(key: string, sig: string): string | undefined {
    const hit = this.map.get(key);
    return hit && hit.sig === sig && Date.now() - hit.at < this.ttlMs ? hit.id : undefined;
  }
  set(key: string, sig: string, id: string): void {
    if (this.map.size >= this.max) this.map.clear();
    this.map.set(key, { id, sig, at: Date.now() });
  }
}

/** A page's listings as upsert rows: one per external id (the first wins), in key order. */
export function uniqueListings<L extends ListingInput>(listings: L[]): L[] {
  // the same item twice on one page (a sponsored repeat): keep the first; rows go in key order
  // so that concurrent pages sharing sellers or items always lock rows in the same order
  return [...new Map(listings.map((l) => [l.externalId, l])).values()].sort((a, b) => (a.externalId < b.externalId ? -1 : 1));
}

const sellerKey = (l: ListingInput) => l.sellerId ?? (l.sellerName ? `name:${l.sellerName}` : null);

/**
 * Upserts the sellers of some listings (those the cache does not already hold as they are) and
 * answers their ids by seller key. Of one seller listed twice, the last listing's details win.
 */
export async function upsertSellers(
  db: Kysely<Database>,
  platform: string,
  listings: ListingInput[],
  cache?: SellerCache,
): Promise<Map<string, string>> {
  const sellerRows = [...new Map(listings.filter((l) => sellerKey(l)).map((l) => [sellerKey(l)!, l])).entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, l]) => ({ platform, external_id: key, name: l.sellerName, location: l.sellerLocation, region_code: l.regionCode, country_code: l.countryCode }));
  const sellerIds = new Map<string, string>();
  const sig = (r: (typeof sellerRows)[number]) => JSON.stringify([r.name, r.location, r.region_code, r.country_code]);
  const toWrite = cache
    ? sellerRows.filter((r) => {
        const id = cache.get(`${platform}\u0000${r.external_id}`, sig(r));
        if (id) sellerIds.set(r.external_id, id);
        return !id;
      })
    : sellerRows;
  if (toWrite.length) {
    const saved = await db
      .insertInto('sellers')
      .values(toWrite)
      .onConflict((oc) =>
        oc.columns(['platform', 'external_id']).doUpdateSet((eb) => ({
          name: sql`coalesce(${eb.ref('excluded.name')}, sellers.name)`,
          location: sql`coalesce(${eb.ref('excluded.location')}, sellers.location)`,
          region_code: sql`coalesce(${eb.ref('excluded.region_code')}, sellers.region_code)`,
          country_code: sql`coalesce(${eb.ref('excluded.country_code')}, sellers.country_code)`,
          last_seen_at: new Date(),
        }))
          // a shop seen on many pages of a run is written once an hour, not once a page
          .where((eb) =>
            eb.or([
              eb('sellers.last_seen_at', '<', sql<Date>`now() - interval '1 hour'`),
              sql<boolean>`(sellers.name, sellers.location, sellers.region_code, sellers.country_code) is distinct from
                (coalesce(excluded.name, sellers.name), coalesce(excluded.location, sellers.location),
                 coalesce(excluded.region_code, sellers.region_code), coalesce(excluded.country_code, sellers.country_code))`,
            ]),
          ),
      )
      .returning(['id', 'external_id'])
      .execute();
    for (const r of saved) sellerIds.set(r.external_id, String(r.id));
    const missing = toWrite.map((r) => r.external_id).filter((k) => !sellerIds.has(k));
    if (missing.length) {
      const rows = await db.selectFrom('sellers').select(['id', 'external_id']).where('platform', '=', platform).where('external_id', 'in', missing).execute();
      for (const r of rows) sellerIds.set(r.external_id, String(r.id));
    }
    if (cache) for (const r of toWrite) if (sellerIds.has(r.external_id)) cache.set(`${platform}\u0000${r.external_id}`, sig(r), sellerIds.get(r.external_id)!);
  }
  return sellerIds;
}

/** The input rows of `listingUpsertCtes`, as JSON (one jsonb parameter however many rows). */
export function listingRowsJson(listings: ListingInput[], sellerIds: Map<string, string>): string {
  return JSON.stringify(
    listings.map((l) => {
      const key = sellerKey(l);
      return {
        external_id: l.externalId,
        url: l.url,
        title: l.title,
        price: l.price === null ? null : l.price.toFixed(2),
        currency: l.currency,
        seller_id: key ? (sellerIds.get(key) ?? null) : null,
        seller_name: l.sellerName,
        region_code: l.regionCode,
        country_code: l.countryCode,
        images: l.images,
        category: l.category,
        raw: { ...l.raw, sellerLocation: l.sellerLocation ?? undefined, sellerId: l.sellerId ?? undefined },
        content_hash: listingContentHash(l),
      };
    }),
  );
}

/**
 * The CTEs that upsert listings of one source from `rowsJson` (external ids unique, in key
 * order): `old` (the values before, as the statement's snapshot sees them), `up` (the upserted
 * rows) and `changes` (the history of tracked fields). One atomic statement with whatever
 * else the caller adds; the caller selects `up` left-joined to `old` as `UpsertedRow`s.
 */
export function listingUpsertCtes(sourceId: string, rowsJson: string) {
  return sql`input as (
      select * from jsonb_to_recordset(${rowsJson}::jsonb) as x(
        external_id text, url text, title text, price numeric, currency text, seller_id bigint, seller_name text,
        region_code text, country_code text, images jsonb, category text, raw jsonb, content_hash text)
    ), old as (
      -- one lookup by key per input row: as a plain join the planner, whose statistics lag behind
      -- a table a crawl is filling, scanned every listing of the source for every page (the
      -- limit keeps the lateral subquery from being flattened back into that join)
      select l.external_id, l.title, l.price, l.currency, l.seller_name, l.content_hash
      from input i cross join lateral (
        select * from listings l where l.source_id = ${sourceId} and l.external_id = i.external_id limit 1
      ) l
    ), up as (
      insert into listings (source_id, external_id, url, title, price, currency, seller_id, seller_name, region_code,
                            country_code, images, category, raw, content_hash)
      select ${sourceId}, external_id, url, title, price, currency, seller_id, seller_name, region_code, country_code,
             images, category, raw, content_hash
      from input order by external_id
      on conflict (source_id, external_id) do update set
        url = excluded.url, title = excluded.title, price = excluded.price, currency = excluded.currency,
        seller_id = excluded.seller_id, seller_name = excluded.seller_name, region_code = excluded.region_code,
        country_code = excluded.country_code, images = excluded.images, category = excluded.category,
        raw = excluded.raw, content_hash = excluded.content_hash, last_seen_at = now(), gone_at = null
      returning id, external_id, content_hash, title, price, currency, seller_name
    ), changes as (
      insert into listing_changes (listing_id, field, old_value, new_value)
      select up.id, v.field, v.o, v.n
      from up join old using (external_id)
      cross join lateral (values
        ('title', old.title, up.title),
        ('price', old.price::text, up.price::text),
        ('currency', old.currency, up.currency),
        ('seller_name', old.seller_name, up.seller_name)) as v(field, o, n)
      where old.content_hash <> up.content_hash and v.o is distinct from v.n
    )`;
}

export interface UpsertedRow {
  id: string;
  external_id: string;
  content_hash: string;
  old_hash: string | null;
}

export function toUpserted(r: UpsertedRow): UpsertedListing {
  return {
    id: String(r.id),
    externalId: r.external_id,
    contentHash: r.content_hash,
    inserted: r.old_hash === null,
    changed: r.old_hash === null || r.old_hash !== r.content_hash,
  };
}

export async function upsertListings(
  db: Kysely<Database>,
  sourceId: string,
  platform: string,
  listings: ListingInput[],
  opts: { sellers?: SellerCache } = {},
): Promise<UpsertedListing[]> {
  if (listings.length === 0) return [];
  const unique = uniqueListings(listings);
  const sellerIds = await upsertSellers(db, platform, unique, opts.sellers);
  // one round trip: the old values, the upsert, and the change history of tracked fields, in a
  // single atomic statement
  const result = await sql<UpsertedRow>`with ${listingUpsertCtes(sourceId, listingRowsJson(unique, sellerIds))}
    select up.id, up.external_id, up.content_hash, old.content_hash as old_hash
    from up left join old using (external_id)`.execute(db);
  return result.rows.map(toUpserted);
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
