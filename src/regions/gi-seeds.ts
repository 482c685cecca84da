// The reference list of Chinese geographic indications in seeds/gis.json (see
// seeds/README-gis.md), loaded and validated: the shape by zod, and every region code against
// the GB/T 2260 table (the code must exist and its name must be the one written beside it).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { getRegion } from './index.ts';

export const GI_CATEGORIES = [
  'tea',
  'fruit',
  'vegetable',
  'grain',
  'nut',
  'fungus',
  'aquatic',
  'meat',
  'livestock',
  'condiment',
  'processed_food',
  'liquor',
  'medicinal',
  'craft',
] as const;

export const GI_PROTECTIONS = [
  /** 地理标志产品 (原国家质检总局, now 国家知识产权局) */
  'gi_product',
  /** 地理标志证明商标 */
  'gi_certification_mark',
  /** 地理标志集体商标 */
  'gi_collective_mark',
  /** 农产品地理标志 (原农业部) */
  'agri_gi',
] as const;

/** what kind of place the product name refers to */
export const GI_PLACE_KINDS = [
  /** a current administrative division (信阳, 五常) */
  'division',
  /** a division since renamed or abolished (郫县 → 郫都区, 太平县 → 黄山区) */
  'former_division',
  /** a historical region name (赣南, 怀庆) */
  'historical',
  /** a lake, mountain or stream (阳澄湖, 长白山, 琯溪) */
  'natural',
  /** a township below county level (茅台镇, 道口镇) */
  'town',
] as const;

const regionRefSchema = z.object({
  code: z.string().regex(/^\d{6}$/, 'six-digit GB/T 2260 code'),
  name: z.string().min(1),
});

export const giSeedSchema = z
  .object({
    name: z.string().min(2),
    aliases: z.array(z.string().min(1)).default([]),
    place: z.string().min(1),
    placeKind: z.enum(GI_PLACE_KINDS),
    category: z.enum(GI_CATEGORIES),
    categoryZh: z.string().min(1),
    niceClasses: z.array(z.number().int().min(1).max(45)).min(1),
    regions: z.array(regionRefSchema).min(1),
    protectedArea: z.string().min(2),
    protection: z.array(z.enum(GI_PROTECTIONS)),
    source: z.string().min(2),
    /** months (1-12) in which the fresh product is normally on the market */
    seasonMonths: z.array(z.number().int().min(1).max(12)).min(1).optional(),
    note: z.string().optional(),
  })
  .superRefine((gi, ctx) => {
    gi.regions.forEach((r, i) => {
      const region = getRegion(r.code);
      if (!region || region.code !== r.code) {
        ctx.addIssue({ code: 'custom', path: ['regions', i, 'code'], message: `unknown region code ${r.code}` });
      } else if (region.name !== r.name) {
        ctx.addIssue({
          code: 'custom',
          path: ['regions', i, 'name'],
          message: `${r.code} is ${region.name}, not ${r.name}`,
        });
      } else if (region.superseded) {
        ctx.addIssue({ code: 'custom', path: ['regions', i, 'code'], message: `${r.code} ${r.name} is superseded` });
      }
    });
  });

export const giSeedFileSchema = z.object({
  $comment: z.string().optional(),
  version: z.literal(1),
  gis: z.array(giSeedSchema).min(1),
});

export type GiSeed = z.infer<typeof giSeedSchema>;
export type GiCategory = (typeof GI_CATEGORIES)[number];
export type GiProtection = (typeof GI_PROTECTIONS)[number];

export const GI_SEEDS_FILE = new URL('../../seeds/gis.json', import.meta.url);

let cached: GiSeed[] | undefined;

/** parse and validate a seeds document (throws a ZodError naming the bad entries) */
export function parseGiSeeds(doc: unknown): GiSeed[] {
  const parsed = giSeedFileSchema.parse(doc);
  const seen = new Set<string>();
  for (const gi of parsed.gis) {
    if (seen.has(gi.name)) throw new Error(`duplicate GI name ${gi.name}`);
    seen.add(gi.name);
  }
  return parsed.gis;
}

/** the seeded GI list from seeds/gis.json, validated, read once */
export function loadGiSeeds(): GiSeed[] {
  if (!cached) cached = parseGiSeeds(JSON.parse(readFileSync(GI_SEEDS_FILE, 'utf8')));
  return cached.map((gi) => structuredClone(gi));
}
