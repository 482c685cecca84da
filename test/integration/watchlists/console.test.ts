import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, aMark, call, createWorld, type World } from './setup.ts';

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await w?.close();
});

interface Session {
  cookie: string;
  csrf: string;
}

async function login(email: string): Promise<Session> {
  const page = await w.app.inject({ method: 'GET', url: '/login' });
  const loginCsrf = page.cookies.find((c) => c.name === 'ipclue_login_csrf')!.value;
  const res = await w.app.inject({
    method: 'POST', url: '/login', cookies: { ipclue_login_csrf: loginCsrf },
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ email, password: PASSWORD, _csrf: loginCsrf, next: '/marks' }).toString(),
  });
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toBe('/marks');
  const cookie = res.cookies.find((c) => c.name === 'ipclue_session')!.value;
  const list = await w.app.inject({ method: 'GET', url: '/marks', cookies: { ipclue_session: cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(list.body)![1];
  return { cookie, csrf };
}

function get(s: Session, url: string) {
  return w.app.inject({ method: 'GET', url, cookies: { ipclue_session: s.cookie } });
}

function post(s: Session, url: string, form: Record<string, string>, csrf = s.csrf) {
  return w.app.inject({
    method: 'POST', url, cookies: { ipclue_session: s.cookie },
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ ...form, _csrf: csrf }).toString(),
  });
}

describe('console: marks and GIs', () => {
  let holder: Session;
  let reviewer: Session;
  let id: string;

  it('a rights holder registers a mark through the form; a bad field is shown by name', async () => {
    holder = await login('holderA@example.cn');
    const form = await get(holder, '/marks/new');
    expect(form.body).toContain('登记重点商标');
    const bad = await post(holder, '/marks', { name: '白象', registrationNo: '888', niceClasses: '30；99' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('尼斯分类');
    expect(bad.body).toContain('Nice classes are 1–45');
    expect(bad.body).toContain('value="白象"');
    const ok = await post(holder, '/marks', { name: '白象<script>alert(1)</script>', registrationNo: '888', niceClasses: '30；29', keywords: '方便面；大骨面', referencePrices: 'CNY 3-5' });
    expect(ok.statusCode).toBe(303);
    id = /\/marks\/(\d+)$/.exec(ok.headers.location!)![1];
    const page = await get(holder, `/marks/${id}`);
    expect(page.body).toContain('待审核');
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('&#60;script&#62;');
    // no approve form for a rights holder
    expect(page.body).not.toContain(`/marks/${id}/status`);
  });

  it('a form post without the session CSRF token is refused', async () => {
    const res = await post(holder, '/marks', { name: '伪造', registrationNo: '999', niceClasses: '30' }, 'wrong');
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('CSRF');
    expect((await call(w, 'admin', 'GET', '/api/marks?q=伪造')).json().total).toBe(0);
  });

  it('a reviewer finds it, approves it, and the history shows both', async () => {
    reviewer = await login('reviewer@example.cn');
    const list = await get(reviewer, '/marks?q=白象&status=pending');
    expect(list.body).toContain(`/marks/${id}`);
    const noReason = await post(reviewer, `/marks/${id}/status`, { status: 'rejected', reason: '' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('理由');
    const ok = await post(reviewer, `/marks/${id}/status`, { status: 'active', reason: '' });
    expect(ok.statusCode).toBe(303);
    const page = await get(reviewer, `/marks/${id}`);
    expect(page.body).toContain('已生效');
    expect(page.body).toContain('批准');
    expect(page.body).toContain('登记');
  });

  it('another organisation\'s mark is not found in the console either', async () => {
    const other = await login('holderB@example.cn');
    expect((await get(other, `/marks/${id}`)).statusCode).toBe(404);
    expect((await get(other, '/marks')).body).not.toContain('白象');
    expect((await post(other, `/marks/${id}`, { name: '抢注', niceClasses: '30', registrationNo: '888' })).statusCode).toBe(404);
  });

  it('editing through the form records the change; GIs have their own pages', async () => {
    const res = await post(holder, `/marks/${id}`, { name: '白象', registrationNo: '888', niceClasses: '30', keywords: '方便面' });
    expect(res.statusCode).toBe(303);
    const page = await get(holder, `/marks/${id}`);
    expect(page.body).toContain('待审核'); // a rights holder's edit goes back to review
    expect(page.body).toContain('修改');
    const gi = await post(holder, '/gis', { name: '原阳大米', niceClasses: '30', regionCodes: '410725', category: '粮食' });
    expect(gi.statusCode).toBe(303);
    const gis = await get(holder, '/gis');
    expect(gis.body).toContain('原阳大米');
    expect(gis.body).toContain('原阳县');
  });
});

describe('console: blacklist', () => {
  it('staff list and lift; rights holders may not see it', async () => {
    const reviewer = await login('reviewer@example.cn');
    const bad = await post(reviewer, '/blacklist', { sellerName: '某店', reason: '重复侵权', sourceKind: 'court', creditCode: '123' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('统一社会信用代码');
    const ok = await post(reviewer, '/blacklist', { platform: 'taobao', sellerName: '假货专卖店', reason: '三次售假', sourceKind: 'administrative' });
    expect(ok.statusCode).toBe(303);
    const list = await get(reviewer, '/blacklist');
    expect(list.body).toContain('假货专卖店');
    const entryId = /\/blacklist\/(\d+)\/lift/.exec(list.body)![1];
    expect((await post(reviewer, `/blacklist/${entryId}/lift`, { reason: '已整改' })).statusCode).toBe(303);
    expect((await get(reviewer, '/blacklist')).body).not.toContain('假货专卖店');
    expect((await get(reviewer, '/blacklist?all=1')).body).toContain('已解除：已整改');
    const holder = await login('holderA@example.cn');
    expect((await get(holder, '/blacklist')).statusCode).toBe(403);
  });

  it('an anonymous visitor is sent to the login page', async () => {
    const res = await w.app.inject({ method: 'GET', url: '/marks' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fmarks');
    expect((await call(w, 'admin', 'POST', '/api/marks', aMark({ name: '仍可用API' }))).statusCode).toBe(201);
  });
});
