// Scheduled reports are delivered to subscribers: one e-mail (PDF attached) and one signed
// webhook to the subscriptions whose users may see the report's scope, none to a rights holder
// of another organisation, and nothing again when a retried run reuses the report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../src/context.ts';
import { buildServer } from '../../../src/http/server.ts';
import { startWorkers, type WorkerHandle } from '../../../jobs/worker.ts';
import { processReport } from '../../../jobs/report.job.ts';
import type { JobDeps } from '../../../jobs/deps.ts';
import { signWebhook } from '../../../src/alerts/notification.service.ts';
import { createTestContext, createTestEnv, waitFor, type TestEnv } from '../../helpers/services.ts';
import { decodeMail, mailParts, startSmtpSink, startWebhookSink } from '../../helpers/mail.ts';
import { addAlert, addListing, call, seedWorld, type World } from '../alerts/fixtures.ts';

let t: TestEnv;
let ctx: AppContext;
let app: FastifyInstance<any, any, any, any, any>;
let w: World;
let workers: WorkerHandle;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let hook: Awaited<ReturnType<typeof startWebhookSink>>;
let broken: Awaited<ReturnType<typeof startWebhookSink>>;

beforeAll(async () => {
  smtp = await startSmtpSink();
  hook = await startWebhookSink();
  broken = await startWebhookSink(500);
  t = await createTestEnv();
  ctx = await createTestContext(t, { NOTIFY_ALLOW_PRIVATE: 'true', SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, PUBLIC_URL: 'https://ipclue.example.cn' });
  app = await buildServer(ctx, { logger: false });
  w = await seedWorld(ctx);
  workers = await startWorkers(ctx, { queues: ['notify'] });
});
afterAll(async () => {
  await workers?.close(2000);
  await app?.close();
  await ctx?.close();
  await t?.cleanup();
  await hook?.close();
  await broken?.close();
  await smtp?.close();
});

describe('report delivery', () => {
  it('a scheduled report is mailed and posted to the subscribers who may see it, once', async () => {
    const holderA = call(app, w.users.holderA.token);
    const holderB = call(app, w.users.holderB.token);
    const subA = await holderA.post('/api/subscriptions', { channel: 'webhook', target: hook.url('/a') });
    expect(subA.status).toBe(201);
    expect((await holderB.post('/api/subscriptions', { channel: 'webhook', target: hook.url('/b') })).status).toBe(201);
    expect((await holderB.post('/api/subscriptions', { channel: 'email', target: 'b@holder-b.cn' })).status).toBe(201);
    expect((await call(app, w.users.reviewer.token).post('/api/subscriptions', { channel: 'email', target: 'reviewer@test.cn' })).status).toBe(201);
    await addAlert(ctx, await addListing(ctx, w.shop.id), w.markA, 88);

    const scope = `holder:${w.users.holderA.rightsHolderId}`;
    const job = { data: { kind: 'domestic', period: 'last-week', scope }, timestamp: Date.now(), repeatJobKey: 'report-domestic-weekly' } as unknown as Job;
    const first = (await processReport(job, { ctx } as unknown as JobDeps)) as { id: string; created: boolean; notifications?: number };
    expect([first.created, first.notifications]).toEqual([true, 2]);

    await waitFor(async () => smtp.items.length === 1 && hook.items.length === 1, 'report mail and webhook', 20_000);
    const mail = smtp.items[0];
    expect(mail.to).toBe('reviewer@test.cn');
    const text = decodeMail(mail.raw);
    expect(text).toContain('知识产权侵权假冒风险预警报告');
    expect(text).toContain('预警线索 ');
    expect(text).toContain(`https://ipclue.example.cn/api/reports/${first.id}/report.html`);
    expect(mailParts(mail.raw).some((p) => p.type === 'application/pdf' && p.filename?.endsWith('.pdf'))).toBe(true);

    const h = hook.items[0];
    expect(h.path).toBe('/a');
    expect(h.headers['x-ipclue-signature']).toBe(signWebhook(subA.body.secret, String(h.headers['x-ipclue-timestamp']), h.body));
    const payload = JSON.parse(h.body);
    expect(payload).toMatchObject({ type: 'report', id: first.id, kind: 'domestic', scope, figures: { alerts: expect.any(Number) } });
    expect(payload.title).toContain('风险预警报告');
    expect(payload.links.html).toBe(`https://ipclue.example.cn/api/reports/${first.id}/report.html`);

    // a retried (or second scheduler's) run reuses the report and sends nothing more
    const retry = (await processReport(job, { ctx } as unknown as JobDeps)) as { id: string; created: boolean; notifications?: number };
    expect([retry.created, retry.id, retry.notifications]).toEqual([false, first.id, undefined]);
    await new Promise((r) => setTimeout(r, 1000));
    const jobs = await ctx.queues.notify.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
    const reportJobs = jobs.filter((j) => j.name === 'report');
    expect(reportJobs.map((j) => j.returnvalue)).toEqual([{ result: 'sent' }, { result: 'sent' }]);
    expect([smtp.items.length, hook.items.length]).toEqual([1, 1]);

    // staff see where the report went; the rights holder does not see the delivery log
    const log = await call(app, w.users.reviewer.token).get(`/api/reports/${first.id}/deliveries`);
    expect(log.status).toBe(200);
    expect(log.body.items.map((d: any) => [d.channel, d.target, d.status, d.attempts, d.lastError, d.sentAt !== null])).toEqual([
      ['webhook', hook.url('/a'), 'sent', 1, null, true],
      ['email', 'reviewer@test.cn', 'sent', 1, null, true],
    ]);
    expect((await holderA.get(`/api/reports/${first.id}/deliveries`)).status).toBe(403);
    const page = await app.inject({ method: 'GET', url: `/reports/${first.id}/deliveries`, headers: { authorization: `Bearer ${w.users.reviewer.token}` } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('已送达 2 个');
    expect(page.body).toContain(hook.url('/a'));
  });

  it('a delivery that fails is recorded with its error and retried; the others are not held up', async () => {
    const reviewer = call(app, w.users.reviewer.token);
    const sub = await reviewer.post('/api/subscriptions', { channel: 'webhook', target: broken.url('/down') });
    expect(sub.status).toBe(201);
    const job = { data: { kind: 'domestic', period: 'last-month', scope: 'all' }, timestamp: Date.now(), repeatJobKey: 'report-domestic-monthly' } as unknown as Job;
    const out = (await processReport(job, { ctx } as unknown as JobDeps)) as { id: string; created: boolean; notifications?: number };
    // the reviewer's e-mail subscription and the broken webhook (rights holders may not see 'all')
    expect([out.created, out.notifications]).toEqual([true, 2]);
    await waitFor(async () => broken.items.length >= 1, 'the failing webhook is tried', 20_000);
    await waitFor(async () => {
      const items = (await reviewer.get(`/api/reports/${out.id}/deliveries`)).body.items as any[];
      return items.some((d) => d.channel === 'webhook' && d.status === 'failed') && items.some((d) => d.channel === 'email' && d.status === 'sent');
    }, 'the failure recorded', 20_000);
    const items = (await reviewer.get(`/api/reports/${out.id}/deliveries`)).body.items as any[];
    const failed = items.find((d) => d.channel === 'webhook');
    expect(failed).toMatchObject({ target: broken.url('/down'), status: 'failed', sentAt: null, lastError: 'webhook answered HTTP 500' });
    expect(failed.attempts).toBeGreaterThanOrEqual(1);
    // the queue keeps the job for a retry with backoff
    const jobs = await ctx.queues.notify.getJobs(['delayed', 'waiting', 'active']);
    expect(jobs.some((j) => j.id === `report-${out.id}-${sub.body.id}`)).toBe(true);
    const page = await app.inject({ method: 'GET', url: `/reports/${out.id}/deliveries`, headers: { authorization: `Bearer ${w.users.reviewer.token}` } });
    expect(page.body).toContain('webhook answered HTTP 500');
    expect(page.body).toContain('失败');
  });
});
