// Reports over a small, hand-counted world: the figures are asserted exactly, a rights-holder
// report holds nothing of the other owner, generation is idempotent per (kind, period, scope),
// and one real PDF is rendered (written to /tmp/ipclue-report-test.pdf for a look).
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { AppContext } from '../../../src/context.ts';
import { createTestContext, createTestEnv, type TestEnv } from '../../helpers/services.ts';
import { createApiToken, createUser } from '../../../src/auth/user.repository.ts';
import { generateReport } from '../../../src/reports/report.service.ts';
import { getReportFile, getReportSummary, reportsDb } from '../../../src/reports/report.repository.ts';
import type { DomesticFigures, OverseasFigures } from '../../../src/reports/figures.ts';
import { parsePeriod, previousPeriod } from '../../../src/reports/period.ts';
import { buildServer } from '../../../src/http/server.ts';
import { syncReportSchedules } from '../../../src/reports/schedule.ts';
import { processReport } from '../../../jobs/report.job.ts';
import type { JobDeps } from '../../../jobs/deps.ts';
import type { Job } from 'bullmq';

let t: TestEnv;
let ctx: AppContext;
let h1: string;
let h2: string;
let tokenH2: string;
let tokenStaff: string;

/** a China-time timestamp */
const at = (s: string) => new Date(`${s}+08:00`);

async function one(s: ReturnType<typeof sql>): Promise<any> {
  return (await s.execute(ctx.db)).rows[0];
}

let ext = 0;
async function alert(o: { mark: string; source: string; seller: string | null; region: string | null; price: number | null; level: string; status: string; created: string; reason?: string }): Promise<string> {
  ext++;
  const l = await one(sql`insert into listings (source_id, external_id, url, title, price, currency, seller_id, region_code, category, content_hash)
    values (${o.source}, ${`x${ext}`}, ${`http://shop.test/item/${ext}`}, ${`测试商品 ${ext}`}, ${o.price}, 'CNY', ${o.seller}, ${o.region}, '方便面', ${`h${ext}`}) returning id`);
  const a = await one(sql`insert into alerts (listing_id, mark_id, score, level, status, match_kind, matched_text, created_at, dismiss_reason)
    values (${l.id}, ${o.mark}, ${o.level === 'high' ? 90 : o.level === 'medium' ? 60 : 30}, ${o.level}, ${o.status}, 'exact', 'x', ${at(o.created)}, ${o.reason ?? null}) returning id`);
  await sql`insert into alert_events (alert_id, actor_kind, type, to_status, created_at) values (${a.id}, 'system', 'created', 'new', ${at(o.created)})`.execute(ctx.db);
  return String(a.id);
}
async function ev(alertId: string, to: string, when: string): Promise<void> {
  await sql`insert into alert_events (alert_id, actor_kind, type, to_status, created_at) values (${alertId}, 'user', ${to}, ${to}, ${at(when)})`.execute(ctx.db);
}

beforeAll(async () => {
  t = await createTestEnv();
  ctx = await createTestContext(t);
  const staff = await createUser(ctx.db, { email: 'staff@test.cn', name: 'staff', role: 'reviewer', password: 'correct horse battery' });
  tokenStaff = (await createApiToken(ctx.db, staff.id, 't')).token;
  const u1 = await createUser(ctx.db, { email: 'a@h1.cn', name: 'a', role: 'rights_holder', password: 'correct horse battery', org: '康师傅控股' });
  const u2 = await createUser(ctx.db, { email: 'b@h2.cn', name: 'b', role: 'rights_holder', password: 'correct horse battery', org: '可口可乐' });
  h1 = u1.rightsHolderId!;
  h2 = u2.rightsHolderId!;
  tokenH2 = (await createApiToken(ctx.db, u2.id, 't')).token;
  const m1 = (await one(sql`insert into marks (kind, name, rights_holder_id, status, details) values ('mark', '康师傅', ${h1}, 'active',
    ${JSON.stringify({ referencePrices: [{ currency: 'CNY', min: 40, max: 60 }] })}) returning id`)).id;
  const m2 = (await one(sql`insert into marks (kind, name, rights_holder_id, status) values ('mark', '雪碧', ${h2}, 'active') returning id`)).id;
  const src = async (slug: string, name: string, channel: string, country: string) =>
    (await one(sql`insert into sources (slug, name, channel, country, definition) values (${slug}, ${name}, ${channel}, ${country}, '{}') returning id`)).id;
  const s1 = await src('shop-a', '演示商城A', 'ecommerce', 'CN');
  const s2 = await src('fair-b', '演示展会B', 'exhibition', 'CN');
  const s3 = await src('amazon-us', '美国电商', 'ecommerce', 'US');
  const s4 = await src('uspto', '美国商标公告', 'trademark-gazette', 'US');
  const seller = async (ext: string, name: string) => (await one(sql`insert into sellers (platform, external_id, name) values ('demo', ${ext}, ${name}) returning id`)).id;
  const sa = await seller('a', '甲商店');
  const sb = await seller('b', '乙商店');
  const sc = await seller('c', '丙商店');

  // October (the reported month)
  const a1 = await alert({ mark: m1, source: s1, seller: sa, region: '410102', price: 10, level: 'high', status: 'closed', created: '2026-10-02T10:00:00' });
  const a2 = await alert({ mark: m1, source: s1, seller: sa, region: '410102', price: 20, level: 'high', status: 'referred', created: '2026-10-03T10:00:00' });
  const a3 = await alert({ mark: m1, source: s2, seller: sb, region: '330106', price: 50, level: 'medium', status: 'dismissed', created: '2026-10-05T10:00:00', reason: 'not_our_goods' });
  await alert({ mark: m2, source: s1, seller: sc, region: '330106', price: null, level: 'low', status: 'new', created: '2026-10-06T10:00:00' });
  const a5 = await alert({ mark: m1, source: s1, seller: sb, region: '410102', price: 30, level: 'medium', status: 'confirmed', created: '2026-10-07T10:00:00' });
  // September (the previous month)
  const a6 = await alert({ mark: m1, source: s1, seller: sa, region: '410102', price: 15, level: 'high', status: 'closed', created: '2026-09-10T10:00:00' });
  const a7 = await alert({ mark: m2, source: s2, seller: sc, region: '330106', price: null, level: 'low', status: 'dismissed', created: '2026-09-12T10:00:00', reason: 'duplicate' });
  // overseas: a US marketplace listing and a US gazette filing; no case docket
  await alert({ mark: m1, source: s3, seller: null, region: null, price: 5, level: 'high', status: 'new', created: '2026-10-04T10:00:00' });
  await alert({ mark: m1, source: s4, seller: null, region: null, price: null, level: 'medium', status: 'new', created: '2026-10-08T10:00:00' });

  await ev(a1, 'confirmed', '2026-10-03T10:00:00'); // +24 h
  await ev(a1, 'referred', '2026-10-04T10:00:00');
  await ev(a1, 'closed', '2026-10-06T10:00:00'); // +96 h
  await ev(a2, 'confirmed', '2026-10-03T22:00:00'); // +12 h
  await ev(a2, 'referred', '2026-10-05T10:00:00');
  await ev(a3, 'dismissed', '2026-10-05T16:00:00'); // +6 h
  await ev(a5, 'confirmed', '2026-10-09T10:00:00'); // +48 h
  await ev(a6, 'confirmed', '2026-09-11T10:00:00');
  await ev(a6, 'referred', '2026-09-12T10:00:00');
  await ev(a6, 'closed', '2026-10-10T10:00:00'); // +720 h, closed in October
  await ev(a7, 'dismissed', '2026-09-12T12:00:00');
});

afterAll(async () => {
  await ctx?.close();
  await t?.cleanup();
});

const opts = { chromiumPath: '', formats: [] as ('pdf' | 'xlsx')[] };
async function figures(id: string) {
  return (await getReportSummary(ctx.db, id))!.figures;
}

describe('periods', () => {
  it('weeks and months in China time, with the previous period', () => {
    const w = parsePeriod('2026-W47');
    expect(w.start.toISOString()).toBe('2026-11-15T16:00:00.000Z');
    expect(w.prevStart.toISOString()).toBe('2026-11-08T16:00:00.000Z');
    const m = parsePeriod('2026-03');
    expect([m.start.toISOString(), m.prevStart.toISOString(), m.days]).toEqual(['2026-02-28T16:00:00.000Z', '2026-01-31T16:00:00.000Z', 31]);
    expect(parsePeriod('custom:2026-10-01..2026-10-10').prevStart.toISOString()).toBe('2026-09-20T16:00:00.000Z');
    expect(previousPeriod('week', at('2026-11-23T08:00:00'))).toBe('2026-W47');
    expect(previousPeriod('month', at('2026-01-01T08:00:00'))).toBe('2025-12');
  });
});

describe('domestic report', () => {
  it('computes the figures exactly', async () => {
    // listing titles are attacker-controlled: the report escapes them
    await sql`update listings set title = '<script>alert(1)</script>' where external_id = 'x4'`.execute(ctx.db);
    const r = await generateReport(ctx.db, { kind: 'domestic', period: '2026-10', ...opts });
    const f = (await figures(r.id)) as unknown as DomesticFigures;
    expect(f.totals).toEqual({ alerts: 5, prevAlerts: 2, high: 2, prevHigh: 1, confirmed: 3, prevConfirmed: 1, dismissed: 1, open: 1, sellers: 3, marks: 2 });
    expect(f.byMark.map((m) => [m.name, m.cur, m.prev, m.confirmed])).toEqual([['康师傅', 4, 1, 3], ['雪碧', 1, 1, 0]]);
    expect(f.byChannel.map((c) => [c.key, c.cur, c.prev])).toEqual([['ecommerce', 4, 1], ['exhibition', 1, 1]]);
    expect(f.byProvince.map((c) => [c.name, c.cur, c.prev])).toEqual([['河南省', 3, 1], ['浙江省', 2, 1]]);
    expect(f.byCity.map((c) => [c.key, c.province, c.cur])).toEqual([['410100', '河南省', 3], ['330100', '浙江省', 2]]);
    expect(f.topSellers.map((s) => [s.name, s.alerts, s.confirmed, s.priorConfirmed])).toEqual([['甲商店', 2, 2, 1], ['乙商店', 2, 1, 0], ['丙商店', 1, 0, 0]]);
    expect(f.repeatInfringers.map((s) => s.name)).toEqual(['甲商店']);
    expect(f.prices).toEqual([{ mark: '康师傅', currency: 'CNY', refMin: 40, refMax: 60, listings: 4, avgPrice: 27.5, medianPrice: 25, belowHalf: 1 }]);
    expect(f.priceTotals).toEqual({ marks: 1, listings: 4, belowHalf: 1 });
    expect(f.trend.length).toBe(31);
    expect(f.trend.slice(0, 7).map((d) => d.cur)).toEqual([0, 1, 1, 0, 1, 1, 1]);
    expect(f.workflow).toEqual({
      reviewed: 4, confirmed: 3, dismissed: 1, referred: 2, closed: 2,
      prev: { reviewed: 2, confirmed: 1, dismissed: 1, referred: 1, closed: 0 },
      dismissReasons: [{ reason: 'not_our_goods', n: 1 }],
      openAtEnd: 2, closureRate: 0.5,
      closeHoursAvg: 408, closeHoursP90: 657.6, decisionHoursAvg: 22.5, decisionHoursP90: 40.8,
    });
    const doc = (await getReportFile(ctx.db, r.id, 'html'))!.body as string;
    expect(doc).toContain('<svg');
    expect(doc).toContain('较上期增加 3 条（+150.0%）');
    expect(doc).toContain('办结率 50.0%');
    expect(doc).toContain('一、总体情况');
    expect(doc).not.toContain('<script>');
    expect(doc).toContain('&#60;script&#62;alert(1)');
  });

  it('a rights-holder report contains nothing of the other owner', async () => {
    const r = await generateReport(ctx.db, { kind: 'domestic', period: '2026-10', scope: `holder:${h2}`, ...opts });
    const f = (await figures(r.id)) as unknown as DomesticFigures;
    expect(f.totals.alerts).toBe(1);
    expect(f.totals.prevAlerts).toBe(1);
    expect(f.byMark.map((m) => m.name)).toEqual(['雪碧']);
    expect(f.workflow.reviewed).toBe(0);
    expect(f.workflow.closureRate).toBeNull();
    const doc = (await getReportFile(ctx.db, r.id, 'html'))!.body as string;
    expect(JSON.stringify(f)).not.toMatch(/康师傅|甲商店|乙商店/);
    expect(doc).not.toMatch(/康师傅|甲商店|乙商店/);
    expect(doc).toContain('雪碧');
  });

  it('a region report covers only that region', async () => {
    const r = await generateReport(ctx.db, { kind: 'domestic', period: '2026-10', scope: 'region:330000', ...opts });
    const f = (await figures(r.id)) as unknown as DomesticFigures;
    expect([f.totals.alerts, f.totals.prevAlerts]).toEqual([2, 1]);
    expect(f.byProvince.map((p) => p.name)).toEqual(['浙江省']);
    expect(f.workflow.dismissed).toBe(1);
  });

  it('is idempotent per (kind, period, scope); regenerate adds version 2', async () => {
    const a = await Promise.all([
      generateReport(ctx.db, { kind: 'domestic', period: '2026-W41', ...opts }),
      generateReport(ctx.db, { kind: 'domestic', period: '2026-W41', ...opts }),
    ]);
    expect(a[0].id).toBe(a[1].id);
    expect(a.filter((x) => x.created).length).toBe(1);
    const again = await generateReport(ctx.db, { kind: 'domestic', period: '2026-W41', ...opts });
    expect([again.id, again.created]).toEqual([a[0].id, false]);
    const re = await generateReport(ctx.db, { kind: 'domestic', period: '2026-W41', mode: 'regenerate', ...opts });
    expect([re.version, re.created]).toEqual([2, true]);
    const versions = await reportsDb(ctx.db).selectFrom('reports').select('version').where('period', '=', '2026-W41').orderBy('version').execute();
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
  });
});

describe('schedule and job', () => {
  it('keeps one scheduler per key, and a retried scheduled job makes one report', async () => {
    expect(await syncReportSchedules(ctx)).toBe(3);
    await syncReportSchedules(ctx);
    const keys = (await ctx.queues.report.getJobSchedulers()).map((s) => s.key).sort();
    expect(keys).toEqual(['report-domestic-monthly', 'report-domestic-weekly', 'report-overseas-monthly']);
    // an admin moves the weekly report to 09:30 and switches the overseas one off
    const admin = await createUser(ctx.db, { email: 'admin@test.cn', name: 'admin', role: 'admin', password: 'correct horse battery' });
    const tokenAdmin = (await createApiToken(ctx.db, admin.id, 't')).token;
    const app = await buildServer(ctx, { logger: false });
    try {
      const put = (key: string, payload: object, token = tokenAdmin) =>
        app.inject({ method: 'PUT', url: `/api/reports/schedules/${key}`, headers: { authorization: `Bearer ${token}` }, payload });
      expect((await put('report-domestic-weekly', { cron: '30 9 * * 1' })).statusCode).toBe(200);
      expect((await put('report-overseas-monthly', { enabled: false })).statusCode).toBe(200);
      expect((await put('report-domestic-weekly', { cron: 'every monday' })).statusCode).toBe(400);
      expect((await put('report-domestic-weekly', { cron: '0 7 * * 1' }, tokenStaff)).statusCode).toBe(403);
    } finally {
      await app.close();
    }
    const after = (await ctx.queues.report.getJobSchedulers()).map((s) => [s.key, s.pattern]).sort();
    expect(after).toEqual([['report-domestic-monthly', '0 8 1 * *'], ['report-domestic-weekly', '30 9 * * 1']]);
    // a scheduled run on 1 November 08:00 reports on October; the retry finds it done
    const job = { data: { kind: 'overseas', period: 'last-month', scope: `holder:${h1}` }, timestamp: at('2026-11-01T08:00:00').getTime(), repeatJobKey: 'report-overseas-monthly' } as unknown as Job;
    const deps = { ctx: { ...ctx, config: { ...ctx.config, CHROMIUM_PATH: ctx.config.CHROMIUM_PATH } } } as unknown as JobDeps;
    const first = (await processReport(job, deps)) as { id: string; created: boolean };
    const retry = (await processReport(job, deps)) as { id: string; created: boolean };
    expect([first.created, retry.created, retry.id]).toEqual([true, false, first.id]);
    const rows = await reportsDb(ctx.db).selectFrom('reports').select(['period', 'trigger']).where('kind', '=', 'overseas').where('scope', '=', `holder:${h1}`).execute();
    expect(rows).toEqual([{ period: '2026-10', trigger: 'schedule' }]);
  });
});

describe('overseas report', () => {
  it('counts overseas listings and gazette filings, and says when there is no docket data', async () => {
    const r = await generateReport(ctx.db, { kind: 'overseas', period: '2026-10', ...opts });
    const f = (await figures(r.id)) as unknown as OverseasFigures;
    expect([f.totals.alerts, f.totals.prevAlerts]).toEqual([1, 0]);
    expect(f.byCountry.map((c) => [c.key, c.cur])).toEqual([['US', 1]]);
    expect([f.squatting.hasSource, f.squatting.cur, f.squatting.items[0].mark]).toEqual([true, 1, '康师傅']);
    expect([f.litigation.hasSource, f.litigation.cur]).toEqual([false, 0]);
    expect(f.countryRisk).toEqual([{ country: 'US', alerts: 1, filings: 1, cases: 0, score: 6, level: '中' }]);
    const doc = (await getReportFile(ctx.db, r.id, 'html'))!.body as string;
    expect(doc).toContain('本期无案件公示监测数据');
  });
});

describe('files and API', () => {
  it('renders a PDF and an XLSX', async () => {
    const r = await generateReport(ctx.db, { kind: 'domestic', period: 'custom:2026-10-01..2026-10-31', chromiumPath: ctx.config.CHROMIUM_PATH });
    const pdf = (await getReportFile(ctx.db, r.id, 'pdf'))!.body as Buffer;
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    writeFileSync('/tmp/ipclue-report-test.pdf', pdf);
    const xlsx = (await getReportFile(ctx.db, r.id, 'xlsx'))!.body as Buffer;
    expect(xlsx.subarray(0, 2).toString()).toBe('PK');
    const o = await generateReport(ctx.db, { kind: 'overseas', period: 'custom:2026-10-01..2026-10-31', chromiumPath: ctx.config.CHROMIUM_PATH, formats: ['pdf'] });
    const opdf = (await getReportFile(ctx.db, o.id, 'pdf'))!.body as Buffer;
    expect(opdf.subarray(0, 4).toString()).toBe('%PDF');
    writeFileSync('/tmp/ipclue-report-overseas-test.pdf', opdf);
  });

  it('lets a rights holder see and generate only its own reports', async () => {
    const app = await buildServer(ctx, { logger: false });
    try {
      const get = (url: string, token: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      const list = (await get('/api/reports', tokenH2)).json();
      expect(list.items.length).toBeGreaterThan(0);
      expect(list.items.every((i: { scope: string }) => i.scope === `holder:${h2}`)).toBe(true);
      const all = (await get('/api/reports?scope=all', tokenStaff)).json().items.find((i: { scope: string; period: string }) => i.scope === 'all' && i.period === '2026-10');
      expect((await get(`/api/reports/${all.id}`, tokenH2)).statusCode).toBe(404);
      expect((await get(`/api/reports/${all.id}/report.html`, tokenStaff)).body).toContain('<svg');
      const gen = await app.inject({ method: 'POST', url: '/api/reports', headers: { authorization: `Bearer ${tokenH2}` }, payload: { kind: 'domestic', from: '2026-10-01', to: '2026-10-15' } });
      expect(gen.statusCode).toBe(201);
      expect(gen.json().report.scope).toBe(`holder:${h2}`);
      const other = await app.inject({ method: 'POST', url: '/api/reports', headers: { authorization: `Bearer ${tokenH2}` }, payload: { period: '2026-10', scope: `holder:${h1}` } });
      expect(other.statusCode).toBe(403);
    } finally {
      await app.close();
    }
  });
});
