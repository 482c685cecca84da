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
