// The console's reports page: lists stored reports (titles escaped), staff generate and
// regenerate through CSRF-protected forms, rights holders see and make only their own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../src/context.ts';
import { buildServer } from '../../../src/http/server.ts';
import { createSession } from '../../../src/auth/user.repository.ts';
import { reportsDb } from '../../../src/reports/report.repository.ts';
import { createTestContext, createTestEnv, type TestEnv } from '../../helpers/services.ts';
import { seedWorld, type World } from '../alerts/fixtures.ts';

let t: TestEnv;
let ctx: AppContext;
let app: FastifyInstance<any, any, any, any, any>;
let w: World;
let evilId: string;
const sessions: Record<string, { cookie: string; csrf: string }> = {};
const EVIL = '<script>alert("r")</script>康师傅周报';

beforeAll(async () => {
  t = await createTestEnv();
  ctx = await createTestContext(t);
  app = await buildServer(ctx, { logger: false });
  w = await seedWorld(ctx);
  for (const k of ['reviewer', 'holderA', 'holderB'] as const) {
    const s = await createSession(ctx.db, w.users[k].id);
    sessions[k] = { cookie: `ipclue_session=${s.token}`, csrf: s.csrfToken };
  }
  const r = await reportsDb(ctx.db)
    .insertInto('reports')
    .values({
      kind: 'domestic', period: '2026-W40', scope: `holder:${w.users.holderA.rightsHolderId}`, version: 1, requested_by: null,
      period_start: new Date('2026-09-28T00:00:00+08:00'), period_end: new Date('2026-10-05T00:00:00+08:00'), title: EVIL,
      html: '<p>x</p>', pdf: null, xlsx: Buffer.from('x'), figures: '{}', timings: '{}',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  evilId = String(r.id);
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
  await t?.cleanup();
});

const get = (who: string, url: string) => app.inject({ method: 'GET', url, headers: { cookie: sessions[who].cookie } });
const post = (who: string, url: string, form: Record<string, string>, csrf = true) =>
  app.inject({
    method: 'POST', url, payload: new URLSearchParams({ ...form, ...(csrf ? { _csrf: sessions[who].csrf } : {}) }).toString(),
    headers: { cookie: sessions[who].cookie, 'content-type': 'application/x-www-form-urlencoded' },
  });

describe('reports console', () => {
  it('lists reports with download links and escapes the title; rights holders see only their own', async () => {
    const res = await get('reviewer', '/reports');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<a href="/reports">报告</a>');
    expect(res.body).not.toContain('<script>alert');
    expect(res.body).toContain('&#60;script&#62;alert(&#34;r&#34;)&#60;/script&#62;康师傅周报');
    expect(res.body).toContain(`/api/reports/${evilId}/report.html`);
    expect(res.body).toContain(`/api/reports/${evilId}/report.xlsx`);
    expect(res.body).not.toContain(`/api/reports/${evilId}/report.pdf`);
    expect(res.body).toContain(`/reports/${evilId}/regenerate`);
    const a = await get('holderA', '/reports');
    expect(a.body).toContain('康师傅周报');
    expect(a.body).not.toContain('重新生成</button>');
    expect((await get('holderB', '/reports')).body).not.toContain('康师傅周报');
  });

  it('staff generate through the form (CSRF) and regenerate; a rights holder cannot generate for another org', async () => {
    const form = { kind: 'domestic', periodType: 'custom', from: '2026-10-01', to: '2026-10-07', scopeType: 'all' };
    expect((await post('reviewer', '/reports', form, false)).statusCode).toBe(403);
    const made = await post('reviewer', '/reports', form);
    expect(made.statusCode).toBe(303);
    const rows = await reportsDb(ctx.db).selectFrom('reports').select(['id', 'period', 'scope', 'trigger']).where('period', '=', 'custom:2026-10-01..2026-10-07').execute();
    expect(rows).toMatchObject([{ scope: 'all', trigger: 'api' }]);
    expect(made.headers.location).toBe(`/reports#report-${rows[0].id}`);
    expect((await get('reviewer', '/reports')).body).toContain('2026年10月1日至10月7日');

    const bad = await post('reviewer', '/reports', { ...form, from: '2026-13-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('role="alert"');

    const other = await post('holderB', '/reports', { ...form, scopeType: 'holder', holderId: w.users.holderA.rightsHolderId! });
    expect(other.statusCode).toBe(403);
    expect(other.body).toContain('权利人只能生成本单位的报告');
    expect((await post('holderB', '/reports', { ...form, scopeType: 'all' })).statusCode).toBe(303);
    const own = await reportsDb(ctx.db).selectFrom('reports').select('scope').where('requested_by', '=', w.users.holderB.id).execute();
    expect(own).toEqual([{ scope: `holder:${w.users.holderB.rightsHolderId}` }]);

    expect((await post('holderA', `/reports/${rows[0].id}/regenerate`, {})).statusCode).toBe(403);
    const again = await post('reviewer', `/reports/${rows[0].id}/regenerate`, {});
    expect(again.statusCode).toBe(303);
    const versions = await reportsDb(ctx.db).selectFrom('reports').select('version').where('period', '=', 'custom:2026-10-01..2026-10-07').where('scope', '=', 'all').orderBy('version').execute();
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
  });
});
