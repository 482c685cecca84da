// Group commit of crawled pages: pages stored together land exactly as if stored one by one
// (listings, first/last seen, change history, page records, snapshots, run totals), and a page
// whose data the database refuses fails alone without touching what the others stored.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { AppContext } from '../../../src/context.ts';
import { upsertSource } from '../../../src/sources/source.repository.ts';
import { finishPage, registerPages, startRun } from '../../../src/crawls/crawl-run.repository.ts';
import { PageStore, type PageWrite } from '../../../src/crawls/page-store.ts';
import { SellerCache, type ListingInput } from '../../../src/listings/listing.repository.ts';
import { createTestContext, createTestEnv, type TestEnv } from '../../helpers/services.ts';

let t: TestEnv;
let ctx: AppContext;
let sourceId: string;

beforeAll(async () => {
  t = await createTestEnv();
  ctx = await createTestContext(t);
  sourceId = (await upsertSource(ctx.db, { slug: 'ps', name: 'PS', channel: 'ecommerce', country: 'CN', enabled: true, local: true, definition: {} })).id;
});
afterAll(async () => {
  await ctx?.close();
  await t?.cleanup();
});

const listing = (id: string, over: Partial<ListingInput> = {}): ListingInput => ({
  externalId: id,
  url: `http://127.0.0.1/item/${id}`,
  title: `商品 ${id}`,
  price: 10,
  currency: 'CNY',
  sellerName: `店 ${Number(id.replace(/\D/g, '')) % 3}`,
  sellerId: `shop-${Number(id.replace(/\D/g, '')) % 3}`,
  sellerLocation: '浙江 杭州',
  regionCode: '330100',
  countryCode: 'CN',
  images: [],
  category: null,
  raw: { title: `商品 ${id}` },
  ...over,
});

const page = (runId: string, n: number, listings: ListingInput[], over: Partial<PageWrite> = {}): PageWrite => {
  const body = Buffer.from(`<html>page ${n} ${listings.map((l) => `${l.externalId}:${l.price}:${l.title}`).join(',')}</html>`);
  return {
    runId,
    key: `p${n}`,
    listings,
    snapshot: { sha256: createHash('sha256').update(body).digest('hex'), url: `http://127.0.0.1/list?page=${n}`, contentType: 'text/html', body },
    ...over,
  };
};

async function newRun(pages: number): Promise<string> {
  const run = await startRun(ctx.db, sourceId, `job-${Math.random()}`);
  await registerPages(ctx.db, run.id, Array.from({ length: pages }, (_, i) => ({ key: `p${i + 1}`, url: `http://127.0.0.1/list?page=${i + 1}` })));
  return run.id;
}

// a wait longer than any test: the batch is written when it is full, so what goes together is fixed
const store = (maxPages: number, batches: number[] = []) =>
  new PageStore(ctx.db, { sellers: new SellerCache(), maxPages, maxWaitMs: 60_000, onBatch: (n) => batches.push(n) });

describe('PageStore', () => {
  it('stores concurrent pages in one statement: listings, history, page records, snapshots and the run close once', async () => {
    const runId = await newRun(4);
    const batches: number[] = [];
    const s = store(4, batches);
    const pages = [1, 2, 3, 4].map((n) => page(runId, n, Array.from({ length: 5 }, (_, i) => listing(`a${n * 10 + i}`))));
    const results = await Promise.all(pages.map((p) => s.store(sourceId, 'demo', p)));
    expect(batches).toEqual([4]);
    expect(results.map((r) => r.upserted.length)).toEqual([5, 5, 5, 5]);
    expect(results.every((r) => r.first && r.upserted.every((u) => u.inserted && u.changed))).toBe(true);
    // each page's own listings come back to it
    results.forEach((r, i) => expect(r.upserted.map((u) => u.externalId).sort()).toEqual(pages[i]!.listings.map((l) => l.externalId).sort()));
    expect(results.filter((r) => r.runComplete)).toHaveLength(1);

    const run = await ctx.db.selectFrom('crawl_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
    expect(run).toMatchObject({ status: 'finished', pages: 4, listings: 20, errors: 0 });
    const recs = await ctx.db.selectFrom('crawl_run_pages').select(['page_key', 'status', 'listings', 'snapshot_sha256']).where('run_id', '=', runId).orderBy('page_key').execute();
    expect(recs.map((r) => [r.page_key, r.status, r.listings, r.snapshot_sha256])).toEqual(pages.map((p) => [p.key, 'ok', 5, p.snapshot.sha256]));
    const snaps = await ctx.db.selectFrom('page_snapshots').select(['sha256', 'body']).where('sha256', 'in', pages.map((p) => p.snapshot.sha256)).execute();
    expect(snaps).toHaveLength(4);
    for (const sn of snaps) expect(createHash('sha256').update(sn.body).digest('hex')).toBe(sn.sha256);

    // the same listings again, three of them with a new price or title, again in one batch
    const runId2 = await newRun(4);
    const again = pages.map((p, n) =>
      page(runId2, n + 1, p.listings.map((l, i) => (i === 0 && n < 3 ? { ...l, price: 8 + n, title: n === 2 ? `${l.title} 新款` : l.title } : l))),
    );
    const results2 = await Promise.all(again.map((p) => s.store(sourceId, 'demo', p)));
    expect(batches).toEqual([4, 4]);
    expect(results2.flatMap((r) => r.upserted.filter((u) => u.changed).map((u) => u.externalId)).sort()).toEqual(['a10', 'a20', 'a30']);
    expect(results2.every((r) => r.upserted.every((u) => !u.inserted))).toBe(true);
    const history = await sql<{ external_id: string; field: string; old_value: string; new_value: string }>`
      select l.external_id, c.field, c.old_value, c.new_value from listing_changes c join listings l on l.id = c.listing_id
      where l.source_id = ${sourceId} order by l.external_id, c.field`.execute(ctx.db);
    // a30's price came back as it was (8 + 2): only its title changed
    expect(history.rows.map((r) => [r.external_id, r.field, r.old_value, r.new_value])).toEqual([
      ['a10', 'price', '10.00', '8.00'],
      ['a20', 'price', '10.00', '9.00'],
      ['a30', 'title', '商品 a30', '商品 a30 新款'],
    ]);
    const l10 = await ctx.db.selectFrom('listings').select(['price', 'first_seen_at', 'last_seen_at']).where('source_id', '=', sourceId).where('external_id', '=', 'a10').executeTakeFirstOrThrow();
    expect(Number(l10.price)).toBe(8);
    expect(l10.last_seen_at.getTime()).toBeGreaterThan(l10.first_seen_at.getTime());
    expect(Number((await sql<{ n: string }>`select count(*) as n from listings where source_id = ${sourceId}`.execute(ctx.db)).rows[0]!.n)).toBe(20);
  });

  it('a batch sharing a listing with a batch still being written waits for it, however much faster it is', async () => {
    // page 1 is large and slow to write; page 2, written by the timer while page 1's batch is
    // still in the database, has only the shared item: written side by side, it would finish
    // first and page 1's older price would win
    const runId = await newRun(2);
    const s = new PageStore(ctx.db, { maxPages: 8, maxWaitMs: 1 });
    const big = Array.from({ length: 3000 }, (_, i) => listing(`w${i}`));
    const first = s.store(sourceId, 'demo', page(runId, 1, [...big, listing('w-shared', { price: 10 })]));
    // page 1 is on its way to the database before page 2 comes
    await new Promise((r) => setTimeout(r, 5));
    const second = s.store(sourceId, 'demo', page(runId, 2, [listing('w-shared', { price: 12 })]));
    const [r1, r2] = await Promise.all([first, second]);
    expect(r1.upserted.find((u) => u.externalId === 'w-shared')).toMatchObject({ inserted: true });
    expect(r2.upserted.find((u) => u.externalId === 'w-shared')).toMatchObject({ inserted: false, changed: true });
    const shared = await ctx.db.selectFrom('listings').select(['id', 'price']).where('source_id', '=', sourceId).where('external_id', '=', 'w-shared').executeTakeFirstOrThrow();
    expect(Number(shared.price)).toBe(12);
    const h = await ctx.db.selectFrom('listing_changes').select(['field', 'old_value', 'new_value']).where('listing_id', '=', shared.id).execute();
    expect(h).toEqual([{ field: 'price', old_value: '10.00', new_value: '12.00' }]);
  });

  it('a listing shown on two pages goes to separate batches, the later page last', async () => {
    const runId = await newRun(3);
    const batches: number[] = [];
    const s = store(8, batches);
    const p1 = page(runId, 1, [listing('b1'), listing('b2')]);
    const p2 = page(runId, 2, [listing('b3'), listing('b1', { price: 12 })]);
    const p3 = page(runId, 3, [listing('b4')]);
    const all = [s.store(sourceId, 'demo', p1), s.store(sourceId, 'demo', p2), s.store(sourceId, 'demo', p3)];
    await s.drain();
    const [r1, r2] = await Promise.all(all);
    expect(batches).toEqual([1, 2]);
    expect(r1!.upserted.find((u) => u.externalId === 'b1')).toMatchObject({ inserted: true });
    expect(r2!.upserted.find((u) => u.externalId === 'b1')).toMatchObject({ inserted: false, changed: true });
    const b1 = await ctx.db.selectFrom('listings').select(['id', 'price']).where('source_id', '=', sourceId).where('external_id', '=', 'b1').executeTakeFirstOrThrow();
    expect(Number(b1.price)).toBe(12);
    const h = await ctx.db.selectFrom('listing_changes').select(['field', 'old_value', 'new_value']).where('listing_id', '=', b1.id).execute();
    expect(h).toEqual([{ field: 'price', old_value: '10.00', new_value: '12.00' }]);
    expect(await ctx.db.selectFrom('crawl_runs').select('status').where('id', '=', runId).executeTakeFirstOrThrow()).toEqual({ status: 'finished' });
  });

  it('a page the database refuses fails alone; the other pages of its batch are stored, nothing else changes', async () => {
    const runId = await newRun(4);
    // stored earlier: must come out of the failed batch untouched
    const before = store(1);
    await before.store(sourceId, 'demo', page(runId, 1, [listing('c1'), listing('c2')]));
    const batches: number[] = [];
    const s = store(3, batches);
    const good2 = page(runId, 2, [listing('c3'), listing('c1', { price: 11 })]);
    // numeric(14,2) holds less than 10^12: this price overflows, failing the batch's statement
    const bad = page(runId, 3, [listing('c4'), listing('c2', { price: 5 }), listing('c5', { price: 1e13 })]);
    const good4 = page(runId, 4, [listing('c6')]);
    const settled = await Promise.allSettled([good2, bad, good4].map((p) => s.store(sourceId, 'demo', p)));
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(/overflow/);
    // the batch was tried once, then each page alone (two of them stored)
    expect(batches).toEqual([1, 1]);

    const rows = await ctx.db.selectFrom('listings').select(['external_id', 'price']).where('source_id', '=', sourceId).where('external_id', 'like', 'c%').orderBy('external_id').execute();
    expect(rows.map((r) => [r.external_id, Number(r.price)])).toEqual([['c1', 11], ['c2', 10], ['c3', 10], ['c6', 10]]);
    const recs = await ctx.db.selectFrom('crawl_run_pages').select(['page_key', 'status']).where('run_id', '=', runId).orderBy('page_key').execute();
    expect(recs.map((r) => `${r.page_key}:${r.status}`)).toEqual(['p1:ok', 'p2:ok', 'p3:queued', 'p4:ok']);
    expect(await ctx.db.selectFrom('page_snapshots').select('sha256').where('sha256', '=', bad.snapshot.sha256).executeTakeFirst()).toBeUndefined();
    expect((await ctx.db.selectFrom('crawl_runs').select('status').where('id', '=', runId).executeTakeFirstOrThrow()).status).toBe('running');

    // the failed page's retry (its job retried) with data the database takes closes the run
    const retried = await store(1).store(sourceId, 'demo', { ...bad, listings: bad.listings.slice(0, 2) });
    expect(retried).toMatchObject({ first: true, runComplete: true });
  });

  it('a page stored before (a retried job) is not counted twice, and still closes a run left open', async () => {
    const runId = await newRun(1);
    const p = page(runId, 1, [listing('d1')]);
    // as if a worker died after storing the page and before closing the run
    await ctx.db.updateTable('crawl_run_pages').set({ status: 'ok', listings: 1 }).where('run_id', '=', runId).execute();
    const r = await store(1).store(sourceId, 'demo', p);
    expect(r).toMatchObject({ first: false, runComplete: true });
    expect(await ctx.db.selectFrom('crawl_runs').select(['status', 'pages', 'listings']).where('id', '=', runId).executeTakeFirstOrThrow()).toEqual({ status: 'finished', pages: 1, listings: 1 });
  });

  it('finishPage closes a run left open by a page recorded before its run check', async () => {
    const runId = await newRun(1);
    await ctx.db.updateTable('crawl_run_pages').set({ status: 'failed', error: 'x' }).where('run_id', '=', runId).execute();
    expect(await finishPage(ctx.db, runId, { key: 'p1', ok: false, listings: 0, error: 'x' })).toEqual({ first: false, runComplete: true });
  });

  it('registers the next page with the page that links to it, so the run stays open for it', async () => {
    const runId = await newRun(1);
    const r = await store(1).store(sourceId, 'demo', page(runId, 1, [listing('e1')], { next: { key: 'p2', url: 'http://127.0.0.1/list?page=2' } }));
    expect(r).toMatchObject({ first: true, runComplete: false });
    const recs = await ctx.db.selectFrom('crawl_run_pages').select(['page_key', 'status']).where('run_id', '=', runId).orderBy('page_key').execute();
    expect(recs).toEqual([{ page_key: 'p1', status: 'ok' }, { page_key: 'p2', status: 'queued' }]);
  });
});
