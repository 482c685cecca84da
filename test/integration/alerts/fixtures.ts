// A small world for the review tests: two sources, two rights holders with one mark each,
// staff and rights-holder users with API tokens, and helpers to add listings and alerts.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../src/context.ts';
import { upsertSource } from '../../../src/sources/source.repository.ts';
import { upsertListings, type ListingInput } from '../../../src/listings/listing.repository.ts';
import { createApiToken, createUser } from '../../../src/auth/user.repository.ts';
import { ingestAlert } from '../../../src/alerts/alert.service.ts';
import type { Reason } from '../../../src/alerts/alert.repository.ts';

export interface World {
  shop: { id: string };
  fair: { id: string };
  markA: string;
  markB: string;
  users: Record<'admin' | 'reviewer' | 'reviewer2' | 'holderA' | 'holderB', { id: string; token: string; rightsHolderId: string | null }>;
}

let n = 0;
export const listing = (over: Partial<ListingInput> = {}): ListingInput => {
  n++;
  return {
    externalId: `item-${n}`,
    url: `http://127.0.0.1/item/${n}`,
    title: `康帅傅 红烧牛肉面 整箱 ${n}`,
    price: 19.9,
    currency: 'CNY',
    sellerName: '某某食品店',
    sellerId: 'shop-9',
    sellerLocation: '河南 郑州',
    regionCode: '410100',
    countryCode: 'CN',
    images: [],
    category: '方便面',
    raw: {},
    ...over,
  };
};

export async function seedWorld(ctx: AppContext): Promise<World> {
  const { db } = ctx;
  const shop = await upsertSource(db, { slug: 'shop-a', name: '演示商城A', channel: 'ecommerce', country: 'CN', enabled: true, local: true, definition: {} });
  const fair = await upsertSource(db, { slug: 'fair-b', name: '演示展会B', channel: 'exhibition', country: 'CN', enabled: true, local: true, definition: {} });
  const mk = async (email: string, role: 'admin' | 'reviewer' | 'rights_holder', org?: string) => {
    const u = await createUser(db, { email, name: email.split('@')[0], role, password: 'correct horse battery', org });
    const t = await createApiToken(db, u.id, 'test');
    return { id: u.id, token: t.token, rightsHolderId: u.rightsHolderId };
  };
  const users = {
    admin: await mk('admin@test.cn', 'admin'),
    reviewer: await mk('reviewer@test.cn', 'reviewer'),
    reviewer2: await mk('reviewer2@test.cn', 'reviewer'),
    holderA: await mk('a@holder-a.cn', 'rights_holder', '康师傅控股'),
    holderB: await mk('b@holder-b.cn', 'rights_holder', '可口可乐'),
  };
  const markA = await db
    .insertInto('marks')
    .values({ kind: 'mark', name: '康师傅', aliases: '[]', nice_classes: '[30]', rights_holder_id: users.holderA.rightsHolderId, status: 'active', status_reason: null, registration_no: '123456', details: JSON.stringify({ referencePrices: [{ currency: 'CNY', min: 40, max: 60 }] }) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const markB = await db
    .insertInto('marks')
    .values({ kind: 'mark', name: '雪碧', aliases: '[]', nice_classes: '[32]', rights_holder_id: users.holderB.rightsHolderId, status: 'active', status_reason: null, registration_no: '654321', details: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { shop: { id: String(shop.id) }, fair: { id: String(fair.id) }, markA: String(markA.id), markB: String(markB.id), users };
}

export async function addListing(ctx: AppContext, sourceId: string, over: Partial<ListingInput> = {}, platform = 'demo'): Promise<string> {
  const [l] = await upsertListings(ctx.db, sourceId, platform, [listing(over)]);
  return l.id;
}

export const defaultReasons: Reason[] = [{ code: 'name.visual', points: 50, text: "'康帅傅' 与 '康师傅' 字形近似" }];

export async function addAlert(ctx: AppContext, listingId: string, markId: string, score = 80, reasons: Reason[] = defaultReasons) {
  return ingestAlert(ctx.db, { listingId, markId, score, level: 'low', matchKind: 'visual', matchedText: '康帅傅', reasons });
}

export function call(app: FastifyInstance<any, any, any, any, any>, token: string | null) {
  const req = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) => {
    const res = await app.inject({
      method,
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: res.statusCode, body: res.headers['content-type']?.toString().includes('json') ? res.json() : res.body, raw: res };
  };
  return {
    get: (url: string) => req('GET', url),
    post: (url: string, body: unknown = {}) => req('POST', url, body),
    put: (url: string, body: unknown) => req('PUT', url, body),
    del: (url: string) => req('DELETE', url),
  };
}
