// Shared set-up for the watchlist tests: a server on the test's own database, one user per
// role (two rights-holder organisations), each with an API token.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../src/context.ts';
import { buildServer } from '../../../src/http/server.ts';
import { createApiToken, createUser } from '../../../src/auth/user.repository.ts';
import { createTestContext, createTestEnv, type TestEnv } from '../../helpers/services.ts';

export type As = 'anonymous' | 'admin' | 'reviewer' | 'holderA' | 'holderB';

export interface World {
  t: TestEnv;
  ctx: AppContext;
  app: FastifyInstance;
  tokens: Record<Exclude<As, 'anonymous'>, string>;
  users: Record<Exclude<As, 'anonymous'>, { id: string; rightsHolderId: string | null }>;
  orgA: string;
  orgB: string;
  close(): Promise<void>;
}

export const PASSWORD = 'correct horse battery';

export async function createWorld(env: Record<string, string> = {}): Promise<World> {
  const t = await createTestEnv();
  const ctx = await createTestContext(t, { DEMO: 'false', ...env });
  const app = await buildServer(ctx, { logger: false });
  const specs = {
    admin: { role: 'admin' as const },
    reviewer: { role: 'reviewer' as const },
    holderA: { role: 'rights_holder' as const, org: '甲食品有限公司' },
    holderB: { role: 'rights_holder' as const, org: '乙茶业有限公司' },
  };
  const tokens = {} as World['tokens'];
  const users = {} as World['users'];
  for (const [k, s] of Object.entries(specs) as [keyof typeof specs, (typeof specs)[keyof typeof specs]][]) {
    const u = await createUser(ctx.db, { email: `${k}@example.cn`, name: k, password: PASSWORD, ...s });
    users[k] = { id: u.id, rightsHolderId: u.rightsHolderId };
    tokens[k] = (await createApiToken(ctx.db, u.id, 'test')).token;
  }
  return {
    t, ctx, app, tokens, users,
    orgA: users.holderA.rightsHolderId!,
    orgB: users.holderB.rightsHolderId!,
    async close() {
      await app.close();
      await ctx.close();
      await t.cleanup();
    },
  };
}

export function call(w: World, as: As, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (as !== 'anonymous') headers.authorization = `Bearer ${w.tokens[as]}`;
  return w.app.inject({ method, url, headers, payload: body as any });
}

export const aMark = (over: Record<string, unknown> = {}) => ({
  name: '康师傅',
  aliases: ['Master Kong', 'kangshifu'],
  registrationNo: '1234567',
  niceClasses: [30],
  keywords: ['方便面', '红烧牛肉面'],
  referencePrices: [{ currency: 'CNY', min: 3, max: 6 }],
  authorisedSellers: [{ platform: 'tmall', sellerName: '康师傅官方旗舰店' }],
  channels: ['ecommerce'],
  countries: ['CN'],
  ...over,
});

export const aGi = (over: Record<string, unknown> = {}) => ({
  name: '信阳毛尖',
  aliases: ['Xinyang Maojian'],
  niceClasses: [30],
  keywords: ['绿茶'],
  gi: { regionCodes: ['411502', '411521'], category: '茶叶', seasonMonths: [4, 5, 6], producers: ['信阳市某茶业合作社'] },
  ...over,
});
