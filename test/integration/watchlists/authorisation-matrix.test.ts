// Every endpoint × every role, with DEMO off: anonymous, admin, reviewer, a rights holder on its
// own organisation's data (holderA) and a rights holder of another organisation (holderB).
// Another organisation's marks are "not found" (404); staff-only lists are "forbidden" (403).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertSource } from '../../../src/sources/source.repository.ts';
import { upsertListings } from '../../../src/listings/listing.repository.ts';
import { upsertAlert } from '../../../src/alerts/alert.repository.ts';
import { aGi, aMark, call, createWorld, type As, type World } from './setup.ts';

let w: World;
const ids: Record<string, string> = {};
let n = 0;
const uniq = () => String(++n);

beforeAll(async () => {
  w = await createWorld();
  ids.markA = (await call(w, 'holderA', 'POST', '/api/marks', aMark())).json().id;
  ids.giA = (await call(w, 'holderA', 'POST', '/api/gis', aGi())).json().id;
  ids.markB = (await call(w, 'holderB', 'POST', '/api/marks', aMark({ name: '乙牌', registrationNo: '222' }))).json().id;
  ids.market = (await call(w, 'admin', 'POST', '/api/markets', { name: '某批发市场', channel: 'market', reason: '高发' })).json().id;
  ids.risk = (await call(w, 'admin', 'POST', '/api/risk-points', { category: '茶叶', reason: '高发' })).json().id;
  ids.black = (await call(w, 'admin', 'POST', '/api/blacklist', { sellerName: '某店', reason: '重复侵权', sourceKind: 'alert' })).json().id;
  // one alert on each organisation's mark
  const src = await upsertSource(w.ctx.db, { slug: 'm', name: 'M', channel: 'ecommerce', country: 'CN', enabled: true, local: true, definition: {} });
  const listing = { url: 'http://127.0.0.1/i', title: '康师傅 方便面', price: 1, currency: 'CNY', sellerName: 's', sellerId: 's1', sellerLocation: '', regionCode: '410100', countryCode: 'CN', images: [], category: null, raw: {} };
  const [l] = await upsertListings(w.ctx.db, src.id, 'demo', [{ ...listing, externalId: 'x1' } as any]);
  for (const mark of [ids.markA, ids.markB]) {
    await upsertAlert(w.ctx.db, { listingId: l.id, markId: mark, score: 80, level: 'high', matchKind: 'exact', matchedText: '康师傅', reasons: [] });
  }
});
afterAll(async () => {
  await w?.close();
});

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
interface Case {
  method: Method;
  url: string | ((as: As) => Promise<string> | string);
  body?: (as: As) => unknown;
  /** expected status for anonymous, admin, reviewer, holderA (own org), holderB (other org) */
  expect: [number, number, number, number, number];
}

const ROLES: As[] = ['anonymous', 'admin', 'reviewer', 'holderA', 'holderB'];
const csv = () => Buffer.from(`名称,注册号,尼斯分类\n导入${uniq()},${9000 + n},30\n`);
/** a fresh pending mark of org A, for the one-way status and lift operations */
const freshMarkA = async () => (await call(w, 'holderA', 'POST', '/api/marks', aMark({ name: `新${uniq()}`, registrationNo: String(100000 + n) }))).json().id;
const freshBlack = async () => (await call(w, 'admin', 'POST', '/api/blacklist', { sellerName: `店${uniq()}`, reason: 'r', sourceKind: 'other' })).json().id;

const cases: Case[] = [
  // marks
  { method: 'GET', url: '/api/marks', expect: [401, 200, 200, 200, 200] },
  { method: 'POST', url: '/api/marks', body: () => aMark({ name: `商标${uniq()}`, registrationNo: String(50000 + n) }), expect: [401, 201, 201, 201, 201] },
  { method: 'GET', url: () => `/api/marks/${ids.markA}`, expect: [401, 200, 200, 200, 404] },
  { method: 'PATCH', url: () => `/api/marks/${ids.markA}`, body: () => ({ keywords: ['方便面'] }), expect: [401, 200, 200, 200, 404] },
  { method: 'POST', url: async () => `/api/marks/${await freshMarkA()}/status`, body: () => ({ status: 'active' }), expect: [401, 200, 200, 403, 403] },
  { method: 'GET', url: () => `/api/marks/${ids.markA}/history`, expect: [401, 200, 200, 200, 404] },
  { method: 'GET', url: '/api/marks/export?format=csv', expect: [401, 200, 200, 200, 200] },
  { method: 'POST', url: '/api/marks/import', body: csv, expect: [401, 200, 200, 200, 200] },
  // a GI registered under /api/gis is not found under /api/marks and vice versa
  { method: 'GET', url: () => `/api/marks/${ids.giA}`, expect: [401, 404, 404, 404, 404] },
  // GIs
  { method: 'GET', url: '/api/gis', expect: [401, 200, 200, 200, 200] },
  { method: 'POST', url: '/api/gis', body: () => aGi({ name: `地标${uniq()}` }), expect: [401, 201, 201, 201, 201] },
  { method: 'GET', url: () => `/api/gis/${ids.giA}`, expect: [401, 200, 200, 200, 404] },
  { method: 'PATCH', url: () => `/api/gis/${ids.giA}`, body: () => ({ aliases: ['信阳毛尖茶'] }), expect: [401, 200, 200, 200, 404] },
  { method: 'POST', url: () => `/api/gis/${ids.giA}/status`, body: () => ({ status: 'suspended', reason: '核查中' }), expect: [401, 200, 409, 403, 403] },
  { method: 'GET', url: () => `/api/gis/${ids.giA}/history`, expect: [401, 200, 200, 200, 404] },
  { method: 'GET', url: '/api/gis/export?format=xlsx', expect: [401, 200, 200, 200, 200] },
  // markets of concern and risk points: everyone signed in reads, staff write
  { method: 'GET', url: '/api/markets', expect: [401, 200, 200, 200, 200] },
  { method: 'POST', url: '/api/markets', body: () => ({ name: `市场${uniq()}`, channel: 'market', reason: 'r' }), expect: [401, 201, 201, 403, 403] },
  { method: 'GET', url: () => `/api/markets/${ids.market}`, expect: [401, 200, 200, 200, 200] },
  { method: 'PATCH', url: () => `/api/markets/${ids.market}`, body: () => ({ reason: `理由${uniq()}` }), expect: [401, 200, 200, 403, 403] },
  { method: 'GET', url: () => `/api/markets/${ids.market}/history`, expect: [401, 200, 200, 200, 200] },
  { method: 'GET', url: '/api/markets/export', expect: [401, 200, 200, 200, 200] },
  { method: 'GET', url: '/api/risk-points', expect: [401, 200, 200, 200, 200] },
  { method: 'POST', url: '/api/risk-points', body: () => ({ category: `品类${uniq()}`, reason: 'r' }), expect: [401, 201, 201, 403, 403] },
  { method: 'GET', url: () => `/api/risk-points/${ids.risk}`, expect: [401, 200, 200, 200, 200] },
  { method: 'PATCH', url: () => `/api/risk-points/${ids.risk}`, body: () => ({ weight: 12 }), expect: [401, 200, 200, 403, 403] },
  { method: 'GET', url: () => `/api/risk-points/${ids.risk}/history`, expect: [401, 200, 200, 200, 200] },
  { method: 'GET', url: '/api/risk-points/export', expect: [401, 200, 200, 200, 200] },
  // the blacklist: staff only
  { method: 'GET', url: '/api/blacklist', expect: [401, 200, 200, 403, 403] },
  { method: 'POST', url: '/api/blacklist', body: () => ({ sellerName: `店铺${uniq()}`, reason: 'r', sourceKind: 'court' }), expect: [401, 201, 201, 403, 403] },
  { method: 'GET', url: () => `/api/blacklist/${ids.black}`, expect: [401, 200, 200, 403, 403] },
  { method: 'PATCH', url: () => `/api/blacklist/${ids.black}`, body: () => ({ phone: '13800000000' }), expect: [401, 200, 200, 403, 403] },
  { method: 'POST', url: async () => `/api/blacklist/${await freshBlack()}/lift`, body: () => ({ reason: '已整改' }), expect: [401, 200, 200, 403, 403] },
  { method: 'GET', url: () => `/api/blacklist/${ids.black}/history`, expect: [401, 200, 200, 403, 403] },
  { method: 'GET', url: '/api/blacklist/export', expect: [401, 200, 200, 403, 403] },
  // the snapshot holds every organisation's marks: staff only; the version is harmless
  { method: 'GET', url: '/api/watchlist/version', expect: [401, 200, 200, 200, 200] },
  { method: 'GET', url: '/api/watchlist/export', expect: [401, 200, 200, 403, 403] },
  // alerts (scoped: see below), crawl runs, users, tokens
  { method: 'GET', url: '/api/alerts', expect: [401, 200, 200, 200, 200] },
  { method: 'GET', url: '/api/crawl-runs', expect: [401, 200, 200, 403, 403] },
  { method: 'GET', url: '/api/users', expect: [401, 200, 403, 403, 403] },
  { method: 'POST', url: '/api/users', body: () => ({ email: `u${uniq()}@example.cn`, name: 'u', role: 'reviewer', password: 'long enough password' }), expect: [401, 201, 403, 403, 403] },
  { method: 'PATCH', url: () => `/api/users/${w.users.holderB.id}`, body: () => ({ disabled: false }), expect: [401, 200, 403, 403, 403] },
  { method: 'GET', url: '/api/rights-holders', expect: [401, 200, 200, 403, 403] },
  { method: 'GET', url: '/api/auth/me', expect: [401, 200, 200, 200, 200] },
  { method: 'GET', url: '/api/auth/tokens', expect: [401, 200, 200, 200, 200] },
  { method: 'POST', url: '/api/auth/tokens', body: () => ({ name: 'matrix' }), expect: [401, 201, 201, 201, 201] },
];

const name = (c: Case) => `${c.method} ${typeof c.url === 'string' ? c.url : c.url.toString().includes('fresh') ? '(fresh entry)' : c.url.toString().replace(/^.*`(.*)`.*$/s, '$1')}`;

describe('authorisation matrix (DEMO off)', () => {
  it.each(cases.map((c) => [name(c), c] as const))('%s', async (_n, c) => {
    const got: Record<string, number> = {};
    const want: Record<string, number> = {};
    for (const [i, as] of ROLES.entries()) {
      const url = typeof c.url === 'string' ? c.url : await c.url(as);
      const body = c.body?.(as);
      const res = Buffer.isBuffer(body)
        ? await w.app.inject({ method: c.method, url, payload: body, headers: { 'content-type': 'text/csv', ...(as === 'anonymous' ? {} : { authorization: `Bearer ${w.tokens[as]}` }) } })
        : await call(w, as, c.method, url, body);
      got[as] = res.statusCode;
      want[as] = c.expect[i];
    }
    expect(got).toEqual(want);
  });

  it('a rights holder sees only its own organisation\'s marks and alerts', async () => {
    const marksB = (await call(w, 'holderB', 'GET', '/api/marks')).json().items as { rightsHolder: { id: string } }[];
    expect(marksB.length).toBeGreaterThan(0);
    expect(marksB.every((m) => m.rightsHolder.id === w.orgB)).toBe(true);
    const exportB = (await call(w, 'holderB', 'GET', '/api/marks/export')).body;
    expect(exportB).toContain('乙牌');
    expect(exportB).not.toContain('甲食品有限公司');
    const alerts = async (as: As) => ((await call(w, as, 'GET', '/api/alerts')).json().items as { mark: { id: string } }[]).map((a) => a.mark.id);
    expect(await alerts('holderA')).toEqual([ids.markA]);
    expect(await alerts('holderB')).toEqual([ids.markB]);
    expect((await alerts('reviewer')).sort()).toEqual([ids.markA, ids.markB].sort());
  });

  it('a rights holder cannot move its mark to another organisation, nor import into one', async () => {
    const move = await call(w, 'holderA', 'PATCH', `/api/marks/${ids.markA}`, { rightsHolderId: w.orgB });
    expect(move.statusCode).toBe(403);
    const imp = await w.app.inject({
      method: 'POST', url: `/api/marks/import?rightsHolderId=${w.orgB}`, payload: csv(),
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${w.tokens.holderA}` },
    });
    expect(imp.statusCode).toBe(403);
  });
});
