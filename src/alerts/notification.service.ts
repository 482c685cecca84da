// Notifications of new alerts (001 §9: 为相关产业及时提供预警服务). A subscription is a user ×
// marks × channel with a minimum level (high by default). A new alert fans out through the
// `notify` queue into one delivery row per matching subscription: webhooks are sent at once,
// signed with HMAC-SHA256 and retried by the queue; e-mail waits for the daily digest unless
// the subscription asks for one mail per alert.
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { randomSecret } from '../auth/tokens.ts';
import { postGuarded } from '../net/guarded-post.ts';
import { LEVELS } from './alert.schema.ts';

const levelRank = { low: 0, medium: 1, high: 2 } as const;

export const subscriptionInputSchema = z
  .object({
    channel: z.enum(['webhook', 'email']),
    target: z.string().trim().min(3).max(500).describe('the webhook URL or the e-mail address'),
    markIds: z.array(z.string().regex(/^\d{1,19}$/)).max(500).default([]).describe('empty: every mark the user may see'),
    minLevel: z.enum(LEVELS).default('high'),
    digest: z.boolean().default(true).describe('e-mail: one daily digest (default) instead of one mail per alert'),
  })
  .superRefine((s, ctx) => {
    if (s.channel === 'email' && !/^[^@\s]+@[^@\s]+$/.test(s.target)) ctx.addIssue({ code: 'custom', path: ['target'], message: 'an e-mail address' });
    if (s.channel === 'webhook' && !/^https?:\/\//.test(s.target)) ctx.addIssue({ code: 'custom', path: ['target'], message: 'an http(s) URL' });
  });
export type SubscriptionInput = z.infer<typeof subscriptionInputSchema>;

export interface Subscription {
  id: string;
  userId: string;
  channel: 'webhook' | 'email';
  target: string;
  markIds: string[];
  minLevel: 'high' | 'medium' | 'low';
  digest: boolean;
  enabled: boolean;
  /** shown once, when a webhook subscription is created */
  secret?: string;
  createdAt: Date;
}

const toSub = (r: any, withSecret = false): Subscription => ({
  id: String(r.id), userId: String(r.user_id), channel: r.channel, target: r.target, markIds: r.mark_ids, minLevel: r.min_level,
  digest: r.digest, enabled: r.enabled, createdAt: r.created_at, ...(withSecret && r.secret ? { secret: r.secret } : {}),
});

export async function createSubscription(db: Kysely<Database>, userId: string, input: SubscriptionInput): Promise<Subscription> {
  const r = await db
    .insertInto('notification_subscriptions')
    .values({
      user_id: userId,
      channel: input.channel,
      target: input.target,
      mark_ids: JSON.stringify(input.markIds),
      min_level: input.minLevel,
      digest: input.digest,
      secret: input.channel === 'webhook' ? randomSecret(24) : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSub(r, true);
}

export async function listSubscriptions(db: Kysely<Database>, userId: string): Promise<Subscription[]> {
  return (await db.selectFrom('notification_subscriptions').selectAll().where('user_id', '=', userId).orderBy('id').execute()).map((r) => toSub(r));
}

export async function disableSubscription(db: Kysely<Database>, userId: string, id: string): Promise<void> {
  const r = await db.updateTable('notification_subscriptions').set({ enabled: false }).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new AppError('not_found', `subscription ${id} not found`);
}

/** idempotent per alert: a retried match job does not notify twice */
export async function enqueueAlertNotifications(ctx: Pick<AppContext, 'queues'>, alertId: string): Promise<void> {
  await ctx.queues.notify.add('alert', { kind: 'alert', data: { alertId } }, { jobId: `alert-${alertId}` });
}

interface AlertForMail {
  id: string;
  score: number;
  level: 'high' | 'medium' | 'low';
  markId: string;
  markName: string;
  rightsHolderId: string | null;
  title: string;
  url: string;
  price: string | null;
  sellerName: string | null;
  reasons: { code: string; points: number; text: string }[];
  createdAt: Date;
}

async function loadAlert(db: Kysely<Database>, id: string): Promise<AlertForMail | undefined> {
  const r = await db
    .selectFrom('alerts as a')
    .innerJoin('marks as m', 'm.id', 'a.mark_id')
    .innerJoin('listings as l', 'l.id', 'a.listing_id')
    .select(['a.id', 'a.score', 'a.level', 'a.mark_id', 'm.name', 'm.rights_holder_id', 'l.title', 'l.url', 'l.price', 'l.seller_name', 'a.reasons', 'a.created_at'])
    .where('a.id', '=', id)
    .executeTakeFirst();
  return r && {
    id: String(r.id), score: r.score, level: r.level, markId: String(r.mark_id), markName: r.name,
    rightsHolderId: r.rights_holder_id === null ? null : String(r.rights_holder_id), title: r.title, url: r.url, price: r.price,
    sellerName: r.seller_name, reasons: r.reasons, createdAt: r.created_at,
  };
}

/**
 * Fans a new alert out to the subscriptions that want it: level at or above their minimum, one
 * of their marks (or any), and for rights holders only their own organisation's marks.
 * Returns the deliveries to send now (webhooks, and e-mail without digest).
 */
export async function fanOutAlert(db: Kysely<Database>, alertId: string): Promise<{ deliveryId: string; channel: 'webhook' | 'email' }[]> {
  const a = await loadAlert(db, alertId);
  if (!a) return [];
  const subs = await db
    .selectFrom('notification_subscriptions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id', 's.channel', 's.mark_ids', 's.min_level', 's.digest', 'u.role', 'u.rights_holder_id'])
    .where('s.enabled', '=', true)
    .where('u.disabled_at', 'is', null)
    .execute();
  const now: { deliveryId: string; channel: 'webhook' | 'email' }[] = [];
  for (const s of subs) {
    if (levelRank[a.level] < levelRank[s.min_level]) continue;
    if (s.mark_ids.length && !s.mark_ids.map(String).includes(a.markId)) continue;
    if (s.role === 'rights_holder' && (s.rights_holder_id === null || String(s.rights_holder_id) !== a.rightsHolderId)) continue;
    const d = await db
      .insertInto('notification_deliveries')
      .values({ subscription_id: s.id, alert_id: a.id, last_error: null, sent_at: null })
      .onConflict((oc) => oc.columns(['subscription_id', 'alert_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (d && (s.channel === 'webhook' || !s.digest)) now.push({ deliveryId: String(d.id), channel: s.channel });
  }
  return now;
}

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

function alertPayload(a: AlertForMail, publicUrl: string) {
  return {
    type: 'alert.created',
    alert: {
      id: a.id, score: a.score, level: a.level, mark: { id: a.markId, name: a.markName }, listing: { title: a.title, url: a.url, price: a.price, sellerName: a.sellerName },
      reasons: a.reasons.map((r) => r.text), createdAt: a.createdAt.toISOString(), consoleUrl: `${publicUrl}/alerts/${a.id}`,
    },
  };
}

async function loadDelivery(db: Kysely<Database>, deliveryId: string) {
  return db
    .selectFrom('notification_deliveries as d')
    .innerJoin('notification_subscriptions as s', 's.id', 'd.subscription_id')
    .select(['d.id', 'd.alert_id', 'd.status', 's.channel', 's.target', 's.secret', 's.enabled'])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
}

async function recordAttempt(db: Kysely<Database>, deliveryId: string, error: string | null): Promise<void> {
  await db
    .updateTable('notification_deliveries')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_error: error,
      ...(error === null ? { status: 'sent' as const, sent_at: new Date() } : {}),
    }))
    .where('id', '=', deliveryId)
    .execute();
}

/** POSTs one delivery; throws on a non-2xx answer so the queue retries with backoff */
export async function sendWebhook(db: Kysely<Database>, deliveryId: string, opts: { publicUrl: string; allowPrivate: boolean }): Promise<'sent' | 'skipped'> {
  const d = await loadDelivery(db, deliveryId);
  if (!d || d.status === 'sent' || !d.enabled || d.channel !== 'webhook') return 'skipped';
  const a = await loadAlert(db, String(d.alert_id));
  if (!a) return 'skipped';
  const body = JSON.stringify(alertPayload(a, opts.publicUrl));
  const ts = String(Math.floor(Date.now() / 1000));
  try {
    const status = await postGuarded(d.target, {
      'content-type': 'application/json',
      'x-ipclue-event': 'alert.created',
      'x-ipclue-delivery': String(d.id),
      'x-ipclue-timestamp': ts,
      'x-ipclue-signature': signWebhook(d.secret ?? '', ts, body),
    }, body, { allowPrivate: opts.allowPrivate });
    if (status < 200 || status >= 300) throw new Error(`webhook answered HTTP ${status}`);
  } catch (err) {
    await recordAttempt(db, deliveryId, (err as Error).message.slice(0, 500));
    throw err;
  }
  await recordAttempt(db, deliveryId, null);
  return 'sent';
}

export interface Mailer {
  sendMail(m: { from: string; to: string; subject: string; text: string; html?: string; attachments?: { filename: string; content: Buffer; contentType?: string }[] }): Promise<unknown>;
}

export function createMailer(smtpUrl: string): Mailer & { close(): void } {
  const t = nodemailer.createTransport(smtpUrl);
  return { sendMail: (m) => t.sendMail(m), close: () => t.close() };
}

const levelWord = { high: '高', medium: '中', low: '低' } as const;

function mailLines(alerts: AlertForMail[], publicUrl: string): string {
  return alerts
    .map((a, i) => `${i + 1}. [${levelWord[a.level]}风险 ${a.score}分] ${a.markName}：${a.title}\n   店铺：${a.sellerName ?? '未知'}  价格：${a.price ?? '未标价'}\n   ${a.reasons.map((r) => r.text).join('；')}\n   ${publicUrl}/alerts/${a.id}`)
    .join('\n\n');
}

/** one mail for one delivery (subscriptions that opted out of the digest) */
export async function sendAlertMail(db: Kysely<Database>, deliveryId: string, mailer: Mailer, opts: { from: string; publicUrl: string }): Promise<'sent' | 'skipped'> {
  const d = await loadDelivery(db, deliveryId);
  if (!d || d.status === 'sent' || !d.enabled || d.channel !== 'email') return 'skipped';
  const a = await loadAlert(db, String(d.alert_id));
  if (!a) return 'skipped';
  try {
    await mailer.sendMail({ from: opts.from, to: d.target, subject: `【ipclue 预警】${a.markName}：${levelWord[a.level]}风险 ${a.score} 分`, text: mailLines([a], opts.publicUrl) });
  } catch (err) {
    await recordAttempt(db, deliveryId, (err as Error).message.slice(0, 500));
    throw err;
  }
  await recordAttempt(db, deliveryId, null);
  return 'sent';
}

/** the daily digest: one mail per e-mail subscription with everything pending for it */
export async function sendDigests(db: Kysely<Database>, mailer: Mailer, opts: { from: string; publicUrl: string }): Promise<{ mails: number; alerts: number }> {
  const pending = await db
    .selectFrom('notification_deliveries as d')
    .innerJoin('notification_subscriptions as s', 's.id', 'd.subscription_id')
    .select(['d.id', 'd.alert_id', 's.id as sub_id', 's.target'])
    .where('d.status', '=', 'pending')
    .where('s.channel', '=', 'email')
    .where('s.enabled', '=', true)
    .orderBy('s.id')
    .orderBy('d.id')
    .execute();
  const bySub = new Map<string, { target: string; rows: typeof pending }>();
  for (const p of pending) {
    const k = String(p.sub_id);
    if (!bySub.has(k)) bySub.set(k, { target: p.target, rows: [] });
    bySub.get(k)!.rows.push(p);
  }
  let mails = 0;
  let alerts = 0;
  for (const { target, rows } of bySub.values()) {
    const list = (await Promise.all(rows.map((r) => loadAlert(db, String(r.alert_id))))).filter((a): a is AlertForMail => Boolean(a));
    await mailer.sendMail({
      from: opts.from,
      to: target,
      subject: `【ipclue 每日预警摘要】新增预警 ${list.length} 条`,
      text: `您订阅的商标/地理标志新增以下预警：\n\n${mailLines(list, opts.publicUrl)}\n`,
    });
    await db
      .updateTable('notification_deliveries')
      .set((eb) => ({ status: 'sent', sent_at: new Date(), attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', rows.map((r) => r.id))
      .execute();
    mails++;
    alerts += list.length;
  }
  return { mails, alerts };
}
