// Shared set-up for the source tests: a server on the test's own database with the crawler's
// source routes plugged in (as bin/ipclue.ts does), an admin and a reviewer with API tokens, and
// a console login that returns the session cookie and its CSRF token.
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { AppContext } from '../../../src/context.ts';
import { buildServer } from '../../../src/http/server.ts';
import { createApiToken, createUser } from '../../../src/auth/user.repository.ts';
import { sourceRoutes } from '../../../crawlers/http/sources.routes.ts';
import { crawlNow } from '../../../jobs/scheduler.ts';
import { createTestContext, createTestEnv, type TestEnv } from '../../helpers/services.ts';

export type As = 'anonymous' | 'admin' | 'reviewer';

export interface World {
  t: TestEnv;
  ctx: AppContext;
  app: FastifyInstance;
  tokens: Record<Exclude<As, 'anonymous'>, string>;
  close(): Promise<void>;
}

export const PASSWORD = 'correct horse battery';

export async function createWorld(): Promise<World> {
  const t = await createTestEnv();
  const ctx = await createTestContext(t, { DEMO: 'false' });
  const app = await buildServer(ctx, { logger: false, plugins: [sourceRoutes({ ctx, crawlNow: (id) => crawlNow(ctx, id) })] });
  const tokens = {} as World['tokens'];
  for (const role of ['admin', 'reviewer'] as const) {
    const u = await createUser(ctx.db, { email: `${role}@example.cn`, name: role, password: PASSWORD, role });
    tokens[role] = (await createApiToken(ctx.db, u.id, 'test')).token;
  }
  return {
    t, ctx, app, tokens,
    async close() {
      await app.close();
      await ctx.close();
      await t.cleanup();
    },
  };
}

export function call(w: World, as: As, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (as !== 'anonymous') headers.authorization = `Bearer ${w.tokens[as]}`;
  return w.app.inject({ method, url, headers, payload: body as any });
}

export interface Session {
  cookie: string;
  csrf: string;
}

export async function login(w: World, email: string): Promise<Session> {
  const page = await w.app.inject({ method: 'GET', url: '/login' });
  const loginCsrf = page.cookies.find((c) => c.name === 'ipclue_login_csrf')!.value;
  const res = await w.app.inject({
    method: 'POST', url: '/login', cookies: { ipclue_login_csrf: loginCsrf },
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ email, password: PASSWORD, _csrf: loginCsrf, next: '/sources' }).toString(),
  });
  expect(res.statusCode).toBe(303);
  const cookie = res.cookies.find((c) => c.name === 'ipclue_session')!.value;
  const list = await w.app.inject({ method: 'GET', url: '/sources', cookies: { ipclue_session: cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(list.body)![1];
  return { cookie, csrf };
}

export function get(w: World, s: Session, url: string) {
  return w.app.inject({ method: 'GET', url, cookies: { ipclue_session: s.cookie } });
}

export function postForm(w: World, s: Session, url: string, form: Record<string, string>, csrf = s.csrf) {
  return w.app.inject({
    method: 'POST', url, cookies: { ipclue_session: s.cookie },
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ ...form, _csrf: csrf }).toString(),
  });
}

/** a valid public source definition */
export const aSource = (over: Record<string, unknown> = {}) => ({
  id: 'shop-example',
  name: '示例商城',
  channel: 'ecommerce',
  country: 'CN',
  platform: 'example',
  baseUrl: 'https://shop.example.com/',
  startUrls: ['https://shop.example.com/list?page=1'],
  extract: {
    type: 'css',
    item: '.item',
    fields: { externalId: { selector: 'a', attr: 'data-id' }, title: '.title', price: { selector: '.price', transform: 'price' } },
  },
  schedule: { cron: '0 */6 * * *' },
  ...over,
});
