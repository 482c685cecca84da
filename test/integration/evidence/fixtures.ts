// A confirmed-alert scenario for the evidence tests: a rights holder and registered mark, a
// local source, a seller with identities, a listing pointing at a local test page, an alert.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import type { Database } from '../../../src/db/schema.ts';

let counter = 0;

export async function seedAlert(
  db: Kysely<Database>,
  opts: { url: string; status?: 'new' | 'confirmed'; title?: string; price?: string },
): Promise<{ alertId: string; listingId: string; sellerId: string; markId: string }> {
  const n = ++counter;
  const rh = await db
    .insertInto('rights_holders')
    .values({ name: `耐克创新有限合伙公司 ${n}`, credit_code: '91110000MA00000X1' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const mark = await db
    .insertInto('marks')
    .values({
      kind: 'mark',
      name: '耐克',
      aliases: JSON.stringify(['NIKE']),
      registration_no: `第${1000000 + n}号`,
      nice_classes: JSON.stringify([25]),
      rights_holder_id: rh.id,
      status: 'active',
      details: JSON.stringify({}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const source = await db
    .insertInto('sources')
    .values({ slug: `test-mall-${n}-${Date.now()}`, name: '测试商城', channel: 'ecommerce', country: 'CN', local: true, definition: JSON.stringify({}) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const seller = await db
    .insertInto('sellers')
    .values({ platform: 'test-mall', external_id: `shop-${n}`, name: '潮牌折扣店', location: '河南省郑州市', region_code: '410100' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('seller_identities')
    .values([
      { seller_id: seller.id, kind: 'company_name', value: '郑州某某商贸有限公司' },
      { seller_id: seller.id, kind: 'phone', value: '0371-12345678' },
    ])
    .execute();
  const listing = await db
    .insertInto('listings')
    .values({
      source_id: source.id,
      external_id: `item-${n}`,
      url: opts.url,
      title: opts.title ?? '耐克 NIKE 空军一号 高仿 1:1 原单',
      price: opts.price ?? '99.00',
      currency: 'CNY',
      seller_id: seller.id,
      seller_name: '潮牌折扣店',
      images: JSON.stringify([]),
      raw: JSON.stringify({ sales: '1200+人付款' }),
      content_hash: `h${n}`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const alert = await db
    .insertInto('alerts')
    .values({
      listing_id: listing.id,
      mark_id: mark.id,
      score: 92,
      level: 'high',
      status: opts.status ?? 'confirmed',
      match_kind: 'exact',
      matched_text: '耐克',
      reasons: JSON.stringify([{ code: 'replica_cue', points: 30, text: '标题含“高仿”“1:1”“原单”' }]),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { alertId: String(alert.id), listingId: String(listing.id), sellerId: String(seller.id), markId: String(mark.id) };
}

export interface TestSite {
  base: string;
  close(): Promise<void>;
}

/** a small local site: a product page, a redirect to it, a page that never finishes, 404, 410, a huge page */
export async function startTestSite(): Promise<TestSite> {
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/item/1') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-test': 'evidence' });
      res.end(`<!doctype html><html><head><meta charset="utf-8"><title>耐克空军一号</title></head>
<body style="margin:0;font-family:'Noto Sans CJK SC',sans-serif">
<div style="background:#e4393c;color:#fff;padding:24px;font-size:32px">潮牌折扣店 · 耐克 NIKE 空军一号 高仿 1:1</div>
<div style="padding:24px;font-size:24px">价格 <b style="color:#e4393c">¥99.00</b> 月销 1200+</div>
<div style="height:1400px;background:linear-gradient(#fff,#369)"></div></body></html>`);
      return;
    }
    if (url === '/go') {
      res.writeHead(302, { location: '/item/1' });
      res.end();
      return;
    }
    if (url === '/slow') {
      // headers and the start of the page, then nothing: the page never finishes loading
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.write('<!doctype html><html><body><h1 style="font-size:40px">加载中的商品页</h1>');
      return;
    }
    if (url === '/huge') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      const row = '<p>耐克 高仿 1:1 原单 批发 耐克 高仿 1:1 原单 批发</p>\n';
      res.end(`<!doctype html><html><body>${row.repeat(4000)}</body></html>`);
      return;
    }
    if (url === '/removed') {
      res.writeHead(410, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<h1>商品已下架</h1>');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<h1>404 页面不存在</h1>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
