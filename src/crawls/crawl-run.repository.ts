import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** A run per crawl job: a retried crawl job finds its run again by job id. */
export async function startRun(db: Kysely<Database>, sourceId: string, jobId: string): Promise<{ id: string; startedAt: Date }> {
  const inserted = await db
    .insertInto('crawl_runs')
    .values({ source_id: sourceId, job_id: jobId, error_samples: '[]' })
    .onConflict((oc) => oc.column('job_id').doNothing())
    .returning(['id', 'started_at'])
    .executeTakeFirst();
  if (inserted) return { id: String(inserted.id), startedAt: inserted.started_at };
  const row = await db.selectFrom('crawl_runs').select(['id', 'started_at']).where('job_id', '=', jobId).executeTakeFirstOrThrow();
  return { id: String(row.id), startedAt: row.started_at };
}

/** Registers pages of a run before their jobs are queued; a page registered twice counts once. */
export async function registerPages(db: Kysely<Database>, runId: string, pages: { key: string; url: string }[]): Promise<void> {
  if (pages.length === 0) return;
  await db
    .insertInto('crawl_run_pages')
    .values(pages.map((p) => ({ run_id: runId, page_key: p.key, url: p.url, status: 'queued' as const })))
    .onConflict((oc) => oc.columns(['run_id', 'page_key']).doNothing())
    .execute();
}

export interface SnapshotInput {
  sha256: string;
  url: string;
  contentType: string | null;
  body: Buffer;
}

/**
 * Records a page as done, once: a retried page job that already finished changes nothing. The
 * page's content-addressed snapshot, when given, is stored by the same statement.
 * The run is complete when no registered page is still queued; its totals are written then.
 * (Per-page counters on the run row would make every page of a run queue on one row lock.)
 */
export async function finishPage(
  db: Kysely<Database>,
  runId: string,
  page: { key: string; ok: boolean; listings: number; sha256?: string; error?: string; snapshot?: SnapshotInput },
): Promise<{ first: boolean; runComplete: boolean }> {
  const s = page.snapshot;
  const storeSnapshot = s
    ? sql`with snapshot as (
        insert into page_snapshots (sha256, url, content_type, bytes, body)
        values (${s.sha256}, ${s.url}, ${s.contentType}, ${s.body.length}, ${s.body})
        on conflict (sha256) do nothing) `
    : sql``;
  const updated = await sql<{ run_id: string }>`${storeSnapshot}
    update crawl_run_pages set status = ${page.ok ? 'ok' : 'failed'}, snapshot_sha256 = ${page.sha256 ?? null},
      listings = ${page.listings}, error = ${page.error ?? null}, done_at = now()
    where run_id = ${runId} and page_key = ${page.key} and status = 'queued'
    returning run_id`.execute(db);
  const first = updated.rows.length > 0;
  // checked even when this page was recorded before: a job retried after recording its page but
  // before this check (a worker killed in between) must still close the run
  const runComplete = await closeRunIfComplete(db, runId);
  return { first, runComplete };
}

/**
 * Closes a run whose registered pages are all done, writing its totals; true only for the one
 * call that closed it. A statement of its own, so that it sees the caller's page updates
 * committed: of several last pages finishing together at least one sees none queued, and only
 * one of them flips the run (the totals are counted only then: the queued check gates the whole
 * statement).
 */
export async function closeRunIfComplete(db: Kysely<Database>, runId: string): Promise<boolean> {
  const finished = await sql<{ id: string }>`
    update crawl_runs r set status = 'finished', finished_at = now(),
      pages = t.pages, pages_queued = t.pages, listings = t.listings, errors = t.errors, error_samples = t.samples
    from (
      select count(*)::int as pages, coalesce(sum(listings), 0)::int as listings,
             count(*) filter (where status = 'failed' or error is not null)::int as errors,
             coalesce((select jsonb_agg(e) from (select error as e from crawl_run_pages
                        where run_id = ${runId} and error is not null order by done_at limit 20) x), '[]'::jsonb) as samples
      from crawl_run_pages where run_id = ${runId}
    ) t
    where r.id = ${runId} and r.status = 'running'
      and not exists (select 1 from crawl_run_pages q where q.run_id = ${runId} and q.status = 'queued')
    returning r.id`.execute(db);
  return finished.rows.length > 0;
}

export async function listRuns(db: Kysely<Database>, opts: { sourceId?: string; limit: number }) {
  // a running run's figures are counted live from its pages; a finished run keeps its totals
  let q = db
    .selectFrom('crawl_runs as r')
    .innerJoin('sources as s', 's.id', 'r.source_id')
    .select([
      'r.id', 'r.source_id', 's.slug', 's.name', 'r.status', 'r.error_samples', 'r.started_at', 'r.finished_at',
      sql<number>`case when r.status = 'running' then (select count(*) from crawl_run_pages p where p.run_id = r.id and p.status <> 'queued') else r.pages end`.as('pages'),
      sql<number>`case when r.status = 'running' then (select count(*) from crawl_run_pages p where p.run_id = r.id) else r.pages_queued end`.as('pages_queued'),
      sql<number>`case when r.status = 'running' then (select coalesce(sum(listings), 0) from crawl_run_pages p where p.run_id = r.id) else r.listings end`.as('listings'),
      sql<number>`case when r.status = 'running' then (select count(*) from crawl_run_pages p where p.run_id = r.id and (p.status = 'failed' or p.error is not null)) else r.errors end`.as('errors'),
    ])
    .orderBy('r.id', 'desc')
    .limit(opts.limit);
  if (opts.sourceId) q = q.where('r.source_id', '=', opts.sourceId);
  return q.execute();
}
