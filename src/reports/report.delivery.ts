// Delivering a scheduled report to subscribers (issue 8: 报告推送). The alert subscriptions are
// reused: a subscription receives a report when its user may see the report's scope (staff:
// every scope; a rights holder: only its own organisation's). The report job queues one `notify`
// job of kind 'report' per subscription (jobId report-<report>-<subscription>, so a retried
// report job does not queue twice); the notify job sends one e-mail (PDF attached when under
// 10 MB) or one webhook POST signed like the alert webhooks.
import { sql, type Kysely } from 'kysely';
import type { AppContext } from '../context.ts';
import type { Database } from '../db/schema.ts';
import { postGuarded } from '../net/guarded-post.ts';
import { signWebhook, type Mailer } from '../alerts/notification.service.ts';
import { reportsDb } from './report.repository.ts';
import { parsePeriod } from './period.ts';
import type { Figures } from './figures.ts';

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** may a user of this role and organisation see a report of this scope */
export function maySeeScope(role: string, rightsHolderId: string | null, scope: string): boolean {
  if (role === 'admin' || role === 'reviewer') return true;
  if (role === 'rights_holder') return rightsHolderId !== null && scope === `holder:${rightsHolderId}`;
  return false;
}

/** the subscriptions that receive this report */
export async function reportSubscribers(db: Kysely<Database>, scope: string): Promise<{ id: string; channel: 'webhook' | 'email'; target: string }[]> {
  const subs = await db
    .selectFrom('notification_subscriptions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id', 's.channel', 's.target', 'u.role', 'u.rights_holder_id'])
    .where('s.enabled', '=', true)
    .where('u.disabled_at', 'is', null)
    .orderBy('s.id')
    .execute();
  return subs
    .filter((s) => maySeeScope(s.role, s.rights_holder_id === null ? null : String(s.rights_holder_id), scope))
    .map((s) => ({ id: String(s.id), channel: s.channel, target: s.target }));
}

/** queues one notify job per subscription that may see the report; returns how many */
export async function enqueueReportNotifications(ctx: Pick<AppContext, 'db' | 'queues'>, reportId: string): Promise<number> {
  const r = await reportsDb(ctx.db).selectFrom('reports').select(['scope']).where('id', '=', reportId).executeTakeFirst();
  if (!r) return 0;
  const subs = await reportSubscribers(ctx.db, r.scope);
  if (subs.length) {
    await reportsDb(ctx.db)
      .insertInto('report_deliveries')
      .values(subs.map((s) => ({ report_id: reportId, subscription_id: s.id, channel: s.channel, target: s.target })))
      .onConflict((oc) => oc.columns(['report_id', 'subscription_id']).doNothing())
      .execute();
  }
  for (const s of subs) {
    await ctx.queues.notify.add('report', { kind: 'report', data: { reportId, subscriptionId: s.id } }, { jobId: `report-${reportId}-${s.id}` });
  }
  return subs.length;
}

const kindWord = { domestic: '国内', overseas: '境外' } as const;

function pct(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : `${(n * 100).toFixed(1)}%`;
}

function change(cur: number, prev: number): string {
  if (prev === 0) return cur === 0 ? '持平' : '上期为零';
  const d = ((cur - prev) / prev) * 100;
  return `${d >= 0 ? '增长' : '下降'} ${Math.abs(d).toFixed(1)}%`;
}

/** the figures a reader wants first, as numbers (webhook) and as Chinese lines (e-mail) */
export function headline(f: Figures): { figures: Record<string, number | null>; lines: string[] } {
  const t = f.totals;
  const figures: Record<string, number | null> = { alerts: t.alerts, prevAlerts: t.prevAlerts, high: t.high, confirmed: t.confirmed, sellers: t.sellers, marks: t.marks };
  const lines = [
    `预警线索 ${t.alerts} 条（上期 ${t.prevAlerts} 条，${change(t.alerts, t.prevAlerts)}）`,
    `其中高风险 ${t.high} 条，已确认侵权假冒 ${t.confirmed} 条`,
    `涉及店铺 ${t.sellers} 家，涉及商标/地理标志 ${t.marks} 个`,
  ];
  if (f.kind === 'domestic') {
    figures.closureRate = f.workflow.closureRate;
    figures.closeHoursAvg = f.workflow.closeHoursAvg;
    lines.push(`办结率 ${pct(f.workflow.closureRate)}，平均办理周期 ${f.workflow.closeHoursAvg === null ? '—' : `${f.workflow.closeHoursAvg} 小时`}`);
  } else {
    figures.filings = f.squatting.cur;
    figures.cases = f.litigation.cur;
    lines.push(`境外疑似抢注 ${f.squatting.cur} 件，涉诉案件 ${f.litigation.cur} 件`);
  }
  return { figures, lines };
}

async function loadForDelivery(db: Kysely<Database>, reportId: string, subscriptionId: string) {
  const r = await reportsDb(db)
    .selectFrom('reports')
    .select(['id', 'kind', 'period', 'scope', 'version', 'title', 'figures'])
    .select((eb) => eb.fn<number>('octet_length', ['pdf']).as('pdf_size'))
    .where('id', '=', reportId)
    .executeTakeFirst();
  const s = await db
    .selectFrom('notification_subscriptions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.channel', 's.target', 's.secret', 's.enabled', 'u.role', 'u.rights_holder_id', 'u.disabled_at'])
    .where('s.id', '=', subscriptionId)
    .executeTakeFirst();
  if (!r || !s || !s.enabled || s.disabled_at) return null;
  // access is checked again at send time: the user's role may have changed since queueing
  if (!maySeeScope(s.role, s.rights_holder_id === null ? null : String(s.rights_holder_id), r.scope)) return null;
  return { r, s };
}

function links(publicUrl: string, id: string) {
  return {
    html: `${publicUrl}/api/reports/${id}/report.html`,
    pdf: `${publicUrl}/api/reports/${id}/report.pdf`,
    xlsx: `${publicUrl}/api/reports/${id}/report.xlsx`,
    console: `${publicUrl}/reports`,
  };
}

export interface ReportDelivery {
  subscriptionId: string;
  channel: 'webhook' | 'email';
  target: string;
  status: 'pending' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}

/** the deliveries of one report, oldest subscription first */
export async function listReportDeliveries(db: Kysely<Database>, reportId: string): Promise<ReportDelivery[]> {
  const rows = await reportsDb(db).selectFrom('report_deliveries').selectAll().where('report_id', '=', reportId).orderBy('subscription_id').execute();
  return rows.map((r) => ({
    subscriptionId: String(r.subscription_id), channel: r.channel, target: r.target, status: r.status, attempts: r.attempts,
    lastError: r.last_error, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(), sentAt: r.sent_at?.toISOString() ?? null,
  }));
}

/** records one attempt (a delivery queued before its row existed gets one now) */
async function recordAttempt(db: Kysely<Database>, reportId: string, subscriptionId: string, status: 'sent' | 'failed' | 'skipped', error: string | null): Promise<void> {
  await sql`
    insert into report_deliveries (report_id, subscription_id, channel, target, status, attempts, last_error, sent_at, updated_at)
    select r.id, s.id, s.channel, s.target, ${status}, 1, ${error}, case when ${status} = 'sent' then now() end, now()
    from reports r, notification_subscriptions s where r.id = ${reportId} and s.id = ${subscriptionId}
    on conflict (report_id, subscription_id) do update set
      status = excluded.status, attempts = report_deliveries.attempts + 1, last_error = excluded.last_error,
      sent_at = coalesce(excluded.sent_at, report_deliveries.sent_at), updated_at = now()`.execute(db);
}

/** sends one report to one subscription and records the attempt; throws on failure so the queue retries */
export async function sendReportNotification(
  db: Kysely<Database>,
  reportId: string,
  subscriptionId: string,
  opts: { publicUrl: string; allowPrivate: boolean; mailer?: Mailer; from: string },
): Promise<'sent' | 'skipped' | 'no SMTP_URL configured'> {
  let result: Awaited<ReturnType<typeof deliver>>;
  try {
    result = await deliver(db, reportId, subscriptionId, opts);
  } catch (err) {
    await recordAttempt(db, reportId, subscriptionId, 'failed', String((err as Error).message ?? err).slice(0, 500));
    throw err;
  }
  await recordAttempt(db, reportId, subscriptionId, result === 'sent' ? 'sent' : 'skipped',
    result === 'sent' ? null : result === 'skipped' ? '订阅已停用，或订阅人已无权查看该报告' : '未配置 SMTP_URL，邮件未发送');
  return result;
}

async function deliver(
  db: Kysely<Database>,
  reportId: string,
  subscriptionId: string,
  opts: { publicUrl: string; allowPrivate: boolean; mailer?: Mailer; from: string },
): Promise<'sent' | 'skipped' | 'no SMTP_URL configured'> {
  const found = await loadForDelivery(db, reportId, subscriptionId);
  if (!found) return 'skipped';
  const { r, s } = found;
  const figs = r.figures as unknown as Figures;
  const head = headline(figs);
  const period = parsePeriod(r.period);
  const l = links(opts.publicUrl, String(r.id));
  if (s.channel === 'email') {
    if (!opts.mailer) return 'no SMTP_URL configured';
    const pdfSize = Number(r.pdf_size ?? 0);
    let attachments: { filename: string; content: Buffer; contentType: string }[] | undefined;
    if (pdfSize > 0 && pdfSize < MAX_ATTACHMENT_BYTES) {
      const f = await reportsDb(db).selectFrom('reports').select('pdf').where('id', '=', reportId).executeTakeFirst();
      if (f?.pdf) attachments = [{ filename: `report-${r.period.replace(/[^0-9A-Za-z.-]/g, '_')}-v${r.version}.pdf`, content: f.pdf, contentType: 'application/pdf' }];
    }
    const text = [
      `您好：`,
      ``,
      `${kindWord[r.kind]}《${r.title}》已生成（第 ${r.version} 版）。`,
      `报告期：${period.title}`,
      ``,
      `一、主要数据`,
      ...head.lines.map((x, i) => `${i + 1}. ${x}`),
      ``,
      `二、查阅报告`,
      `在线查看：${l.html}`,
      attachments ? `PDF 版本见附件。` : `PDF 下载：${l.pdf}`,
      `Excel 数据表：${l.xlsx}`,
      ``,
      `（本邮件由 ipclue 侵权假冒线索监测预警平台按订阅自动发送。）`,
    ].join('\n');
    await opts.mailer.sendMail({ from: opts.from, to: s.target, subject: `【ipclue 风险预警报告】${r.title}`, text, attachments });
    return 'sent';
  }
  const body = JSON.stringify({ type: 'report', id: String(r.id), kind: r.kind, period: r.period, scope: r.scope, title: r.title, figures: head.figures, links: l });
  const ts = String(Math.floor(Date.now() / 1000));
  const status = await postGuarded(s.target, {
    'content-type': 'application/json',
    'x-ipclue-event': 'report',
    'x-ipclue-delivery': `report-${r.id}-${subscriptionId}`,
    'x-ipclue-timestamp': ts,
    'x-ipclue-signature': signWebhook(s.secret ?? '', ts, body),
  }, body, { allowPrivate: opts.allowPrivate });
  if (status < 200 || status >= 300) throw new Error(`webhook answered HTTP ${status}`);
  return 'sent';
}
