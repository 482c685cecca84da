// Weights and thresholds of the listing score. Every point of a score comes from one of these
// through a reason (scoring.ts); administrators override them, code does not hard-wire them.
import { z } from 'zod';

const pts = z.number().int().min(-100).max(100);

export const ScoringConfigSchema = z.object({
  thresholds: z.object({
    alert: z.number().int().min(0).max(100).default(50),
    high: z.number().int().min(0).max(100).default(70),
    medium: z.number().int().min(0).max(100).default(50),
    low: z.number().int().min(0).max(100).default(30),
  }).prefault({}),
  // points for the name match, scaled by its similarity; a look-alike is itself suspicious
  // (傍名牌), an exact name is often a genuine reseller, so look-alikes weigh a little more
  name: z.object({
    exact: pts.default(45),
    alias: pts.default(42),
    normalised: pts.default(48),
    homoglyph: pts.default(50),
    visual: pts.default(50),
    phonetic: pts.default(44),
    // close in meaning: a counterpart term swapped into a name of three or more characters (老干爹)
    semantic: pts.default(46),
    affix: pts.default(48),
    edit: pts.default(38),
  }).prefault({}),
  replicaCue: z.object({ strong: pts.default(30), weak: pts.default(10) }).prefault({}),
  price: z.object({
    // a price under this fraction of the reference minimum is a strong counterfeit signal
    lowFraction: z.number().min(0).max(1).default(0.3),
    veryLow: pts.default(22),
    belowMin: pts.default(8),
    inRange: pts.default(-5),
  }).prefault({}),
  seller: z.object({
    authorised: pts.default(-60),
    blacklisted: pts.default(25),
    // the seller's own name (shop, company, exhibitor) contains the look-alike the listing uses:
    // a knock-off maker that took the look-alike as its trade name (汕头市雷碧饮料厂)
    nameUsesLookalike: pts.default(15),
  }).prefault({}),
  goods: z.object({
    keyword: pts.default(8),
    inClass: pts.default(4),
    outOfClass: pts.default(-20),
  }).prefault({}),
  gi: z.object({
    outsideRegion: pts.default(20),
    insideRegion: pts.default(-15),
    outOfSeason: pts.default(10),
  }).prefault({}),
  market: z.object({ ofConcern: pts.default(10), riskPointDefault: pts.default(5) }).prefault({}),
  // a look-alike of a watched name filed by someone else in a trademark gazette abroad is itself
  // the clue (商标恶意注册监测): there is no price or replica wording to add to the name match
  filing: z.object({ thirdParty: pts.default(25) }).prefault({}),
  descriptiveUse: pts.default(-30),
}).refine((c) => c.thresholds.high >= c.thresholds.medium && c.thresholds.medium >= c.thresholds.low, {
  message: 'thresholds must satisfy high ≥ medium ≥ low',
});

export type ScoringConfig = z.infer<typeof ScoringConfigSchema>;
export type ScoringConfigInput = z.input<typeof ScoringConfigSchema>;

export const defaultScoringConfig: ScoringConfig = ScoringConfigSchema.parse({});

export function parseScoringConfig(input: ScoringConfigInput = {}): ScoringConfig {
  return ScoringConfigSchema.parse(input);
}
