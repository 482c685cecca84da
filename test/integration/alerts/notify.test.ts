import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../src/context.ts';
import { buildServer } from '../../../src/http/server.ts';
import { startWorkers, type WorkerHandle } from '../../../jobs/worker.ts';
import { enqueueAlertNotifications, signWebhook } from '../../../src/alerts/notification.service.ts';
import { createTestContext, createTestEnv, waitFor, type TestEnv } from '../../helpers/services.ts';
import { decodeMail } from '../../helpers/mail.ts';
import { addAlert, addListing, call, seedWorld, type World } from './fixtures.ts';

let t: TestEnv;
let ctx: AppContext;
let app: FastifyInstance<any, any, any, any, any>;
let w: World;
let workers: WorkerHandle;
let hook: http.Server;
let smtp: SMTPServer;
const hits: { path: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
const mails: { to: string; raw: string }[] = [];
let failFirst = true;

beforeAll(async () => {
  hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits.push({ path: req.url ?? '', headers: req.headers, body });
      // the first delivery fails: the queue must retry it
      if (failFirst) {
        failFirst = false;
        res.writeHead(503).end();
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  t = await createTestEnv();
  ctx = await createTestContext(t, { NOTIFY_ALLOW_PRIVATE: 'true', SMTP_URL: `smtp://127.0.0.1:${smtpPort}` });
  app = await buildServer(ctx, { logger: false });
  w = await seedWorld(ctx);
  workers = await startWorkers(ctx, { queues: ['notify'] });
});
afterAll(async () => {
  await workers?.close(2000);
  await app?.close();
  await ctx?.close();
  await t?.cleanup();
  await new Promise((r) => hook?.close(r));
  await new Promise((r) => smtp?.close(() => r(undefined)));
});

const hookUrl = (p: string) => `http://127.0.0.1:${(hook.address() as AddressInfo).port}${p}`;

describe('notifications', () => {
  it('a new high alert is posted to the subscribed webhook, signed with HMAC-SHA256, and retried after a failure', async () => {
    const holderA = call(app, w.users.holderA.token);
    const sub = await holderA.post('/api/subscriptions', { channel: 'webhook', target: hookUrl('/a'), markIds: [w.markA] });
    expect(sub.status).toBe(201);
    expect(sub.body.secret).toMatch(/.{20,}/);
    // holder B subscribes to everything it may see: never another organisation's alert
    expect((await call(app, w.users.holderB.token).post('/api/subscriptions', { channel: 'webhook', target: hookUrl('/b') })).status).toBe(201);
    expect((await holderA.post('/api/subscriptions', { channel: 'email', target: 'not-an-address' })).status).toBe(400);

    const medium = await addAlert(ctx, await addListing(ctx, w.shop.id), w.markA, 55);
    await enqueueAlertNotifications(ctx, medium.id);
    const high = await addAlert(ctx, await addListing(ctx, w.shop.id, { title: '康帅傅 牛肉面 高仿' }), w.markA, 88);
    await enqueueAlertNotifications(ctx, high.id);
    await enqueueAlertNotifications(ctx, high.id); // a retried match job: still one delivery

    const delivered = await waitFor(async () => {
      const d = await ctx.db.selectFrom('notification_deliveries').selectAll().where('alert_id', '=', high.id).execute();
      return d.length === 1 && d[0].status === 'sent' ? d[0] : undefined;
    }, 'webhook delivery', 45_000);
    expect(delivered.attempts).toBe(2);
    expect(hits.map((h) => h.path)).toEqual(['/a', '/a']);
    const last = hits.at(-1)!;
    expect(last.headers['x-ipclue-signature']).toBe(signWebhook(sub.body.secret, String(last.headers['x-ipclue-timestamp']), last.body));
    const payload = JSON.parse(last.body);
    expect(payload).toMatchObject({ type: 'alert.created', alert: { id: high.id, level: 'high', score: 88, mark: { name: '康师傅' } } });
    const none = await ctx.db.selectFrom('notification_deliveries').select('id').where('alert_id', '=', medium.id).execute();
    expect(none).toEqual([]);
  });

  it('e-mail subscribers get one daily digest with every pending alert rather than one mail per alert', async () => {
    const reviewer = call(app, w.users.reviewer.token);
    expect((await reviewer.post('/api/subscriptions', { channel: 'email', target: 'reviewer@test.cn', minLevel: 'medium' })).status).toBe(201);
    const one = await addAlert(ctx, await addListing(ctx, w.shop.id, { title: '康帅傅 桶面' }), w.markA, 66);
    const two = await addAlert(ctx, await addListing(ctx, w.fair.id, { title: '雷碧 柠檬汽水', sellerId: 'x2' }), w.markB, 91);
    await enqueueAlertNotifications(ctx, one.id);
    await enqueueAlertNotifications(ctx, two.id);
    await waitFor(async () => {
      const d = await ctx.db.selectFrom('notification_deliveries as d').innerJoin('notification_subscriptions as s', 's.id', 'd.subscription_id')
        .select('d.id').where('s.channel', '=', 'email').execute();
      return d.length === 2;
    }, 'digest deliveries queued');
    expect(mails).toEqual([]);
    await ctx.queues.notify.add('digest', { kind: 'digest', data: {} });
    await waitFor(async () => mails.length === 1, 'digest mail');
    expect(mails[0].to).toBe('reviewer@test.cn');
    const text = decodeMail(mails[0].raw);
    expect(text).toContain('康帅傅 桶面');
    expect(text).toContain('雷碧 柠檬汽水');
    // the deliveries are marked sent once the mail server has taken the mail, which is after the
    // test's server has seen it: wait for that write
    await waitFor(async () => (await ctx.db.selectFrom('notification_deliveries').select('id').where('status', '=', 'pending').execute()).length === 0, 'digest deliveries marked sent');
    const sent = await ctx.db.selectFrom('notification_deliveries as d').innerJoin('notification_subscriptions as s', 's.id', 'd.subscription_id')
      .select(['d.status', 'd.attempts']).where('s.channel', '=', 'email').execute();
    expect(sent).toEqual([{ status: 'sent', attempts: 1 }, { status: 'sent', attempts: 1 }]);
    const listed = await reviewer.get('/api/subscriptions');
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0].secret).toBeUndefined();
  });
});
