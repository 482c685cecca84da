// notify: fan a new alert out to its subscribers, send one webhook or one e-mail, or send the
// daily digest, or send one scheduled report to one subscriber ('report'). Cadence: 'alert' jobs follow new alerts; 'digest' runs daily at 08:00 China
// time (a job scheduler, so one digest however many workers run). Cost: one HTTP POST or SMTP
// send per job. Retries: a failed webhook or mail throws and the queue backs off and retries;
// deliveries already sent are skipped, so a retry never sends twice.
import { UnrecoverableError, type Job } from 'bullmq';
import { parsePayload, type Queues } from '../src/queues/queues.ts';
import {
  createMailer,
  fanOutAlert,
  sendAlertMail,
  sendDigests,
  sendWebhook,
} from '../src/alerts/notification.service.ts';
import { sendReportNotification } from '../src/reports/report.delivery.ts';
import type { JobDeps } from './deps.ts';

export const DIGEST_SCHEDULER_ID = 'notify-daily-digest';

export async function scheduleDigest(queues: Pick<Queues, 'notify'>): Promise<void> {
  await queues.notify.upsertJobScheduler(
    DIGEST_SCHEDULER_ID,
    { pattern: '0 8 * * *', tz: 'Asia/Shanghai' },
    { name: 'digest', data: { kind: 'digest', data: {} } },
  );
}

export async function processNotify(job: Job, deps: JobDeps): Promise<unknown> {
  const p = parsePayload('notify', job.data);
  const { ctx } = deps;
  const publicUrl = ctx.config.PUBLIC_URL ?? `http://localhost:${ctx.config.PORT}`;
  const id = (k: string) => {
    const v = p.data[k];
    if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new UnrecoverableError(`bad notify payload: data.${k}`);
    return v;
  };
  switch (p.kind) {
    case 'alert': {
      const now = await fanOutAlert(ctx.db, id('alertId'));
      for (const d of now) {
        await ctx.queues.notify.add(d.channel, { kind: d.channel, data: { deliveryId: d.deliveryId } }, { jobId: `${d.channel}-${d.deliveryId}` });
      }
      return { deliveries: now.length };
    }
    case 'webhook':
      return { result: await sendWebhook(ctx.db, id('deliveryId'), { publicUrl, allowPrivate: ctx.config.NOTIFY_ALLOW_PRIVATE }) };
    case 'email':
    case 'digest': {
      // without an SMTP server e-mail stays pending: the next digest after it is configured sends it
      if (!ctx.config.SMTP_URL) return { result: 'no SMTP_URL configured' };
      const mailer = createMailer(ctx.config.SMTP_URL);
      try {
        const opts = { from: ctx.config.MAIL_FROM, publicUrl };
        if (p.kind === 'email') return { result: await sendAlertMail(ctx.db, id('deliveryId'), mailer, opts) };
        return await sendDigests(ctx.db, mailer, opts);
      } finally {
        mailer.close();
      }
    }
    case 'report': {
      // one scheduled report to one subscription (queued by the report job)
      const mailer = ctx.config.SMTP_URL ? createMailer(ctx.config.SMTP_URL) : undefined;
      try {
        const opts = { publicUrl, allowPrivate: ctx.config.NOTIFY_ALLOW_PRIVATE, mailer, from: ctx.config.MAIL_FROM };
        return { result: await sendReportNotification(ctx.db, id('reportId'), id('subscriptionId'), opts) };
      } finally {
        mailer?.close();
      }
    }
    default:
      throw new UnrecoverableError(`unknown notify kind ${p.kind}`);
  }
}
