// Listing-level evaluation over the demo sites: every listing of each site's default crawl is
// extracted with its source definition and scored against the demo watchlist; labels.jsonl says
// which are counterfeits. The figures (printed, and in docs/MATCHING.md) must not fall.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoSites } from '../../../seeds/demo-sites/index.ts';
import { sourceDefinitionSchema, type SourceDefinition } from '../../../crawlers/sources/source.schema.ts';
import { extractListings } from '../../../crawlers/extract/index.ts';
import { decodeBody } from '../../../crawlers/fetch/decode.ts';
import { compileMatcher } from '../../../src/matching/index.ts';
import { WatchlistSnapshotSchema } from '../../../src/matching/watchlist.schema.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const BASE = 'http://127.0.0.1:3000';

function definition(file: string): SourceDefinition {
  const text = readFileSync(path.join(ROOT, 'seeds/sources/demo', file), 'utf8').replaceAll('{{DEMO_BASE}}', BASE);
  return sourceDefinitionSchema.parse(JSON.parse(text));
}

/** The default crawl of a definition, served by the demo site's handler (no network). */
function crawl(site: string, def: SourceDefinition) {
  const out = [];
  let url: string | null = def.startUrls[0];
  for (let n = 1; url && n <= (def.pagination?.maxPages ?? 1); n++) {
    const u: URL = new URL(url);
    const res = demoSites[site].handle(u.pathname.slice(`/demo/${site}`.length), u.searchParams)!;
    const body = typeof res.body === 'string' ? Buffer.from(res.body) : res.body;
    const page = extractListings({ url, body: decodeBody(body, res.headers['content-type']).text }, def);
    out.push(...page.listings);
    if (!page.listings.length) break;
    if (def.pagination?.pageParam) {
      u.searchParams.set(def.pagination.pageParam, String(def.pagination.start + n * def.pagination.step));
      url = u.toString();
    } else url = page.nextPageUrl ?? null;
  }
  return out;
}

const labels = readFileSync(path.join(ROOT, 'seeds/demo-sites/labels.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { site: string; externalId: string; label: string; entryId?: string });
const watchlist = WatchlistSnapshotSchema.parse(JSON.parse(readFileSync(path.join(ROOT, 'seeds/demo/watchlist.json'), 'utf8')));
const matcher = compileMatcher(watchlist);
const sites: [string, string][] = [['mall', 'mall.json'], ['fair', 'fair.json'], ['wholesale', 'wholesale-json.json'], ['overseas', 'overseas.json']];

describe('alerts on the demo sites', () => {
  const rows = sites.flatMap(([site, file]) =>
    crawl(site, definition(file)).map((l) => {
      const label = labels.find((x) => x.site === site && x.externalId === l.externalId);
      const results = matcher.matchListing({
        id: l.externalId, title: l.title, price: l.price, currency: l.currency ?? undefined, seller: l.sellerName ?? undefined,
        sellerId: l.sellerId ?? undefined, platform: definition(file).platform, location: l.sellerLocation ?? undefined,
        regionCode: l.regionCode ?? undefined, category: l.category ?? undefined, channel: definition(file).channel,
      });
      return { site, label: label?.label, entryId: label?.entryId, alerted: results.filter((r) => r.alert).map((r) => r.entryId) };
    }),
  );

  it('every extracted demo listing has a ground-truth label', () => {
    expect(rows.length).toBe(labels.length);
    expect(rows.filter((r) => !r.label)).toEqual([]);
  });

  it('finds the counterfeits and leaves genuine and innocent listings alone', () => {
    const tp = rows.filter((r) => r.label === 'counterfeit' && r.alerted.length > 0).length;
    const fn = rows.filter((r) => r.label === 'counterfeit' && r.alerted.length === 0).length;
    const fp = rows.filter((r) => r.label !== 'counterfeit' && r.alerted.length > 0).length;
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    console.log(`demo listings: ${rows.length}, counterfeits ${tp + fn}, alerts ${tp + fp}; precision ${(precision * 100).toFixed(1)}%, recall ${(recall * 100).toFixed(1)}%`);
    for (const [site] of sites) {
      const s = rows.filter((r) => r.site === site);
      const stp = s.filter((r) => r.label === 'counterfeit' && r.alerted.length).length;
      const sc = s.filter((r) => r.label === 'counterfeit').length;
      const sfp = s.filter((r) => r.label !== 'counterfeit' && r.alerted.length).length;
      console.log(`  ${site}: ${s.length} listings, recall ${stp}/${sc}, false alerts ${sfp}`);
    }
    expect(recall).toBeGreaterThanOrEqual(RECALL_FLOOR);
    expect(precision).toBeGreaterThanOrEqual(PRECISION_FLOOR);
  });
});

// measured figures minus a small margin: a change that makes them fall fails here
const RECALL_FLOOR = 0.87;
const PRECISION_FLOOR = 0.97;
