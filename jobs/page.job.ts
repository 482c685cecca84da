// page: fetch one page, keep a content-addressed snapshot, extract and upsert its listings,
// queue the changed ones for matching and the next page for crawling. Cost: one HTTP fetch (or
// one browser render) under the host's limits. Idempotent: listings upsert by (source, external
// id), match jobs are keyed by (listing, content hash), the next page by (run, url).
import { createHash } from 'node:crypto';
import { UnrecoverableError, type Job } from 'bullmq';
import { parsePayload } from '../src/queues/queues.ts';
import { finishPage, type SnapshotInput } from '../src/crawls/crawl-run.repository.ts';
import { markGone } from '../src/listings/listing.repository.ts';
import { isHostAllowed, type SourceDefinition } from '../crawlers/sources/source.schema.ts';
import { runPage } from '../crawlers/runner/page-runner.ts';
import { PermanentFetchError, RetryableFetchError } from '../src/net/errors.ts';
import { pageKey } from './crawl.job.ts';
import type { JobDeps } from './deps.ts';

function nextUrl(def: SourceDefinition, current: string, pageNo: number, extractedNext: string | undefined): string | null {
  const pg = def.pagination;
  if (!pg || pageNo >= pg.maxPages) return null;
  if (pg.nextSelector) return extractedNext ?? null;
  if (pg.pageParam) {
    const u = new URL(current);
    u.searchParams.set(pg.pageParam, String(pg.start + pageNo * pg.step));
    return u.toString();
  }
  return extractedNext ?? null;
}

export async function processPage(job: Job, deps: JobDeps): Promise<{ listings: number; changed: number }> {
  const p = parsePayload('page', job.data);
  const { db, queues, logger } = deps.ctx;
  const { source, def } = await deps.sources.get(p.sourceId);
  const key = pageKey(p.url);

  // every way out of a page (done, failed, past the last page) records it once; the last page
  // of a run closes the run
  const runFinished = async () => {
    const run = await db.selectFrom('crawl_runs').select(['started_at', 'errors']).where('id', '=', p.runId).executeTakeFirstOrThrow();
    // only a clean full crawl of the start URLs can tell that a listing is gone
    const gone = run.errors === 0 && !def.search ? await markGone(db, source.id, run.started_at) : 0;
    logger.info({ runId: p.runId, source: source.slug, gone }, 'crawl run finished');
  };
  const pageDone = async (page: { ok: boolean; listings: number; sha256?: string; error?: string; snapshot?: SnapshotInput }) => {
    const done = await finishPage(db, p.runId, { key, ...page });
    if (done.runComplete) await runFinished();
  };
  const fail = (message: string) => pageDone({ ok: false, listings: 0, error: `${p.url}: ${message}` });

  const timings: Record<string, number> = {};
  let outcome;
  try {
    outcome = await runPage(def, p.url, { robots: deps.robots, limiter: deps.limiter, browser: deps.browser, extract: deps.extract, timings });
  } catch (err) {
    const message = (err as Error).message;
    if (err instanceof PermanentFetchError) {
      // many sites answer 404 past the last page of results: that is the end, not an error
      if (p.pageNo > 1 && (err.status === 404 || err.status === 410)) {
        await pageDone({ ok: true, listings: 0 });
        return { listings: 0, changed: 0 };
      }
      await fail(message);
      throw new UnrecoverableError(message);
    }
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (lastAttempt) await fail(message);
    if (err instanceof RetryableFetchError && err.retryAfterMs) {
      logger.warn({ url: p.url, retryAfterMs: err.retryAfterMs }, 'host asked us to slow down');
    }
    throw err;
  }

  // an empty page ends page-number pagination (there is no next link to tell)
  const nextPage = outcome.extracted.listings.length ? nextUrl(def, p.url, p.pageNo, outcome.extracted.nextPageUrl) : null;
  const next = nextPage && nextPage !== p.url && isHostAllowed(def, new URL(nextPage).host) ? nextPage : null;

  // snapshot, listings with their history, the next page's registration and this page's
  // record: one statement, shared with the other pages being stored at the same moment
  let t = performance.now();
  const errors = outcome.extracted.errors;
  const stored = await deps.pages.store(source.id, def.platform, {
    runId: p.runId,
    key,
    listings: outcome.extracted.listings,
    snapshot: { sha256: outcome.sha256, url: outcome.finalUrl, contentType: outcome.contentType ?? null, body: outcome.body },
    error: errors.length ? `${p.url}: ${errors.slice(0, 3).join('; ')}` : outcome.truncated ? `${p.url}: body truncated at cap` : undefined,
    next: next ? { key: pageKey(next), url: next } : undefined,
  });
  const upserted = stored.upserted;
  timings.store = performance.now() - t;
  t = performance.now();
  // new and changed listings go to matching; a page recorded before (this job is a retry of one
  // that stored it and may have died before queueing them) queues all of its listings: matching
  // is idempotent (an alert is unique per listing and entry), a lost match job is not
  const changed = stored.first ? upserted.filter((u) => u.changed) : upserted;
  for (let i = 0; i < changed.length; i += 100) {
    const items = changed.slice(i, i + 100).map((u) => ({ listingId: u.id, contentHash: u.contentHash }));
    // keyed by content: a retried page job queues the same batch once
    const key = createHash('sha1').update(items.map((x) => `${x.listingId}:${x.contentHash}`).join(',')).digest('hex').slice(0, 24);
    await queues.match.add('match', { listings: items }, { jobId: `m-${key}` });
  }
  if (next) {
    await queues.page.add(
      'page',
      { sourceId: source.id, runId: p.runId, url: next, pageNo: p.pageNo + 1, term: p.term },
      { jobId: `r${p.runId}-${pageKey(next)}` },
    );
  }
  timings.queue = performance.now() - t;
  if (stored.runComplete) await runFinished();
  logger.debug({ url: p.url, timings }, 'page timings (ms)');
  return { listings: upserted.length, changed: changed.length };
}
