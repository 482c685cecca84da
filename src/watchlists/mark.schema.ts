// Marks (trademarks) and GIs: what a registration holds, validated the same way from the API,
// the console forms and the bulk import.
import { z } from 'zod';
import {
  authorisedSeller, channel, countryCode, month, niceClasses, referencePrice, regionCode, registrationNo, text,
} from './validators.ts';

export const MARK_STATUSES = ['pending', 'active', 'suspended', 'rejected'] as const;
export type MarkStatus = (typeof MARK_STATUSES)[number];
export type MarkKind = 'mark' | 'gi';

export const GiInputSchema = z.object({
  /** the protected region: province-, prefecture- or county-level GB/T 2260 codes */
  regionCodes: z.array(regionCode).min(1, 'a GI needs at least one protected region code').max(200),
  category: text(100).optional(),
  /** months in which the fresh product can genuinely be on sale */
  seasonMonths: z.array(month).max(12).optional(),
  /** authorised producers / users of the GI */
  producers: z.array(text(200)).max(500).optional(),
});

const fields = {
  name: text(200).describe('name as registered (Chinese and/or Latin)'),
  aliases: z.array(text(200)).max(50).describe('other forms it is sold under: pinyin, English name…'),
  registrationNo: registrationNo.describe('CNIPA registration number (注册号): 1–9 digits, optionally one letter suffix, e.g. 12345678A'),
  niceClasses: niceClasses.describe('Nice classes (尼斯分类), 1–45'),
  rightsHolderId: z.string().regex(/^\d{1,19}$/, 'rightsHolderId must be a number').describe('owner organisation; a rights holder always registers for its own'),
  logoUrl: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }),
  keywords: z.array(text(100)).max(200).describe('product keywords that indicate the goods'),
  referencePrices: z.array(referencePrice).max(20).describe('reference retail price range per currency'),
  authorisedSellers: z.array(authorisedSeller).max(1000),
  channels: z.array(channel).max(10).describe('channels to watch; empty = all'),
  countries: z.array(countryCode).max(250).describe('countries to watch (ISO 3166-1 alpha-2); empty = all'),
};

export const MarkPatchSchema = z.object({ ...fields, gi: GiInputSchema }).partial();
export type MarkPatch = z.infer<typeof MarkPatchSchema>;

export const MarkCreateSchema = MarkPatchSchema.extend({
  name: fields.name,
  registrationNo: fields.registrationNo,
  niceClasses: fields.niceClasses.refine((a) => a.length > 0, 'a trademark is registered in at least one Nice class'),
});
export const GiCreateSchema = MarkPatchSchema.extend({
  name: fields.name,
  gi: GiInputSchema,
});
export type MarkCreate = z.infer<typeof MarkPatchSchema> & { name: string };

export const StatusChangeSchema = z
  .object({
    status: z.enum(MARK_STATUSES),
    reason: z.string().trim().max(500).optional(),
  })
  .refine((b) => !(b.status === 'suspended' || b.status === 'rejected') || (b.reason && b.reason.length >= 2), {
    message: 'suspending or rejecting needs a reason',
    path: ['reason'],
  });

/** which status changes a reviewer may make */
export const TRANSITIONS: Record<MarkStatus, MarkStatus[]> = {
  pending: ['active', 'rejected', 'suspended'],
  active: ['suspended', 'rejected'],
  suspended: ['active', 'rejected'],
  rejected: ['pending'],
};

export const ListMarksQuery = z.object({
  status: z.enum(MARK_STATUSES).optional(),
  q: z.string().trim().max(100).optional().describe('search name, aliases and registration number'),
  rightsHolderId: z.string().regex(/^\d{1,19}$/).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export interface Mark {
  id: string;
  kind: MarkKind;
  name: string;
  aliases: string[];
  registrationNo: string | null;
  niceClasses: number[];
  rightsHolder: { id: string; name: string } | null;
  status: MarkStatus;
  statusReason: string | null;
  logoUrl: string | null;
  keywords: string[];
  referencePrices: { currency: string; min: number; max: number }[];
  authorisedSellers: { platform?: string; sellerId?: string; sellerName?: string }[];
  channels: string[];
  countries: string[];
  gi: { regionCodes: string[]; category?: string; seasonMonths?: number[]; producers?: string[] } | null;
  createdAt: Date;
  updatedAt: Date;
}
