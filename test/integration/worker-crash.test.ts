// Killing a worker mid-crawl loses nothing and doubles nothing: its running job's lock expires,
// another worker takes it again, and every write is an upsert on a natural key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { runIpclue, type Running } from '../helpers/process.ts';
import { createTestContext, createTestEnv, waitFor, type TestEnv } from '../helpers/services.ts';
import type { AppContext } from '../../src/context.ts';

let t: TestEnv;
let ctx: AppContext;
const procs: Running[] = [];

beforeAll(async () => {
  t = await createTestEnv();
  // evidence capture has its own tests; here it would only slow the crawl down
  t.env.EVIDENCE_MIN_LEVEL = 'off';
  ctx = await createTestContext(t);
});
afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await ctx?.close();
  await t?.cleanup();
});

describe('a worker killed mid-crawl', () => {
  it('is replaced by a new one that completes the crawl with no duplicate listings or alerts', async () => {
    // the server seeds the demo and serves the demo sites slowly, so the crawl takes a while
    const server = runIpclue(['server'], { ...t.env, PORT: '0', DEMO_LATENCY_MS: '400' });
    procs.push(server);
    const m = await server.waitForOutput(/控制台 console (http:\/\/localhost:\d+)\//, 90_000);
    expect(m[1]).toMatch(/^http/);

    const queued = runIpclue(['crawl', 'demo-mall'], t.env);
    expect((await queued.exited).code).toBe(0);

    const w1 = runIpclue(['worker'], t.env);
    procs.push(w1);
    // wait until the crawl is under way (a page done, more to go), then kill the worker hard
    await waitFor(async () => {
      const r = await ctx.db.selectFrom('crawl_runs').select(['id', 'status']).executeTakeFirst();
      if (r?.status !== 'running') return undefined;
      const done = await ctx.db.selectFrom('crawl_run_pages').select('page_key').where('run_id', '=', r.id).where('status', '=', 'ok').execute();
      return done.length >= 1 ? r : undefined;
    }, 'the crawl to be under way');
    w1.child.kill('SIGKILL');
    await w1.exited;

    const w2 = runIpclue(['worker'], t.env);
    procs.push(w2);
    const run = await waitFor(async () => {
      const r = await ctx.db.selectFrom('crawl_runs').selectAll().executeTakeFirst();
      return r?.status === 'finished' ? r : undefined;
    }, 'the crawl to finish', 90_000);
    expect(run.errors, JSON.stringify(run.error_samples)).toBe(0);
    expect(run.pages).toBe(run.pages_queued);
    expect(run.pages).toBeGreaterThan(1);
    // match jobs drain: none waiting, delayed or still running (an active one may be writing alerts)
    await waitFor(async () => {
      const c = (await ctx.queues.match.getJobCounts('waiting', 'active', 'delayed')) as Record<string, number>;
      return c.waiting + c.active + c.delayed === 0 ? true : undefined;
    }, 'matching to drain');

    const pages = await sql<{ n: number; distinct_keys: number }>`
      select count(*)::int as n, count(distinct page_key)::int as distinct_keys from crawl_run_pages where status = 'ok'`.execute(ctx.db);
    expect(pages.rows[0].n).toBe(pages.rows[0].distinct_keys);
    expect(pages.rows[0].n).toBe(run.pages);
    const listingCount = await sql<{ n: number; distinct_ids: number }>`
      select count(*)::int as n, count(distinct (source_id, external_id))::int as distinct_ids from listings`.execute(ctx.db);
    expect(listingCount.rows[0].n).toBeGreaterThan(0);
    expect(listingCount.rows[0].n).toBe(listingCount.rows[0].distinct_ids);
    // every listing the pages reported is stored exactly once
    const reported = await sql<{ n: number }>`select sum(listings)::int as n from crawl_run_pages`.execute(ctx.db);
    expect(reported.rows[0].n).toBeGreaterThanOrEqual(listingCount.rows[0].n);
    // alerts and their 'created' events counted in one statement (one snapshot of both)
    const alerts = await sql<{ n: number; distinct_pairs: number; created: number }>`
      select count(*)::int as n, count(distinct (listing_id, mark_id))::int as distinct_pairs,
             (select count(*)::int from alert_events where type = 'created') as created
      from alerts`.execute(ctx.db);
    expect(alerts.rows[0].n).toBeGreaterThan(0);
    expect(alerts.rows[0].n).toBe(alerts.rows[0].distinct_pairs);
    expect(alerts.rows[0].created).toBe(alerts.rows[0].n);

    w2.child.kill('SIGTERM');
    server.child.kill('SIGTERM');
    expect((await w2.exited).code).toBe(0);
    expect((await server.exited).code).toBe(0);
  }, 240_000);
});
