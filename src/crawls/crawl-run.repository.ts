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
  await db.transaction().execute(async (trx) => {
    const added = await trx
      .insertInto('crawl_run_pages')
      .values(pages.map((p) => ({ run_id: runId, page_key: p.key, url: p.url, status: 'queued' as const })))
      .onConflict((oc) => oc.columns(['run_id', 'page_key']).doNothing())
      .returning('page_key')
      .execute();
    if (added.length) {
      await trx.updateTable('crawl_runs').set((eb) => ({ pages_queued: eb('pages_queued', '+', added.length) })).where('id', '=', runId).execute();
    }
  });
}

/**
 * Records a page as done, once: a retried page job that already finished changes nothing.
 * Returns whether this call finished it and whether the run is now complete.
 */
export async function finishPage(
  db: Kysely<Database>,
  runId: string,
  page: { key: string; ok: boolean; listings: number; sha256?: string; error?: string },
): Promise<{ first: boolean; runComplete: boolean }> {
  return db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('crawl_run_pages')
      .set({ status: page.ok ? 'ok' : 'failed', snapshot_sha256: page.sha256 ?? null, listings: page.listings, error: page.error ?? null, done_at: new Date() })
      .where('run_id', '=', runId)
      .where('page_key', '=', page.key)
      .where('status', '=', 'queued')
      .returning('run_id')
      .executeTakeFirst();
    if (!done) return { first: false, runComplete: false };
    const run = await trx
      .updateTable('crawl_runs')
      .set((eb) => ({
        pages: eb('pages', '+', 1),
        listings: eb('listings', '+', page.listings),
        errors: eb('errors', '+', page.ok ? 0 : 1),
        error_samples: page.error
          ? sql`case when jsonb_array_length(error_samples) < 20 then error_samples || ${JSON.stringify([page.error])}::jsonb else error_samples end`
          : sql`error_samples`,
      }))
      .where('id', '=', runId)
      .returning(['pages', 'pages_queued'])
      .executeTakeFirstOrThrow();
    const complete = run.pages >= run.pages_queued;
    if (complete) {
      await trx
        .updateTable('crawl_runs')
        .set({ status: 'finished', finished_at: new Date() })
        .where('id', '=', runId)
        .where('status', '=', 'running')
        .execute();
    }
    return { first: true, runComplete: complete };
  });
}

export async function listRuns(db: Kysely<Database>, opts: { sourceId?: string; limit: number }) {
  let q = db
    .selectFrom('crawl_runs as r')
    .innerJoin('sources as s', 's.id', 'r.source_id')
    .select([
      'r.id', 'r.source_id', 's.slug', 's.name', 'r.status', 'r.pages', 'r.pages_queued', 'r.listings', 'r.errors',
      'r.error_samples', 'r.started_at', 'r.finished_at',
    ])
    .orderBy('r.id', 'desc')
    .limit(opts.limit);
  if (opts.sourceId) q = q.where('r.source_id', '=', opts.sourceId);
  return q.execute();
}

export async function storeSnapshot(
  db: Kysely<Database>,
  s: { sha256: string; url: string; contentType: string | null; body: Buffer },
): Promise<void> {
  await db
    .insertInto('page_snapshots')
    .values({ sha256: s.sha256, url: s.url, content_type: s.contentType, bytes: s.body.length, body: s.body })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
}
