// Stores crawled pages: snapshot, listings (with their history), the next page's registration
// and the page's own record, in one statement for several pages at once.
//
// A crawl runs many page jobs at once, and each used to write its page with statements of its
// own. The PageStore gathers the pages that reach it within a few milliseconds (group commit)
// and writes them together: one statement, one transaction, one plan, one commit for all of
// them. Each page job still waits for its own page's result, so a finished job still means its
// page is stored. When a batch's statement fails, each of its pages is written again alone, so a
// page whose data the database refuses fails its own job only, and the batch's other pages are
// stored as if they had come one by one; the failed statement changed nothing.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import {
  listingRowsJson,
  listingUpsertCtes,
  toUpserted,
  uniqueListings,
  upsertSellers,
  type ListingInput,
  type SellerCache,
  type UpsertedListing,
  type UpsertedRow,
} from '../listings/listing.repository.ts';
import { closeRunIfComplete, type SnapshotInput } from './crawl-run.repository.ts';

export interface PageWrite {
  runId: string;
  /** the page's key in its run (crawl_run_pages.page_key) */
  key: string;
  listings: ListingInput[];
  snapshot: SnapshotInput;
  /** kept on the page's record (extraction errors, a truncated body); the page still counts as done */
  error?: string;
  /** the page after this one, registered as queued by the same statement that records this page */
  next?: { key: string; url: string };
}

export interface PageStored {
  upserted: UpsertedListing[];
  /** false when the page was already recorded (a retried job): the totals count it once */
  first: boolean;
  /** true for the one page whose storing closed its run */
  runComplete: boolean;
}

/**
 * Writes pages of one source in one statement. Their listings' external ids must not repeat
 * across pages (a row can be upserted once per statement); within a page, the first of a
 * repeated id is kept.
 */
export async function storePages(
  db: Kysely<Database>,
  sourceId: string,
  platform: string,
  pages: PageWrite[],
  sellers?: SellerCache,
): Promise<{ upserted: UpsertedListing[]; first: boolean }[]> {
  const perPage = pages.map((p) => uniqueListings(p.listings));
  const owner = new Map<string, number>();
  perPage.forEach((ls, i) => {
    for (const l of ls) {
      if (owner.has(l.externalId)) throw new Error(`listing ${l.externalId} is on two pages of one batch`);
      owner.set(l.externalId, i);
    }
  });
  const all = perPage.flat().sort((a, b) => (a.externalId < b.externalId ? -1 : 1));
  const sellerIds = await upsertSellers(db, platform, all, sellers);

  const snapshots = [...new Map(pages.map((p) => [p.snapshot.sha256, p.snapshot])).values()];
  const storeSnapshots = snapshots.length
    ? sql`snapshots as (
        insert into page_snapshots (sha256, url, content_type, bytes, body)
        values ${sql.join(snapshots.map((s) => sql`(${s.sha256}, ${s.url}, ${s.contentType}, ${s.body.length}, ${s.body})`))}
        on conflict (sha256) do nothing
      ), `
    : sql``;
  const next = pages.filter((p) => p.next).map((p) => ({ run_id: p.runId, page_key: p.next!.key, url: p.next!.url }));
  const done = pages.map((p, i) => ({ run_id: p.runId, page_key: p.key, sha256: p.snapshot.sha256, listings: perPage[i]!.length, error: p.error ?? null }));
  const result = await sql<UpsertedRow & { run_id: string | null; page_key: string | null }>`
    with ${storeSnapshots}registered as (
      insert into crawl_run_pages (run_id, page_key, url, status)
      select run_id, page_key, url, 'queued' from jsonb_to_recordset(${JSON.stringify(next)}::jsonb) as n(run_id bigint, page_key text, url text)
      on conflict (run_id, page_key) do nothing
    ), done as (
      update crawl_run_pages c set status = 'ok', snapshot_sha256 = d.sha256, listings = d.listings, error = d.error, done_at = now()
      from jsonb_to_recordset(${JSON.stringify(done)}::jsonb) as d(run_id bigint, page_key text, sha256 text, listings int, error text)
      -- each page's row by its primary key: as a join, the planner took every queued page of the
      -- run from their partial index and filtered them, for every batch (the queued test is on
      -- the outer row so that the partial index does not apply to the lookup)
      cross join lateral (
        select q.ctid from crawl_run_pages q where q.run_id = d.run_id and q.page_key = d.page_key limit 1
      ) q
      where c.ctid = q.ctid and c.status = 'queued'
      returning c.run_id, c.page_key
    ), ${listingUpsertCtes(sourceId, listingRowsJson(all, sellerIds))}
    select up.id, up.external_id, up.content_hash, old.content_hash as old_hash, null::text as run_id, null::text as page_key
    from up left join old using (external_id)
    union all
    select null, null, null, null, run_id::text, page_key from done`.execute(db);

  const out = pages.map(() => ({ upserted: [] as UpsertedListing[], first: false }));
  const pageAt = new Map(pages.map((p, i) => [`${p.runId}\u0000${p.key}`, i]));
  for (const r of result.rows) {
    if (r.page_key !== null) {
      const i = pageAt.get(`${r.run_id}\u0000${r.page_key}`);
      if (i !== undefined) out[i]!.first = true;
    } else {
      out[owner.get(r.external_id)!]!.upserted.push(toUpserted(r));
    }
  }
  return out;
}

interface Entry {
  page: PageWrite;
  ids: string[];
  resolve(v: PageStored): void;
  reject(err: unknown): void;
}

interface Batch {
  sourceId: string;
  platform: string;
  entries: Entry[];
  ids: Set<string>;
  timer?: NodeJS.Timeout;
}

export interface PageStoreOptions {
  sellers?: SellerCache;
  /** a batch is written when it holds this many pages; default 16 */
  maxPages?: number;
  /** or this long after its first page came; default 10 ms */
  maxWaitMs?: number;
  /** told the size of every batch written (metrics, tests) */
  onBatch?: (pages: number) => void;
}

/** Group commit of crawled pages, per source (see the top of this file). */
export class PageStore {
  private readonly pending = new Map<string, Batch>();
  /** the batches being written, with their source slot and their listings' external ids */
  private readonly writing = new Map<Promise<void>, { slot: string; ids: Set<string> }>();
  private readonly maxPages: number;
  private readonly maxWaitMs: number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly opts: PageStoreOptions = {},
  ) {
    this.maxPages = opts.maxPages ?? 16;
    this.maxWaitMs = opts.maxWaitMs ?? 10;
  }

  /** Stores one page (with the others that come meanwhile); settles once it is stored or refused. */
  store(sourceId: string, platform: string, page: PageWrite): Promise<PageStored> {
    return new Promise<PageStored>((resolve, reject) => {
      const slot = `${sourceId}\u0000${platform}`;
      const ids = [...new Set(page.listings.map((l) => l.externalId))];
      let batch = this.pending.get(slot);
      // a listing already in the batch (shown on two pages) waits for the next batch
      if (batch && ids.some((id) => batch!.ids.has(id))) {
        this.flush(slot, batch);
        batch = undefined;
      }
      if (!batch) {
        const b: Batch = { sourceId, platform, entries: [], ids: new Set() };
        b.timer = setTimeout(() => this.flush(slot, b), this.maxWaitMs);
        this.pending.set(slot, b);
        batch = b;
      }
      batch.entries.push({ page, ids, resolve, reject });
      for (const id of ids) batch.ids.add(id);
      if (batch.entries.length >= this.maxPages) this.flush(slot, batch);
    });
  }

  /** Writes what is pending now and waits for every write under way. */
  async drain(): Promise<void> {
    for (const [slot, b] of [...this.pending]) this.flush(slot, b);
    while (this.writing.size) await Promise.all([...this.writing.keys()]);
  }

  private flush(slot: string, b: Batch): void {
    if (this.pending.get(slot) === b) this.pending.delete(slot);
    clearTimeout(b.timer);
    // a listing this batch shares with a batch still being written (the same item on two pages
    // of a crawl) must be written after it, or the earlier page's values would win. Batches that
    // share nothing are written side by side
    const before: Promise<void>[] = [];
    for (const [done, x] of this.writing) {
      if (x.slot !== slot) continue;
      for (const id of b.ids) {
        if (x.ids.has(id)) {
          before.push(done);
          break;
        }
      }
    }
    const w = (before.length ? Promise.allSettled(before).then(() => this.write(b)) : this.write(b)).finally(() => this.writing.delete(w));
    this.writing.set(w, { slot, ids: b.ids });
  }

  private async write(b: Batch): Promise<void> {
    let stored: { upserted: UpsertedListing[]; first: boolean }[];
    try {
      stored = await storePages(this.db, b.sourceId, b.platform, b.entries.map((e) => e.page), this.opts.sellers);
      this.opts.onBatch?.(b.entries.length);
    } catch (err) {
      if (b.entries.length === 1) {
        b.entries[0]!.reject(err);
        return;
      }
      // the statement changed nothing: each page alone, so that only the page at fault fails
      await Promise.all(b.entries.map((e) => this.write({ ...b, entries: [e], ids: new Set(e.ids) })));
      return;
    }
    // after the commit, so that the check sees these pages done; once per run of the batch
    const byRun = new Map<string, number[]>();
    b.entries.forEach((e, i) => {
      const list = byRun.get(e.page.runId);
      if (list) list.push(i);
      else byRun.set(e.page.runId, [i]);
    });
    for (const [runId, indexes] of byRun) {
      let complete: boolean;
      try {
        complete = await closeRunIfComplete(this.db, runId);
      } catch (err) {
        // the pages are stored; their jobs fail and their retries find them stored and check again
        for (const i of indexes) b.entries[i]!.reject(err);
        continue;
      }
      indexes.forEach((i, n) => b.entries[i]!.resolve({ ...stored[i]!, runComplete: complete && n === 0 }));
    }
  }
}
