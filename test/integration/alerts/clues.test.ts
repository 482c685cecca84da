import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../src/context.ts';
import { buildServer } from '../../../src/http/server.ts';
import { createTestContext, createTestEnv, type TestEnv } from '../../helpers/services.ts';
import { addAlert, addListing, call, seedWorld, type World } from './fixtures.ts';

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

const CREDIT = '91410100MA44ABCD1X';

describe('clues', () => {
  let clueId: string;
  const alertIds: string[] = [];

  it('groups a shop’s alerts into one clue, and the same company on another platform into the same clue', async () => {
    const shopSeller = { sellerId: 'zz-shop', sellerName: '郑州某食品商行', raw: { creditCode: '91410100 MA44 ABCD1X' } };
    for (const [price, mark] of [[9.9, w.markA], [12.5, w.markA], [30, w.markB]] as const) {
      const l = await addListing(ctx, w.shop.id, { ...shopSeller, price });
      alertIds.push((await addAlert(ctx, l, mark, 85)).id);
    }
    // the same company at a trade fair: another platform, another shop id, the same credit code
    const fairListing = await addListing(ctx, w.fair.id, { sellerId: 'booth-17', sellerName: '郑州某食品（展位17）', price: 5, raw: { creditCode: CREDIT } }, 'fair');
    alertIds.push((await addAlert(ctx, fairListing, w.markA, 90)).id);
    // an unrelated seller stays in its own clue
    await addAlert(ctx, await addListing(ctx, w.shop.id, { sellerId: 'other', sellerName: '无关店铺' }), w.markA, 70);

    const api = call(app, w.users.reviewer.token);
    const detail = await api.get(`/api/alerts/${alertIds[0]}`);
    clueId = detail.body.clueId;
    expect(clueId).toMatch(/^\d+$/);
    const fairDetail = await api.get(`/api/alerts/${alertIds[3]}`);
    expect(fairDetail.body.clueId).toBe(clueId);

    const clue = await api.get(`/api/clues/${clueId}`);
    expect(clue.status).toBe(200);
    expect(clue.body).toMatchObject({ alertCount: 4, listingCount: 4, openCount: 4, priceRange: { min: '5.00', max: '30.00', currency: 'CNY' } });
    expect(clue.body.sellers.map((s: { platform: string }) => s.platform).sort()).toEqual(['demo', 'fair']);
    expect(clue.body.sellers[0].identities).toEqual([{ kind: 'credit_code', value: CREDIT }]);
    expect(clue.body.marks.map((m: { name: string; n: number }) => [m.name, m.n])).toEqual([['康师傅', 3], ['雪碧', 1]]);
    expect(clue.body.sources).toHaveLength(2);
    expect(clue.body.history.map((e: { type: string }) => e.type)).toContain('created');

    const list = await api.get('/api/clues');
    expect(list.body.items.length).toBeGreaterThanOrEqual(2);
    expect(list.body.items[0]).toMatchObject({ id: clueId, alertCount: 4, maxScore: 90 });
  });

  it('links two clues when a seller’s identity is learned later, merging into the older one', async () => {
    const l1 = await addListing(ctx, w.shop.id, { sellerId: 'p-1', sellerName: '甲店' });
    const a1 = await addAlert(ctx, l1, w.markA, 60);
    const l2 = await addListing(ctx, w.fair.id, { sellerId: 'p-2', sellerName: '乙店' }, 'fair');
    const a2 = await addAlert(ctx, l2, w.markA, 60);
    const api = call(app, w.users.reviewer.token);
    const c1 = (await api.get(`/api/alerts/${a1.id}`)).body;
    const c2 = (await api.get(`/api/alerts/${a2.id}`)).body;
    expect(c1.clueId).not.toBe(c2.clueId);
    await api.put(`/api/sellers/${c1.seller.id}/identity`, { phone: '+86 138-0013-8000' });
    const bad = await api.put(`/api/sellers/${c1.seller.id}/identity`, { creditCode: '91440101MA5CXYZW3K' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('creditCode');
    const res = await api.put(`/api/sellers/${c2.seller.id}/identity`, { phone: '13800138000' });
    expect(res.body.clueId).toBe(c1.clueId);
    const merged = await api.get(`/api/clues/${c2.clueId}`);
    expect(merged.body).toMatchObject({ status: 'merged', mergedInto: c1.clueId });
  });

  it('confirming a clue confirms its alerts; three confirmed alerts propose the seller for the blacklist, and accepting lists it', async () => {
    const api = call(app, w.users.reviewer.token);
    const res = await api.post(`/api/clues/${clueId}/confirm`, { note: '同一主体跨平台售假' });
    expect(res.body).toEqual({ confirmed: 4 });
    for (const id of alertIds) {
      const a = (await api.get(`/api/alerts/${id}`)).body;
      expect(a.status).toBe('confirmed');
      expect(a.history.at(-1)).toMatchObject({ type: 'confirmed', actorId: w.users.reviewer.id });
    }
    const proposals = await api.get('/api/blacklist-proposals?status=proposed');
    expect(proposals.body.items).toEqual([expect.objectContaining({ sellerName: '郑州某食品商行', confirmedAlerts: 3, clueId })]);
    const p = proposals.body.items[0];
    expect((await api.post(`/api/blacklist-proposals/${p.id}/decision`, { decision: 'accept' })).status).toBe(400);
    const decided = await api.post(`/api/blacklist-proposals/${p.id}/decision`, { decision: 'accept', note: '三次确认售假' });
    expect(decided.body.status).toBe('accepted');
    const bl = await ctx.db.selectFrom('blacklist').selectAll().where('id', '=', decided.body.blacklistId).executeTakeFirstOrThrow();
    expect(bl).toMatchObject({ platform: 'demo', seller_id: 'zz-shop', credit_code: CREDIT, source_kind: 'alert', source_ref: `clue:${clueId}` });
    expect((await api.post(`/api/blacklist-proposals/${p.id}/decision`, { decision: 'reject', note: 'again' })).status).toBe(409);
    const confirmedList = await api.get('/api/clues?status=confirmed');
    expect(confirmedList.body.items.map((c: { id: string }) => c.id)).toEqual([clueId]);
    expect((await api.get('/api/clues')).body.items.map((c: { id: string }) => c.id)).not.toContain(clueId);
    const clue = await api.get(`/api/clues/${clueId}`);
    expect(clue.body.status).toBe('confirmed');
    expect(clue.body.history.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['confirmed', 'blacklist_proposed', 'blacklist_accepted']));
  });

  it('a rights holder sees a clue only through alerts on its own marks', async () => {
    const holderB = call(app, w.users.holderB.token);
    const clue = await holderB.get(`/api/clues/${clueId}`);
    expect(clue.status).toBe(200);
    expect(clue.body.alertCount).toBe(1);
    expect(clue.body.alerts.map((a: { mark: { name: string } }) => a.mark.name)).toEqual(['雪碧']);
    const solo = await addAlert(ctx, await addListing(ctx, w.shop.id, { sellerId: 'only-a', sellerName: '只卖康师傅' }), w.markA, 65);
    const soloClue = (await call(app, w.users.reviewer.token).get(`/api/alerts/${solo.id}`)).body.clueId;
    expect((await holderB.get(`/api/clues/${soloClue}`)).status).toBe(404);
  });

  it('alerts of one company arriving at once on two platforms still end in one clue', async () => {
    const code = '91440101MA5CXYWW3K';
    const l1 = await addListing(ctx, w.shop.id, { sellerId: 'race-1', sellerName: '并发甲', raw: { creditCode: code } });
    const l2 = await addListing(ctx, w.fair.id, { sellerId: 'race-2', sellerName: '并发乙', raw: { creditCode: code } }, 'fair');
    const l3 = await addListing(ctx, w.shop.id, { sellerId: 'race-1', sellerName: '并发甲', raw: { creditCode: code } });
    const made = await Promise.all([addAlert(ctx, l1, w.markA, 70), addAlert(ctx, l2, w.markA, 71), addAlert(ctx, l3, w.markB, 72), addAlert(ctx, l2, w.markB, 73)]);
    const api = call(app, w.users.reviewer.token);
    const clues = new Set<string>();
    for (const a of made) clues.add((await api.get(`/api/alerts/${a.id}`)).body.clueId);
    expect(clues.size).toBe(1);
    const clue = await api.get(`/api/clues/${[...clues][0]}`);
    expect(clue.body).toMatchObject({ status: 'open', alertCount: 4 });
  });
});
