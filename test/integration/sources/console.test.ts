import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSource, call, createWorld, get, login, postForm, type Session, type World } from './setup.ts';
import { getSourceBySlug } from '../../../src/sources/source.repository.ts';
import { finishPage, registerPages, startRun } from '../../../src/crawls/crawl-run.repository.ts';

let w: World;
let admin: Session;
let reviewer: Session;
const EVIL = '恶意<script>alert(1)</script>商城';

beforeAll(async () => {
  w = await createWorld();
  expect((await call(w, 'admin', 'POST', '/api/sources', aSource({ name: EVIL }))).statusCode).toBe(201);
  admin = await login(w, 'admin@example.cn');
  reviewer = await login(w, 'reviewer@example.cn');
});
afterAll(async () => {
  await w?.close();
});

describe('console: sources and crawl runs', () => {
  it('/sources lists sources with a crawl button and escapes their names', async () => {
    const res = await get(w, admin, '/sources');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('数据源');
    expect(res.body).toContain('立即采集');
    expect(res.body).toContain('电商平台');
    expect(res.body).toContain('尚未采集');
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).toContain('&#60;script&#62;');
    // the nav links
    for (const href of ['/sources', '/crawls', '/marks', '/gis', '/blacklist']) expect(res.body).toContain(`href="${href}"`);
  });

  it('the crawl button queues a job, with the CSRF token', async () => {
    const before = await w.ctx.queues.crawl.getJobCounts('waiting', 'delayed', 'active');
    const noToken = await postForm(w, reviewer, '/sources/shop-example/crawl', { back: '/sources' }, 'wrong');
    expect(noToken.statusCode).toBe(403);
    const res = await postForm(w, reviewer, '/sources/shop-example/crawl', { back: '/sources' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/sources?queued=shop-example');
    const after = await w.ctx.queues.crawl.getJobCounts('waiting', 'delayed', 'active');
    const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    expect(total(after)).toBe(total(before) + 1);
    const [job] = await w.ctx.queues.crawl.getJobs(['waiting']);
    expect(job.data.reason).toBe('manual');
  });

  it('an admin edits the definition in the form; a bad one shows the error in Chinese and saves nothing', async () => {
    const page = await get(w, admin, '/sources/shop-example');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<textarea name="definition"');
    expect(page.body).toContain('&#34;baseUrl&#34;: &#34;https://shop.example.com/&#34;');
    expect(page.body).not.toContain('<script>alert(1)');

    const before = await getSourceBySlug(w.ctx.db, 'shop-example');
    const def = { ...before!.definition, name: '改过的名称', extract: { type: 'css', item: '.item', fields: { price: { selector: 7 } } } };
    const bad = await postForm(w, admin, '/sources/shop-example', { definition: JSON.stringify(def, null, 2) });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('校验未通过，未保存任何修改');
    expect(bad.body).toContain('extract.fields.price');
    expect(bad.body).toMatch(/无效输入|期望/);
    expect(bad.body).toContain('改过的名称'); // the submitted text is kept in the form
    expect(await getSourceBySlug(w.ctx.db, 'shop-example')).toEqual(before);

    const notJson = await postForm(w, admin, '/sources/shop-example', { definition: '{ nope' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.body).toContain('JSON 格式错误');

    const good = await postForm(w, admin, '/sources/shop-example', { definition: JSON.stringify({ ...before!.definition, name: '改过的名称' }) });
    expect(good.statusCode).toBe(303);
    expect((await getSourceBySlug(w.ctx.db, 'shop-example'))!.name).toBe('改过的名称');

    const off = await postForm(w, admin, '/sources/shop-example/disable', {});
    expect(off.statusCode).toBe(303);
    expect((await getSourceBySlug(w.ctx.db, 'shop-example'))!.enabled).toBe(false);
    expect((await get(w, admin, '/sources/shop-example')).body).toContain('已停用');
    await postForm(w, admin, '/sources/shop-example/enable', {});
    expect((await getSourceBySlug(w.ctx.db, 'shop-example'))!.enabled).toBe(true);
  });

  it('a reviewer sees the definition read-only and cannot save', async () => {
    const page = await get(w, reviewer, '/sources/shop-example');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('readonly');
    expect(page.body).not.toContain('name="definition"');
    const res = await postForm(w, reviewer, '/sources/shop-example', { definition: JSON.stringify(aSource()) });
    expect(res.statusCode).toBe(403);
  });

  it('/crawls shows runs with pages, listings, errors and their samples, escaped', async () => {
    await call(w, 'admin', 'PUT', '/api/sources/shop-example', aSource({ name: EVIL }));
    const s = (await getSourceBySlug(w.ctx.db, 'shop-example'))!;
    const run = await startRun(w.ctx.db, s.id, 'job-1');
    await registerPages(w.ctx.db, run.id, [{ key: 'p1', url: 'https://shop.example.com/list?page=1' }, { key: 'p2', url: 'https://shop.example.com/list?page=2' }]);
    await finishPage(w.ctx.db, run.id, { key: 'p1', ok: true, listings: 12 });
    await finishPage(w.ctx.db, run.id, { key: 'p2', ok: false, listings: 0, error: 'HTTP 503 <b>busy</b>' });

    const res = await get(w, reviewer, '/crawls');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('采集记录');
    expect(res.body).toContain('已完成');
    expect(res.body).toContain('<td>12</td>');
    expect(res.body).toContain('错误示例（1）');
    expect(res.body).toContain('HTTP 503 &#60;b&#62;busy&#60;/b&#62;');
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).toContain('&#60;script&#62;');

    const list = await get(w, admin, '/sources');
    expect(list.body).toContain('页面 2 · 商品 12 · 错误 1');
    expect(list.body).not.toContain('<script>alert(1)');
    const api = await call(w, 'reviewer', 'GET', '/api/sources/shop-example');
    expect(api.json().lastRun).toMatchObject({ status: 'finished', pages: 2, listings: 12, errors: 1 });
  });

  it('anonymous visitors are sent to the login page', async () => {
    const res = await w.app.inject({ method: 'GET', url: '/sources' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('/login');
  });
});

describe('the BullMQ dashboard', () => {
  it('is 403 for a reviewer, a login redirect for anonymous, and 200 for an admin', async () => {
    expect((await get(w, reviewer, '/admin/queues')).statusCode).toBe(403);
    expect((await call(w, 'reviewer', 'GET', '/admin/queues/api/queues')).statusCode).toBe(403);
    const anon = await w.app.inject({ method: 'GET', url: '/admin/queues' });
    expect(anon.statusCode).toBe(303);
    expect(anon.headers.location).toContain('/login');

    const page = await get(w, admin, '/admin/queues');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    // its scripts are served from under the mount point, and the API docs' own static files still work
    expect(page.body).toContain('<base href="/admin/queues/"');
    const script = /src="(static\/js\/[^"]+\.js)"/.exec(page.body);
    expect(script).not.toBeNull();
    expect((await get(w, admin, `/admin/queues/${script![1]}`)).statusCode).toBe(200);
    expect((await get(w, reviewer, `/admin/queues/${script![1]}`)).statusCode).toBe(403);
    expect((await w.app.inject({ method: 'GET', url: '/api/docs/static/swagger-ui.css' })).statusCode).toBe(200);
    const api = await call(w, 'admin', 'GET', '/admin/queues/api/queues');
    expect(api.statusCode).toBe(200);
    const names = (api.json().queues as { name: string }[]).map((q) => q.name).sort();
    expect(names).toEqual(Object.keys(w.ctx.queues).sort());
  });

  it("refuses a cross-origin write with the admin's session, allows a same-origin one", async () => {
    const url = '/admin/queues/api/queues/report/pause';
    const cross = await w.app.inject({ method: 'PUT', url, cookies: { ipclue_session: admin.cookie }, headers: { origin: 'https://evil.example', host: 'localhost:80' } });
    expect(cross.statusCode).toBe(403);
    const same = await w.app.inject({ method: 'PUT', url, cookies: { ipclue_session: admin.cookie }, headers: { origin: 'http://localhost:80', host: 'localhost:80' } });
    expect(same.statusCode, same.body).toBeLessThan(300);
    expect(await w.ctx.queues.report.isPaused()).toBe(true);
    await w.ctx.queues.report.resume();
  });
});
