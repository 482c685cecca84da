import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Job } from 'bullmq';
import type { AppContext } from '../../../src/context.ts';
import { buildServer } from '../../../src/http/server.ts';
import { markGone, upsertListings } from '../../../src/listings/listing.repository.ts';
import { importSnapshotEntries } from '../../../src/watchlists/snapshot.ts';
import { MatcherCache } from '../../../src/watchlists/matcher-cache.ts';
import { processMatch } from '../../../jobs/match.job.ts';
import type { JobDeps } from '../../../jobs/deps.ts';
import { createTestContext, createTestEnv, type TestEnv } from '../../helpers/services.ts';
import { addAlert, addListing, call, listing, seedWorld, type World } from './fixtures.ts';

let t: TestEnv;
let ctx: AppContext;
let app: FastifyInstance<any, any, any, any, any>;
let w: World;

beforeAll(async () => {
  t = await createTestEnv();
  ctx = await createTestContext(t);
  app = await buildServer(ctx, { logger: false });
  w = await seedWorld(ctx);
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
  await t?.cleanup();
});

const events = async (alertId: string) =>
  ctx.db.selectFrom('alert_events').selectAll().where('alert_id', '=', alertId).orderBy('id').execute();

describe('alert workflow', () => {
  it('works an alert from new through review, confirmation and referral to closed, recording who and why at each step', async () => {
    const l = await addListing(ctx, w.shop.id);
    const { id } = await addAlert(ctx, l, w.markA, 82);
    const api = call(app, w.users.reviewer.token);
    expect((await api.post(`/api/alerts/${id}/actions`, { action: 'start_review' })).body).toEqual({ id, status: 'in_review' });
    expect((await api.post(`/api/alerts/${id}/actions`, { action: 'confirm', note: '低价且字形近似' })).body.status).toBe('confirmed');
    const refer = await api.post(`/api/alerts/${id}/actions`, {
      action: 'refer',
      referral: { unit: '郑州市市场监督管理局', referenceNo: '郑市监移〔2026〕12号', referredOn: '2026-11-22' },
    });
    expect(refer.body.status).toBe('referred');
    expect((await api.post(`/api/alerts/${id}/actions`, { action: 'close', outcome: 'penalty' })).body.status).toBe('closed');

    const detail = await api.get(`/api/alerts/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      status: 'closed',
      outcome: 'penalty',
      referral: { unit: '郑州市市场监督管理局', referenceNo: '郑市监移〔2026〕12号', referredOn: '2026-11-22', regionCode: null },
      assigneeId: w.users.reviewer.id,
    });
    const h = await events(id);
    expect(h.map((e) => [e.type, e.from_status, e.to_status, e.actor_kind])).toEqual([
      ['created', null, 'new', 'system'],
      ['review_started', 'new', 'in_review', 'user'],
      ['confirmed', 'in_review', 'confirmed', 'user'],
      ['referred', 'confirmed', 'referred', 'user'],
      ['closed', 'referred', 'closed', 'user'],
    ]);
    expect(h[2]).toMatchObject({ actor_id: w.users.reviewer.id, note: '低价且字形近似' });
    expect(detail.body.history).toHaveLength(5);
  });

  it('refuses a transition the workflow does not allow with a 409, and changes nothing', async () => {
    const { id } = await addAlert(ctx, await addListing(ctx, w.shop.id), w.markA, 75);
    const api = call(app, w.users.reviewer.token);
    const res = await api.post(`/api/alerts/${id}/actions`, { action: 'refer', referral: { regionCode: '410100', referenceNo: 'X-1', referredOn: '2026-11-22' } });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('conflict');
    expect((await api.post(`/api/alerts/${id}/actions`, { action: 'close', outcome: 'no_action' })).status).toBe(409);
    const row = await ctx.db.selectFrom('alerts').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('new');
    expect((await events(id)).map((e) => e.type)).toEqual(['created']);
  });

  it('dismissing needs a reason from the list and an explanation, and keeps both for recalibration', async () => {
    const { id } = await addAlert(ctx, await addListing(ctx, w.shop.id), w.markA, 66);
    const api = call(app, w.users.reviewer.token);
    const noReason = await api.post(`/api/alerts/${id}/actions`, { action: 'dismiss', note: 'x' });
    expect(noReason.status).toBe(400);
    const badReason = await api.post(`/api/alerts/${id}/actions`, { action: 'dismiss', reason: 'looks_fine', note: 'x' });
    expect(badReason.status).toBe(400);
    const noNote = await api.post(`/api/alerts/${id}/actions`, { action: 'dismiss', reason: 'genuine_authorised', note: ' ' });
    expect(noNote.status).toBe(400);
    const ok = await api.post(`/api/alerts/${id}/actions`, { action: 'dismiss', reason: 'genuine_authorised', note: '权利人确认为授权经销商' });
    expect(ok.body.status).toBe('dismissed');
    const row = await ctx.db.selectFrom('alerts').select(['dismiss_reason', 'dismiss_note']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ dismiss_reason: 'genuine_authorised', dismiss_note: '权利人确认为授权经销商' });
    const last = (await events(id)).at(-1)!;
    expect(last).toMatchObject({ type: 'dismissed', from_status: 'in_review', to_status: 'dismissed', actor_id: w.users.reviewer.id });
    expect(last.data).toMatchObject({ reason: 'genuine_authorised' });
  });

  it('assigns to a reviewer, records comments, and refuses rights holders and the demo viewer as actors', async () => {
    const { id } = await addAlert(ctx, await addListing(ctx, w.shop.id), w.markA, 71);
    const api = call(app, w.users.reviewer.token);
    expect((await api.post(`/api/alerts/${id}/actions`, { action: 'assign', assigneeId: w.users.reviewer2.id })).status).toBe(200);
    expect((await api.post(`/api/alerts/${id}/actions`, { action: 'assign', assigneeId: w.users.holderA.id })).status).toBe(400);
    expect((await api.post(`/api/alerts/${id}/actions`, { action: 'comment', note: '请核对店铺资质' })).status).toBe(200);
    expect((await call(app, w.users.holderA.token).post(`/api/alerts/${id}/actions`, { action: 'confirm' })).status).toBe(403);
    expect((await call(app, null).post(`/api/alerts/${id}/actions`, { action: 'confirm' })).status).toBe(401);
    const h = await events(id);
    expect(h.map((e) => e.type)).toEqual(['created', 'assigned', 'comment']);
    expect(h[1].data).toMatchObject({ to: w.users.reviewer2.id, from: null });
    const filtered = await api.get(`/api/alerts?assigneeId=${w.users.reviewer2.id}`);
    expect(filtered.body.items.map((a: { id: string }) => a.id)).toEqual([id]);
  });

  it('a bulk action applies to the filtered selection, records an event per alert and skips the ones it cannot move', async () => {
    const fair1 = await addAlert(ctx, await addListing(ctx, w.fair.id), w.markB, 91);
    const fair2 = await addAlert(ctx, await addListing(ctx, w.fair.id), w.markB, 88);
    const fair3 = await addAlert(ctx, await addListing(ctx, w.fair.id), w.markB, 61);
    const api = call(app, w.users.reviewer.token);
    await api.post(`/api/alerts/${fair3.id}/actions`, { action: 'dismiss', reason: 'duplicate', note: '与展会另一条重复' });
    const everything = await api.post('/api/alerts/bulk', { filter: {}, action: { action: 'start_review' } });
    expect(everything.status).toBe(400);
    const res = await api.post('/api/alerts/bulk', { filter: { channel: 'exhibition' }, action: { action: 'confirm', note: '展会批量确认' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ matched: 3, applied: 2 });
    expect(res.body.skipped).toEqual([{ id: fair3.id, reason: expect.stringContaining('dismissed') }]);
    for (const a of [fair1, fair2]) {
      const h = await events(a.id);
      expect(h.at(-1)).toMatchObject({ type: 'confirmed', actor_id: w.users.reviewer.id, note: '展会批量确认' });
      expect(h.at(-1)!.data).toMatchObject({ bulk: true });
    }
  });

  it('a listing that disappears keeps its alert, which shows it as gone and says so in its history', async () => {
    const l = await addListing(ctx, w.shop.id, { externalId: 'gone-1' });
    const { id } = await addAlert(ctx, l, w.markA, 77);
    await ctx.db.updateTable('listings').set({ last_seen_at: new Date(Date.now() - 86_400_000) }).where('id', '=', l).execute();
    expect(await markGone(ctx.db, w.shop.id, new Date(Date.now() - 3_600_000))).toBeGreaterThanOrEqual(1);
    const detail = await call(app, w.users.reviewer.token).get(`/api/alerts/${id}`);
    expect(detail.body.listing.goneAt).not.toBeNull();
    expect(detail.body.history.map((e: { type: string }) => e.type)).toContain('listing_gone');
  });
});

describe('rules and thresholds', () => {
  it('an admin rule dismisses alerts on authorised sellers and another raises blacklisted sellers with score ≥ 90 to high, recorded as the rule', async () => {
    const admin = call(app, w.users.admin.token);
    const r1 = await admin.post('/api/alert-rules', {
      name: '授权卖家自动排除',
      conditions: { sellerAuthorised: true },
      action: { type: 'dismiss', reason: 'genuine_authorised', note: '权利人登记的授权销售方' },
    });
    expect(r1.status).toBe(201);
    const r2 = await admin.post('/api/alert-rules', {
      name: '黑名单高分升级',
      conditions: { sellerBlacklisted: true, scoreGte: 90 },
      action: { type: 'set_level', level: 'high' },
    });
    expect(r2.status).toBe(201);
    expect((await call(app, w.users.reviewer.token).post('/api/alert-rules', { name: 'x', conditions: {}, action: { type: 'set_level', level: 'low' } })).status).toBe(403);
    expect((await admin.post('/api/alert-rules', { name: 'bad', conditions: { colour: 'red' }, action: { type: 'set_level', level: 'low' } })).status).toBe(400);
    const nobody = await admin.post('/api/alert-rules', { name: 'assign', conditions: {}, action: { type: 'assign', assigneeId: w.users.holderA.id } });
    expect(nobody.status).toBe(400);
    expect(nobody.body.field).toBe('action.assigneeId');
    // thresholds so that 92 would otherwise be medium
    expect((await admin.put('/api/alert-settings/thresholds', { high: 95, medium: 50 })).body).toEqual({ high: 95, medium: 50 });

    const authorised = await addAlert(ctx, await addListing(ctx, w.shop.id), w.markA, 60, [
      { code: 'name.exact', points: 45, text: '名称一致' },
      { code: 'seller.authorised', points: -60, text: '授权销售方' },
    ]);
    const blacklisted = await addAlert(ctx, await addListing(ctx, w.shop.id), w.markA, 92, [
      { code: 'name.visual', points: 50, text: '字形近似' },
      { code: 'seller.blacklisted', points: 25, text: '卖家在黑名单中' },
    ]);
    const plain = await addAlert(ctx, await addListing(ctx, w.shop.id), w.markA, 92);

    const a1 = await ctx.db.selectFrom('alerts').select(['status', 'dismiss_reason', 'level']).where('id', '=', authorised.id).executeTakeFirstOrThrow();
    expect(a1).toMatchObject({ status: 'dismissed', dismiss_reason: 'genuine_authorised' });
    const e1 = (await events(authorised.id)).at(-1)!;
    expect(e1).toMatchObject({ actor_kind: 'rule', type: 'dismissed', from_status: 'new', to_status: 'dismissed' });
    expect(e1.data).toMatchObject({ ruleId: r1.body.id, ruleName: '授权卖家自动排除' });

    expect(blacklisted.level).toBe('high');
    const e2 = (await events(blacklisted.id)).at(-1)!;
    expect(e2).toMatchObject({ actor_kind: 'rule', type: 'level_changed' });
    expect(e2.data).toMatchObject({ from: 'medium', to: 'high' });
    expect(plain.level).toBe('medium');

    await admin.put('/api/alert-settings/thresholds', { high: 70, medium: 50 });
    await admin.del(`/api/alert-rules/${r1.body.id}`);
    await admin.del(`/api/alert-rules/${r2.body.id}`);
  });
});

describe('re-crawl', () => {
  it('the same listings crawled twice produce no new alerts; a price change updates the alert and its history', async () => {
    await importSnapshotEntries(
      ctx.db,
      [{ id: 'rc', kind: 'mark', name: '娃哈哈', aliases: [], niceClasses: [32], keywords: ['纯净水'], referencePrices: [{ currency: 'CNY', min: 20, max: 30 }], authorisedSellers: [], channels: [], countries: [] }],
      { status: 'active' },
    );
    const deps = { ctx, matchers: new MatcherCache(ctx.db, undefined, 0) } as unknown as JobDeps;
    const crawl = async (price: number) => {
      const [l] = await upsertListings(ctx.db, w.shop.id, 'demo', [listing({ externalId: 'rc-1', title: '娃哈哈 纯净水 24瓶 高仿', price, sellerId: 'rc-shop', sellerName: '水站' })]);
      if (l.changed) await processMatch({ data: { listings: [{ listingId: l.id, contentHash: l.contentHash }] } } as Job, deps);
      return l;
    };
    const first = await crawl(25);
    const alerts1 = await ctx.db.selectFrom('alerts').select(['id', 'score']).where('listing_id', '=', first.id).execute();
    expect(alerts1).toHaveLength(1);
    const again = await crawl(25);
    expect(again.changed).toBe(false);
    await processMatch({ data: { listings: [{ listingId: again.id, contentHash: again.contentHash }] } } as Job, deps);
    const alerts2 = await ctx.db.selectFrom('alerts').select(['id', 'score']).where('listing_id', '=', first.id).execute();
    expect(alerts2).toEqual(alerts1);
    await crawl(3);
    const alerts3 = await ctx.db.selectFrom('alerts').select(['id', 'score', 'reasons']).where('listing_id', '=', first.id).execute();
    expect(alerts3).toHaveLength(1);
    expect(alerts3[0].id).toBe(alerts1[0].id);
    expect(alerts3[0].score).toBeGreaterThan(alerts1[0].score);
    expect(alerts3[0].reasons.map((r) => r.code)).toContain('price.very-low');
    expect((await events(alerts1[0].id)).map((e) => e.type)).toEqual(['created', 'rescored']);
    const detail = await call(app, w.users.reviewer.token).get(`/api/alerts/${alerts1[0].id}`);
    expect(detail.body.priceHistory).toEqual([expect.objectContaining({ field: 'price', oldValue: '25.00', newValue: '3.00' })]);
  });
});
