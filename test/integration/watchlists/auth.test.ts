import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/http/server.ts';
import { hashPassword, verifyPassword } from '../../../src/auth/password.ts';
import { createTestContext } from '../../helpers/services.ts';
import { runIpclue } from '../../helpers/process.ts';
import { PASSWORD, call, createWorld, type World } from './setup.ts';

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await w?.close();
});

const cookieOf = (res: { cookies: { name: string; value: string }[] }, name: string) => res.cookies.find((c) => c.name === name)?.value;

describe('passwords', () => {
  it('are hashed with scrypt and a salt, and verify only with the right password', async () => {
    const h1 = await hashPassword('密码 secret 123');
    const h2 = await hashPassword('密码 secret 123');
    expect(h1).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(h1).not.toBe(h2);
    expect(await verifyPassword('密码 secret 123', h1)).toBe(true);
    expect(await verifyPassword('密码 secret 124', h1)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });
});

describe('API authentication', () => {
  it('with DEMO off, every /api route but docs and login needs a user', async () => {
    expect((await call(w, 'anonymous', 'GET', '/api/alerts')).statusCode).toBe(401);
    expect((await call(w, 'anonymous', 'GET', '/api/marks')).statusCode).toBe(401);
    expect((await call(w, 'anonymous', 'GET', '/api/docs/json')).statusCode).toBe(200);
    expect((await call(w, 'anonymous', 'GET', '/health')).statusCode).toBe(200);
    const console = await call(w, 'anonymous', 'GET', '/');
    expect(console.statusCode).toBe(303);
    expect(console.headers.location).toBe('/login?next=%2F');
  });

  it('a wrong or revoked bearer token is refused', async () => {
    const wrong = await w.app.inject({ method: 'GET', url: '/api/marks', headers: { authorization: 'Bearer ipc_nope' } });
    expect(wrong.statusCode).toBe(401);
    const created = await call(w, 'reviewer', 'POST', '/api/auth/tokens', { name: 'ci' });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^ipc_/);
    const stored = await w.ctx.db.selectFrom('api_tokens').select('token_hash').where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token.slice(4));
    const use = () => w.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect((await use()).json()).toMatchObject({ role: 'reviewer', via: 'token' });
    expect((await call(w, 'holderA', 'DELETE', `/api/auth/tokens/${id}`)).statusCode).toBe(404);
    expect((await call(w, 'reviewer', 'DELETE', `/api/auth/tokens/${id}`)).statusCode).toBe(200);
    expect((await use()).statusCode).toBe(401);
    const listed = (await call(w, 'reviewer', 'GET', '/api/auth/tokens')).json().items;
    expect(listed.find((t: { id: string }) => t.id === id).revokedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(token);
  });

  it('login sets an HttpOnly SameSite session cookie; writes with it need the CSRF token', async () => {
    const bad = await w.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'admin@example.cn', password: 'wrong password' } });
    expect(bad.statusCode).toBe(401);
    const res = await w.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'Reviewer@Example.cn', password: PASSWORD } });
    expect(res.statusCode).toBe(200);
    const c = res.cookies.find((x) => x.name === 'ipclue_session')!;
    expect(c).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(c.secure).toBeFalsy();
    const { csrfToken } = res.json();
    const cookies = { ipclue_session: c.value };
    const me = await w.app.inject({ method: 'GET', url: '/api/auth/me', cookies });
    expect(me.json()).toMatchObject({ role: 'reviewer', via: 'session' });
    const body = { name: '会话测试', channel: 'exhibition', reason: '展会侵权高发' };
    const noCsrf = await w.app.inject({ method: 'POST', url: '/api/markets', cookies, payload: body });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().field).toBe('_csrf');
    const withCsrf = await w.app.inject({ method: 'POST', url: '/api/markets', cookies, headers: { 'x-csrf-token': csrfToken }, payload: body });
    expect(withCsrf.statusCode).toBe(201);
    const out = await w.app.inject({ method: 'POST', url: '/api/auth/logout', cookies, headers: { 'x-csrf-token': csrfToken } });
    expect(out.statusCode).toBe(200);
    expect((await w.app.inject({ method: 'GET', url: '/api/auth/me', cookies })).statusCode).toBe(401);
  });

  it('behind https the session cookie is Secure', async () => {
    const res = await w.app.inject({
      method: 'POST', url: '/api/auth/login', headers: { 'x-forwarded-proto': 'https' }, payload: { email: 'admin@example.cn', password: PASSWORD },
    });
    expect(res.cookies.find((x) => x.name === 'ipclue_session')!.secure).toBe(true);
  });

  it('only an admin manages users; a rights_holder user needs an organisation', async () => {
    const body = { email: 'new@example.cn', name: '新审核员', role: 'reviewer', password: 'long enough password' };
    expect((await call(w, 'reviewer', 'POST', '/api/users', body)).statusCode).toBe(403);
    expect((await call(w, 'admin', 'POST', '/api/users', body)).statusCode).toBe(201);
    expect((await call(w, 'admin', 'POST', '/api/users', body)).statusCode).toBe(409);
    const noOrg = await call(w, 'admin', 'POST', '/api/users', { ...body, email: 'rh@example.cn', role: 'rights_holder' });
    expect(noOrg.statusCode).toBe(400);
    expect(noOrg.json().field).toBe('org');
  });
});

describe('disabling a user', () => {
  it("ends the user's sessions and stops its tokens; an admin cannot disable themselves", async () => {
    const u = await call(w, 'admin', 'POST', '/api/users', { email: 'leaver@example.cn', name: '离职', role: 'reviewer', password: 'long enough password' });
    const id = u.json().id;
    const login = await w.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'leaver@example.cn', password: 'long enough password' } });
    const cookies = { ipclue_session: login.cookies.find((c) => c.name === 'ipclue_session')!.value };
    const tok = (await w.app.inject({ method: 'POST', url: '/api/auth/tokens', cookies, headers: { 'x-csrf-token': login.json().csrfToken }, payload: { name: 't' } })).json().token;
    const res = await call(w, 'admin', 'PATCH', `/api/users/${id}`, { disabled: true });
    expect(res.json().disabled).toBe(true);
    expect((await w.app.inject({ method: 'GET', url: '/api/auth/me', cookies })).statusCode).toBe(401);
    expect((await w.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${tok}` } })).statusCode).toBe(401);
    const again = await w.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'leaver@example.cn', password: 'long enough password' } });
    expect(again.statusCode).toBe(401);
    expect((await call(w, 'admin', 'PATCH', `/api/users/${w.users.admin.id}`, { disabled: true })).statusCode).toBe(409);
  });
});

describe('console login', () => {
  it('the login form is CSRF-protected, logs in and redirects to a same-site page only', async () => {
    const page = await w.app.inject({ method: 'GET', url: '/login?next=//evil.example/' });
    expect(page.body).toContain('登录');
    const csrf = cookieOf(page, 'ipclue_login_csrf')!;
    expect(page.body).toContain(`value="${csrf}"`);
    const form = (extra: Record<string, string>) => new URLSearchParams({ email: 'admin@example.cn', password: PASSWORD, ...extra }).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const forged = await w.app.inject({ method: 'POST', url: '/login', headers, cookies: { ipclue_login_csrf: csrf }, payload: form({ _csrf: 'forged' }) });
    expect(forged.statusCode).toBe(403);
    const ok = await w.app.inject({ method: 'POST', url: '/login', headers, cookies: { ipclue_login_csrf: csrf }, payload: form({ _csrf: csrf, next: '//evil.example/' }) });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/');
    const session = cookieOf(ok, 'ipclue_session')!;
    const home = await w.app.inject({ method: 'GET', url: '/', cookies: { ipclue_session: session } });
    expect(home.statusCode).toBe(200);
  });
});

describe('DEMO mode', () => {
  it('anonymous reads run as the read-only demo viewer; writes still need a login', async () => {
    const ctx = await createTestContext(w.t, { DEMO: 'true' });
    const app = await buildServer(ctx, { logger: false });
    try {
      const alerts = await app.inject({ method: 'GET', url: '/api/alerts' });
      expect(alerts.statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/api/auth/me' })).json()).toMatchObject({ role: 'viewer', via: 'demo' });
      expect((await app.inject({ method: 'GET', url: '/api/marks' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
      const write = await app.inject({ method: 'POST', url: '/api/markets', payload: { name: 'x', channel: 'market', reason: 'y' } });
      expect(write.statusCode).toBe(401);
    } finally {
      await app.close();
      await ctx.close();
    }
  });
});

describe('ipclue user', () => {
  it('`user create` makes a user with a generated password that logs in; `user token` prints a working token', async () => {
    const env = { ...w.t.env, DEMO: 'false', LOG_LEVEL: 'silent' };
    const created = runIpclue(['user', 'create', '--email', 'first@example.cn', '--name', '首位管理员', '--role', 'admin'], env);
    expect((await created.exited).code).toBe(0);
    const password = /password: (\S+)/.exec(created.stdout())?.[1];
    expect(password).toBeTruthy();
    const login = await w.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'first@example.cn', password } });
    expect(login.json().user).toMatchObject({ role: 'admin', name: '首位管理员' });
    const tok = runIpclue(['user', 'token', '--email', 'first@example.cn'], env);
    expect((await tok.exited).code).toBe(0);
    const token = /(ipc_\S+)/.exec(tok.stdout())![1];
    const me = await w.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.json().email).toBe('first@example.cn');
    const noOrg = runIpclue(['user', 'create', '--email', 'rh2@example.cn', '--name', 'x', '--role', 'rights_holder'], env);
    expect((await noOrg.exited).code).toBe(2);
    expect(noOrg.stderr()).toMatch(/--org/);
  });
});
