// Extraction is a pure function from a fetched page to listings: no I/O, no clock, and it never
// throws on page content. Whatever can't be read is reported in `errors`, and whatever can is
// returned, so one broken card or a malformed blob never costs the rest of the page.
import type { CheerioAPI } from 'cheerio';
import type { SourceDefinition } from '../sources/source.schema.ts';
import { autoItems } from './auto.ts';
import { buildListing } from './build-listing.ts';
import { extractCssItems, readCssFields } from './css.ts';
import type { FieldValue } from './fields.ts';
import { extractJsonItems } from './json.ts';
import { loadHtml } from './parse-html.ts';
import type { ExtractResult, Listing, PageInput } from './listing.schema.ts';
import { absoluteUrl } from './text.ts';

export type { ExtractResult, Listing, PageInput } from './listing.schema.ts';
export { listingSchema } from './listing.schema.ts';
export { parsePrice } from './price.ts';
export { normaliseLocation } from './location.ts';

function load(body: string, errors: string[]): CheerioAPI | null {
  try {
    return loadHtml(body);
  } catch (err) {
    errors.push(`HTML could not be parsed: ${(err as Error).message}`);
    return null;
  }
}

function looksLikeJson(page: PageInput): boolean {
  return /json/i.test(page.contentType ?? '') || /^\s*[[{]/.test(page.body.slice(0, 64));
}

function collect(
  valueMaps: { values: Record<string, FieldValue>; extraRaw?: Record<string, string> }[],
  page: PageInput,
  source: { id?: string; defaultCurrency?: string | null } | null,
  errors: string[],
): Listing[] {
  const listings: Listing[] = [];
  const seen = new Set<string>();
  valueMaps.forEach(({ values, extraRaw }, index) => {
    try {
      const result = buildListing(values, { pageUrl: page.url, sourceId: source?.id, defaultCurrency: source?.defaultCurrency ?? null, index });
      if (result.error !== undefined) {
        errors.push(result.error);
        return;
      }
      const listing = result.listing;
      if (extraRaw) Object.assign(listing.raw, extraRaw);
      // the same card twice (a carousel repeating it) is one listing; the same id under another
      // link (an ad and the organic result for one product) is kept, as the page shows both
      const key = `${listing.externalId}\u0000${listing.url}`;
      if (seen.has(key)) return;
      seen.add(key);
      listings.push(listing);
    } catch (err) {
      errors.push(`item ${index + 1}: ${(err as Error).message}`);
    }
  });
  return listings;
}

/** Listings found on one page by the source's rules, and the next page to fetch if any. */
export function extractListings(page: PageInput, source: SourceDefinition): ExtractResult {
  const errors: string[] = [];
  try {
    const rule = source.extract;
    const jsonResponse = rule.type === 'json' && rule.source === 'response';
    const $ = jsonResponse ? null : load(page.body, errors);
    let listings: Listing[] = [];
    if (rule.type === 'css') {
      if (!$) return { listings: [], errors };
      const { items } = extractCssItems($, rule, page.url, errors);
      listings = collect(
        items.map((i) => ({ values: i.values, extraRaw: rule.sponsored ? { sponsored: String(i.sponsored) } : undefined })),
        page,
        source,
        errors,
      );
    } else if (rule.type === 'json') {
      const items = extractJsonItems(page.body, $, rule, page.url, errors);
      listings = collect(items.map((values) => ({ values })), page, source, errors);
    } else {
      if (!$) return { listings: [], errors };
      listings = collect(autoItems($, errors).map((i) => ({ values: i.values, extraRaw: { extracted_by: i.method } })), page, source, errors);
    }
    const nextPageUrl = listings.length > 0 && $ ? nextPage($, page.url, source, errors) : undefined;
    return nextPageUrl ? { listings, nextPageUrl, errors } : { listings, errors };
  } catch (err) {
    // a bug or a pathological page must not take the worker down with it
    errors.push(`extraction failed: ${(err as Error).message}`);
    return { listings: [], errors };
  }
}

/** Generic extraction (no site rules) for `extract.type = auto` and `ipclue extract --auto`. */
export function extractAuto(page: PageInput, options: { sourceId?: string; defaultCurrency?: string | null } = {}): ExtractResult {
  const errors: string[] = [];
  try {
    if (looksLikeJson(page) && !/<html/i.test(page.body.slice(0, 2048))) {
      errors.push('auto extraction reads HTML pages; this body looks like JSON (use extract.type "json")');
      return { listings: [], errors };
    }
    const $ = load(page.body, errors);
    if (!$) return { listings: [], errors };
    const listings = collect(
      autoItems($, errors).map((i) => ({ values: i.values, extraRaw: { extracted_by: i.method } })),
      page,
      { id: options.sourceId, defaultCurrency: options.defaultCurrency ?? null },
      errors,
    );
    if (listings.length === 0) errors.push('no JSON-LD, microdata, OpenGraph product or inline JSON listings found');
    return { listings, errors };
  } catch (err) {
    errors.push(`extraction failed: ${(err as Error).message}`);
    return { listings: [], errors };
  }
}

export interface DetailResult {
  values: Record<string, FieldValue>;
  // the detail page read as one listing (title, price ... as far as its fields provide them)
  listing: Listing | null;
  errors: string[];
}

/** Reads a source's detail-page fields (scope: the whole page). */
export function extractDetail(page: PageInput, source: SourceDefinition): DetailResult {
  const errors: string[] = [];
  try {
    const $ = load(page.body, errors);
    if (!$ || !source.detail) {
      if (!source.detail) errors.push(`source ${source.id} has no detail rules`);
      return { values: {}, listing: null, errors };
    }
    const values = readCssFields($, $.root()[0]!, source.detail.fields, page.url, errors, 'detail');
    if (values.url == null) values.url = page.url;
    const built = buildListing(values, { pageUrl: page.url, sourceId: source.id, defaultCurrency: source.defaultCurrency ?? null, index: 0 });
    if (built.error !== undefined) errors.push(built.error);
    return { values, listing: built.listing ?? null, errors };
  } catch (err) {
    errors.push(`detail extraction failed: ${(err as Error).message}`);
    return { values: {}, listing: null, errors };
  }
}

/** A list listing completed by its detail page: the detail page fills what the list lacked. */
export function mergeDetail(listing: Listing, detail: Listing | null): Listing {
  if (!detail) return listing;
  const pick = <K extends keyof Listing>(k: K): Listing[K] => {
    const v = listing[k];
    return v == null || v === '' || (Array.isArray(v) && v.length === 0) ? detail[k] : v;
  };
  const priceFromDetail = listing.price == null && detail.price != null;
  return {
    ...listing,
    title: pick('title'),
    price: priceFromDetail ? detail.price : listing.price,
    currency: priceFromDetail ? detail.currency : listing.currency,
    sellerName: pick('sellerName'),
    sellerId: pick('sellerId'),
    sellerLocation: pick('sellerLocation'),
    regionCode: listing.sellerLocation ? listing.regionCode : detail.regionCode,
    countryCode: listing.sellerLocation ? listing.countryCode : detail.countryCode,
    images: pick('images'),
    category: pick('category'),
    raw: { ...Object.fromEntries(Object.entries(detail.raw).map(([k, v]) => [`detail.${k}`, v])), ...listing.raw },
  };
}

function nextPage($: CheerioAPI, pageUrl: string, source: SourceDefinition, errors: string[]): string | undefined {
  const p = source.pagination;
  if (!p) return undefined;
  if (p.nextSelector) {
    try {
      const href = $(p.nextSelector).first().attr('href');
      if (href && !/^(javascript:|#)/i.test(href.trim())) {
        const next = absoluteUrl(href, pageUrl);
        return next !== pageUrl ? next : undefined;
      }
    } catch (err) {
      errors.push(`pagination.nextSelector: ${(err as Error).message}`);
    }
    return undefined;
  }
  if (p.pageParam) {
    let url: URL;
    try {
      url = new URL(pageUrl);
    } catch {
      return undefined;
    }
    const current = Number(url.searchParams.get(p.pageParam) ?? p.start);
    if (!Number.isFinite(current)) return undefined;
    const pageIndex = Math.floor((current - p.start) / p.step); // 0-based
    if (pageIndex + 1 >= p.maxPages) return undefined;
    url.searchParams.set(p.pageParam, String(current + p.step));
    return url.href;
  }
  return undefined;
}
