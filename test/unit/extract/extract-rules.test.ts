import { describe, expect, it } from 'vitest';
import { extractDetail, extractListings, mergeDetail } from '../../../crawlers/extract/index.ts';
import { listingSchema } from '../../../crawlers/extract/listing.schema.ts';
import { sourceDefinitionSchema, type SourceDefinitionInput } from '../../../crawlers/sources/source.schema.ts';

const base = {
  id: 'demo',
  name: 'Demo',
  channel: 'ecommerce',
  country: 'CN',
  platform: 'Demo',
  baseUrl: 'https://shop.example.com/',
  defaultCurrency: 'CNY',
} as const;

const source = (over: Partial<SourceDefinitionInput>) => sourceDefinitionSchema.parse({ ...base, ...over });

const listPage = `<!doctype html><html><head><title>搜索</title></head><body>
<ul id="results">
  <li class="card" data-id="101"><a class="t" href="/item/101.html">耐克 Air Max 高仿 <b>正品</b></a>
    <span class="price">￥<!-- -->1,299<!-- -->.00</span><span class="loc">广东 深圳</span>
    <img src="//img.example.com/101.jpg"><img src="//img.example.com/101b.jpg"></li>
  <li class="card ad" data-id="102"><span class="tag">广告</span><a class="t" href="/item/102.html">赞助商品</a><span class="price">¥88</span></li>
  <li class="card" data-id="103"><a class="t" href="/item/103.html">无价格商品</a><span class="price">价格面议</span><span class="loc">浙江省义乌市</span></li>
  <li class="card" data-id="104"><span class="price">¥5</span></li>
</ul>
<a class="next" href="?page=2">下一页</a>
<div class="shop">卖家：<em>老王数码</em></div>
</body></html>`;

const cssSource = source({
  extract: {
    type: 'css',
    item: '#results li.card',
    sponsored: '.tag',
    fields: {
      externalId: { attr: 'data-id' },
      title: 'a.t',
      url: { selector: 'a.t', attr: 'href' },
      price: '.price',
      sellerLocation: '.loc',
      sellerName: { selector: '.shop em', scope: 'page' },
      images: { selector: 'img', attr: 'src', all: true },
      imageCount: { selector: 'img', attr: 'src', all: true, join: ',' },
      priceDigits: { selector: '.price', transform: 'int' },
    },
  },
  pagination: { nextSelector: 'a.next', maxPages: 3 },
});

describe('css extraction', () => {
  const result = extractListings({ url: 'https://shop.example.com/search?q=nike', body: listPage }, cssSource);

  it('reads every card, joining prices split by comments, resolving links and images', () => {
    expect(result.listings.map((l) => l.externalId)).toEqual(['101', '102', '103']);
    const [first] = result.listings;
    expect(first).toMatchObject({
      sourceId: 'demo',
      title: '耐克 Air Max 高仿 正品',
      url: 'https://shop.example.com/item/101.html',
      price: 1299,
      currency: 'CNY',
      sellerName: '老王数码',
      sellerLocation: '广东 深圳',
      countryCode: 'CN',
      images: ['https://img.example.com/101.jpg', 'https://img.example.com/101b.jpg'],
    });
    expect(first!.regionCode).toBe('440300');
    expect(first!.raw.priceDigits).toBe('1299');
    expect(first!.raw.imageCount).toBe('//img.example.com/101.jpg,//img.example.com/101b.jpg');
    for (const l of result.listings) expect(listingSchema.safeParse(l).success).toBe(true);
  });

  it('flags sponsored cards, gives null (not 0) for a card without a price, reports a card without title', () => {
    expect(result.listings.map((l) => l.raw.sponsored)).toEqual(['false', 'true', 'false']);
    expect(result.listings[2]).toMatchObject({ price: null, currency: null, regionCode: '330782' });
    expect(result.errors).toEqual(['item 4: no title and no url']);
  });

  it('follows the next-page link', () => {
    expect(result.nextPageUrl).toBe('https://shop.example.com/search?page=2');
  });

  it('drops skipped cards entirely', () => {
    const s = source({ extract: { type: 'css', item: 'li.card', skip: '.tag', fields: { title: 'a.t', url: { selector: 'a.t', attr: 'href' } } } });
    const r = extractListings({ url: 'https://shop.example.com/s', body: listPage }, s);
    expect(r.listings.map((l) => l.title)).toEqual(['耐克 Air Max 高仿 正品', '无价格商品']);
  });

  it('uses fallback rules in order and regex capture groups', () => {
    const s = source({
      extract: {
        type: 'css',
        item: 'li.card',
        fields: {
          title: [{ selector: '.missing' }, { selector: 'a.t', regex: '^(\\S+)' }],
          externalId: { selector: 'a.t', attr: 'href', regex: '/item/(\\d+)' },
          label: { const: 'fixed' },
        },
      },
    });
    const r = extractListings({ url: 'https://shop.example.com/s', body: listPage }, s);
    expect(r.listings[0]).toMatchObject({ title: '耐克', externalId: '101', raw: { label: 'fixed' } });
  });

  it('takes the first element whose value survives the regex, not just the first element', () => {
    const page = `<ul><li class="card"><a class="t" href="/item/7.html">七</a><span class="p">暂无</span><span class="p">约 ¥12</span><span class="p">¥13</span>
      <img src="/a.jpg"><img><img src="/b.jpg"></li></ul>`;
    const s = source({
      extract: {
        type: 'css',
        item: 'li.card',
        fields: {
          title: 'a.t',
          url: { selector: 'a.t', attr: 'href' },
          price: { selector: 'span.p', regex: '¥\\s*(\\d+)' },
          images: { selector: 'img', attr: 'src', all: true },
          firstImage: { selector: 'img', attr: 'src' },
          note: [{ selector: 'span.p', regex: 'none(\\d)' }, { selector: 'span.p' }],
        },
      },
    });
    const [l] = extractListings({ url: 'https://shop.example.com/s', body: page }, s).listings;
    expect(l).toMatchObject({ price: 12, images: ['https://shop.example.com/a.jpg', 'https://shop.example.com/b.jpg'] });
    expect(l!.raw).toMatchObject({ price: '12', firstImage: '/a.jpg', note: '暂无' });
  });

  it('never throws on malformed HTML: extracts what it can', () => {
    const broken = '<ul><li class="card" data-id="1"><a class="t" href="/item/1.html">一号<li class="card" data-id="2"><a class="t" href="/item/2.html">二号</ul></div></span><p><<<>';
    const s = source({ extract: { type: 'css', item: 'li.card', fields: { title: 'a.t', url: { selector: 'a.t', attr: 'href' }, price: '.price' } } });
    const r = extractListings({ url: 'https://shop.example.com/s', body: broken }, s);
    expect(r.listings.map((l) => [l.externalId, l.title, l.price])).toEqual([
      ['1', '一号', null],
      ['2', '二号', null],
    ]);
  });

  it('reports an invalid selector as an error instead of throwing', () => {
    const s = source({ extract: { type: 'css', item: 'li.card', fields: { title: 'a.t', url: { selector: 'a.t', attr: 'href' }, bad: 'a[[[' } } });
    const r = extractListings({ url: 'https://shop.example.com/s', body: listPage }, s);
    expect(r.listings).toHaveLength(3);
    expect(r.errors.some((e) => e.includes('field "bad"'))).toBe(true);
    const worse = source({ extract: { type: 'css', item: 'li[[[', fields: { title: 'a' } } });
    expect(extractListings({ url: 'https://shop.example.com/s', body: listPage }, worse)).toMatchObject({ listings: [], errors: [expect.stringMatching(/item selector/)] });
  });

  it('paginates by page parameter up to maxPages', () => {
    const s = source({ extract: cssSource.extract, pagination: { pageParam: 'p', start: 1, maxPages: 2 } });
    const first = extractListings({ url: 'https://shop.example.com/s?q=x', body: listPage }, s);
    expect(first.nextPageUrl).toBe('https://shop.example.com/s?q=x&p=2');
    const second = extractListings({ url: first.nextPageUrl!, body: listPage }, s);
    expect(second.nextPageUrl).toBeUndefined();
    const empty = extractListings({ url: 'https://shop.example.com/s?q=x', body: '<html><body>无结果</body></html>' }, s);
    expect(empty.nextPageUrl).toBeUndefined();
  });
});

describe('json extraction', () => {
  const fields = {
    externalId: 'id',
    title: [{ path: 'name', transform: 'stripTags' as const }],
    price: 'price.text',
    url: 'link',
    images: { path: 'pics', all: true },
    sellerName: 'shop.nick',
    sellerLocation: 'shop.loc',
    total: '$.data.total',
  };

  it('reads an API response, paths into nested objects and the root', () => {
    const body = JSON.stringify({
      data: {
        total: 2,
        items: [
          { id: 7, name: '<em>阿迪</em>达斯 T恤', price: { text: '¥59.90' }, link: '/i/7', pics: ['//img/7a.jpg', '//img/7b.jpg'], shop: { nick: 'ann', loc: '福建 泉州' } },
          { id: 8, name: '无价', price: { text: '' }, link: '/i/8', pics: [] },
        ],
      },
    });
    const s = source({ extract: { type: 'json', source: 'response', itemsPath: 'data.items', fields } });
    const r = extractListings({ url: 'https://shop.example.com/api?q=x', body, contentType: 'application/json' }, s);
    expect(r.errors).toEqual([]);
    expect(r.listings[0]).toMatchObject({
      externalId: '7',
      title: '阿迪达斯 T恤',
      price: 59.9,
      currency: 'CNY',
      url: 'https://shop.example.com/i/7',
      images: ['https://img/7a.jpg', 'https://img/7b.jpg'],
      sellerName: 'ann',
      regionCode: '350500',
      raw: { total: '2' },
    });
    expect(r.listings[1]).toMatchObject({ externalId: '8', price: null, images: [] });
  });

  it('reads JSONP responses', () => {
    const s = source({ extract: { type: 'json', source: 'response', itemsPath: 'items', fields: { title: 'name', externalId: 'id' } } });
    const r = extractListings({ url: 'https://shop.example.com/api', body: 'cb({"items":[{"id":"a","name":"甲"}]});' }, s);
    expect(r.listings.map((l) => l.title)).toEqual(['甲']);
  });

  it('finds a blob in a script after its marker, ignoring the code after it', () => {
    const html = `<html><body><div id="app"></div><script>var x = 1; window.__INIT_DATA__ = {"list":[{"id":"9","name":"包 \\"名牌\\" }","price":{"text":"199"}}]}; render(window.__INIT_DATA__);</script></body></html>`;
    const s = source({ extract: { type: 'json', source: 'script', script: { marker: 'window.__INIT_DATA__ =' }, itemsPath: 'list', fields } });
    const r = extractListings({ url: 'https://shop.example.com/', body: html }, s);
    expect(r.errors).toEqual([]);
    expect(r.listings[0]).toMatchObject({ externalId: '9', title: '包 "名牌" }', price: 199 });
  });

  it('reports a missing blob or an empty items path without throwing', () => {
    const s = source({ extract: { type: 'json', source: 'script', script: { marker: 'g_page_config =', selector: 'script' }, itemsPath: 'mods.items', fields } });
    expect(extractListings({ url: 'https://shop.example.com/', body: '<script>g_page_config = {"mods": </script>' }, s)).toEqual({
      listings: [],
      errors: ['no JSON blob found after "g_page_config =" in "script"'],
    });
    expect(extractListings({ url: 'https://shop.example.com/', body: '<script>g_page_config = {"mods": {}};</script>' }, s).errors).toEqual([
      'itemsPath "mods.items" matched no items',
    ]);
    const api = source({ extract: { type: 'json', source: 'response', itemsPath: 'items', fields } });
    expect(extractListings({ url: 'https://shop.example.com/', body: '<html>not json' }, api).errors).toEqual(['response body is not JSON']);
  });
});

describe('detail pages', () => {
  it('fill what a list card lacked', () => {
    const s = source({
      extract: { type: 'css', item: 'li', fields: { title: 'a', url: { selector: 'a', attr: 'href' } } },
      detail: { follow: true, fields: { price: '#price', sellerName: '.seller', sellerLocation: '.from' } },
    });
    const list = extractListings({ url: 'https://shop.example.com/s', body: '<li><a href="/item/5.html">五号</a></li>' }, s).listings[0]!;
    const detail = extractDetail({ url: list.url, body: '<h1>五号</h1><b id="price">¥ 35</b><span class="seller">小店</span><span class="from">江苏 苏州</span>' }, s);
    const merged = mergeDetail(list, detail.listing);
    expect(merged).toMatchObject({ externalId: '5', title: '五号', price: 35, currency: 'CNY', sellerName: '小店', regionCode: '320500', countryCode: 'CN' });
    expect(merged.raw['detail.price']).toBe('¥ 35');
  });
});
