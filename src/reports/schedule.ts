// Report job schedulers (BullMQ upsertJobScheduler: one per key however many scheduler processes
// run). Defaults: weekly domestic report Monday 08:00, monthly domestic and overseas reports on
// the 1st at 08:00, China time. Admins override the cron with REPORT_SCHEDULES-like settings
// passed in `specs`. A scheduled job carries no period: the processor reports on the last
// complete week/month, and generation is idempotent per (kind, period, scope).
import type { Queues } from '../queues/queues.ts';

export interface ReportScheduleSpec {
  key: string;
  kind: 'domestic' | 'overseas';
  every: 'week' | 'month';
  cron: string;
  tz: string;
  scope: string;
}

export const DEFAULT_REPORT_SCHEDULES: ReportScheduleSpec[] = [
  { key: 'report-domestic-weekly', kind: 'domestic', every: 'week', cron: '0 8 * * 1', tz: 'Asia/Shanghai', scope: 'all' },
  { key: 'report-domestic-monthly', kind: 'domestic', every: 'month', cron: '0 8 1 * *', tz: 'Asia/Shanghai', scope: 'all' },
  { key: 'report-overseas-monthly', kind: 'overseas', every: 'month', cron: '0 8 1 * *', tz: 'Asia/Shanghai', scope: 'all' },
];

export async function syncReportSchedules(ctx: { queues: Pick<Queues, 'report'> }, specs: ReportScheduleSpec[] = DEFAULT_REPORT_SCHEDULES): Promise<number> {
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
