import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { WatchlistSnapshotSchema } from '../../../src/matching/watchlist.schema.ts';
import { isValidCreditCode } from '../../../src/watchlists/validators.ts';
import { call, createWorld, type World } from './setup.ts';

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await w?.close();
});

const version = async () => BigInt((await call(w, 'admin', 'GET', '/api/watchlist/version')).json().version);

describe('markets of concern', () => {
  it('staff list a market with why and since when; a change bumps the watchlist version and is in the history', async () => {
    const v0 = await version();
    const res = await call(w, 'reviewer', 'POST', '/api/markets', {
      name: '郑州某小商品批发市场', channel: 'market', regionCode: '410102', reason: '多次查获假冒茶叶', listedSince: '2026-03-01',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ channel: 'market', regionCode: '410102', listedSince: '2026-03-01', active: true });
    expect(await version()).toBeGreaterThan(v0);
    const id = res.json().id;
    const retired = await call(w, 'admin', 'PATCH', `/api/markets/${id}`, { active: false });
    expect(retired.json().active).toBe(false);
    const h = (await call(w, 'reviewer', 'GET', `/api/markets/${id}/history`)).json().items;
    expect(h.map((x: { action: string }) => x.action)).toEqual(['create', 'update']);
    expect(h[1].changes.active).toEqual({ from: true, to: false });
    expect(h[1].actor.id).toBe(w.users.admin.id);
  });

  it('rejects an unknown region code, a bad channel and a bad date naming the field', async () => {
    const base = { name: 'X', channel: 'market', reason: 'r' };
    expect((await call(w, 'admin', 'POST', '/api/markets', { ...base, regionCode: '999999' })).json().field).toBe('regionCode');
    expect((await call(w, 'admin', 'POST', '/api/markets', { ...base, channel: 'mall' })).json().field).toBe('channel');
    expect((await call(w, 'admin', 'POST', '/api/markets', { ...base, listedSince: '2026-02-30' })).json().field).toBe('listedSince');
  });

  it('a rights holder may read the markets but not change them', async () => {
    expect((await call(w, 'holderA', 'GET', '/api/markets')).statusCode).toBe(200);
    expect((await call(w, 'holderA', 'POST', '/api/markets', { name: 'Y', channel: 'market', reason: 'r' })).statusCode).toBe(403);
  });
});

describe('risk points', () => {
  it('a risk point is a channel × category × region (any subset) with a weight', async () => {
    const res = await call(w, 'admin', 'POST', '/api/risk-points', { channel: 'ecommerce', category: '茶叶', regionCode: '411500', weight: 15, reason: '网售假冒信阳毛尖高发' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ weight: 15, regionCode: '411500' });
    const none = await call(w, 'admin', 'POST', '/api/risk-points', { reason: '什么都没有' });
    expect(none.statusCode).toBe(400);
    expect(none.json().field).toBe('channel');
    const heavy = await call(w, 'admin', 'POST', '/api/risk-points', { category: '白酒', weight: 80, reason: 'x' });
    expect(heavy.json().field).toBe('weight');
  });
});

describe('blacklist', () => {
  let id: string;

  it('the credit-code check follows GB 32100-2015', () => {
    expect(isValidCreditCode('91410100MA4412345Q')).toBe(true);
    expect(isValidCreditCode('91410100MA4412345R')).toBe(false);
  });

  it('blacklists a seller with reason and source; rejects a malformed credit code', async () => {
    const bad = await call(w, 'reviewer', 'POST', '/api/blacklist', { sellerName: '某店', creditCode: '91410100MA4412345R', reason: '重复侵权', sourceKind: 'court' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('creditCode');
    const nobody = await call(w, 'reviewer', 'POST', '/api/blacklist', { reason: '重复侵权', sourceKind: 'court' });
    expect(nobody.json().field).toBe('sellerName');
    const res = await call(w, 'reviewer', 'POST', '/api/blacklist', {
      platform: 'taobao', sellerId: 'shop-9', sellerName: '某某茶叶店', companyName: '某某商贸有限公司', creditCode: '91410100ma4412345q',
      phone: '0371-12345678', address: '河南省郑州市', reason: '三次销售假冒信阳毛尖', sourceKind: 'administrative', sourceRef: '郑市监罚〔2026〕12号',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ creditCode: '91410100MA4412345Q', liftedAt: null });
    id = res.json().id;
    const snap = (await call(w, 'admin', 'GET', '/api/watchlist/export')).json();
    expect(snap.blacklist).toEqual([expect.objectContaining({ sellerId: 'shop-9', creditCode: '91410100MA4412345Q' })]);
    expect(snap.riskPoints).toEqual([expect.objectContaining({ category: '茶叶', weight: 15 })]);
    expect(snap.markets).toEqual([]); // the one market was retired
    expect(WatchlistSnapshotSchema.strict().safeParse(snap).success).toBe(true);
  });

  it('a rights holder cannot see the blacklist', async () => {
    expect((await call(w, 'holderA', 'GET', '/api/blacklist')).statusCode).toBe(403);
    expect((await call(w, 'holderA', 'GET', `/api/blacklist/${id}`)).statusCode).toBe(403);
  });

  it('lifting needs a reason; a lifted entry stays, leaves the snapshot, and cannot be deleted', async () => {
    const noReason = await call(w, 'reviewer', 'POST', `/api/blacklist/${id}/lift`, {});
    expect(noReason.json().field).toBe('reason');
    const v0 = await version();
    const res = await call(w, 'reviewer', 'POST', `/api/blacklist/${id}/lift`, { reason: '行政复议撤销处罚决定' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ liftedReason: '行政复议撤销处罚决定' });
    expect(res.json().liftedAt).not.toBeNull();
    expect(await version()).toBeGreaterThan(v0);
    expect((await call(w, 'reviewer', 'POST', `/api/blacklist/${id}/lift`, { reason: '再次' })).statusCode).toBe(409);
    expect((await call(w, 'admin', 'GET', '/api/watchlist/export')).json().blacklist).toEqual([]);
    expect((await call(w, 'admin', 'GET', '/api/blacklist')).json().total).toBe(0);
    expect((await call(w, 'admin', 'GET', '/api/blacklist?includeInactive=true')).json().total).toBe(1);
    await expect(sql`delete from blacklist`.execute(w.ctx.db)).rejects.toThrow(/refused/);
    const h = (await call(w, 'admin', 'GET', `/api/blacklist/${id}/history`)).json().items;
    expect(h.map((x: { action: string }) => x.action)).toEqual(['create', 'lift']);
    expect(h[1]).toMatchObject({ note: '行政复议撤销处罚决定', actor: { id: w.users.reviewer.id } });
  });

  it('exports each list as CSV and XLSX', async () => {
    const csv = await call(w, 'admin', 'GET', '/api/blacklist/export?format=csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body).toContain('某某茶叶店');
    expect(csv.body).toContain('行政复议撤销处罚决定');
    const xlsx = await call(w, 'admin', 'GET', '/api/markets/export?format=xlsx');
    expect(xlsx.headers['content-type']).toMatch(/spreadsheetml/);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const rp = await call(w, 'holderA', 'GET', '/api/risk-points/export');
    expect(rp.body.split('\r\n')[1]).toContain('茶叶');
  });
});
