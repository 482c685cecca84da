// crawl: one run of one source. Cadence: per the source's cron (job scheduler) or on demand.
// Cost: one cheap job; it only registers the run's first pages and queues them (start URLs plus
// one search per active watchlist term). Idempotent: a retry finds its run by job id, and page
// jobs carry deterministic ids, so nothing is queued twice.
import { createHash } from 'node:crypto';
import { UnrecoverableError, type Job } from 'bullmq';
import { parsePayload } from '../src/queues/queues.ts';
import { getSource } from '../src/sources/source.repository.ts';
import { registerPages, startRun } from '../src/crawls/crawl-run.repository.ts';
import { buildSnapshot } from '../src/watchlists/snapshot.ts';
import { buildSearchUrl } from '../crawlers/sources/source.schema.ts';
import { parseDefinition, type JobDeps } from './deps.ts';

export function pageKey(url: string): string {
  return createHash('sha1').update(url).digest('hex').slice(0, 20);
}


/** Search terms: every active entry's name and aliases, each once. */
export async function searchTerms(deps: JobDeps): Promise<string[]> {
  const snap = await buildSnapshot(deps.ctx.db);
  const terms = new Set<string>();
  for (const e of snap.entries) for (const t of [e.name, ...e.aliases]) if (t.trim()) terms.add(t.trim());
  return [...terms];
}

export async function processCrawl(job: Job, deps: JobDeps): Promise<{ runId: string; pages: number }> {
  const p = parsePayload('crawl', job.data);
  const { db, queues } = deps.ctx;
  const source = await getSource(db, p.sourceId);
  if (!source) throw new UnrecoverableError(`source ${p.sourceId} does not exist`);
  if (!source.enabled) return { runId: '', pages: 0 };
  const def = parseDefinition(source.definition);
  const run = await startRun(db, source.id, String(job.id));

  const pages: { url: string; term?: string }[] = def.startUrls.map((url) => ({ url }));
  if (def.search) {
    let terms = await searchTerms(deps);
    if (def.search.maxTermsPerRun) terms = terms.slice(0, def.search.maxTermsPerRun);
    for (const term of terms) pages.push({ url: buildSearchUrl(def, term), term });
  }
  const unique = [...new Map(pages.map((pg) => [pg.url, pg])).values()];
  await registerPages(db, run.id, unique.map((pg) => ({ key: pageKey(pg.url), url: pg.url })));
  await queues.page.addBulk(
    unique.map((pg) => ({
      name: 'page',
      data: { sourceId: source.id, runId: run.id, url: pg.url, pageNo: 1, term: pg.term },
      opts: { jobId: `r${run.id}-${pageKey(pg.url)}` },
    })),
  );
  return { runId: run.id, pages: unique.length };
}
