// The watchlist snapshot: what the watchlist API exports and what the matcher compiles.
// Everything but version and each entry's id/kind/name has a default, so a hand-written
// file `{"version":"1","entries":[{"id":"m1","kind":"mark","name":"康师傅"}]}` is valid.
import { z } from 'zod';

const nonEmpty = z.string().trim().min(1);

export const ReferencePriceSchema = z.object({
  currency: nonEmpty.default('CNY'),
  min: z.number().nonnegative(),
  max: z.number().nonnegative(),
}).refine((p) => p.max >= p.min, { message: 'max must be ≥ min' });

export const AuthorisedSellerSchema = z.object({
  platform: z.string().optional(),
  sellerId: z.string().optional(),
  sellerName: z.string().optional(),
});

export const GiDetailsSchema = z.object({
  // GB/T 2260 six-digit administrative division codes of the protected region
  regionCodes: z.array(z.string().regex(/^\d{6}$/, 'six-digit GB/T 2260 code')).default([]),
  category: z.string().optional(),
  seasonMonths: z.array(z.number().int().min(1).max(12)).default([]),
  producers: z.array(z.string()).default([]),
});

export const WatchlistEntrySchema = z.object({
  id: nonEmpty,
  kind: z.enum(['mark', 'gi']),
  name: nonEmpty,
  aliases: z.array(z.string()).default([]),
  registrationNo: z.string().optional(),
  niceClasses: z.array(z.number().int().min(1).max(45)).default([]),
  owner: z.string().optional(),
  keywords: z.array(z.string()).default([]),
  referencePrices: z.array(ReferencePriceSchema).default([]),
  authorisedSellers: z.array(AuthorisedSellerSchema).default([]),
  channels: z.array(z.string()).default([]),
  countries: z.array(z.string()).default([]),
  gi: GiDetailsSchema.optional(),
});

export const BlacklistEntrySchema = z.object({
  platform: z.string().optional(),
  sellerId: z.string().optional(),
  sellerName: z.string().optional(),
  companyName: z.string().optional(),
  creditCode: z.string().optional(),
  phone: z.string().optional(),
  reason: z.string().optional(),
});

export const MarketOfConcernSchema = z.object({
  name: nonEmpty,
  channel: z.string().optional(),
  platform: z.string().optional(),
  host: z.string().optional(),
  reason: z.string().optional(),
});

export const RiskPointSchema = z.object({
  channel: z.string().optional(),
  category: z.string().optional(),
  regionCode: z.string().regex(/^\d{6}$/, 'six-digit GB/T 2260 code').optional(),
  weight: z.number().optional(),
  reason: z.string().optional(),
});

export const WatchlistSnapshotSchema = z.object({
  version: nonEmpty,
  generatedAt: z.string().optional(),
  entries: z.array(WatchlistEntrySchema),
  blacklist: z.array(BlacklistEntrySchema).default([]),
  markets: z.array(MarketOfConcernSchema).default([]),
  riskPoints: z.array(RiskPointSchema).default([]),
});

export type ReferencePrice = z.infer<typeof ReferencePriceSchema>;
export type AuthorisedSeller = z.infer<typeof AuthorisedSellerSchema>;
export type GiDetails = z.infer<typeof GiDetailsSchema>;
export type WatchlistEntry = z.infer<typeof WatchlistEntrySchema>;
export type BlacklistEntry = z.infer<typeof BlacklistEntrySchema>;
export type MarketOfConcern = z.infer<typeof MarketOfConcernSchema>;
export type RiskPoint = z.infer<typeof RiskPointSchema>;
export type WatchlistSnapshot = z.infer<typeof WatchlistSnapshotSchema>;
/** what callers may pass before defaults are applied */
export type WatchlistSnapshotInput = z.input<typeof WatchlistSnapshotSchema>;

export const ListingSchema = z.object({
  id: z.coerce.string().pipe(nonEmpty),
  title: z.string(),
  description: z.string().optional(),
  price: z.number().nonnegative().nullable().optional(),
  currency: z.string().optional(),
  seller: z.string().optional(),
  sellerId: z.string().optional(),
  platform: z.string().optional(),
  location: z.string().optional(),
  regionCode: z.string().optional(),
  category: z.string().optional(),
  channel: z.string().optional(),
  host: z.string().optional(),
  observedAt: z.string().optional(),
});
export type Listing = z.infer<typeof ListingSchema>;
