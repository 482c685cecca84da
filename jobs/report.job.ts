// report: generate one risk-warning report. Cadence: job schedulers (weekly Monday 08:00,
// monthly 1st 08:00 China time; see src/reports/schedule.ts) and on-demand requests. A scheduled
// payload names 'last-week'/'last-month', resolved against the job's timestamp so a retry
// reports on the same period. Idempotent: an existing report for (kind, period, scope) is
// reused unless the payload asks to regenerate. A scheduled run that creates a new report queues
// its delivery to subscribers (notify jobs of kind 'report'); a reused one is not sent again.
import { UnrecoverableError, type Job } from 'bullmq';
import { parsePayload } from '../src/queues/queues.ts';
import { generateReport } from '../src/reports/report.service.ts';
import { previousPeriod } from '../src/reports/period.ts';
import { AppError } from '../src/errors.ts';
import { enqueueReportNotifications } from '../src/reports/report.delivery.ts';
import type { JobDeps } from './deps.ts';

export async function processReport(job: Job, deps: JobDeps): Promise<unknown> {
  const p = parsePayload('report', job.data);
  const { ctx } = deps;
  if (p.kind !== 'domestic' && p.kind !== 'overseas') throw new UnrecoverableError(`unknown report kind ${p.kind}`);
  const period = p.period === 'last-week' ? previousPeriod('week', new Date(job.timestamp)) : p.period === 'last-month' ? previousPeriod('month', new Date(job.timestamp)) : p.period;
  const trigger = job.repeatJobKey ? 'schedule' : 'manual';
  try {
    const r = await generateReport(ctx.db, {
      kind: p.kind, period, scope: p.scope, mode: p.regenerate ? 'regenerate' : 'ensure', trigger,
      requestedBy: p.requestedBy ?? null, chromiumPath: ctx.config.CHROMIUM_PATH,
    });
    ctx.logger.info({ kind: p.kind, period, scope: p.scope, ...r }, r.created ? 'report generated' : 'report already exists');
    if (r.created && trigger === 'schedule') return { ...r, notifications: await enqueueReportNotifications(ctx, r.id) };
    return r;
  } catch (err) {
    if (err instanceof AppError) throw new UnrecoverableError(err.message);
    throw err;
  }
}
