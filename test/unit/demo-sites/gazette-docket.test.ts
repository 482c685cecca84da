// The overseas report's two watch sites: the demo trademark gazette (channel trademark-gazette)
// and the demo court docket (channel case-docket). They answer deterministically, their source
// definitions parse and extract every filing / Schedule A defendant with the expected fields, and
// the demo watchlist run through the matcher finds the Latin squats of the local marks.
import { readFileSync } from 'node:fs';
import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { extractListings, type Listing } from '../../../crawlers/extract/index.ts';
import { sourceDefinitionSchema, type SourceDefinition } from '../../../crawlers/sources/source.schema.ts';
import { docketCases, docketRowId, docketRowTitle } from '../../../seeds/demo-sites/docket/site.ts';
import { countryName, GAZETTE_PAGES, gazetteFilings } from '../../../seeds/demo-sites/gazette/site.ts';
import { compileMatcher } from '../../../src/matching/index.ts';
import { WatchlistSnapshotSchema } from '../../../src/matching/watchlist.schema.ts';
import { get, text } from './helpers.ts';

const BASE = 'http://127.0.0.1:3000';
const SOURCES_DIR = new URL('../../../seeds/sources/demo/', import.meta.url);
const WATCHLIST = new URL('../../../seeds/demo/watchlist.json', import.meta.url);

function loadSource(file: string): SourceDefinition {
  return sourceDefinitionSchema.parse(JSON.parse(readFileSync(new URL(file, SOURCES_DIR), 'utf8').replaceAll('{{DEMO_BASE}}', BASE)));
}

/** Extracts one demo URL with the definition; returns its listings and next page. */
function extract(url: string, def: SourceDefinition): { listings: Listing[]; next: string | undefined } {
  const u = new URL(url);
  const [, , site, ...rest] = u.pathname.split('/');
  const res = get(site!, `/${rest.join('/')}${u.search}`);
  expect(res.status, url).toBe(200);
  const result = extractListings({ url, body: text(res), contentType: res.headers['content-type'] }, def);
  expect(result.errors, url).toEqual([]);
  return { listings: result.listings, next: result.nextPageUrl };
}

/** Follows the start URLs and next links the way a crawl would. */
function crawl(def: SourceDefinition): { listings: Listing[]; pages: string[] } {
  const listings: Listing[] = [];
  const pages: string[] = [];
  for (const start of def.startUrls) {
    let url: string | undefined = start;
    for (let n = 0; url && n < (def.pagination?.maxPages ?? 1); n++) {
      const page = extract(url, def);
      listings.push(...page.listings);
      pages.push(url);
      url = page.next;
    }
  }
  return { listings, pages };
}

const watchlist = WatchlistSnapshotSchema.parse(JSON.parse(readFileSync(WATCHLIST, 'utf8')));
const matcher = compileMatcher(watchlist);
const matchesOf = (l: Listing, def: SourceDefinition, all: boolean) =>
  matcher.matchListing(
    { id: l.externalId, title: l.title, seller: l.sellerName ?? undefined, location: l.sellerLocation ?? undefined, category: l.category ?? undefined, platform: def.platform, channel: def.channel },
    { all },
  );

describe('demo trademark gazette', () => {
  const def = loadSource('gazette.json');
  const filings = gazetteFilings();

  it('answers deterministically: 2 pages of 12 filings linked by Next, filing pages, 404 past the end', () => {
    expect(GAZETTE_PAGES).toBe(2);
    const a = get('gazette', '/filings?page=1');
    expect(text(a)).toBe(text(get('gazette', '/filings?page=1')));
    const $ = cheerio.load(text(a));
    expect($('tr.filing').length).toBe(12);
    expect($('nav.pagination a.next').attr('href')).toBe('filings?page=2');
    expect($('th').map((_i, el) => $(el).text()).get()).toContain('Opposition period ends');
    const last = cheerio.load(text(get('gazette', '/filings?page=2')));
    expect(last('tr.filing').length).toBe(12);
    expect(last('a.next').length).toBe(0);
    expect(get('gazette', '/filings?page=3').status).toBe(404);
    expect(get('gazette', '/filings?page=x').status).toBe(404);
    const f = filings[0]!;
    const detail = get('gazette', `/filings/${f.serial}`);
    expect(detail.status).toBe(200);
    expect(cheerio.load(text(detail))('h1.mark').text()).toBe(f.mark);
    expect(get('gazette', '/filings/00000000').status).toBe(404);
    expect(new Set(filings.map((x) => x.serial)).size).toBe(filings.length);
  });

  it('has a daily, local trademark-gazette source with css extraction', () => {
    expect(def).toMatchObject({ id: 'demo-gazette', channel: 'trademark-gazette', country: 'US', platform: 'demo-gazette', local: true, extract: { type: 'css' } });
    expect(def.schedule?.cron).toBe('0 3 * * *');
    expect(def.allowedHosts).toEqual(['127.0.0.1:3000']);
  });

  it('extracts every filing: serial, mark, applicant and country, classes, filing and opposition dates', () => {
    const { listings, pages } = crawl(def);
    expect(pages).toEqual([`${BASE}/demo/gazette/filings?page=1`, `${BASE}/demo/gazette/filings?page=2`]);
    expect(listings.map((l) => l.externalId)).toEqual(filings.map((f) => f.serial));
    listings.forEach((l, i) => {
      const f = filings[i]!;
      expect(l.title).toBe(f.mark);
      expect(l.sellerName).toBe(f.applicant);
      expect(l.sellerLocation).toBe(countryName(f.country));
      expect(l.category).toBe(`Class ${f.classes}`);
      expect(l.url).toBe(`${BASE}/demo/gazette/filings/${f.serial}`);
      expect(l.price).toBeNull();
      expect(l.raw).toMatchObject({ filingDate: f.filed, oppositionEnds: f.opposition, goods: f.goods, applicantCountry: f.country });
    });
  });

  it('the demo watchlist finds the Latin squats of local marks and GIs, and nothing in unrelated marks', () => {
    const { listings } = crawl(def);
    const byMark = new Map(listings.map((l) => [l.title, l]));
    // The matcher sees every squat below as an alias use of the right entry, and a filing by
    // someone other than the owner in a gazette adds the third-party-filing reason, so each
    // raises an alert. It misses YANGCHENG LAKE (the alias is the longer "Yangcheng Lake hairy crab").
    const squats: Record<string, string> = {
      LAOGANMA: 'm-lgm',
      'LAO GAN MA': 'm-lgm',
      KANGSHIFU: 'm-ksf',
      'KANG SHI FU': 'm-ksf',
      'MASTER KONG': 'm-ksf',
      WAHAHA: 'm-whh',
      'WAHAHA KIDS': 'm-whh',
      'SIX WALNUTS': 'm-lght',
      'XINYANG MAOJIAN': 'gi-xymj',
      'XIHU LONGJING': 'gi-xhlj',
    };
    for (const [mark, entryId] of Object.entries(squats)) {
      const l = byMark.get(mark);
      expect(l, mark).toBeDefined();
      expect(filings.find((f) => f.mark === mark)?.resembles, mark).toBe(entryId);
      const alerts = matchesOf(l!, def, false).filter((r) => r.alert);
      expect(alerts.map((r) => r.entryId), mark).toContain(entryId);
      expect(alerts.find((r) => r.entryId === entryId)!.reasons.map((r) => r.code), mark).toContain('filing.third-party');
    }
    for (const f of filings.filter((x) => !x.resembles)) expect(matchesOf(byMark.get(f.mark)!, def, true), f.mark).toEqual([]);
    // every filing the data marks as resembling a watchlist entry is either found above or the known miss
    expect(filings.filter((f) => f.resembles && !squats[f.mark]).map((f) => f.mark)).toEqual(['YANGCHENG LAKE']);
  });
});

describe('demo court docket', () => {
  const def = loadSource('docket.json');
  const cases = docketCases();

  it('answers deterministically: a case list linking to Schedule A case pages, 404 for unknown cases', () => {
    const list = get('docket', '/cases');
    expect(text(list)).toBe(text(get('docket', '/cases')));
    const $ = cheerio.load(text(list));
    expect($('tr.case').length).toBe(cases.length);
    expect($('tr.case td.case-no a').map((_i, el) => $(el).attr('href')).get()).toEqual(cases.map((c) => `cases/${c.n}`));
    for (const c of cases) {
      const page = cheerio.load(text(get('docket', `/cases/${c.n}`)));
      expect(page('.case-head .case-no').text()).toBe(c.caseNo);
      expect(page('table.schedule-a tr.defendant').length).toBe(c.defendants.length);
    }
    expect(get('docket', `/cases/${cases.length + 1}`).status).toBe(404);
    expect(get('docket', '/cases/abc').status).toBe(404);
  });

  it('has a daily, local case-docket source whose start URLs are the case pages', () => {
    expect(def).toMatchObject({ id: 'demo-docket', channel: 'case-docket', country: 'US', platform: 'demo-docket', local: true, extract: { type: 'css' } });
    expect(def.startUrls).toEqual(cases.map((c) => `${BASE}/demo/docket/cases/${c.n}`));
    expect(def.schedule?.cron).toBe('0 4 * * *');
  });

  it('extracts one listing per Schedule A defendant: id, caption, defendant, court, case facts', () => {
    const { listings } = crawl(def);
    const expected = cases.flatMap((c) => c.defendants.map((d, i) => ({ c, d, row: i + 1 })));
    expect(listings.map((l) => l.externalId)).toEqual(expected.map(({ c, row }) => docketRowId(c, row)));
    listings.forEach((l, i) => {
      const { c, d } = expected[i]!;
      expect(l.title).toBe(docketRowTitle(c, d));
      expect(l.title).toBe(`${c.plaintiff} v. ${d.name} (${c.caseNo})`);
      expect(l.sellerName).toBe(d.name);
      expect(l.sellerLocation).toBe(d.country);
      expect(l.category).toBe(c.court);
      expect(l.raw).toMatchObject({ caseNo: c.caseNo, plaintiff: c.plaintiff, brand: c.brand, filingDate: c.filed, storePlatform: d.platform });
    });
  });

  it('names sellers of the demo sites, local firms and a demo rights holder among the defendants', () => {
    const names = new Set(cases.flatMap((c) => c.defendants.map((d) => d.name)));
    const overseas = (JSON.parse(readFileSync(new URL('../../../seeds/demo-sites/overseas/data.json', import.meta.url), 'utf8')) as { sellers: { name: string }[] }).sellers.map((s) => s.name);
    const fair = readFileSync(new URL('../../../seeds/demo-sites/fair/data.json', import.meta.url), 'utf8');
    expect(overseas.filter((n) => names.has(n)).length).toBeGreaterThanOrEqual(5);
    expect([...names].filter((n) => fair.includes(`"${n}"`)).length).toBeGreaterThanOrEqual(3);
    expect(watchlist.blacklist.some((b) => b.sellerName && names.has(b.sellerName))).toBe(true);
    expect(watchlist.entries.some((e) => e.owner !== undefined && names.has(e.owner))).toBe(true);
  });

  it('the demo watchlist finds the plaintiff brand in the NIKE case captions', () => {
    const { listings } = crawl(def);
    const nike = listings.filter((l) => l.raw.brand === 'NIKE');
    expect(nike.length).toBeGreaterThan(0);
    for (const l of nike) expect(matchesOf(l, def, true).map((r) => r.entryId), l.title).toContain('m-nike');
    // the case against the blacklisted mall seller raises an alert at the default scoring
    const blacklisted = nike.find((l) => l.sellerName === '潮牌折扣小铺')!;
    expect(matchesOf(blacklisted, def, false).some((r) => r.entryId === 'm-nike' && r.alert)).toBe(true);
  });
});
