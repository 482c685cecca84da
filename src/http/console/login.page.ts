// The console login (登录) and logout. The login form is protected by a double-submit token: a
// random value in a SameSite cookie that the form must echo back (there is no session yet).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { html } from '../html.ts';
import { layout } from './layout.ts';
import { AppError } from '../../errors.ts';
import { SESSION_COOKIE, cookieOptions } from '../../auth/auth.plugin.ts';
import { randomSecret, safeEqual } from '../../auth/tokens.ts';
import { SESSION_TTL_MS, createSession, deleteSession } from '../../auth/user.repository.ts';
import { authenticate } from '../api/auth.routes.ts';

const LOGIN_CSRF_COOKIE = 'ipclue_login_csrf';

/** only same-site paths: an open redirect would make the login page a phishing tool */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}

function loginForm(csrf: string, next: string, error?: string, email = '') {
  return layout(
    '登录',
    html`<h2>登录</h2>
${error ? html`<p class="error" role="alert" style="color:#b42318">${error}</p>` : ''}
<form method="post" action="/login" style="max-width:360px;display:grid;gap:10px">
  <input type="hidden" name="_csrf" value="${csrf}">
  <input type="hidden" name="next" value="${next}">
  <label>邮箱 <input name="email" type="email" required autocomplete="username" value="${email}" style="width:100%"></label>
  <label>密码 <input name="password" type="password" required autocomplete="current-password" style="width:100%"></label>
  <button type="submit">登录</button>
</form>
<p class="muted">账号由管理员通过 <code>ipclue user create</code> 创建。</p>`,
  );
}

export async function loginPages(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;

  app.get('/login', { schema: { hide: true } }, async (req, reply) => {
    const csrf = randomSecret(24);
    reply.setCookie(LOGIN_CSRF_COOKIE, csrf, cookieOptions(req, 3600));
    const next = safeNext((req.query as { next?: string }).next);
    return reply.type('text/html; charset=utf-8').send(loginForm(csrf, next).value);
  });

  app.post('/login', { schema: { hide: true } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    const cookieToken = req.cookies[LOGIN_CSRF_COOKIE];
    const fresh = randomSecret(24);
    reply.setCookie(LOGIN_CSRF_COOKIE, fresh, cookieOptions(req, 3600));
    const page = (status: number, msg: string) =>
      reply.status(status).type('text/html; charset=utf-8').send(loginForm(fresh, next, msg, typeof body.email === 'string' ? body.email : '').value);
    if (!cookieToken || typeof body._csrf !== 'string' || !safeEqual(body._csrf, cookieToken)) {
      return page(403, '页面已过期，请重新提交 (form expired: please try again)');
    }
    try {
      const u = await authenticate(ctx, String(body.email ?? ''), String(body.password ?? ''));
      const s = await createSession(ctx.db, u.id);
      reply.setCookie(SESSION_COOKIE, s.token, cookieOptions(req, SESSION_TTL_MS / 1000));
      reply.clearCookie(LOGIN_CSRF_COOKIE, { path: '/' });
      return reply.redirect(next, 303);
    } catch (err) {
      if (err instanceof AppError && err.code === 'unauthorized') return page(401, '邮箱或密码错误');
      throw err;
    }
  });

  app.post('/logout', { schema: { hide: true } }, async (req, reply) => {
    const sid = req.cookies[SESSION_COOKIE];
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (sid && req.user?.via === 'session') {
      if (typeof body._csrf !== 'string' || !req.user.csrfToken || !safeEqual(body._csrf, req.user.csrfToken)) {
        throw new AppError('forbidden', 'CSRF token missing or wrong', '_csrf');
      }
      await deleteSession(ctx.db, sid);
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login', 303);
  });
}
