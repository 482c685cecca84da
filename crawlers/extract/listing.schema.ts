// What every extractor produces, whatever the site: one offer of goods (or one exhibitor, or one
// market stall) as seen on one page. Extractor output is a trust boundary too: it is parsed with
// this schema before it is upserted.
import { z } from 'zod';

export const listingSchema = z.object({
  sourceId: z.string().optional(),
  // the site's own id (ASIN, eBay item number, Taobao nid...), or a stable hash when it has none
  externalId: z.string().min(1),
  url: z.string(),
  title: z.string(),
  // null when the page shows no price (never 0: a missing price is not a free item)
  price: z.number().nonnegative().finite().nullable(),
  currency: z.string().regex(/^[A-Z]{3}$/).nullable(),
  sellerName: z.string().nullable(),
  sellerId: z.string().nullable(),
  // as the page says it ("浙江 宁波", "Rancho Cucamonga, California, United States")
  sellerLocation: z.string().nullable(),
  // GB/T 2260 code when the seller is in China, else null
  regionCode: z.string().regex(/^\d{6}$/).nullable(),
  // ISO 3166-1 alpha-2 of the seller's country when known
  countryCode: z.string().regex(/^[A-Z]{2}$/).nullable(),
  images: z.array(z.string()),
  category: z.string().nullable(),
  // every field the rules read, as text, plus notes such as price_note for price ranges
  raw: z.record(z.string(), z.string()),
});

export type Listing = z.infer<typeof listingSchema>;

const CURRENCY = /^[A-Z]{3}$/;
const REGION = /^\d{6}$/;
const COUNTRY = /^[A-Z]{2}$/;
const str = (v: unknown) => typeof v === 'string';
const strOrNull = (v: unknown) => v === null || typeof v === 'string';

/**
 * The first way a listing breaks `listingSchema` ("path: message"), or null when it has none:
 * the same rules, checked by hand for the listings the extractor builds itself (a page's forty
 * listings through zod cost more than the rest of their building). Unit tests hold it to the
 * schema's answers; data from elsewhere is still parsed with the schema.
 */
export function listingIssue(l: Listing): string | null {
  if (l.sourceId !== undefined && !str(l.sourceId)) return 'sourceId: expected string';
  if (!str(l.externalId) || l.externalId.length < 1) return 'externalId: expected a non-empty string';
  if (!str(l.url)) return 'url: expected string';
  if (!str(l.title)) return 'title: expected string';
  if (l.price !== null && !(typeof l.price === 'number' && Number.isFinite(l.price) && l.price >= 0)) return 'price: expected a finite number >= 0 or null';
  if (l.currency !== null && !(str(l.currency) && CURRENCY.test(l.currency))) return 'currency: expected a three-letter upper-case code or null';
  if (!strOrNull(l.sellerName)) return 'sellerName: expected string or null';
  if (!strOrNull(l.sellerId)) return 'sellerId: expected string or null';
  if (!strOrNull(l.sellerLocation)) return 'sellerLocation: expected string or null';
  if (l.regionCode !== null && !(str(l.regionCode) && REGION.test(l.regionCode))) return 'regionCode: expected six digits or null';
  if (l.countryCode !== null && !(str(l.countryCode) && COUNTRY.test(l.countryCode))) return 'countryCode: expected a two-letter upper-case code or null';
  if (!Array.isArray(l.images)) return 'images: expected array';
  for (let i = 0; i < l.images.length; i++) if (!str(l.images[i])) return `images.${i}: expected string`;
  if (!strOrNull(l.category)) return 'category: expected string or null';
  if (typeof l.raw !== 'object' || l.raw === null || Array.isArray(l.raw)) return 'raw: expected record';
  for (const k in l.raw) if (Object.hasOwn(l.raw, k) && !str(l.raw[k])) return `raw.${k}: expected string`;
  return null;
}

export interface ExtractResult {
  listings: Listing[];
  nextPageUrl?: string;
  errors: string[];
}

export interface PageInput {
  url: string;
  body: string;
  contentType?: string;
}
