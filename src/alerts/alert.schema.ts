// The shapes at the trust boundary of the review workflow: queue filters, actions, rules.
import { z } from 'zod';

export const LEVELS = ['high', 'medium', 'low'] as const;
export const STATUSES = ['new', 'in_review', 'confirmed', 'dismissed', 'referred', 'closed'] as const;
export const DISMISS_REASONS = ['genuine_authorised', 'not_our_goods', 'insufficient_evidence', 'duplicate', 'other'] as const;
export const OUTCOMES = ['case_opened', 'penalty', 'platform_takedown', 'no_action'] as const;

export const dismissReasonName: Record<(typeof DISMISS_REASONS)[number], string> = {
  genuine_authorised: '正品/已授权',
  not_our_goods: '非本商标商品',
  insufficient_evidence: '证据不足',
  duplicate: '重复预警',
  other: '其他',
};
export const outcomeName: Record<(typeof OUTCOMES)[number], string> = {
  case_opened: '已立案',
  penalty: '已处罚',
  platform_takedown: '平台已下架',
  no_action: '不予处理',
};

const id = z.string().regex(/^\d{1,19}$/, 'must be a numeric id');
const splitCsv = (s: string | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

/** the queue's filters: the same for the list, the console, bulk actions and exports */
export const alertFilterSchema = z.object({
  status: z.string().optional().transform(splitCsv).pipe(z.array(z.enum(STATUSES)).optional()).describe('comma-separated statuses'),
  level: z.string().optional().transform(splitCsv).pipe(z.array(z.enum(LEVELS)).optional()).describe('comma-separated levels'),
  markId: id.optional(),
  sourceId: id.optional(),
  channel: z.string().max(40).optional(),
  region: z.string().regex(/^\d{2,6}$/, 'region must be a GB/T 2260 code prefix (2–6 digits)').optional().describe('region code prefix, e.g. 41 or 4101'),
  from: isoDate.optional().describe('created on or after (YYYY-MM-DD)'),
  to: isoDate.optional().describe('created on or before (YYYY-MM-DD)'),
  assigneeId: z.union([id, z.literal('none')]).optional().describe('a user id, or "none" for unassigned'),
  sellerId: id.optional(),
  clueId: id.optional(),
});
export type AlertFilterInput = z.infer<typeof alertFilterSchema>;

export const alertListQuery = alertFilterSchema.extend({
  after: z.string().regex(/^\d{1,3}:\d{1,19}$/, 'after must be a cursor "score:id" from a previous page').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const referralSchema = z
  .object({
    unit: z.string().trim().min(1).max(200).optional().describe('the enforcement unit referred to'),
    regionCode: z.string().regex(/^\d{6}$/, 'a six-digit region code').optional().describe('or the region referred to'),
    referenceNo: z.string().trim().min(1).max(100).describe('the referral reference number (移送文号)'),
    referredOn: isoDate.describe('date of the referral'),
  })
  .refine((r) => r.unit || r.regionCode, { message: 'give the enforcement unit or the region code', path: ['unit'] });

export const alertActionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('start_review'), note: z.string().max(2000).optional() }),
  z.object({ action: z.literal('confirm'), note: z.string().max(2000).optional() }),
  z.object({
    action: z.literal('dismiss'),
    reason: z.enum(DISMISS_REASONS),
    note: z.string().trim().min(1, 'a dismissal needs an explanation').max(2000),
  }),
  z.object({ action: z.literal('refer'), referral: referralSchema, note: z.string().max(2000).optional() }),
  z.object({ action: z.literal('close'), outcome: z.enum(OUTCOMES), note: z.string().max(2000).optional() }),
  z.object({ action: z.literal('reopen'), note: z.string().trim().min(1).max(2000) }),
  z.object({ action: z.literal('assign'), assigneeId: id.nullable(), note: z.string().max(2000).optional() }),
  z.object({ action: z.literal('comment'), note: z.string().trim().min(1).max(4000) }),
]);
export type AlertAction = z.infer<typeof alertActionSchema>;

export const holderFlagSchema = z.object({
  flag: z.enum(['genuine', 'infringing']),
  note: z.string().max(2000).optional(),
});

/** all conditions must hold; an empty object matches every alert */
export const ruleConditionsSchema = z
  .object({
    scoreGte: z.number().int().min(0).max(100).optional(),
    scoreLt: z.number().int().min(0).max(101).optional(),
    levels: z.array(z.enum(LEVELS)).optional(),
    reasonCodes: z.array(z.string().min(1)).optional().describe('every one of these reason codes is present'),
    sellerAuthorised: z.boolean().optional(),
    sellerBlacklisted: z.boolean().optional(),
    channels: z.array(z.string()).optional(),
    markIds: z.array(id).optional(),
  })
  .strict();
export type RuleConditions = z.infer<typeof ruleConditionsSchema>;

export const ruleActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('dismiss'), reason: z.enum(DISMISS_REASONS), note: z.string().min(1).max(500) }),
  z.object({ type: z.literal('set_level'), level: z.enum(LEVELS) }),
  z.object({ type: z.literal('assign'), assigneeId: id }),
]);
export type RuleAction = z.infer<typeof ruleActionSchema>;

export const ruleInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean().default(true),
  position: z.number().int().min(0).max(10000).default(100),
  conditions: ruleConditionsSchema,
  action: ruleActionSchema,
});
export type RuleInput = z.infer<typeof ruleInputSchema>;

export const thresholdsSchema = z
  .object({ high: z.number().int().min(0).max(100), medium: z.number().int().min(0).max(100) })
  .refine((t) => t.high >= t.medium, { message: 'high must be ≥ medium', path: ['high'] });
