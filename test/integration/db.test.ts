import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migrator, NO_MIGRATIONS, sql } from 'kysely';
import { migrationProvider } from '../../src/db/migrations/index.ts';
import type { AppContext } from '../../src/context.ts';
import { migrateToLatest } from '../../src/db/db.ts';
import { upsertListings, type ListingInput } from '../../src/listings/listing.repository.ts';
import { upsertAlert } from '../../src/alerts/alert.repository.ts';
import { upsertSource } from '../../src/sources/source.repository.ts';
import { getWatchlistVersion, importSnapshotEntries, buildSnapshot } from '../../src/watchlists/snapshot.ts';
import { createTestContext, createTestEnv, type TestEnv } from '../helpers/services.ts';

let t: TestEnv;
let ctx: AppContext;

beforeAll(async () => {
  t = await createTestEnv();
  ctx = await createTestContext(t);
});
afterAll(async () => {
  await ctx?.close();
  await t?.cleanup();
});

const listing = (over: Partial<ListingInput> = {}): ListingInput => ({
  externalId: 'item-1',
  url: 'http://127.0.0.1/item/1',
  title: '康帅傅 红烧牛肉面 整箱',
  price: 19.9,
  currency: 'CNY',
  sellerName: '某某食品店',
  sellerId: 'shop-9',
  sellerLocation: '河南 郑州',
  regionCode: '410100',
  countryCode: 'CN',
  images: [],
  category: '方便面',
  raw: {},
  ...over,
});

describe('database', () => {
  it('migrations go down and up again cleanly', async () => {
    await new Migrator({ db: ctx.db, provider: migrationProvider }).migrateTo(NO_MIGRATIONS);
    const tables = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_name = 'alerts'`.execute(ctx.db);
    expect(tables.rows[0].n).toBe(0);
    const res = await migrateToLatest(ctx.db);
    expect(res.results?.length).toBeGreaterThan(1);
    expect(res.results?.every((r) => r.status === 'Success')).toBe(true);
  });

  it('a listing upserted twice stays one row; a price change is recorded in its history', async () => {
    const src = await upsertSource(ctx.db, { slug: 's1', name: 'S1', channel: 'ecommerce', country: 'CN', enabled: true, local: true, definition: {} });
    const a = await upsertListings(ctx.db, src.id, 'demo', [listing()]);
    const b = await upsertListings(ctx.db, src.id, 'demo', [listing()]);
    expect(a[0].inserted).toBe(true);
    expect(b[0].inserted).toBe(false);
    expect(b[0].changed).toBe(false);
    expect(b[0].id).toBe(a[0].id);
    const c = await upsertListings(ctx.db, src.id, 'demo', [listing({ price: 9.9 })]);
    expect(c[0].changed).toBe(true);
    const changes = await ctx.db.selectFrom('listing_changes').selectAll().where('listing_id', '=', a[0].id).execute();
    expect(changes).toEqual([expect.objectContaining({ field: 'price', old_value: '19.90', new_value: '9.90' })]);
    const count = await ctx.db.selectFrom('listings').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it('an alert is unique per (listing, entry): a rescore updates it and appends an event', async () => {
    await importSnapshotEntries(ctx.db, [{ id: 'x', kind: 'mark', name: '康师傅', aliases: [], niceClasses: [30], keywords: [], referencePrices: [], authorisedSellers: [], channels: [], countries: [] }], { status: 'active' });
    const mark = await ctx.db.selectFrom('marks').select('id').executeTakeFirstOrThrow();
    const l = await ctx.db.selectFrom('listings').select('id').executeTakeFirstOrThrow();
    const base = { listingId: String(l.id), markId: String(mark.id), level: 'medium' as const, matchKind: 'visual', matchedText: '康帅傅', reasons: [{ code: 'name', points: 60, text: '字形近似' }] };
    const first = await upsertAlert(ctx.db, { ...base, score: 60 });
    const again = await upsertAlert(ctx.db, { ...base, score: 60 });
    const rescored = await upsertAlert(ctx.db, { ...base, score: 80, level: 'high' });
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false, updated: false });
    expect(rescored.updated).toBe(true);
    const events = await ctx.db.selectFrom('alert_events').select(['type']).where('alert_id', '=', first.id).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['created', 'rescored']);
  });

  it('the alert history is append-only: the database refuses updates and deletes', async () => {
    await expect(sql`update alert_events set note = 'edited'`.execute(ctx.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from alert_events`.execute(ctx.db)).rejects.toThrow(/append-only/);
  });

  it('any change to the marks bumps the watchlist version; only active entries are in the snapshot', async () => {
    const v1 = await getWatchlistVersion(ctx.db);
    await importSnapshotEntries(ctx.db, [{ id: 'y', kind: 'gi', name: '信阳毛尖', aliases: [], niceClasses: [30], keywords: [], referencePrices: [], authorisedSellers: [], channels: [], countries: [], gi: { regionCodes: ['411500'] } }], { status: 'pending' });
    const v2 = await getWatchlistVersion(ctx.db);
    expect(BigInt(v2)).toBeGreaterThan(BigInt(v1));
    const snap = await buildSnapshot(ctx.db);
    expect(snap.version).toBe(v2);
    expect(snap.entries.map((e) => e.name)).toEqual(['康师傅']);
  });
});
