// The demo sources parse, the default crawl of each demo site extracts exactly the listings that
// labels.jsonl labels (ids, titles, prices), and the demo watchlist is valid and consistent with
// the sites' sellers.
import { readFileSync, readdirSync } from 'node:fs';
import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { extractListings, type Listing } from '../../../crawlers/extract/index.ts';
import { decodeBody } from '../../../crawlers/fetch/decode.ts';
import { buildSearchUrl, parseSourceDefinition, type SourceDefinition } from '../../../crawlers/sources/source.schema.ts';
import { demoGroundTruth, demoLabelsJsonl, demoSites } from '../../../seeds/demo-sites/index.ts';
import { WatchlistSnapshotSchema } from '../../../src/matching/watchlist.schema.ts';
import { renderWholesale } from './helpers.ts';

const BASE = 'http://127.0.0.1:3000';
const SOURCES_DIR = new URL('../../../seeds/sources/demo/', import.meta.url);
const LABELS = new URL('../../../seeds/demo-sites/labels.jsonl', import.meta.url);
const WATCHLIST = new URL('../../../seeds/demo/watchlist.json', import.meta.url);

function loadSource(file: string): SourceDefinition {
  const text = readFileSync(new URL(file, SOURCES_DIR), 'utf8').replaceAll('{{DEMO_BASE}}', BASE);
  return parseSourceDefinition(JSON.parse(text));
}

/** Fetches a URL from the demo sites the way the server mounts them, decoded like the fetcher. */
function fetchDemo(url: string): { status: number; body: string; contentType: string } {
  const u = new URL(url);
  const m = /^\/demo\/([^/]+)(\/.*)?$/.exec(u.pathname);
  if (!m) throw new Error(`not a demo URL: ${url}`);
  const res = demoSites[m[1]!]!.handle(m[2] ?? '', u.searchParams);
  if (!res) throw new Error(`no answer for ${url}`);
  const bytes = Buffer.isBuffer(res.body) ? res.body : Buffer.from(res.body, 'utf8');
  const contentType = res.headers['content-type'] ?? '';
  return { status: res.status, body: decodeBody(bytes, contentType).text, contentType };
}

/** A crawl of the start URLs following the extractor's next-page URLs up to maxPages. */
function crawl(source: SourceDefinition, render?: (url: string) => string): { listings: Listing[]; pages: string[] } {
  const listings: Listing[] = [];
  const pages: string[] = [];
  let url: string | undefined = source.startUrls[0];
  while (url && pages.length < (source.pagination?.maxPages ?? 1)) {
    const page = fetchDemo(url);
    expect(page.status, url).toBe(200);
    const body = render ? render(url) : page.body;
    const result = extractListings({ url, body, contentType: page.contentType }, source);
    expect(result.errors, url).toEqual([]);
    listings.push(...result.listings);
    pages.push(url);
    url = result.nextPageUrl;
  }
  return { listings, pages };
}

const sourceFiles = readdirSync(SOURCES_DIR).filter((f) => f.endsWith('.json')).sort();

describe('demo source definitions', () => {
  it('exist for every site', () => {
    expect(sourceFiles).toEqual(['docket.json', 'fair.json', 'gazette.json', 'mall.json', 'overseas.json', 'wholesale-json.json', 'wholesale.json']);
  });

  // marketplaces every 6 hours; the gazette and docket (published daily) once a day
  const daily = new Set(['gazette.json', 'docket.json']);
  it.each(sourceFiles)('%s parses, is local, uses the {{DEMO_BASE}} placeholder and runs on its schedule', (file) => {
    const raw = JSON.parse(readFileSync(new URL(file, SOURCES_DIR), 'utf8'));
    expect(raw.baseUrl).toMatch(/^\{\{DEMO_BASE\}\}\/demo\/[a-z]+\/$/);
    for (const u of raw.startUrls) expect(u).toMatch(/^\{\{DEMO_BASE\}\}\/demo\//);
    const s = loadSource(file);
    expect(s.local).toBe(true);
    if (daily.has(file)) expect(s.schedule?.cron).toMatch(/^\d+ \d+ \* \* \*$/);
    else expect(s.schedule?.cron).toBe('0 */6 * * *');
    expect(s.allowedHosts).toEqual(['127.0.0.1:3000']);
    expect(demoSites[new URL(s.baseUrl).pathname.split('/')[2]!]).toBeDefined();
  });

  it('configures each site the way it is built', () => {
    const mall = loadSource('mall.json');
    expect(mall.channel).toBe('ecommerce');
    expect(mall.search?.urlTemplate).toBe(`${BASE}/demo/mall/search?q={term}`);
    expect(mall.pagination?.maxPages).toBe(5);
    const fair = loadSource('fair.json');
    expect(fair.channel).toBe('exhibition');
    expect(fair.charset).toBe('gbk');
    expect(fair.extract.type).toBe('css');
    const wholesale = loadSource('wholesale.json');
    expect(wholesale.channel).toBe('market');
    expect(wholesale.fetch.mode).toBe('browser');
    expect(wholesale.notes).toContain('window.__INITIAL_STATE__');
    const json = loadSource('wholesale-json.json');
    expect(json.extract).toMatchObject({ type: 'json', source: 'script' });
    const overseas = loadSource('overseas.json');
    expect(overseas).toMatchObject({ channel: 'ecommerce', country: 'US', defaultCurrency: 'USD', extract: { type: 'auto' } });
  });
});

describe('labels.jsonl', () => {
  const lines = readFileSync(LABELS, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));

  it('is up to date with the sites (regenerate: npx tsx seeds/demo-sites/write-labels.ts)', () => {
    expect(readFileSync(LABELS, 'utf8')).toBe(demoLabelsJsonl());
  });

  it('labels each listing once, with a known label and, for non-innocent ones, a watchlist entry', () => {
    const watchlist = WatchlistSnapshotSchema.parse(JSON.parse(readFileSync(WATCHLIST, 'utf8')));
    const ids = new Set(watchlist.entries.map((e) => e.id));
    const keys = new Set<string>();
    for (const l of lines) {
      expect(Object.keys(l).sort()).toEqual(l.entryId ? ['entryId', 'externalId', 'label', 'site', 'title'] : ['externalId', 'label', 'site', 'title']);
      expect(['counterfeit', 'genuine', 'innocent']).toContain(l.label);
      if (l.label === 'innocent') expect(l.entryId).toBeUndefined();
      else expect(ids.has(l.entryId), `${l.title}: ${l.entryId}`).toBe(true);
      const key = `${l.site}/${l.externalId}`;
      expect(keys.has(key), key).toBe(false);
      keys.add(key);
    }
    const bySite = (site: string) => lines.filter((l) => l.site === site);
    expect(bySite('mall')).toHaveLength(200);
    for (const site of ['mall', 'fair', 'wholesale', 'overseas']) {
      for (const label of ['counterfeit', 'genuine', 'innocent']) expect(bySite(site).some((l) => l.label === label), `${site} ${label}`).toBe(true);
    }
  });
});

describe('extracting the default crawl of each site', () => {
  const truth = demoGroundTruth();
  const expectMatches = (site: string, listings: Listing[]) => {
    const expected = truth.filter((l) => l.site === site);
    expect(listings.map((l) => l.externalId)).toEqual(expected.map((l) => l.externalId));
    listings.forEach((l, i) => {
      const e = expected[i]!;
      expect(l.title, e.externalId).toBe(e.title);
      expect(l.price, `${e.externalId} ${e.title}`).toBe(e.price);
      expect(l.currency, e.externalId).toBe(e.currency);
      expect(l.sellerName, e.externalId).toBe(e.sellerName);
      if (site !== 'overseas') {
        expect(l.sellerId, e.externalId).toBe(e.sellerId);
        expect(l.sellerLocation, e.externalId).toBe(e.sellerLocation);
      }
      if (e.sponsored) expect(l.raw.sponsored).toBe('true');
    });
  };

  it('mall: pages 1..5 by page parameter, with 面议 as a null price and ranges at their low end', () => {
    const { listings, pages } = crawl(loadSource('mall.json'));
    expect(pages).toEqual([1, 2, 3, 4, 5].map((p) => `${BASE}/demo/mall/list?page=${p}`));
    expectMatches('mall', listings);
    expect(listings.some((l) => l.price === null && l.raw.price === '面议')).toBe(true);
    expect(listings.some((l) => l.raw.price_note?.startsWith('range'))).toBe(true);
    expect(listings.find((l) => l.sellerLocation === '河南 周口')?.regionCode).toBe('411600');
  });

  it('fair: GBK pages decoded, all pages by next link, no prices', () => {
    const { listings, pages } = crawl(loadSource('fair.json'));
    expect(pages).toHaveLength(3);
    expectMatches('fair', listings);
    expect(listings.every((l) => l.price === null)).toBe(true);
    expect(listings.find((l) => l.externalId === 'E2026010')?.sellerId).toBeNull();
  });

  it('wholesale: the static page has nothing for the CSS rules, the rendered page and the JSON path have everything', () => {
    const browser = loadSource('wholesale.json');
    const url = browser.startUrls[0]!;
    const staticPage = fetchDemo(url);
    expect(extractListings({ url, body: staticPage.body, contentType: staticPage.contentType }, browser).listings).toEqual([]);
    const rendered = crawl(browser, (u) => renderWholesale(new URL(u).pathname.replace('/demo/wholesale', '') + new URL(u).search));
    expect(rendered.pages).toHaveLength(2);
    expectMatches('wholesale', rendered.listings);
    const json = crawl(loadSource('wholesale-json.json'));
    expect(json.pages).toHaveLength(2);
    expectMatches('wholesale', json.listings);
    expect(json.listings.find((l) => l.raw.price === '面议')?.price).toBeNull();
  });

  it('overseas: auto extraction from JSON-LD, USD prices', () => {
    const { listings, pages } = crawl(loadSource('overseas.json'));
    expect(pages).toHaveLength(2);
    expectMatches('overseas', listings);
    expect(listings.every((l) => l.currency === 'USD')).toBe(true);
  });

  it('search URLs built from watchlist terms reach results on the mall and overseas sites', () => {
    const mall = loadSource('mall.json');
    const hits = crawl({ ...mall, startUrls: [buildSearchUrl(mall, '康帅傅')], pagination: undefined }).listings;
    expect(hits.length).toBeGreaterThan(0);
    for (const l of hits) expect(l.title).toContain('康帅傅');
    const overseas = loadSource('overseas.json');
    const tea = crawl({ ...overseas, startUrls: [buildSearchUrl(overseas, 'Xinyang Maojian')], pagination: undefined }).listings;
    expect(tea.map((l) => l.externalId).sort()).toEqual(['3265987465', '3265987540']);
  });
});

describe('demo watchlist', () => {
  const raw = JSON.parse(readFileSync(WATCHLIST, 'utf8'));
  const watchlist = WatchlistSnapshotSchema.parse(raw);

  it('is a valid snapshot of about a dozen demo entries with demo registration numbers and owners', () => {
    expect(watchlist.version).toBe('demo-1');
    expect(watchlist.entries.map((e) => e.id)).toEqual(['m-ksf', 'm-sprite', 'm-oreo', 'm-whh', 'm-lght', 'm-lgm', 'm-nike', 'm-adidas', 'm-ps', 'gi-ycdzx', 'gi-xymj', 'gi-xhlj']);
    for (const e of watchlist.entries) {
      expect(e.registrationNo).toMatch(/^DEMO-/);
      expect(e.owner).toMatch(/^演示权利人：.*（示例）$/);
      expect(e.referencePrices.length).toBeGreaterThan(0);
      expect(e.kind === 'gi').toBe(e.gi !== undefined);
    }
    expect(watchlist.entries.find((e) => e.id === 'gi-ycdzx')?.gi?.regionCodes).toEqual(['320507', '320571', '320583']);
    expect(watchlist.entries.find((e) => e.id === 'gi-xymj')?.gi?.regionCodes).toEqual(['411500']);
    expect(watchlist.entries.find((e) => e.id === 'gi-xhlj')?.gi?.regionCodes).toEqual(['330106']);
  });

  it('authorises the sellers of the genuine listings and none of the counterfeit ones', () => {
    const platformOf: Record<string, string> = { mall: 'demo-mall', fair: 'demo-fair', wholesale: 'demo-wholesale', overseas: 'demo-overseas' };
    const authorised = (site: string, entryId: string, sellerId: string | null, sellerName: string) =>
      watchlist.entries
        .find((e) => e.id === entryId)!
        .authorisedSellers.some((a) => a.platform === platformOf[site] && (a.sellerId ? a.sellerId === sellerId : a.sellerName === sellerName));
    for (const l of demoGroundTruth()) {
      if (l.label === 'genuine' && !(l.entryId!.startsWith('gi-') && l.site !== 'mall')) {
        expect(authorised(l.site, l.entryId!, l.sellerId, l.sellerName), `${l.site} ${l.title}`).toBe(true);
      }
      if (l.label === 'counterfeit') expect(authorised(l.site, l.entryId!, l.sellerId, l.sellerName), `${l.site} ${l.title}`).toBe(false);
    }
  });

  it('blacklists sellers that really sell counterfeits on the demo sites', () => {
    const truth = demoGroundTruth();
    for (const b of watchlist.blacklist) {
      const listed = truth.filter((l) => (b.sellerId ? l.sellerId === b.sellerId : l.sellerName === b.companyName));
      expect(listed.length, JSON.stringify(b)).toBeGreaterThan(0);
      expect(listed.some((l) => l.label === 'counterfeit')).toBe(true);
    }
  });

  it('names only sellers the sites show', () => {
    const html = cheerio.load(fetchDemo(`${BASE}/demo/mall/shop/100101.html`).body)('h1.shop-name').text();
    expect(html).toBe('康师傅官方旗舰店');
  });
});
