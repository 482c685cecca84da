// Who is asking, for every request: a console session cookie or an `Authorization: Bearer`
// API token resolves `req.user`. The policy for the whole app lives here too:
//  - every /api/* route except /api/docs and /api/auth/login needs a user;
//  - the console needs a user (anonymous visitors are sent to /login);
//  - with DEMO on, anonymous *reads* run as the built-in read-only demo viewer, so
//    `curl localhost:3000/api/alerts` works out of the box; writes still need a login;
//  - a write made with a session cookie must carry the session's CSRF token (form field
//    `_csrf` or header `x-csrf-token`); bearer-token requests are not CSRF-prone.
// Per-route roles: `preHandler: requireRole('admin', 'reviewer')`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { DEMO_VIEWER, type AuthUser } from './auth.types.ts';
import { userForApiToken, userForSession } from './user.repository.ts';
import { safeEqual } from './tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthUser | null;
  }
}

export const SESSION_COOKIE = 'ipclue_session';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** paths anyone may use: docs, login, health, robots, the demo marketplaces the crawlers fetch */
function isPublic(path: string): boolean {
  return (
    path === '/health' ||
    path === '/robots.txt' ||
    path === '/login' ||
    path === '/logout' ||
    path === '/api/auth/login' ||
    path === '/api/docs' ||
    path.startsWith('/api/docs/') ||
    path.startsWith('/demo/') ||
    path === '/favicon.ico'
  );
}

export function cookieOptions(req: FastifyRequest, maxAgeSec?: number) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: req.protocol === 'https', maxAge: maxAgeSec };
}

async function resolveUser(ctx: AppContext, req: FastifyRequest): Promise<AuthUser | null> {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    const user = m ? await userForApiToken(ctx.db, m[1]) : undefined;
    // a wrong token is an error, not a silent fall back to anonymous
    if (!user) throw new AppError('unauthorized', 'invalid or revoked API token');
    return user;
  }
  const sid = req.cookies[SESSION_COOKIE];
  if (sid) return (await userForSession(ctx.db, sid)) ?? null;
  return null;
}

export const authPlugin = fp(async (app: FastifyInstance, opts: { ctx: AppContext }) => {
  const { ctx } = opts;
  await app.register(cookie);
  app.decorateRequest('user', null);

  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0];
    req.user = await resolveUser(ctx, req);
    if (req.user || isPublic(path)) return;
    const api = path.startsWith('/api/');
    if (ctx.config.DEMO && SAFE.has(req.method)) {
      req.user = DEMO_VIEWER;
      return;
    }
    if (api) throw new AppError('unauthorized', '需要登录 (login required): use a session or an Authorization: Bearer token');
    if (SAFE.has(req.method)) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
    throw new AppError('unauthorized', '需要登录 (login required)');
  });

  // after body parsing, so a form's _csrf field can be read
  app.addHook('preValidation', async (req) => {
    const u = req.user;
    if (!u || u.via !== 'session' || SAFE.has(req.method) || isPublic(req.url.split('?')[0])) return;
    const sent = (req.headers['x-csrf-token'] as string | undefined) ?? (req.body as { _csrf?: unknown } | undefined)?._csrf;
    if (typeof sent !== 'string' || !u.csrfToken || !safeEqual(sent, u.csrfToken)) {
      throw new AppError('forbidden', 'CSRF token missing or wrong: reload the page and try again', '_csrf');
    }
  });
});

/** preHandler: the request's user must have one of these roles (`viewer` = demo read-only) */
export function requireRole(...roles: AuthUser['role'][]) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const u = req.user;
    if (!u) throw new AppError('unauthorized', '需要登录 (login required)');
    if (!roles.includes(u.role)) {
      if (u.role === 'viewer') throw new AppError('unauthorized', '演示访客只读，请登录后操作 (the demo viewer is read-only: log in)');
      throw new AppError('forbidden', `权限不足 (forbidden for role ${u.role})`);
    }
  };
}

/** the user of a request that passed requireRole */
export function currentUser(req: FastifyRequest): AuthUser {
  if (!req.user) throw new AppError('unauthorized', '需要登录 (login required)');
  return req.user;
}

/** rights holders see only their own organisation's data; everyone else sees all */
export function orgScope(user: AuthUser | null): string | undefined {
  return user?.role === 'rights_holder' ? (user.rightsHolderId ?? '-1') : undefined;
}
