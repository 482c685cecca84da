import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import type { AppContext } from '../../../src/context.ts';
import { buildServer } from '../../../src/http/server.ts';
import { createTestContext, createTestEnv, type TestEnv } from '../../helpers/services.ts';
import { addAlert, addListing, call, seedWorld, type World } from './fixtures.ts';

let t: TestEnv;
let ctx: AppContext;
let app: FastifyInstance<any, any, any, any, any>;
let w: World;
const ids: Record<string, string> = {};
/** process warnings (e.g. Fastify deprecations) printed while the server was built */
let startWarnings: unknown[][] = [];

beforeAll(async () => {
  t = await createTestEnv();
  ctx = await createTestContext(t);
  const warn = vi.spyOn(process, 'emitWarning');
  app = await buildServer(ctx, { logger: false });
  await app.ready();
  startWarnings = warn.mock.calls.map((c) => [...c]);
  warn.mockRestore();
  w = await seedWorld(ctx);
  // 12 alerts on mark A in the shop (Zhengzhou), 3 on mark B at the fair (Guangzhou)
  for (let i = 0; i < 12; i++) {
    ids[`a${i}`] = (await addAlert(ctx, await addListing(ctx, w.shop.id, { title: `康帅傅 ${i}`, regionCode: '410102' }), w.markA, 50 + i * 4)).id;
  }
  for (let i = 0; i < 3; i++) {
    ids[`b${i}`] = (await addAlert(ctx, await addListing(ctx, w.fair.id, { title: `雷碧 ${i}`, regionCode: '440106', sellerId: `booth-${i}` }), w.markB, 60 + i)).id;
  }
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
  await t?.cleanup();
});

describe('alert queue API', () => {
  it('starts without deprecation warnings', () => {
    expect(startWarnings).toEqual([]);
  });

  it('pages through the queue by risk with a keyset cursor, without gaps or repeats', async () => {
    const api = call(app, w.users.reviewer.token);
    const seen: string[] = [];
    const scores: number[] = [];
    let after: string | null = null;
    do {
      const res = await api.get(`/api/alerts?limit=4${after ? `&after=${after}` : ''}`);
      expect(res.status).toBe(200);
      for (const a of res.body.items) {
        seen.push(a.id);
        scores.push(a.score);
      }
      after = res.body.next;
    } while (after);
    expect(seen).toHaveLength(15);
    expect(new Set(seen).size).toBe(15);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
  });

  it('filters by mark, channel, source, level, status, region prefix, date and assignee', async () => {
    const api = call(app, w.users.reviewer.token);
    const count = async (q: string) => {
      const res = await api.get(`/api/alerts?limit=100&${q}`);
      expect(res.status).toBe(200);
      return res.body.items.length;
    };
    expect(await count(`markId=${w.markB}`)).toBe(3);
    expect(await count('channel=exhibition')).toBe(3);
    expect(await count(`sourceId=${w.shop.id}`)).toBe(12);
    expect(await count('level=high')).toBe(7); // 70,74,…,94
    expect(await count('status=new,in_review')).toBe(15);
    expect(await count('region=44')).toBe(3);
    expect(await count('region=4101')).toBe(12);
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect(await count(`from=${today}&to=${today}`)).toBe(15);
    expect(await count('to=2020-01-01')).toBe(0);
    expect(await count('assigneeId=none')).toBe(15);
    const bad = await api.get('/api/alerts?region=abc');
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('region');
  });

  it('rights holders see only alerts on their own marks; another organisation’s alert is a 404', async () => {
    const holderA = call(app, w.users.holderA.token);
    const list = await holderA.get('/api/alerts?limit=100');
    expect(list.body.items).toHaveLength(12);
    expect(new Set(list.body.items.map((a: { mark: { id: string } }) => a.mark.id))).toEqual(new Set([w.markA]));
    expect((await holderA.get(`/api/alerts/${ids.b0}`)).status).toBe(404);
    expect((await holderA.get(`/api/alerts/${ids.b0}/history`)).status).toBe(404);
    expect((await holderA.post(`/api/alerts/${ids.b0}/holder-flag`, { flag: 'genuine' })).status).toBe(404);
    const dash = await holderA.get('/api/alerts/dashboard');
    expect(Object.values(dash.body.byStatus as Record<string, number>).reduce((s, n) => s + n, 0)).toBe(12);
    const csv = await holderA.get('/api/alerts/export?format=csv');
    expect(csv.body).not.toContain('雷碧');
  });

  it('a rights holder flags an alert as genuine or infringing, and reviewers see it with its history', async () => {
    const holderA = call(app, w.users.holderA.token);
    expect((await holderA.post(`/api/alerts/${ids.a3}/holder-flag`, { flag: 'infringing', note: '非我司产品，包装仿冒' })).status).toBe(200);
    expect((await call(app, w.users.reviewer.token).post(`/api/alerts/${ids.a3}/holder-flag`, { flag: 'genuine' })).status).toBe(403);
    const seen = await call(app, w.users.reviewer.token).get(`/api/alerts/${ids.a3}`);
    expect(seen.body).toMatchObject({ holderFlag: 'infringing', holderNote: '非我司产品，包装仿冒' });
    expect(seen.body.history.at(-1)).toMatchObject({ type: 'holder_flag', actorId: w.users.holderA.id, data: { flag: 'infringing' } });
  });

  it('the dashboard counts by status and level, new today, the oldest unreviewed and volume per channel', async () => {
    const res = await call(app, w.users.reviewer.token).get('/api/alerts/dashboard');
    expect(res.body.byStatus).toEqual({ new: 15 });
    expect(res.body.byLevel).toEqual({ high: 7, medium: 8 });
    expect(res.body.newToday).toBe(15);
    expect(res.body.oldestUnreviewed.id).toBe(ids.a0);
    expect(res.body.byChannel).toEqual([{ channel: 'ecommerce', n: 12, open: 12 }, { channel: 'exhibition', n: 3, open: 3 }]);
  });

  it('exports the filtered selection as CSV (formula-safe) and XLSX', async () => {
    await addAlert(ctx, await addListing(ctx, w.fair.id, { title: '=HYPERLINK("http://evil")', sellerId: 'evil' }), w.markB, 99);
    const api = call(app, w.users.reviewer.token);
    const csv = await api.get('/api/alerts/export?format=csv&channel=exhibition');
    expect(csv.status).toBe(200);
    expect(csv.raw.headers['content-type']).toContain('text/csv');
    const lines = (csv.body as string).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toContain('预警编号');
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    const xlsx = await app.inject({ method: 'GET', url: '/api/alerts/export?format=xlsx&markId=' + w.markA, headers: { authorization: `Bearer ${w.users.reviewer.token}` } });
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('预警')!;
    expect(ws.rowCount).toBe(13);
    expect(String(ws.getRow(2).getCell(5).value)).toBe('康师傅');
  });

  it('documents the review API in OpenAPI', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/docs/json' });
    const paths = Object.keys(res.json().paths);
    for (const p of ['/api/alerts', '/api/alerts/{id}', '/api/alerts/{id}/actions', '/api/alerts/bulk', '/api/alerts/export', '/api/clues/{id}', '/api/subscriptions']) {
      expect(paths).toContain(p);
    }
  });
});
