// The scheduler role: keeps one BullMQ job scheduler per enabled source (its cron, its time
// zone) and removes those of disabled or deleted sources. Cadence: re-synced every minute, so an
// admin's edit takes effect without a restart. upsertJobScheduler is idempotent, so two
// scheduler processes never produce two crawls for the same tick.
import type { AppContext } from '../src/context.ts';
import { listSources } from '../src/sources/source.repository.ts';
import { syncReportSchedules } from '../src/reports/schedule.ts';

const PREFIX = 'source-';

export async function syncSchedules(ctx: AppContext): Promise<{ active: number; removed: number }> {
  const sources = await listSources(ctx.db);
  const want = new Map<string, { sourceId: string; cron: string; tz: string }>();
  for (const s of sources) {
    const sched = (s.definition as { schedule?: { cron?: string; timezone?: string } }).schedule;
    if (!s.enabled || !sched?.cron) continue;
    want.set(`${PREFIX}${s.id}`, { sourceId: s.id, cron: sched.cron, tz: sched.timezone ?? 'Asia/Shanghai' });
  }
  for (const [key, w] of want) {
    await ctx.queues.crawl.upsertJobScheduler(
      key,
      { pattern: w.cron, tz: w.tz },
      { name: 'crawl', data: { sourceId: w.sourceId, reason: 'schedule' } },
    );
  }
  let removed = 0;
  for (const s of await ctx.queues.crawl.getJobSchedulers()) {
    if (s.key.startsWith(PREFIX) && !want.has(s.key)) {
      await ctx.queues.crawl.removeJobScheduler(s.key);
      removed++;
    }
  }
  return { active: want.size, removed };
}

export async function startScheduler(ctx: AppContext, everyMs = 60_000): Promise<{ close(): Promise<void> }> {
  const run = async () => {
    try {
      const r = await syncSchedules(ctx);
      ctx.logger.debug({ ...r, reports: await syncReportSchedules(ctx) }, 'schedules synced');
    } catch (err) {
      ctx.logger.error({ err: (err as Error).message }, 'schedule sync failed');
    }
  };
  await run();
  const timer = setInterval(run, everyMs);
  return {
    async close() {
      clearInterval(timer);
    },
  };
}

/** Queue one crawl of a source now (the console's button, the demo's first crawl). */
export async function crawlNow(ctx: AppContext, sourceId: string, reason: 'manual' | 'startup' = 'manual'): Promise<string> {
  const job = await ctx.queues.crawl.add('crawl', { sourceId, reason }, { jobId: `${reason}-${sourceId}-${Date.now()}` });
  return String(job.id);
}
