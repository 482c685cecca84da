// Turns the named values a rule set read from one item into a Listing: well-known names map
// onto listing fields, everything is kept as raw text, the price text is parsed with its
// currency, URLs are made absolute and the seller location is normalised.
import { createHash } from 'node:crypto';
import { listingIssue, type Listing } from './listing.schema.ts';
import type { FieldValue } from './fields.ts';
import { normaliseLocation, countryFromText } from './location.ts';
import { detectCurrency, parsePrice } from './price.ts';
import { absoluteUrl, normaliseText } from './text.ts';

export interface BuildContext {
  pageUrl: string;
  sourceId?: string;
  defaultCurrency?: string | null;
  // position of the item on the page, for error messages
  index: number;
}

export type BuildResult = { listing: Listing; error?: undefined } | { listing?: undefined; error: string };

function first(value: FieldValue | undefined): string | null {
  if (value == null) return null;
  if (Array.isArray(value)) return value.find((v) => v.trim() !== '') ?? null;
  return value.trim() === '' ? null : value;
}

function list(value: FieldValue | undefined): string[] {
  if (value == null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v.trim() !== '');
}

export function buildListing(values: Record<string, FieldValue>, ctx: BuildContext): BuildResult {
  const raw: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value == null) continue;
    raw[name] = Array.isArray(value) ? value.join(' ') : value;
  }

  const title = first(values.title);
  const rawUrl = first(values.url);
  if (!title && !rawUrl) return { error: `item ${ctx.index + 1}: no title and no url` };
  const url = rawUrl ? absoluteUrl(rawUrl, ctx.pageUrl) : ctx.pageUrl;

  const priceText = first(values.price);
  const currencyText = first(values.currency);
  const declaredCurrency = currencyText ? (/^[A-Za-z]{3}$/.test(currencyText.trim()) ? currencyText.trim().toUpperCase() : detectCurrency(currencyText, ctx.defaultCurrency)) : null;
  const parsed = parsePrice(priceText, declaredCurrency ?? ctx.defaultCurrency ?? null);
  if (parsed.note) raw.price_note = parsed.note;
  if (parsed.price === 0) {
    // placeholders ("0.00" in a state blob, "¥0" before a price loads) are not prices
    parsed.price = null;
    raw.price_note = 'zero price treated as missing';
  }
  const currency = parsed.price == null ? null : (declaredCurrency ?? parsed.currency ?? ctx.defaultCurrency ?? null);

  const sellerLocation = first(values.sellerLocation);
  const loc = normaliseLocation(sellerLocation);
  const countryCode = loc.countryCode ?? (first(values.country) ? countryFromText(first(values.country)!) : null);

  const images = [...new Set(list(values.images).map((i) => absoluteUrl(i, ctx.pageUrl)))].filter((i) => /^https?:/i.test(i));

  const externalId = first(values.externalId) ?? idFromUrl(url) ?? stableId(url !== ctx.pageUrl ? url : `${ctx.pageUrl}#${title ?? ''}`);

  // one object literal with a fixed shape: a conditional spread here (`...(id ? { sourceId } : {})`)
  // took V8's generic object-clone path and cost ≈ 10 µs a listing. An absent source id is
  // undefined, which JSON leaves out as it did the missing key
  const candidate: Listing = {
    sourceId: ctx.sourceId || undefined,
    externalId: normaliseText(externalId),
    url,
    title: title ? normaliseText(title) : '',
    price: parsed.price,
    currency,
    sellerName: nullableText(first(values.sellerName)),
    sellerId: nullableText(first(values.sellerId)),
    sellerLocation: nullableText(sellerLocation),
    regionCode: loc.regionCode,
    countryCode,
    images,
    category: nullableText(first(values.category)),
    raw,
  };
  // the listing schema's rules (extractor output is a trust boundary), checked without zod
  const issue = listingIssue(candidate);
  if (issue !== null) return { error: `item ${ctx.index + 1}: ${issue}` };
  return { listing: candidate };
}

function nullableText(v: string | null): string | null {
  if (v == null) return null;
  const t = normaliseText(v);
  return t === '' ? null : t;
}

// ids that well-known URL shapes carry; a site rule (externalId field) always wins over these
const URL_ID_PATTERNS: RegExp[] = [
  /\/dp\/([A-Z0-9]{10})(?:[/?]|$)/, // amazon
  /\/itm\/(?:[^/?#]+\/)?(\d{9,})/, // ebay
  /\/listing\/(\d+)/, // etsy
  /[?&](?:id|itemId|item_id|offerId|nid|sku)=(\d+)/i, // taobao, tmall, 1688
  /\/item\/(?:[^/?#]+\/)?(\d+)\.html/, // aliexpress
  /\/(?:offer|product|products|goods)\/(\d+)/i,
  /\/(\d{5,})\.html?(?:[?#]|$)/, // jd and many others
];

export function idFromUrl(url: string): string | null {
  for (const re of URL_ID_PATTERNS) {
    const m = re.exec(url);
    if (m) return m[1]!;
  }
  return null;
}

export function stableId(seed: string): string {
  return 'h-' + createHash('sha256').update(seed).digest('hex').slice(0, 20);
}
