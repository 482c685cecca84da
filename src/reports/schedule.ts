// Report job schedulers. The crons live in report_schedules (defaults from migration 0005:
// weekly domestic Monday 08:00, monthly domestic and overseas on the 1st at 08:00, China time),
// editable by admins through the API; the scheduler role syncs them to BullMQ job schedulers
// every minute. upsertJobScheduler keeps one scheduler per key however many scheduler processes
// run, and a scheduled job carries no period: the processor reports on the last complete
// week/month, and generation is idempotent per (kind, period, scope).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Queues } from '../queues/queues.ts';
import { reportsDb } from './report.repository.ts';

export interface ReportScheduleSpec {
  key: string;
  kind: 'domestic' | 'overseas';
  every: 'week' | 'month';
  cron: string;
  tz: string;
  scope: string;
  enabled: boolean;
}

export async function listReportSchedules(db: Kysely<Database>): Promise<ReportScheduleSpec[]> {
  return reportsDb(db).selectFrom('report_schedules').select(['key', 'kind', 'every', 'cron', 'tz', 'scope', 'enabled']).orderBy('key').execute();
}

/** five cron fields (minute hour day month weekday), digits, ranges, steps and lists */
export const CRON_RE = /^\s*([\d*/,-]+\s+){4}[\d*/,-]+\s*$/;

export async function syncReportSchedules(ctx: { db: Kysely<Database>; queues: Pick<Queues, 'report'> }): Promise<number> {
  const specs = (await listReportSchedules(ctx.db)).filter((s) => s.enabled);
  const want = new Set(specs.map((s) => s.key));
  for (const s of specs) {
    await ctx.queues.report.upsertJobScheduler(
      s.key,
      { pattern: s.cron, tz: s.tz },
      { name: 'report', data: { kind: s.kind, period: `last-${s.every}`, scope: s.scope } },
    );
  }
  for (const s of await ctx.queues.report.getJobSchedulers()) {
    if (s.key.startsWith('report-') && !want.has(s.key)) await ctx.queues.report.removeJobScheduler(s.key);
  }
  return specs.length;
}
