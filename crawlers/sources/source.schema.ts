// A source definition says what to crawl, how and how often. Sources are data (JSON/YAML files
// in seeds/sources/, rows in Postgres edited by admins), so everything a site needs must be
// expressible here without code. This schema is the trust boundary for all of them.
import { isIP } from 'node:net';
import iconv from 'iconv-lite';
import { z } from 'zod';

export const channels = ['ecommerce', 'exhibition', 'market', 'trademark-gazette', 'case-docket'] as const;
export const channelSchema = z.enum(channels);
export type Channel = z.infer<typeof channelSchema>;

export const fieldTransforms = [
  'price', // keep the text; the listing builder parses it into price + currency
  'trim', // collapse whitespace (NBSP, U+3000 included) and trim
  'int', // first run of digits, separators dropped ("1,234 sold" -> "1234")
  'number', // first decimal number ("4.5 out of 5" -> "4.5")
  'absUrl', // resolve against the page URL ("//img..." -> "https://img...")
  'stripTags', // drop HTML markup inside a value (highlighted titles in JSON blobs)
  'decodeUri', // percent-decoding (1688 keeps supplier names URL-encoded in data-nick)
  'lower',
  'upper',
] as const;
export const fieldTransformSchema = z.enum(fieldTransforms);
export type FieldTransform = z.infer<typeof fieldTransformSchema>;

const regexSchema = z.string().min(1).superRefine((value, ctx) => {
  try {
    new RegExp(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `invalid regular expression: ${(err as Error).message}` });
  }
});

const transformsSchema = z.union([fieldTransformSchema, z.array(fieldTransformSchema)]).optional();

const commonFieldRule = {
  // first capture group (or the whole match) of this regex is kept; no match -> no value
  regex: regexSchema.optional(),
  transform: transformsSchema,
  // with all: every match, joined by `join` when given, else kept as a list (images)
  all: z.boolean().optional(),
  join: z.string().optional(),
  // a fixed value, e.g. the currency of a site that never prints it
  const: z.string().optional(),
};

/** One field read from the DOM: `selector` is relative to the item (absent = the item itself). */
export const cssFieldRuleSchema = z
  .object({
    selector: z.string().min(1).optional(),
    // read from the whole document instead of the item (seller name in a page header)
    scope: z.enum(['item', 'page']).default('item'),
    attr: z.string().min(1).optional(),
    // `text: true` (the default when no attr) reads text content; `html: true` reads inner HTML
    text: z.boolean().optional(),
    html: z.boolean().optional(),
    ...commonFieldRule,
  })
  .strict()
  .refine((r) => !(r.attr && (r.text || r.html)), { message: 'use either attr, text or html, not several' });
export type CssFieldRule = z.infer<typeof cssFieldRuleSchema>;

// a bare string is shorthand for { selector } (text of that element)
const cssFieldSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { selector: v } : v),
  cssFieldRuleSchema,
);
// a list of rules is a fallback chain: the first rule that yields a value wins
export const cssFieldSpecSchema = z.union([z.array(cssFieldSchema).min(1), cssFieldSchema]);
export type CssFieldSpec = z.infer<typeof cssFieldSpecSchema>;

export const jsonFieldRuleSchema = z
  .object({
    // dotted path with [n] and [*]: "shop.nick", "pics[0]", "$.data.items[*].id"
    path: z.string().min(1).optional(),
    ...commonFieldRule,
  })
  .strict();
export type JsonFieldRule = z.infer<typeof jsonFieldRuleSchema>;
const jsonFieldSchema = z.preprocess((v) => (typeof v === 'string' ? { path: v } : v), jsonFieldRuleSchema);
export const jsonFieldSpecSchema = z.union([z.array(jsonFieldSchema).min(1), jsonFieldSchema]);
export type JsonFieldSpec = z.infer<typeof jsonFieldSpecSchema>;

/**
 * Field names that map onto the Listing; any other name is kept in listing.raw only.
 * `images` is a list; `price` text is parsed with its currency; `priceImage` documents sites
 * (old JD) that render prices as pictures.
 */
export const listingFieldNames = [
  'externalId',
  'url',
  'title',
  'price',
  'currency',
  'sellerName',
  'sellerId',
  'sellerLocation',
  'images',
  'category',
] as const;

const cssFieldsSchema = z.record(z.string().min(1), cssFieldSpecSchema);
const jsonFieldsSchema = z.record(z.string().min(1), jsonFieldSpecSchema);

export const cssExtractSchema = z
  .object({
    type: z.literal('css'),
    // each element matching `item` is one listing
    item: z.string().min(1),
    // items matching (or containing a match of) this selector are dropped entirely
    skip: z.string().min(1).optional(),
    // items matching (or containing) this are kept but flagged raw.sponsored = "true"
    sponsored: z.string().min(1).optional(),
    fields: cssFieldsSchema,
  })
  .strict();

export const jsonExtractSchema = z
  .object({
    type: z.literal('json'),
    // response: the body is JSON (an API); script: a JSON blob inside the HTML
    source: z.enum(['response', 'script']),
    // for source=script: which <script> (CSS selector) and/or a marker the blob follows,
    // e.g. "g_page_config =" or "window.__INIT_DATA__ ="; the balanced {...} after it is parsed
    script: z
      .object({
        selector: z.string().min(1).optional(),
        marker: z.string().min(1).optional(),
        // regex alternative to marker: the first capture group must be the JSON text
        regex: regexSchema.optional(),
      })
      .strict()
      .optional(),
    itemsPath: z.string().min(1),
    fields: jsonFieldsSchema,
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.source === 'script' && !v.script?.selector && !v.script?.marker && !v.script?.regex) {
      ctx.addIssue({ code: 'custom', path: ['script'], message: 'source "script" needs script.selector, script.marker or script.regex' });
    }
  });

// schema.org JSON-LD, microdata, OpenGraph and inline state blobs, no site rules
export const autoExtractSchema = z.object({ type: z.literal('auto') }).strict();

export const extractSchema = z.discriminatedUnion('type', [cssExtractSchema, jsonExtractSchema, autoExtractSchema]);
export type ExtractRule = z.infer<typeof extractSchema>;
export type CssExtractRule = z.infer<typeof cssExtractSchema>;
export type JsonExtractRule = z.infer<typeof jsonExtractSchema>;

export const paginationSchema = z
  .object({
    // a link to the next page (its href is resolved against the page URL)
    nextSelector: z.string().min(1).optional(),
    // or a page number / offset query parameter: page N has value start + (N-1) * step
    pageParam: z.string().min(1).optional(),
    start: z.number().int().min(0).default(1),
    step: z.number().int().min(1).default(1),
    maxPages: z.number().int().min(1).max(1000).default(1),
  })
  .strict();
export type Pagination = z.infer<typeof paginationSchema>;

export const searchSchema = z
  .object({
    // "{term}" is replaced by the URL-encoded term, in `charset` (the source's charset by default)
    urlTemplate: z.string().refine((t) => t.includes('{term}'), { message: 'urlTemplate must contain {term}' }),
    charset: z.string().optional(),
    // "+" (form encoding, most search boxes) or "%20"
    spaceAs: z.enum(['+', '%20']).default('+'),
    maxTermsPerRun: z.number().int().min(1).optional(),
  })
  .strict();
export type SearchConfig = z.infer<typeof searchSchema>;

export const detailSchema = z
  .object({
    // fetch each listing's own page to fill fields the list lacks
    follow: z.boolean().default(false),
    urlField: z.string().min(1).default('url'),
    // CSS rules read from the detail page (scope is the whole page)
    fields: cssFieldsSchema.default({}),
  })
  .strict();
export type DetailConfig = z.infer<typeof detailSchema>;

export const scheduleSchema = z
  .object({
    cron: z.string().refine((c) => /^\S+(\s+\S+){4,5}$/.test(c.trim()), { message: 'cron must have 5 or 6 fields' }),
    timezone: z
      .string()
      .default('Asia/Shanghai')
      .refine(isTimeZone, { message: 'unknown IANA time zone' }),
  })
  .strict();

export const politenessSchema = z
  .object({
    concurrency: z.number().int().min(1).max(32).default(1),
    ratePerMinute: z.number().positive().max(600).optional(),
    minDelayMs: z.number().int().min(0).optional(),
    respectRobots: z.boolean().default(true),
  })
  .strict();

export const fetchSchema = z
  .object({
    mode: z.enum(['http', 'browser']).default('http'),
    userAgent: z.string().min(1).optional(),
    timeoutMs: z.number().int().min(100).max(300_000).default(30_000),
    maxBytes: z.number().int().min(1024).max(200 * 1024 * 1024).default(10 * 1024 * 1024),
    // browser mode: wait for this selector before reading the DOM
    waitFor: z.string().min(1).optional(),
    headers: z.record(z.string(), z.string()).optional(),
  })
  .strict()
  .refine((f) => !f.waitFor || f.mode === 'browser', { message: 'waitFor only applies to mode "browser"', path: ['waitFor'] });

const hostPattern = z
  .string()
  .min(1)
  .transform((h) => h.toLowerCase())
  // "example.com", "*.example.com" (any subdomain), "127.0.0.1:8080"
  .refine((h) => /^(\*\.)?[a-z0-9.-]+(:\d+)?$/.test(h) || /^\[[0-9a-f:]+\](:\d+)?$/.test(h), { message: 'not a host name' });

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

// the plain object shape (input side: no defaults filled from other fields, no cross-field
// checks) for JSON Schema / OpenAPI generation; validate with sourceDefinitionSchema
export const sourceDefinitionObjectSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'id must be a lowercase slug (a-z, 0-9, . _ -)'),
    name: z.string().min(1),
    channel: channelSchema,
    country: z
      .string()
      .transform((c) => c.toUpperCase())
      .refine(isCountryCode, { message: 'country must be an ISO 3166-1 alpha-2 code' }),
    platform: z.string().min(1),
    baseUrl: httpUrl,
    allowedHosts: z.array(hostPattern).default([]),
    // may fetch loopback/private addresses: only the demo sites and tests
    local: z.boolean().default(false),
    fetch: fetchSchema.default({ mode: 'http', timeoutMs: 30_000, maxBytes: 10 * 1024 * 1024 }),
    startUrls: z.array(httpUrl).default([]),
    extract: extractSchema,
    pagination: paginationSchema.optional(),
    search: searchSchema.optional(),
    detail: detailSchema.optional(),
    schedule: scheduleSchema.optional(),
    politeness: politenessSchema.default({ concurrency: 1, respectRobots: true }),
    defaultCurrency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'defaultCurrency must be an ISO 4217 code')
      .nullable()
      .optional(),
    // overrides whatever the server or page declares (sites that lie about their charset)
    charset: z
      .string()
      .refine((c) => iconv.encodingExists(c), { message: 'unknown charset' })
      .optional(),
    enabled: z.boolean().default(true),
    notes: z.string().optional(),
  })
  .strict();

export const sourceDefinitionSchema = sourceDefinitionObjectSchema
  .transform((s) => {
    // the base URL's host is always allowed
    const baseHost = new URL(s.baseUrl).host.toLowerCase();
    const allowedHosts = s.allowedHosts.includes(baseHost) ? s.allowedHosts : [baseHost, ...s.allowedHosts];
    return { ...s, allowedHosts };
  })
  .superRefine((s, ctx) => {
    const urls: [string, (string | number)[]][] = s.startUrls.map((u, i) => [u, ['startUrls', i]]);
    if (s.search) urls.push([s.search.urlTemplate.replaceAll('{term}', 'x'), ['search', 'urlTemplate']]);
    for (const [u, path] of urls) {
      let host: string;
      try {
        host = new URL(u).host;
      } catch {
        ctx.addIssue({ code: 'custom', path, message: 'not a valid URL' });
        continue;
      }
      if (!isHostAllowed(s, host)) {
        ctx.addIssue({ code: 'custom', path, message: `host ${host} is not in allowedHosts` });
      }
    }
    if (!s.local) {
      for (const [u, path] of [[s.baseUrl, ['baseUrl']] as const, ...urls]) {
        const hostname = safeHostname(u);
        if (hostname && isPrivateHostname(hostname)) {
          ctx.addIssue({ code: 'custom', path: [...path], message: `${hostname} is a loopback/private address; only sources with local: true may use it` });
        }
      }
    }
    if (s.detail?.follow && Object.keys(s.detail.fields).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['detail', 'fields'], message: 'detail.follow needs at least one field' });
    }
  });

export type SourceDefinition = z.output<typeof sourceDefinitionSchema>;
export type SourceDefinitionInput = z.input<typeof sourceDefinitionSchema>;

/** Whether `host` ("a.example.com" or "a.example.com:8080") may be fetched for this source. */
export function isHostAllowed(source: Pick<SourceDefinition, 'allowedHosts'>, host: string): boolean {
  const h = host.toLowerCase();
  const bare = h.replace(/:\d+$/, '');
  return source.allowedHosts.some((pattern) => {
    if (pattern.startsWith('*.')) {
      const suffix = pattern.slice(1).replace(/:\d+$/, '');
      return bare.endsWith(suffix) || bare === suffix.slice(1);
    }
    // a pattern without port allows any port on that host; with a port, only that one
    return /:\d+$/.test(pattern) ? h === pattern : bare === pattern;
  });
}

/**
 * Fills a search URL template with one watchlist term. Chinese sites that still speak GBK
 * expect the term's GBK bytes percent-encoded (old JD: keyword=%B4%B4%D0%C2 for 创新).
 */
export function buildSearchUrl(source: Pick<SourceDefinition, 'search' | 'charset'>, term: string): string {
  if (!source.search) throw new Error('source has no search configuration');
  const charset = source.search.charset ?? source.charset ?? 'utf-8';
  const encoded = encodeTerm(term, charset, source.search.spaceAs);
  return source.search.urlTemplate.replaceAll('{term}', encoded);
}

export function encodeTerm(term: string, charset: string, spaceAs: '+' | '%20' = '+'): string {
  const bytes = /^utf-?8$/i.test(charset) ? Buffer.from(term, 'utf8') : iconv.encode(term, charset);
  let out = '';
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    if (b === 0x20) out += spaceAs;
    else if (/[A-Za-z0-9\-_.~]/.test(ch)) out += ch;
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code)) return false;
  // unknown codes come back unchanged; XK (Kosovo) is user-assigned but widely used
  return regionNames.of(code) !== code;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function safeHostname(u: string): string | null {
  try {
    return new URL(u).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return null;
  }
}

/** Names and literal addresses that are obviously not public; DNS answers are the fetcher's job. */
export function isPrivateHostname(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.local') || h.endsWith('.internal')) return true;
  const kind = isIP(h);
  if (kind === 4) {
    const [a, b] = h.split('.').map(Number) as [number, number];
    return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (kind === 6) {
    return h === '::1' || h === '::' || /^f[cd]/.test(h) || /^fe[89ab]/.test(h) || h.startsWith('::ffff:');
  }
  return false;
}

export function parseSourceDefinition(input: unknown): SourceDefinition {
  return sourceDefinitionSchema.parse(input);
}
