import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../src/context.ts';
import { buildServer } from '../../../src/http/server.ts';
import { createSession } from '../../../src/auth/user.repository.ts';
import { createTestContext, createTestEnv, type TestEnv } from '../../helpers/services.ts';
import { addAlert, addListing, seedWorld, type World } from './fixtures.ts';

let t: TestEnv;
let ctx: AppContext;
let app: FastifyInstance<any, any, any, any, any>;
let w: World;
let evil: string;
let other: string;
const sessions: Record<string, { cookie: string; csrf: string }> = {};

const TITLE = '<script>alert("t")</script>康帅傅 方便面';
const SELLER = '"><img src=x onerror=alert(1)>旗舰店';

beforeAll(async () => {
  t = await createTestEnv();
  ctx = await createTestContext(t);
  app = await buildServer(ctx, { logger: false });
  w = await seedWorld(ctx);
  for (const k of ['admin', 'reviewer', 'holderA', 'holderB'] as const) {
    const s = await createSession(ctx.db, w.users[k].id);
    sessions[k] = { cookie: `ipclue_session=${s.token}`, csrf: s.csrfToken };
  }
  const l = await addListing(ctx, w.shop.id, {
    title: TITLE,
    sellerName: SELLER,
    sellerId: 'evil-shop',
    url: 'javascript:alert(2)',
    images: ['javascript:alert(3)', 'http://127.0.0.1/img/1.jpg'],
  });
  evil = (await addAlert(ctx, l, w.markA, 93, [{ code: 'replica.strong', points: 30, text: '标题含 <b onmouseover=alert(4)>高仿</b>' }])).id;
  other = (await addAlert(ctx, await addListing(ctx, w.fair.id, { title: '雷碧 汽水', sellerId: 'b1' }), w.markB, 70)).id;
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
  await t?.cleanup();
});

const page = async (who: keyof typeof sessions, url: string) => {
  const res = await app.inject({ method: 'GET', url, headers: { cookie: sessions[who].cookie } });
  return { status: res.statusCode, body: res.body };
};
const post = async (who: keyof typeof sessions, url: string, form: Record<string, string>, csrf = true) => {
  const payload = new URLSearchParams({ ...form, ...(csrf ? { _csrf: sessions[who].csrf } : {}) }).toString();
  return app.inject({ method: 'POST', url, payload, headers: { cookie: sessions[who].cookie, 'content-type': 'application/x-www-form-urlencoded' } });
};

/** attacker-controlled text must appear only escaped: no tag, no attribute, no javascript: link */
function expectInert(body: string) {
  expect(body).not.toContain('<script>alert');
  expect(body).not.toContain('<img src=x');
  // no tag anywhere carries an event-handler attribute
  expect(body).not.toMatch(/<[^>]*\son(error|mouseover)=/);
  expect(body).not.toContain('<b onmouseover');
  expect(body).not.toMatch(/(href|src)="javascript:/);
  // the only scripts are the console's own keyboard handlers
  expect(body.match(/<script>/g)?.length ?? 0).toBeLessThanOrEqual(1);
  expect(body).not.toMatch(/<script>[^<]*alert\(/);
}

describe('review console', () => {
  it('renders planted <script> and "><img onerror> in titles, seller names and reasons inert on every page', async () => {
    for (const url of ['/', '/dashboard', `/alerts/${evil}`, '/clues']) {
      const res = await page('reviewer', url);
      expect(res.status).toBe(200);
      expectInert(res.body);
    }
    const queue = await page('reviewer', '/');
    expect(queue.body).toContain('&#60;script&#62;alert(&#34;t&#34;)&#60;/script&#62;康帅傅 方便面');
    expect(queue.body).toContain('&#34;&#62;&#60;img src=x onerror=alert(1)&#62;旗舰店');
    const detail = await page('reviewer', `/alerts/${evil}`);
    expect(detail.body).toContain('&#60;b onmouseover=alert(4)&#62;高仿&#60;/b&#62;');
    const clueId = /href="\/clues\/(\d+)"/.exec(detail.body)![1];
    const clue = await page('reviewer', `/clues/${clueId}`);
    expect(clue.status).toBe(200);
    expectInert(clue.body);
    expect(clue.body).toContain('&#34;&#62;&#60;img src=x onerror=alert(1)&#62;旗舰店');
  });

  it('shows the alert in Chinese with its reasons, price against the reference, seller, clue, history and shortcuts', async () => {
    const res = await page('reviewer', `/alerts/${evil}`);
    expect(res.body).toContain('高风险');
    expect(res.body).toContain('参考价 ¥40–¥60');
    expect(res.body).toContain('低于参考价下限');
    expect(res.body).toContain('处理记录');
    expect(res.body).toContain('id="evidence"');
    expect(res.body).toContain('生成预警');
    expect(res.body).toContain('id="clue-link"');
    expect(res.body).toContain('<kbd>c</kbd> 确认');
    expect(res.body).toContain('id="confirm-form"');
  });

  it('a form without the CSRF token is refused; with it the action goes through and redirects back', async () => {
    const refused = await post('reviewer', `/alerts/${evil}/action`, { action: 'start_review' }, false);
    expect(refused.statusCode).toBe(403);
    const ok = await post('reviewer', `/alerts/${evil}/action`, { action: 'start_review' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`/alerts/${evil}`);
    const noReason = await post('reviewer', `/alerts/${evil}/action`, { action: 'dismiss', note: '' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('操作未完成');
    const wrong = await post('reviewer', `/alerts/${evil}/action`, { action: 'close', outcome: 'penalty' });
    expect(wrong.statusCode).toBe(409);
    const row = await ctx.db.selectFrom('alerts').select('status').where('id', '=', evil).executeTakeFirstOrThrow();
    expect(row.status).toBe('in_review');
  });

  it('a bulk form acts on the filtered selection and reports what it did', async () => {
    const res = await post('reviewer', '/alerts/bulk', { 'filter.channel': 'exhibition', action: 'start_review' });
    expect(res.statusCode).toBe(303);
    const back = await page('reviewer', res.headers.location as string);
    expect(back.body).toContain('已处理 1 条');
    const row = await ctx.db.selectFrom('alerts').select('status').where('id', '=', other).executeTakeFirstOrThrow();
    expect(row.status).toBe('in_review');
  });

  it('a rights holder sees only alerts on its own marks, cannot act on them, and can flag them', async () => {
    const a = await page('holderA', '/?status=all');
    expect(a.body).toContain(`data-alert-id="${evil}"`);
    expect(a.body).not.toContain(`data-alert-id="${other}"`);
    expect(a.body).not.toContain('action="/alerts/bulk"');
    expect((await page('holderA', `/alerts/${other}`)).status).toBe(404);
    const mine = await page('holderA', `/alerts/${evil}`);
    expect(mine.body).not.toContain('id="confirm-form"');
    expect(mine.body).toContain('权利人意见');
    expect((await post('holderA', `/alerts/${evil}/action`, { action: 'confirm' })).statusCode).toBe(403);
    const flagged = await post('holderA', `/alerts/${evil}/flag`, { flag: 'genuine', note: '我司授权店' });
    expect(flagged.statusCode).toBe(303);
    const seen = await page('reviewer', `/alerts/${evil}`);
    expect(seen.body).toContain('权利人意见：正品/已授权——我司授权店');
    expect((await page('holderB', `/alerts/${evil}`)).status).toBe(404);
  });

  it('an admin adds a rule and sets thresholds from the settings page; a reviewer only reads them', async () => {
    const bad = await post('admin', '/settings/alerts/rules', { name: '坏规则', conditions: '{not json', action: '{}' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('条件不是有效的 JSON');
    const ok = await post('admin', '/settings/alerts/rules', {
      name: '黑名单高分升级<script>', position: '10', conditions: '{"sellerBlacklisted":true,"scoreGte":90}', action: '{"type":"set_level","level":"high"}',
    });
    expect(ok.statusCode).toBe(303);
    expect((await post('admin', '/settings/alerts/thresholds', { high: '80', medium: '55' })).statusCode).toBe(303);
    const seen = await page('reviewer', '/settings/alerts');
    expect(seen.body).toContain('黑名单高分升级&#60;script&#62;');
    expect(seen.body).toContain('<b id="t-high">80</b>');
    expect(seen.body).not.toContain('id="new-rule"');
    expect((await post('reviewer', '/settings/alerts/thresholds', { high: '10', medium: '5' })).statusCode).toBe(403);
    const rules = await ctx.db.selectFrom('alert_rules').select(['name', 'position']).execute();
    expect(rules).toEqual([{ name: '黑名单高分升级<script>', position: 10 }]);
  });

  it('a user subscribes to alerts from the console, sees the webhook secret once, and can stop it', async () => {
    const created = await post('holderA', '/subscriptions', { channel: 'webhook', target: 'https://hooks.example.cn/ipclue', markId: w.markA, minLevel: 'high' });
    expect(created.statusCode).toBe(201);
    expect(created.body).toMatch(/<code id="secret">[^<]{20,}<\/code>/);
    const list = await page('holderA', '/subscriptions');
    expect(list.body).toContain('https://hooks.example.cn/ipclue');
    expect(list.body).not.toContain('id="secret"');
    const sub = await ctx.db.selectFrom('notification_subscriptions').select('id').executeTakeFirstOrThrow();
    expect((await post('holderB', `/subscriptions/${sub.id}/stop`, {})).statusCode).toBe(404);
    expect((await post('holderA', `/subscriptions/${sub.id}/stop`, {})).statusCode).toBe(303);
    expect((await page('holderA', '/subscriptions')).body).toContain('已停止');
  });
});
