// Extraction on real saved pages from ../shared/real-pages (third-party content: read in
// place, never copied into the project), with each site's source definition from
// seeds/sources/real-pages, asserting the values and traps its MANIFEST.jsonl records.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as cheerio from 'cheerio';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBody } from '../../../crawlers/fetch/decode.ts';
import { extractAuto, extractDetail, extractListings, type ExtractResult } from '../../../crawlers/extract/index.ts';
import { findJsonAfterMarker, queryPath } from '../../../crawlers/extract/json-path.ts';
import { parsePrice } from '../../../crawlers/extract/price.ts';
import { normaliseText } from '../../../crawlers/extract/text.ts';
import { loadSources } from '../../../crawlers/sources/load-sources.ts';
import type { SourceDefinition } from '../../../crawlers/sources/source.schema.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const pagesDir = path.resolve(repoRoot, '../shared/real-pages');
const exists = existsSync(path.join(pagesDir, 'MANIFEST.jsonl'));

interface ManifestEntry {
  file: string;
  site: string;
  kind: string;
  original_url?: string;
  encoding?: string;
  expected: Record<string, any>;
}

const manifest: ManifestEntry[] = exists
  ? readFileSync(path.join(pagesDir, 'MANIFEST.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as ManifestEntry)
  : [];

const sourceIdBySite: Record<string, string> = {
  amazon: 'amazon-us',
  ebay: 'ebay-us',
  etsy: 'etsy',
  aliexpress: 'aliexpress',
  jd: 'jd',
  taobao: 'taobao',
  '1688': '1688-p4p',
  mapyourshow: 'mapyourshow-wff2023',
};

let sources: Map<string, SourceDefinition>;
beforeAll(async () => {
  const loaded = await loadSources(path.join(repoRoot, 'seeds/sources/real-pages'));
  expect(loaded.errors.map((e) => e.message)).toEqual([]);
  sources = new Map(loaded.sources.map((s) => [s.definition.id, s.definition]));
});

function entry(file: string): ManifestEntry {
  const e = manifest.find((m) => m.file === file);
  if (!e) throw new Error(`${file} is not in MANIFEST.jsonl`);
  return e;
}

function page(file: string): { bytes: Buffer; text: string; charset: string } {
  const bytes = readFileSync(path.join(pagesDir, file));
  return { bytes, ...decodeBody(bytes) };
}

function sourceFor(e: ManifestEntry): SourceDefinition {
  const s = sources.get(sourceIdBySite[e.site]!);
  if (!s) throw new Error(`no source definition for site ${e.site}`);
  return s;
}

function pageUrl(e: ManifestEntry, fallback: string): string {
  return e.original_url ?? e.expected.url ?? e.expected.asin_url ?? fallback;
}

function listingsOf(file: string, fallbackUrl: string): { result: ExtractResult; e: ManifestEntry; url: string } {
  const e = entry(file);
  const url = pageUrl(e, fallbackUrl);
  const result = extractListings({ url, body: page(file).text }, sourceFor(e));
  return { result, e, url };
}

const priceOf = (text: string | null) => parsePrice(text).price;

// every page in the manifest must have its block below: a new page without assertions fails
const covered = new Set([
  'amazon/search_gym-mat-tile_amazon-com_2021.html',
  'amazon/product_hausbell-camcorder_2017.html',
  'ebay/search_imaginext-batman-motorcycle_ebay-com_2020.html',
  'ebay/item_wicker-patio-sofa_2016.html',
  'etsy/search_sundress_etsy-com_2013.html',
  'etsy/listing_happy-soba-tee_2017.html',
  'aliexpress/search_waterproof-winter-boots-women_2017.html',
  'jd/search_chuangxin_2013_gbk.html',
  'taobao/search_xiashangxin_2018_raw.html',
  'taobao/item_acrylic-60-keyboard-case_2020.html',
  '1688/p4psearch_shouji-shujuxian_2024.html',
  'exhibitor/wff2023_exhibitor-detail_100387.html',
]);

describe.skipIf(!exists)(exists ? 'real pages' : `real pages: skipped, ${pagesDir} is absent`, () => {
  it('has a source definition and assertions for every page in the manifest', () => {
    expect(manifest.length).toBeGreaterThan(0);
    for (const m of manifest) {
      expect(covered.has(m.file), `${m.file} has no assertions`).toBe(true);
      expect(sourceIdBySite[m.site], `${m.site} has no source definition`).toBeDefined();
      expect(sources.has(sourceIdBySite[m.site]!)).toBe(true);
    }
  });

  describe('amazon search (sponsored cards, organic cards without a price)', () => {
    const file = 'amazon/search_gym-mat-tile_amazon-com_2021.html';

    it('finds all 60 cards, 12 of them flagged sponsored, and 12 without a price as null', () => {
      const { result, e } = listingsOf(file, 'https://www.amazon.com/s?k=gym+mat+tile');
      expect(result.errors).toEqual([]);
      expect(result.listings).toHaveLength(e.expected.listing_count);
      expect(result.listings.filter((l) => l.raw.sponsored === 'true')).toHaveLength(e.expected.sponsored_count);
      expect(result.listings.filter((l) => l.raw.sponsored === 'false')).toHaveLength(e.expected.organic_count);
      expect(result.listings.filter((l) => l.price === null)).toHaveLength(e.expected.listings_without_price);
      expect(result.listings.some((l) => l.price === 0)).toBe(false);
      for (const l of result.listings.filter((x) => x.price === null)) expect(l.currency).toBeNull();
    });

    it('reads the first three cards as the manifest records them', () => {
      const { result, e, url } = listingsOf(file, 'https://www.amazon.com/s?k=gym+mat+tile');
      e.expected.first3.forEach((x: any, i: number) => {
        const l = result.listings[i]!;
        expect(l.externalId).toBe(x.asin);
        expect(l.title).toBe(normaliseText(x.title));
        expect(l.price).toBe(priceOf(x.price));
        expect(l.currency).toBe('USD');
        expect(l.raw.listPrice ?? null).toBe(x.list_price);
        expect(l.raw.sponsored).toBe(String(x.sponsored));
        expect(l.raw.url).toBe(x.url);
        expect(l.url).toBe(new URL(x.url, url).href);
        expect(l.images[0]).toBe(x.image);
      });
    });

    it('drops the sponsored cards when the definition says skip instead of flag', () => {
      const e = entry(file);
      const base = sourceFor(e);
      if (base.extract.type !== 'css') throw new Error('amazon is a css source');
      const skipping: SourceDefinition = { ...base, extract: { ...base.extract, skip: base.extract.sponsored, sponsored: undefined } };
      const result = extractListings({ url: pageUrl(e, base.baseUrl), body: page(file).text }, skipping);
      expect(result.listings).toHaveLength(e.expected.organic_count);
      expect(result.listings.every((l) => !l.raw.url!.includes('/gp/slredirect/'))).toBe(true);
    });
  });

  describe('amazon product page (deal price with a struck-through list price)', () => {
    const file = 'amazon/product_hausbell-camcorder_2017.html';

    it('reads the deal price, list price, seller, brand, category and images', () => {
      const e = entry(file);
      const x = e.expected;
      const d = extractDetail({ url: x.asin_url, body: page(file).text }, sourceFor(e));
      expect(d.errors).toEqual([]);
      const l = d.listing!;
      expect(l.title).toBe(x.title);
      expect(l.price).toBe(priceOf(x.price));
      expect(l.currency).toBe(x.currency);
      expect(l.raw.listPrice).toBe(x.list_price);
      expect(l.sellerName).toBe(x.seller);
      expect(l.raw.sellerText).toBe(x.seller_text);
      expect(l.raw.brand).toBe(x.brand);
      expect(l.url).toBe(x.asin_url);
      expect(l.externalId).toBe('B01KLOA1PI');
      expect(l.category).toBe(x.category);
      expect(l.images[0]).toBe(x.main_image);
      expect(d.values.thumbnails).toHaveLength(x.thumbnail_count);
      expect(l.raw.reviews).toBe(x.reviews_text);
    });
  });

  describe('ebay search (an empty template card outside the result list)', () => {
    const file = 'ebay/search_imaginext-batman-motorcycle_ebay-com_2020.html';

    it('counts only the cards inside ul.srp-results', () => {
      const { result, e } = listingsOf(file, 'https://www.ebay.com/sch/i.html?_nkw=x');
      expect(cheerio.load(page(file).text)('li.s-item')).toHaveLength(e.expected.listing_count + 1);
      expect(result.errors).toEqual([]);
      expect(result.listings).toHaveLength(e.expected.listing_count);
      expect(result.listings.every((l) => l.title !== '' && /^\d{9,}$/.test(l.externalId))).toBe(true);
    });

    it('reads the first three cards and the next page link', () => {
      const { result, e } = listingsOf(file, 'https://www.ebay.com/sch/i.html?_nkw=x');
      e.expected.first3.forEach((x: any, i: number) => {
        const l = result.listings[i]!;
        expect(l.title).toBe(x.title);
        expect(l.price).toBe(priceOf(x.price));
        expect(l.currency).toBe('USD');
        expect(l.url).toBe(x.url);
        expect(l.images[0]).toBe(x.image);
        expect(l.raw.shipping ?? null).toBe(x.shipping);
      });
      expect(result.nextPageUrl).toMatch(/_pgn=2/);
    });
  });

  describe('ebay item page (hidden "Details about" prefix)', () => {
    const file = 'ebay/item_wicker-patio-sofa_2016.html';

    it('reads title, price, seller, location, condition, category', () => {
      const e = entry(file);
      const x = e.expected;
      const body = page(file).text;
      const d = extractDetail({ url: x.url, body }, sourceFor(e));
      expect(d.errors).toEqual([]);
      const l = d.listing!;
      expect(normaliseText(cheerio.load(body)('#itemTitle').text())).toBe(x.title_raw_text);
      expect(l.title).toBe(x.title);
      expect(l.price).toBe(priceOf(x.price));
      expect(l.raw.priceContent).toBe(x.price_content_attr);
      expect(l.currency).toBe(x.currency);
      expect(l.sellerName).toBe(x.seller);
      expect(l.raw.sellerFeedbackScore).toBe(x.seller_feedback_score);
      expect(l.sellerLocation).toBe(x.item_location);
      expect(l.countryCode).toBe('US');
      expect(l.regionCode).toBeNull();
      expect(l.raw.condition).toBe(x.condition);
      expect(l.externalId).toBe(x.item_id);
      expect(l.category).toBe(x.category);
      expect(l.images[0]).toBe(x.main_image);
      expect(l.url).toBe(x.url);
    });
  });

  describe('etsy search (visible titles cut with "...")', () => {
    const file = 'etsy/search_sundress_etsy-com_2013.html';

    it('reads 40 cards with the full title from the title attribute', () => {
      const { result, e } = listingsOf(file, 'http://www.etsy.com/search?q=Sundress');
      expect(result.errors).toEqual([]);
      expect(result.listings).toHaveLength(e.expected.listing_count);
      e.expected.first3.forEach((x: any, i: number) => {
        const l = result.listings[i]!;
        expect(l.externalId).toBe(x.listing_id);
        expect(l.title).toBe(normaliseText(x.title));
        expect(l.raw.titleVisible).toBe(x.title_visible_text);
        expect(l.price).toBe(priceOf(x.price));
        expect(l.currency).toBe(x.currency);
        expect(l.sellerName).toBe(x.shop);
        expect(l.url).toBe(x.url);
        expect(l.images[0]).toBe(x.image);
      });
    });
  });

  describe('etsy listing page (displayed price differs from microdata price)', () => {
    const file = 'etsy/listing_happy-soba-tee_2017.html';

    it('takes the displayed "from" price and keeps the microdata price in raw', () => {
      const e = entry(file);
      const x = e.expected;
      const d = extractDetail({ url: x.url, body: page(file).text }, sourceFor(e));
      expect(d.errors).toEqual([]);
      const l = d.listing!;
      expect(l.title).toBe(x.title);
      expect(l.raw.price).toBe(x.price_displayed);
      expect(l.price).toBe(28.5);
      expect(l.raw.price_note).toMatch(/from/);
      expect(l.raw.priceItemprop).toBe(x.price_itemprop);
      expect(l.currency).toBe(x.currency);
      expect(l.sellerName).toBe(x.shop);
      expect(l.sellerLocation).toBe(x.shop_location);
      expect(l.countryCode).toBe('US');
      expect(l.images[0]).toBe(x.main_image);
      expect(l.url).toBe(x.url);
    });

    it('auto mode reads the microdata offer (25.00), not the displayed price', () => {
      const x = entry(file).expected;
      const r = extractAuto({ url: x.url, body: page(file).text });
      expect(r.listings).toHaveLength(1);
      expect(r.listings[0]!.title).toBe(x.title);
      expect(r.listings[0]!.price).toBe(Number(x.price_itemprop));
      expect(r.listings[0]!.currency).toBe('USD');
      expect(r.listings[0]!.images[0]).toBe(x.main_image);
    });
  });

  describe('aliexpress search (store on every card)', () => {
    const file = 'aliexpress/search_waterproof-winter-boots-women_2017.html';

    it('reads 23 cards with id, price, unit, store, protocol-relative links', () => {
      const { result, e, url } = listingsOf(file, 'https://www.aliexpress.com/wholesale?SearchText=x');
      expect(result.errors).toEqual([]);
      expect(result.listings).toHaveLength(e.expected.listing_count);
      expect(result.listings.every((l) => l.sellerName && l.price !== null)).toBe(true);
      e.expected.first3.forEach((x: any, i: number) => {
        const l = result.listings[i]!;
        expect(l.externalId).toBe(x.product_id);
        expect(l.title).toBe(x.title);
        expect(l.price).toBe(priceOf(x.price));
        expect(l.currency).toBe('USD');
        expect(l.raw.unit).toBe(x.unit);
        expect(l.sellerName).toBe(x.store);
        expect(l.raw.url).toBe(x.url);
        expect(l.url).toBe(new URL(x.url, url).href);
        expect(l.raw.images).toBe(x.image);
        expect(l.images[0]).toBe(new URL(x.image, url).href);
      });
    });
  });

  describe('jd search (GBK, prices as images)', () => {
    const file = 'jd/search_chuangxin_2013_gbk.html';

    it('decodes GBK from the meta declaration; reading it as UTF-8 would garble the titles', () => {
      const p = page(file);
      expect(p.charset).toBe('gb18030');
      expect(p.text).toContain(entry(file).expected.first3[0].title.slice(0, 2));
      expect(p.bytes.toString('utf8')).not.toContain('创新');
    });

    it('reads 36 cards with price null and the price image kept in raw', () => {
      const { result, e } = listingsOf(file, 'http://search.jd.com/search?keyword=x');
      expect(result.errors).toEqual([]);
      expect(result.listings).toHaveLength(e.expected.listing_count);
      expect(result.listings.every((l) => l.price === null && l.currency === null)).toBe(true);
      e.expected.first3.forEach((x: any, i: number) => {
        const l = result.listings[i]!;
        expect(l.externalId).toBe(x.sku);
        expect(l.title).toBe(x.title);
        expect(l.price).toBe(x.price);
        expect(l.raw.priceImage).toBe(x.price_image);
        expect(l.url).toBe(x.url);
        expect(l.images[0]).toBe(x.image);
      });
    });
  });

  describe('taobao search (no cards in the DOM, items only in g_page_config)', () => {
    const file = 'taobao/search_xiashangxin_2018_raw.html';
    const fallbackUrl = 'https://s.taobao.com/search?q=%E5%A4%8F%E4%B8%8A%E6%96%B0';

    it('has no listing cards in the DOM, and the blob holds the total count', () => {
      const e = entry(file);
      const body = page(file).text;
      expect(cheerio.load(body)('#mainsrp-itemlist .item')).toHaveLength(e.expected.listing_count_dom);
      const blob = findJsonAfterMarker(body, 'g_page_config =')[0];
      expect(queryPath(blob, 'mods.pager.data.totalCount')).toEqual([e.expected.total_count_json]);
    });

    it('reads the 60 items from the inline JSON, clean titles, seller location as a region code', () => {
      const { result, e } = listingsOf(file, fallbackUrl);
      expect(result.errors).toEqual([]);
      expect(result.listings).toHaveLength(e.expected.listing_count_json);
      expect(result.listings.some((l) => /<span|class=H/.test(l.title))).toBe(false);
      e.expected.first3.forEach((x: any, i: number) => {
        const l = result.listings[i]!;
        expect(l.externalId).toBe(x.nid);
        expect(l.title).toBe(x.title);
        expect(l.price).toBe(priceOf(x.price));
        expect(l.currency).toBe('CNY');
        expect(l.raw.shippingFee).toBe(x.shipping_fee);
        expect(l.sellerName).toBe(x.seller_nick);
        expect(l.sellerLocation).toBe(x.seller_location);
        expect(l.countryCode).toBe('CN');
        expect(l.raw.sales).toBe(x.sales);
        expect(l.raw.url).toBe(x.url);
        expect(l.images[0]).toBe(new URL(x.image, fallbackUrl).href);
      });
      // 浙江 宁波 and 浙江 杭州 are prefecture-level cities of Zhejiang (33)
      expect(result.listings[0]!.regionCode).toBe('330200');
      expect(result.listings[1]!.regionCode).toBe('330100');
      expect(result.nextPageUrl).toBe('https://s.taobao.com/search?q=%E5%A4%8F%E4%B8%8A%E6%96%B0&s=44');
    });

    it('auto mode finds the same 60 items in the state blob', () => {
      const e = entry(file);
      const r = extractAuto({ url: fallbackUrl, body: page(file).text });
      expect(r.listings).toHaveLength(e.expected.listing_count_json);
      expect(r.listings[0]!.externalId).toBe(e.expected.first3[0].nid);
      expect(r.listings[0]!.title).toBe(e.expected.first3[0].title);
      expect(r.listings[0]!.price).toBe(99);
    });
  });

  describe('taobao item page (price range, seller nick only in inline script)', () => {
    const file = 'taobao/item_acrylic-60-keyboard-case_2020.html';

    it('keeps the low end of the price range with a note, finds the nick in g_config', () => {
      const e = entry(file);
      const x = e.expected;
      const d = extractDetail({ url: x.url, body: page(file).text }, sourceFor(e));
      expect(d.errors).toEqual([]);
      const l = d.listing!;
      expect(l.title).toBe(x.title);
      expect(l.raw.price).toBe(x.price);
      expect(l.price).toBe(149);
      expect(l.raw.price_note).toMatch(/range 149.*159/);
      expect(l.currency).toBe(x.currency);
      expect(l.raw.shopName).toBe(x.shop_name);
      expect(l.raw.shopUrl).toBe(x.shop_url);
      expect(l.sellerName).toBe(x.seller_nick);
      expect(l.sellerLocation).toBe(x.seller_location);
      expect(l.regionCode).toBeNull();
      expect(l.externalId).toBe(x.item_id);
      expect(l.url).toBe(x.url);
      expect(l.images[0]).toBe(x.main_image);
      expect(d.values.thumbnails).toEqual(x.thumbnails);
    });

    it('is decoded as UTF-8 although its meta tag still says gbk', () => {
      const p = page(file);
      expect(p.text).toMatch(/<meta charset="gbk">/);
      expect(p.charset).toBe('utf-8');
      expect(p.text).toContain(entry(file).expected.title);
    });
  });

  describe('1688 wholesale (prices split by React comments, "location" that is turnover)', () => {
    const file = '1688/p4psearch_shouji-shujuxian_2024.html';
    const fallbackUrl = 'https://p4psearch.1688.com/page.html?keywords=%E6%89%8B%E6%9C%BA%E6%95%B0%E6%8D%AE%E7%BA%BF';

    it('reads 20 offers; prices joined across comments; turnover is not a seller location', () => {
      const { result, e } = listingsOf(file, fallbackUrl);
      expect(result.errors).toEqual([]);
      expect(result.listings).toHaveLength(e.expected.listing_count);
      expect(result.listings.every((l) => /^\d+$/.test(l.externalId))).toBe(true);
      expect(result.listings.every((l) => l.sellerLocation === null && l.regionCode === null)).toBe(true);
      e.expected.first3.forEach((x: any, i: number) => {
        const l = result.listings[i]!;
        expect(l.title).toBe(x.title);
        expect(l.raw.badge).toBe(x.badge);
        expect(l.raw.price).toBe(x.price);
        expect(l.price).toBe(priceOf(x.price));
        expect(l.currency).toBe('CNY');
        expect(l.raw.turnover).toBe(x.turnover);
        expect(l.sellerName).toBe(x.seller);
        expect(l.sellerLocation).toBe(x.seller_location);
        expect(l.images[0]).toBe(x.image);
      });
      expect(result.listings.filter((l) => l.raw.sponsored === 'true')).toHaveLength(18);
    });
  });

  describe('exhibitor page (exhibition channel)', () => {
    const file = 'exhibitor/wff2023_exhibitor-detail_100387.html';

    it('reads the exhibitor as one listing: name, booth, address as location, country', () => {
      const { result, e } = listingsOf(file, 'https://wff2023.mapyourshow.com/');
      const x = e.expected;
      expect(result.errors).toEqual([]);
      expect(result.listings).toHaveLength(1);
      const l = result.listings[0]!;
      expect(l.title).toBe(x.name);
      expect(l.sellerName).toBe(x.name);
      expect(l.externalId).toBe('100387');
      expect(l.raw.booth).toBe(x.booth);
      expect(l.sellerLocation).toBe(x.address);
      expect(l.raw.website).toBe(x.website);
      expect(l.raw.phone).toBe(x.phone);
      expect(l.raw.country).toBe(x.country);
      expect(l.countryCode).toBe('TR');
      expect(l.price).toBeNull();
      expect(l.currency).toBeNull();
      expect(l.url).toBe(x.url);
    });
  });
});
