// Field validators shared by the list schemas, the importer and the console forms.
import { z } from 'zod';
import { getRegion } from '../regions/index.ts';

export const CHANNELS = ['ecommerce', 'exhibition', 'market', 'trademark-gazette', 'case-docket'] as const;

const currencies = new Set(Intl.supportedValuesOf('currency'));
const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const NOT_COUNTRIES = new Set(['ZZ', 'EU', 'EZ', 'UN', 'QO', 'XA', 'XB']);

export const text = (max = 200) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

/**
 * CNIPA trademark registration numbers (注册号) as accepted here: 1–9 digits with an optional
 * single letter suffix (a split registration, 分割, e.g. 12345678A). Spaces are removed and the
 * letter is upper-cased. Madrid designations (G-numbers) are not accepted in this field.
 */
export const REGISTRATION_NO_RE = /^\d{1,9}[A-Z]?$/;
export const registrationNo = z
  .string()
  .transform((s) => s.replace(/\s+/g, '').toUpperCase())
  .refine((s) => REGISTRATION_NO_RE.test(s), 'CNIPA registration number: 1–9 digits, optionally one letter suffix (e.g. 12345678 or 12345678A)');

export const niceClass = z
  .number({ error: 'a Nice class is a number 1–45' })
  .int('a Nice class is a whole number 1–45')
  .min(1, 'Nice classes are 1–45')
  .max(45, 'Nice classes are 1–45');

export const niceClasses = z
  .array(niceClass)
  .max(45)
  .transform((a) => [...new Set(a)].sort((x, y) => x - y));

/** a GB/T 2260 code that resolves to a division; stored in its canonical form */
export const regionCode = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'a six-digit GB/T 2260 administrative division code')
  .refine((c) => getRegion(c) !== null, 'unknown GB/T 2260 administrative division code')
  .transform((c) => getRegion(c)!.code);

export const currency = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .refine((c) => /^[A-Z]{3}$/.test(c) && currencies.has(c), 'an ISO 4217 currency code such as CNY or USD');

export const countryCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .refine((c) => {
    // ICU names user-assigned and grouping codes too (ZZ "Unknown Region", EU, UN): not countries
    const name = /^[A-Z]{2}$/.test(c) && !NOT_COUNTRIES.has(c) ? regionNames.of(c) : undefined;
    return name !== undefined && name !== c;
  }, 'an ISO 3166-1 alpha-2 country code such as CN or US');

export const referencePrice = z
  .object({
    currency,
    min: z.number().nonnegative('a price is ≥ 0'),
    max: z.number().nonnegative('a price is ≥ 0'),
  })
  .refine((p) => p.max >= p.min, { message: 'max must be ≥ min', path: ['max'] });

export const authorisedSeller = z
  .object({
    platform: text(100).optional(),
    sellerId: text(200).optional(),
    sellerName: text(200).optional(),
  })
  .refine((s) => s.sellerId || s.sellerName, { message: 'an authorised seller needs sellerId or sellerName', path: ['sellerName'] });

export const channel = z.enum(CHANNELS);
export const month = z.number().int().min(1, 'months are 1–12').max(12, 'months are 1–12');

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** 统一社会信用代码 (GB 32100-2015): 18 characters, the last a mod-31 check character */
export function isValidCreditCode(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CHARS.indexOf(code[i]) * CREDIT_WEIGHTS[i];
  const check = (31 - (sum % 31)) % 31;
  return CREDIT_CHARS[check] === code[17];
}

export const creditCode = z
  .string()
  .transform((s) => s.replace(/\s+/g, '').toUpperCase())
  .refine(isValidCreditCode, '统一社会信用代码: 18 characters with a valid check character (GB 32100-2015)');

export const idParam = z.object({ id: z.string().regex(/^\d{1,19}$/, 'id must be a number') });
