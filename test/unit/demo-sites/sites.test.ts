// The demo sites answer deterministically, with the structure each one is meant to have: mall
// pages up to 2000, a GBK fair, a JavaScript-rendered wholesale market, a JSON-LD overseas shop.
import * as cheerio from 'cheerio';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { demoSites } from '../../../seeds/demo-sites/index.ts';
import { MALL_PAGES, mallPageItems } from '../../../seeds/demo-sites/mall/site.ts';
import { get, renderWholesale, text } from './helpers.ts';


describe('every demo site', () => {
  const firstPages: Record<string, string> = {
    mall: '/list?page=1',
    fair: '/exhibitors/list_1.html',
    wholesale: '/stalls?page=1',
    overseas: '/products?page=1',
    gazette: '/filings?page=1',
    docket: '/cases',
  };

  it('has one site per channel (two for ecommerce), with the expected names', () => {
    expect(Object.keys(demoSites).sort()).toEqual(['docket', 'fair', 'gazette', 'mall', 'overseas', 'wholesale']);
    expect(new Set(Object.values(demoSites).map((s) => s.channel))).toEqual(new Set(['ecommerce', 'exhibition', 'market', 'trademark-gazette', 'case-docket']));
    for (const [key, s] of Object.entries(demoSites)) expect(s.name).toBe(key);
  });

  it.each(Object.keys(firstPages))('%s answers its pages deterministically', (name) => {
    const a = get(name, firstPages[name]!);
    const b = get(name, firstPages[name]!);
    expect(a.status).toBe(200);
    expect(Buffer.compare(Buffer.from(a.body), Buffer.from(b.body))).toBe(0);
    expect(a.headers['content-type']).toMatch(/^text\/html; charset=/);
  });

  it.each(Object.keys(firstPages))('%s serves robots.txt that disallows /admin only', (name) => {
    const r = get(name, '/robots.txt');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    expect(text(r)).toMatch(/User-agent: \*/);
    expect(text(r)).toMatch(/^Disallow: \/admin$/m);
    expect(text(r)).not.toMatch(/^Disallow: \/$/m);
  });

  it.each(Object.keys(firstPages))('%s answers 404 for unknown paths and 403 for /admin', (name) => {
    expect(get(name, '/no-such-page').status).toBe(404);
    expect(get(name, '/item/zzz/deeper.html').status).toBe(404);
    expect(get(name, '/admin').status).toBe(403);
  });

  it.each(Object.keys(firstPages))('%s uses only relative links', (name) => {
    const r = get(name, firstPages[name]!);
    const body = name === 'fair' ? iconv.decode(r.body as Buffer, 'gbk') : text(r);
    const $ = cheerio.load(body);
    const urls = [...$('a[href]').map((_i, el) => $(el).attr('href')!), ...$('img[src]').map((_i, el) => $(el).attr('src')!), ...$('form[action]').map((_i, el) => $(el).attr('action')!)];
    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) expect(u, u).not.toMatch(/^(\/|[a-z]+:)/i);
  });

  it.each(Object.keys(firstPages))('%s redirects the bare mount point to the trailing-slash home', (name) => {
    const r = get(name, '');
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe(`${name}/`);
    expect(get(name, '/').status).toBe(200);
  });
});

describe('mall', () => {
  it('serves 2,000 pages of 40 distinct listings, and 404 past the end', () => {
    expect(MALL_PAGES).toBeGreaterThanOrEqual(2000);
    const last = get('mall', '/list?page=2000');
    expect(last.status).toBe(200);
    const $ = cheerio.load(text(last));
    expect($('li.item-card').length).toBe(40);
    expect($('a.next').length).toBe(0);
    expect($('a.prev').attr('href')).toBe('list?page=1999');
    expect(get('mall', '/list?page=2001').status).toBe(404);
    expect(get('mall', '/list?page=0').status).toBe(404);
    expect(get('mall', '/list?page=abc').status).toBe(404);
  });

  it('gives every listing across the pages a distinct id', () => {
    const ids = new Set<string>();
    for (const p of [1, 2, 3, 500, 1999, 2000]) for (const i of mallPageItems(p)) ids.add(i.id);
    expect(ids.size).toBe(6 * 40);
  });

  it('has a next link, sponsored cards, several price formats and shop locations', () => {
    const $ = cheerio.load(text(get('mall', '/list?page=1')));
    expect($('a.next').attr('href')).toBe('list?page=2');
    expect($('li.item-card .ad-tag').length).toBeGreaterThan(0);
    const prices = new Set<string>();
    for (let p = 1; p <= 5; p++) {
      const $p = cheerio.load(text(get('mall', `/list?page=${p}`)));
      $p('.price').each((_i, el) => {
        prices.add($p(el).text());
      });
    }
    const all = [...prices];
    expect(all.some((x) => /^¥\d+\.\d\d$/.test(x))).toBe(true);
    expect(all.some((x) => /^￥\d{1,3}(,\d{3})+$/.test(x))).toBe(true);
    expect(all.some((x) => /^\d+(\.\d+)?元$/.test(x))).toBe(true);
    expect(all.some((x) => /^¥\d+-\d+$/.test(x))).toBe(true);
    expect(all).toContain('面议');
    expect($('.shop-row .loc').first().text()).toMatch(/^\S+ \S+/);
  });

  it('searches UTF-8 terms, pages the results and finds the variants the matcher must catch', () => {
    const r = get('mall', `/search?q=${encodeURIComponent('康帅傅')}`);
    expect(r.status).toBe(200);
    const $ = cheerio.load(text(r));
    const titles = $('a.title').map((_i, el) => $(el).text()).get();
    expect(titles.length).toBeGreaterThan(0);
    for (const t of titles) expect(t).toContain('康帅傅');
    const none = cheerio.load(text(get('mall', `/search?q=${encodeURIComponent('不存在的商品xyz')}`)));
    expect(none('li.item-card').length).toBe(0);
    const broad = cheerio.load(text(get('mall', `/search?q=${encodeURIComponent('NIKE')}`)));
    expect(broad('li.item-card').length).toBe(40);
    expect(broad('a.next').attr('href')).toBe(`search?q=NIKE&page=2`);
  });

  it('serves item and shop pages for listed items, 404 for made-up ids', () => {
    const item = mallPageItems(3)[7]!;
    const r = get('mall', `/item/${item.id}.html`);
    expect(r.status).toBe(200);
    const $ = cheerio.load(text(r));
    expect($('h1.item-title').text()).toBe(item.title);
    expect($('.shop-info a.shop').attr('href')).toBe(`../shop/${item.shop.id}.html`);
    expect(get('mall', `/shop/${item.shop.id}.html`).status).toBe(200);
    expect(get('mall', `/item/${String(Number(item.id) + 1)}.html`).status).toBe(404);
    expect(get('mall', '/item/999999999999.html').status).toBe(404);
    expect(get('mall', '/img/p1.svg').headers['content-type']).toMatch(/svg/);
  });
});

describe('fair', () => {
  it('is GBK-encoded: header, meta and bytes', () => {
    const r = get('fair', '/exhibitors/list_1.html');
    expect(r.headers['content-type']).toBe('text/html; charset=gbk');
    expect(Buffer.isBuffer(r.body)).toBe(true);
    const bytes = r.body as Buffer;
    const decoded = iconv.decode(bytes, 'gbk');
    expect(decoded).toContain('<meta charset="gbk">');
    expect(decoded).toContain('展商名录');
    expect(decoded).toContain('统一社会信用代码');
    expect(decoded).toContain('康师傅红烧牛肉面');
    const asUtf8 = bytes.toString('utf8');
    expect(asUtf8).not.toContain('展商名录');
    expect(asUtf8).not.toContain('康师傅');
    // every character survived the encoding (nothing became "?")
    expect(iconv.encode(decoded, 'gbk').equals(bytes)).toBe(true);
    expect(decoded).not.toContain('\ufffd');
  });

  it('lists exhibitors with booths, companies and credit codes where shown, paged by next link', () => {
    const $ = cheerio.load(iconv.decode(get('fair', '/exhibitors/list_1.html').body as Buffer, 'gbk'));
    expect($('tr.exh').length).toBe(12);
    expect($('tr.exh td.booth').first().text()).toMatch(/号馆 [A-Z]\d{3}/);
    const codes = $('td.uscc').map((_i, el) => $(el).text()).get();
    expect(codes.some((c) => /^[0-9A-HJ-NPQRTUWXY]{18}$/.test(c))).toBe(true);
    expect(codes).toContain('未公示');
    expect($('.pages a.next').attr('href')).toBe('list_2.html');
    const last = cheerio.load(iconv.decode(get('fair', '/exhibitors/list_3.html').body as Buffer, 'gbk'));
    expect(last('.pages a.next').length).toBe(0);
    expect(get('fair', '/exhibitors/list_4.html').status).toBe(404);
    const detail = get('fair', '/exhibitors/E2026010.html');
    expect(detail.status).toBe(200);
    expect(iconv.decode(detail.body as Buffer, 'gbk')).toContain('周口市康帅傅食品有限公司');
  });

  it('encodes every page in GBK, the 404 page included', () => {
    for (const p of ['/', '/about.html', '/exhibitors/list_2.html', '/nope']) {
      const r = get('fair', p);
      expect(r.headers['content-type']).toMatch(/charset=gbk/);
      const decoded = iconv.decode(r.body as Buffer, 'gbk');
      expect(iconv.encode(decoded, 'gbk').equals(r.body as Buffer)).toBe(true);
    }
  });
});

describe('wholesale', () => {
  it('keeps the stalls out of the static DOM: only the inline state blob has them', () => {
    const body = text(get('wholesale', '/stalls?page=1'));
    expect(body).toContain('window.__INITIAL_STATE__ = ');
    expect(body).toContain('康帅傅方便面');
    const $ = cheerio.load(body);
    $('script').remove();
    expect($('#stall-list').children().length).toBe(0);
    expect($('.stall-card').length).toBe(0);
    expect($('body').text()).not.toContain('康帅傅');
    expect($('body').text()).not.toContain('康师傅');
    expect($('a.next').length).toBe(0);
  });

  it('renders the stalls when its script runs (what a browser sees)', () => {
    const rendered = renderWholesale('/stalls?page=1');
    const $ = cheerio.load(rendered);
    expect($('.stall-card').length).toBe(13);
    expect($('.stall-card a.title').first().text()).toBe('康师傅红烧牛肉面 整箱24袋 批发 正品授权 义乌现货');
    expect($('#pager a.next').attr('href')).toBe('stalls?page=2');
    expect(cheerio.load(renderWholesale('/stalls?page=2'))('#pager a.next').length).toBe(0);
    expect(get('wholesale', '/stalls?page=3').status).toBe(404);
    expect(cheerio.load(renderWholesale('/stall/YW2026007.html'))('.stall-card .title').text()).toContain('康帅傅');
  });

  it('escapes markup inside the state blob', () => {
    const body = text(get('wholesale', '/stalls?page=1'));
    const blob = /window\.__INITIAL_STATE__ = (.*?);<\/script>/s.exec(body)![1]!;
    expect(blob).not.toContain('</');
    expect(JSON.parse(blob).list.items).toHaveLength(13);
  });
});

describe('overseas', () => {
  it('publishes a schema.org ItemList of Products with USD offers and shows "US $" prices', () => {
    const body = text(get('overseas', '/products?page=1'));
    const $ = cheerio.load(body);
    const ld = JSON.parse($('script[type="application/ld+json"]').text());
    expect(ld['@type']).toBe('ItemList');
    expect(ld.itemListElement.length).toBe($('li.product').length);
    const first = ld.itemListElement[0].item;
    expect(first['@type']).toBe('Product');
    expect(first.offers.priceCurrency).toBe('USD');
    expect(first.offers.seller.name).toBeTruthy();
    expect($('.price').first().text()).toMatch(/^US \$\d+\.\d\d$/);
    expect($('nav.pagination a.next').attr('href')).toBe('products?page=2');
    expect(get('overseas', '/products?page=3').status).toBe(404);
  });

  it('has sellers in China and abroad, and the English knock-offs the matcher must catch', () => {
    const all = [1, 2].map((p) => text(get('overseas', `/products?page=${p}`))).join('\n');
    expect(all).toMatch(/Ships from [^<]*China/);
    expect(all).toMatch(/Ships from [^<]*United States/);
    for (const s of ['N1KE', 'adidos', 'Replica', '1:1', 'Inspired by', 'Xinyang Maojian', 'Lao Gan Ma']) expect(all).toContain(s);
  });

  it('searches and serves item pages with Product JSON-LD', () => {
    const $ = cheerio.load(text(get('overseas', '/search?q=longjing')));
    expect($('li.product').length).toBe(3);
    const item = get('overseas', '/item/3265987427');
    expect(item.status).toBe(200);
    const ld = JSON.parse(cheerio.load(text(item))('script[type="application/ld+json"]').text());
    expect(ld).toMatchObject({ '@type': 'Product', sku: '3265987427', name: 'N1KE Air Max 270 Running Shoes Men Women Sneakers' });
    expect(get('overseas', '/item/0000000000').status).toBe(404);
  });
});
