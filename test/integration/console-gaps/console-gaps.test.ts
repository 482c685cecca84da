// The console pages that had only an API: markets of concern and risk points (list, search,
// create, edit, history), and the alert detail page's evidence buttons.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../src/context.ts';
import { buildServer } from '../../../src/http/server.ts';
import { createSession } from '../../../src/auth/user.repository.ts';
import { applyAction } from '../../../src/alerts/alert.service.ts';
import { recordCapture } from '../../../src/evidence/ledger.repository.ts';
import { listEntries } from '../../../src/watchlists/lists.repository.ts';
import { createTestContext, createTestEnv, type TestEnv } from '../../helpers/services.ts';
import { addAlert, addListing, seedWorld, type World } from '../alerts/fixtures.ts';

let t: TestEnv;
let ctx: AppContext;
let app: FastifyInstance<any, any, any, any, any>;
let w: World;
const sessions: Record<string, { cookie: string; csrf: string }> = {};

beforeAll(async () => {
  t = await createTestEnv();
  ctx = await createTestContext(t);
  app = await buildServer(ctx, { logger: false });
  w = await seedWorld(ctx);
  for (const k of ['admin', 'reviewer', 'holderA'] as const) {
    const s = await createSession(ctx.db, w.users[k].id);
    sessions[k] = { cookie: `ipclue_session=${s.token}`, csrf: s.csrfToken };
  }
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
  await t?.cleanup();
});

type Who = 'admin' | 'reviewer' | 'holderA';
const get = (who: Who, url: string) => app.inject({ method: 'GET', url, headers: { cookie: sessions[who].cookie } });
const post = (who: Who, url: string, form: Record<string, string>, csrf: string | null = sessions[who].csrf) =>
  app.inject({
    method: 'POST', url,
    payload: new URLSearchParams({ ...form, ...(csrf === null ? {} : { _csrf: csrf }) }).toString(),
    headers: { cookie: sessions[who].cookie, 'content-type': 'application/x-www-form-urlencoded' },
  });

describe('console: markets of concern', () => {
  let id: string;

  it('a reviewer creates a market through the form and sees it listed and searchable', async () => {
    const form = await get('reviewer', '/markets/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('新增重点关注市场');
    expect(form.body).toContain(`name="_csrf" value="${sessions.reviewer.csrf}"`);
    const res = await post('reviewer', '/markets', {
      name: '义乌国际商贸城', channel: 'market', platform: '', host: '', regionCode: '330782', countryCode: 'CN', reason: '小商品集散地，假冒商品多发', listedSince: '2026-01-15',
    });
    expect(res.statusCode).toBe(303);
    id = /^\/markets\/(\d+)$/.exec(res.headers.location!)![1];
    const list = await get('reviewer', '/markets');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('义乌国际商贸城');
    expect(list.body).toContain(`/markets/${id}`);
    expect((await get('reviewer', `/markets?q=${encodeURIComponent('商贸城')}`)).body).toContain('义乌国际商贸城');
    expect((await get('reviewer', `/markets?q=${encodeURIComponent('不存在的市场')}`)).body).not.toContain('义乌国际商贸城');
  });

  it('edits it, retires it, and the history shows both changes', async () => {
    const page = await get('reviewer', `/markets/${id}`);
    expect(page.body).toContain('义乌国际商贸城');
    expect(page.body).toContain('value="330782"');
    const res = await post('reviewer', `/markets/${id}`, { name: '义乌国际商贸城', channel: 'market', regionCode: '330782', countryCode: 'CN', reason: '已整治' });
    expect(res.statusCode).toBe(303);
    const after = await get('reviewer', `/markets/${id}`);
    expect(after.body).toContain('已停用');
    expect(after.body).toContain('变更记录');
    expect(after.body).toContain('登记');
    expect(after.body).toContain('修改');
    // retired entries drop out of the default list
    expect((await get('reviewer', '/markets')).body).not.toContain(`/markets/${id}"`);
    expect((await get('reviewer', '/markets?all=1')).body).toContain(`/markets/${id}"`);
  });

  it('a bad value shows a Chinese error next to the form and saves nothing', async () => {
    const before = (await listEntries(ctx.db, 'markets', { includeInactive: true, limit: 100, offset: 0 })).total;
    const bad = await post('reviewer', '/markets', { name: '某展会', channel: 'exhibition', host: 'http://bad host/', reason: '多发' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('网址域名');
    expect(bad.body).toContain('应为域名');
    expect(bad.body).toContain('value="某展会"');
    expect(bad.body).toContain('<form method="post" action="/markets"');
    const noReason = await post('reviewer', '/markets', { name: '某展会', channel: 'exhibition', reason: '' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('不能为空');
    const badEdit = await post('reviewer', `/markets/${id}`, { name: '义乌国际商贸城', channel: 'market', regionCode: '999999', reason: '已整治' });
    expect(badEdit.statusCode).toBe(400);
    expect(badEdit.body).toContain('行政区划代码');
    expect((await listEntries(ctx.db, 'markets', { includeInactive: true, limit: 100, offset: 0 })).total).toBe(before);
    expect((await listEntries(ctx.db, 'markets', { includeInactive: true, limit: 100, offset: 0 })).items.find((m) => m.id === id)!.reason).toBe('已整治');
  });

  it('a duplicate is refused in Chinese', async () => {
    const dup = await post('reviewer', '/markets', { name: '义乌国际商贸城', channel: 'market', reason: '重复' });
    expect(dup.statusCode).toBe(409);
    expect(dup.body).toContain('同名市场');
  });

  it('a name with <script> renders inert', async () => {
    const res = await post('admin', '/markets', { name: '<script>alert(1)</script>展会', channel: 'exhibition', reason: '"><img src=x onerror=alert(2)>' });
    expect(res.statusCode).toBe(303);
    for (const url of ['/markets', res.headers.location!]) {
      const body = (await get('admin', url)).body;
      expect(body).not.toContain('<script>alert(1)');
      expect(body).not.toContain('<img src=x');
      expect(body).toContain('&#60;script&#62;alert(1)&#60;/script&#62;展会');
    }
  });

  it('a rights holder reads the list but cannot write (403), and a missing CSRF token is refused', async () => {
    expect((await get('holderA', '/markets')).statusCode).toBe(200);
    expect((await get('holderA', '/markets')).body).not.toContain('/markets/new');
    expect((await get('holderA', '/markets/new')).statusCode).toBe(403);
    const forbidden = await post('holderA', '/markets', { name: '权利人市场', channel: 'market', reason: '想加' });
    expect(forbidden.statusCode).toBe(403);
    expect((await post('holderA', `/markets/${id}`, { name: 'x', channel: 'market', reason: 'y' })).statusCode).toBe(403);
    const noCsrf = await post('reviewer', '/markets', { name: '无令牌市场', channel: 'market', reason: '测试' }, null);
    expect(noCsrf.statusCode).toBe(403);
    const all = (await listEntries(ctx.db, 'markets', { includeInactive: true, limit: 100, offset: 0 })).items.map((m) => m.name);
    expect(all).not.toContain('权利人市场');
    expect(all).not.toContain('无令牌市场');
  });
});

describe('console: risk points', () => {
  it('a reviewer creates a risk point and sees it listed; edits its weight; history is shown', async () => {
    const form = await get('reviewer', '/risk-points/new');
    expect(form.body).toContain('新增侵权易发风险点');
    const res = await post('reviewer', '/risk-points', { channel: 'ecommerce', category: '茶叶', regionCode: '', weight: '15', reason: '春茶季仿冒多发' });
    expect(res.statusCode).toBe(303);
    const id = /^\/risk-points\/(\d+)$/.exec(res.headers.location!)![1];
    const list = await get('reviewer', '/risk-points');
    expect(list.body).toContain('茶叶');
    expect(list.body).toContain('春茶季仿冒多发');
    expect(list.body).toContain(`/risk-points/${id}`);
    const edit = await post('reviewer', `/risk-points/${id}`, { channel: 'ecommerce', category: '茶叶', weight: '20', reason: '春茶季仿冒多发', active: '1' });
    expect(edit.statusCode).toBe(303);
    const page = await get('reviewer', `/risk-points/${id}`);
    expect(page.body).toContain('value="20"');
    expect(page.body).toContain('变更记录');
  });

  it('bad values show Chinese errors and save nothing', async () => {
    const before = (await listEntries(ctx.db, 'risk_points', { includeInactive: true, limit: 100, offset: 0 })).total;
    const noDimension = await post('reviewer', '/risk-points', { channel: '', category: '', regionCode: '', weight: '10', reason: '什么都没指定' });
    expect(noDimension.statusCode).toBe(400);
    expect(noDimension.body).toContain('至少指定渠道、商品类别、地区中的一项');
    const badWeight = await post('reviewer', '/risk-points', { category: '白酒', weight: '99', reason: '权重过大' });
    expect(badWeight.statusCode).toBe(400);
    expect(badWeight.body).toContain('加分权重');
    expect(badWeight.body).toContain('1–50 的整数');
    expect(badWeight.body).toContain('value="白酒"');
    expect((await listEntries(ctx.db, 'risk_points', { includeInactive: true, limit: 100, offset: 0 })).total).toBe(before);
  });

  it('a rights holder gets 403 on writes', async () => {
    expect((await get('holderA', '/risk-points/new')).statusCode).toBe(403);
    expect((await post('holderA', '/risk-points', { category: '箱包', reason: '权利人' })).statusCode).toBe(403);
  });

  it('text with <script> renders inert', async () => {
    const res = await post('reviewer', '/risk-points', { category: '<script>alert(9)</script>箱包', reason: '<b onmouseover=alert(1)>x</b>' });
    expect(res.statusCode).toBe(303);
    for (const url of ['/risk-points', res.headers.location!]) {
      const body = (await get('reviewer', url)).body;
      expect(body).not.toContain('<script>alert(9)');
      expect(body).not.toContain('<b onmouseover');
      expect(body).toContain('&#60;b onmouseover=alert(1)&#62;');
    }
  });
});

describe('console: evidence buttons on the alert detail page', () => {
  let alertId: string;

  beforeAll(async () => {
    const l = await addListing(ctx, w.shop.id, { title: '康帅傅 红烧牛肉面 存证测试', sellerId: 'ev-shop' });
    alertId = (await addAlert(ctx, l, w.markA, 85)).id;
  });

  const evidenceJobs = async () =>
    (await ctx.queues.evidence.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized', 'paused'])).filter((j) => j?.data.alertId === alertId);

  it('a reviewer sees 立即存证 (no export button yet); a rights holder sees neither', async () => {
    const page = await get('reviewer', `/alerts/${alertId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('立即存证');
    expect(page.body).toContain(`action="/alerts/${alertId}/evidence"`);
    expect(page.body).not.toContain('导出移送材料包');
    const holder = await get('holderA', `/alerts/${alertId}`);
    expect(holder.statusCode).toBe(200);
    expect(holder.body).not.toContain('立即存证');
    expect(holder.body).not.toContain('导出移送材料包');
  });

  it('posting 立即存证 queues a manual evidence job and redirects back with a Chinese notice', async () => {
    const before = (await evidenceJobs()).length;
    const res = await post('reviewer', `/alerts/${alertId}/evidence`, {});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/alerts/${alertId}?evidence=queued#evidence`);
    const jobs = await evidenceJobs();
    expect(jobs.length).toBe(before + 1);
    expect(jobs.some((j) => j.data.reason === 'manual' && j.data.requestedBy === w.users.reviewer.id)).toBe(true);
    const back = await get('reviewer', `/alerts/${alertId}?evidence=queued`);
    expect(back.body).toContain('已提交存证任务');
  });

  it('refuses a rights holder (403), a missing CSRF token (403) and an unknown alert (404)', async () => {
    const before = (await evidenceJobs()).length;
    expect((await post('holderA', `/alerts/${alertId}/evidence`, {})).statusCode).toBe(403);
    expect((await post('reviewer', `/alerts/${alertId}/evidence`, {}, null)).statusCode).toBe(403);
    expect((await post('reviewer', `/alerts/${alertId}/referral-package`, {}, null)).statusCode).toBe(403);
    expect((await post('holderA', `/alerts/${alertId}/referral-package`, {})).statusCode).toBe(403);
    const missing = await post('reviewer', '/alerts/999999999/evidence', {});
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('不存在');
    expect((await evidenceJobs()).length).toBe(before);
  });

  it('the export button appears only once the alert is confirmed and has evidence', async () => {
    // confirmed, no evidence yet: no button, and posting anyway says why in Chinese
    await applyAction(ctx.db, alertId, { action: 'confirm' }, { kind: 'user', id: w.users.reviewer.id });
    const confirmed = await get('reviewer', `/alerts/${alertId}`);
    expect(confirmed.body).toContain('立即存证');
    expect(confirmed.body).not.toContain('导出移送材料包');
    const refused = await post('reviewer', `/alerts/${alertId}/referral-package`, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('尚无存证');

    await recordCapture(ctx.db, { alertId, artefacts: [], metadata: { test: true }, requestedBy: w.users.reviewer.id, note: 'test', outcome: 'ok' });
    const withEvidence = await get('reviewer', `/alerts/${alertId}`);
    expect(withEvidence.body).toContain('导出移送材料包');
    expect(withEvidence.body).toContain(`action="/alerts/${alertId}/referral-package"`);
    expect((await get('holderA', `/alerts/${alertId}`)).body).not.toContain('导出移送材料包');

    // an unconfirmed alert with evidence: no export button
    const other = (await addAlert(ctx, await addListing(ctx, w.shop.id, { title: '康帅傅 未确认', sellerId: 'ev-shop-2' }), w.markA, 70)).id;
    await recordCapture(ctx.db, { alertId: other, artefacts: [], metadata: {}, requestedBy: null, note: 'test', outcome: 'ok' });
    const unconfirmed = await get('reviewer', `/alerts/${other}`);
    expect(unconfirmed.body).toContain('立即存证');
    expect(unconfirmed.body).not.toContain('导出移送材料包');
    const notYet = await post('reviewer', `/alerts/${other}/referral-package`, {});
    expect(notYet.statusCode).toBe(409);
    expect(notYet.body).toContain('只有已确认或已移送的预警才能导出');
  });
});
