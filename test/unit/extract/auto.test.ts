import { describe, expect, it } from 'vitest';
import { extractAuto, extractListings } from '../../../crawlers/extract/index.ts';
import { sourceDefinitionSchema } from '../../../crawlers/sources/source.schema.ts';

const url = 'https://shop.example.com/p/1';
const ld = (data: unknown) => `<html><head><script type="application/ld+json">${JSON.stringify(data)}</script></head><body></body></html>`;

describe('auto extraction', () => {
  it('reads a JSON-LD Product with an Offer', () => {
    const r = extractAuto({
      url,
      body: ld({
        '@context': 'https://schema.org',
        '@type': 'Product',
        name: 'LV 同款 老花 手袋',
        sku: 'LV-001',
        image: ['https://img.example.com/a.jpg', { '@type': 'ImageObject', url: 'https://img.example.com/b.jpg' }],
        brand: { '@type': 'Brand', name: 'Louis Vuitton' },
        offers: { '@type': 'Offer', price: '1,280.00', priceCurrency: 'CNY', seller: { '@type': 'Organization', name: '广州名品店' } },
      }),
    });
    expect(r.errors).toEqual([]);
    expect(r.listings).toHaveLength(1);
    expect(r.listings[0]).toMatchObject({
      externalId: 'LV-001',
      url,
      title: 'LV 同款 老花 手袋',
      price: 1280,
      currency: 'CNY',
      sellerName: '广州名品店',
      images: ['https://img.example.com/a.jpg', 'https://img.example.com/b.jpg'],
      raw: { brand: 'Louis Vuitton', extracted_by: 'json-ld' },
    });
  });

  it('reads products inside @graph and an ItemList, with AggregateOffer ranges as their low end', () => {
    const r = extractAuto({
      url: 'https://shop.example.com/search',
      body: ld({
        '@context': 'https://schema.org',
        '@graph': [
          { '@type': 'WebPage', name: 'search' },
          {
            '@type': 'ItemList',
            itemListElement: [
              { '@type': 'ListItem', position: 1, item: { '@type': 'Product', name: '甲', url: '/p/a', offers: { '@type': 'AggregateOffer', lowPrice: 10, highPrice: 20, priceCurrency: 'USD' } } },
              { '@type': 'ListItem', position: 2, item: { '@type': 'Product', name: '乙', url: '/p/b', offers: [{ '@type': 'Offer', price: 7, priceCurrency: 'USD' }] } },
              { '@type': 'ListItem', position: 3, url: 'https://shop.example.com/p/c', name: '丙' },
            ],
          },
        ],
      }),
    });
    expect(r.listings.map((l) => [l.title, l.url, l.price, l.currency])).toEqual([
      ['甲', 'https://shop.example.com/p/a', 10, 'USD'],
      ['乙', 'https://shop.example.com/p/b', 7, 'USD'],
      ['丙', 'https://shop.example.com/p/c', null, null],
    ]);
    expect(r.listings[0]!.raw.price_note).toMatch(/range/);
  });

  it('reads schema.org microdata', () => {
    const body = `<div itemscope itemtype="https://schema.org/Product">
      <h1 itemprop="name">GUCCI 腰带</h1><img itemprop="image" src="/g.jpg">
      <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
        <span itemprop="price" content="299.00">¥299</span><meta itemprop="priceCurrency" content="CNY">
      </div>
      <div itemprop="review" itemscope itemtype="https://schema.org/Review"><span itemprop="name">好评</span></div>
    </div>`;
    const r = extractAuto({ url, body });
    expect(r.listings).toHaveLength(1);
    expect(r.listings[0]).toMatchObject({ title: 'GUCCI 腰带', price: 299, currency: 'CNY', images: ['https://shop.example.com/g.jpg'], raw: { extracted_by: 'microdata' } });
  });

  it('reads OpenGraph product tags', () => {
    const body = `<html><head>
      <meta property="og:type" content="product"><meta property="og:title" content="Rolex Submariner homage">
      <meta property="og:url" content="https://shop.example.com/p/9"><meta property="og:image" content="https://img.example.com/9.jpg">
      <meta property="product:price:amount" content="49.99"><meta property="product:price:currency" content="USD">
    </head><body></body></html>`;
    const r = extractAuto({ url, body });
    expect(r.listings[0]).toMatchObject({ title: 'Rolex Submariner homage', url: 'https://shop.example.com/p/9', price: 49.99, currency: 'USD', raw: { extracted_by: 'opengraph' } });
  });

  it('ignores an OpenGraph page that is not a product', () => {
    const body = '<meta property="og:type" content="article"><meta property="og:title" content="News">';
    expect(extractAuto({ url, body }).listings).toEqual([]);
  });

  it('finds the item list in an inline state blob', () => {
    const body = `<div id="root"></div><script>
      window.__INITIAL_STATE__ = {"search":{"total":2,"items":[
        {"itemId":"11","title":"<b>香奈儿</b> 5号 香水","price":"￥ 88.00","detailUrl":"//shop.example.com/i/11","shopName":"小美","location":"上海"},
        {"itemId":"12","title":"迪奥 口红","price":0,"salePrice":"35.5","detailUrl":"//shop.example.com/i/12"}
      ]},"user":{"name":"guest"}};
    </script>`;
    const r = extractAuto({ url, body });
    expect(r.listings.map((l) => [l.externalId, l.title, l.price, l.sellerName, l.regionCode])).toEqual([
      ['11', '香奈儿 5号 香水', 88, '小美', '310000'],
      ['12', '迪奥 口红', 35.5, null, null],
    ]);
  });

  it('reports invalid JSON-LD and still reads the rest', () => {
    const body = `<script type="application/ld+json">{ "@type": "Product", broken </script>
      <meta property="og:type" content="product"><meta property="og:title" content="Still here">`;
    const r = extractAuto({ url, body });
    expect(r.errors).toEqual(['json-ld block 1: not valid JSON']);
    expect(r.listings.map((l) => l.title)).toEqual(['Still here']);
  });

  it('says so when a page has nothing structured, and never throws on garbage', () => {
    expect(extractAuto({ url, body: '<html><body><p>hello</p>' })).toEqual({
      listings: [],
      errors: ['no JSON-LD, microdata, OpenGraph product or inline JSON listings found'],
    });
    const garbage = '\u0000<<script>window.__X_DATA__ = {{{{</script><div itemscope itemtype="http://schema.org/Product">';
    expect(() => extractAuto({ url, body: garbage })).not.toThrow();
  });

  it('is what a source with extract.type auto uses', () => {
    const s = sourceDefinitionSchema.parse({
      id: 'auto-demo', name: 'a', channel: 'market', country: 'CN', platform: 'x', baseUrl: 'https://shop.example.com/',
      extract: { type: 'auto' }, defaultCurrency: 'CNY',
    });
    const r = extractListings({ url, body: ld({ '@type': 'Product', name: '甲', offers: { price: '9.9' } }) }, s);
    expect(r.listings[0]).toMatchObject({ sourceId: 'auto-demo', title: '甲', price: 9.9, currency: 'CNY' });
  });
});
