// Markets of concern (重点关注市场名录), risk points (侵权易发风险点名录) and the blacklist (黑名单).
import { z } from 'zod';
import { channel, countryCode, creditCode, regionCode, text } from './validators.ts';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString().startsWith(s), 'not a real date');

export const MARKET_CHANNELS = ['ecommerce', 'exhibition', 'market'] as const;

export const MarketPatchSchema = z
  .object({
    name: text(200).describe('the platform, exhibition or physical market'),
    channel: z.enum(MARKET_CHANNELS).describe('ecommerce platform, exhibition, or physical (wholesale) market'),
    platform: text(100),
    host: z.string().trim().toLowerCase().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'a host name such as www.example.com'),
    regionCode,
    countryCode,
    reason: text(1000).describe('why it is listed'),
    listedSince: isoDate,
    active: z.boolean(),
  })
  .partial();
export const MarketCreateSchema = MarketPatchSchema.required({ name: true, channel: true, reason: true });
export type MarketPatch = z.infer<typeof MarketPatchSchema>;

export const RiskPointPatchSchema = z
  .object({
    channel,
    category: text(100).describe('a product category, e.g. 茶叶, 白酒, 箱包'),
    regionCode,
    weight: z.number().int().min(1, 'weight is 1–50 points').max(50, 'weight is 1–50 points').describe('points added to a matching listing\'s score'),
    reason: text(1000),
    active: z.boolean(),
  })
  .partial();
export const RiskPointCreateSchema = RiskPointPatchSchema.required({ reason: true }).refine(
  (r) => r.channel || r.category || r.regionCode,
  { message: 'a risk point names a channel, a category or a region (or several)', path: ['channel'] },
);
export type RiskPointPatch = z.infer<typeof RiskPointPatchSchema>;

export const BLACKLIST_SOURCES = ['alert', 'court', 'administrative', 'other'] as const;

export const BlacklistPatchSchema = z
  .object({
    platform: text(100),
    sellerId: text(200).describe('shop id on the platform'),
    sellerName: text(200).describe('shop name'),
    companyName: text(200),
    creditCode: creditCode.describe('统一社会信用代码'),
    phone: z.string().trim().regex(/^\+?[\d][\d\s-]{4,24}$/, 'a phone number'),
    address: text(300),
    reason: text(1000),
    sourceKind: z.enum(BLACKLIST_SOURCES).describe('what the listing rests on: a confirmed alert, a court or an administrative decision'),
    sourceRef: text(300).describe('alert id, case number or decision number'),
    listedOn: isoDate,
  })
  .partial();
export const BlacklistCreateSchema = BlacklistPatchSchema.required({ reason: true, sourceKind: true }).refine(
  (b) => b.sellerId || b.sellerName || b.companyName || b.creditCode || b.phone,
  { message: 'a blacklist entry identifies someone: sellerId, sellerName, companyName, creditCode or phone', path: ['sellerName'] },
);
export type BlacklistPatch = z.infer<typeof BlacklistPatchSchema>;

export const LiftSchema = z.object({ reason: z.string().trim().min(2, 'lifting needs a reason').max(1000) });

export const ListQuery = z.object({
  q: z.string().trim().max(100).optional(),
  includeInactive: z.enum(['true', 'false']).optional().describe('include retired / lifted entries'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
