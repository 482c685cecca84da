// Facts about a (listing, entry) pair beyond the name: replica cues, price, seller, goods,
// GI origin and season, markets of concern, risk points. Pure; region lookups go through the
// regions adapter, which only reads its in-memory table.
import type { Lexicon } from './lexicon.ts';
import { cueForm, plainText } from './lexicon.ts';
import { normaliseRepeated, writtenApart, type Normalised } from './normalise.ts';
import { isWithinRegion, resolveRegion } from './regions-adapter.ts';
import type { BlacklistEntry, Listing, MarketOfConcern, RiskPoint, WatchlistEntry } from './watchlist.schema.ts';

export interface ListingFacts {
  readonly text: string;
  replicaCues: { cue: string; strong: boolean }[];
  strongCues: { cue: string; strong: boolean }[];
  weakCues: { cue: string; strong: boolean }[];
  /** Nice classes of the goods words found in category and title, with the words */
  goods: { word: string; niceClass: number }[];
  /** the seller's region, risk points and month are worked out on first use */
  readonly regionCode: string | null;
  readonly regionName: string | null;
  blacklist: BlacklistEntry | null;
  markets: MarketOfConcern[];
  readonly riskPoints: RiskPoint[];
  readonly month: number | null;
  /** the listing's seller name, seller id and platform as `same` compares them */
  sellerKey: string | null;
  sellerIdKey: string | null;
  platformKey: string | null;
  /** price when it is a finite number, and its normalised currency */
  price: number | null;
  currency: string;
}

const same = (a?: string, b?: string) => !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();
/** the form `same` compares, or null when absent: same(a, b) ⇔ keyOf(a) !== null && keyOf(a) === keyOf(b) */
export const keyOf = (s?: string | null): string | null => (s ? s.trim().toLowerCase() : null);

/** an entry's authorised sellers in compared form, made once when the matcher is compiled */
export interface AuthorisedKeys { id: string | null; platform: string | null; name: string | null }

export function authorisedKeys(entry: WatchlistEntry): AuthorisedKeys[] {
  return entry.authorisedSellers.map((a) => ({ id: keyOf(a.sellerId), platform: keyOf(a.platform), name: keyOf(a.sellerName) }));
}

/** a blacklist with its compared forms worked out once (per blacklist array, kept weakly) */
interface BlacklistKeys { entry: BlacklistEntry; sellerId: string | null; platform: string | null; sellerName: string | null; companyName: string | null; phone: string | null }
const blacklistKeys = new WeakMap<BlacklistEntry[], BlacklistKeys[]>();
function keysOfBlacklist(blacklist: BlacklistEntry[]): BlacklistKeys[] {
  let keys = blacklistKeys.get(blacklist);
  if (!keys) {
    keys = blacklist.map((b) => {
      const digits = b.phone ? b.phone.replace(/\D/g, '') : '';
      return { entry: b, sellerId: keyOf(b.sellerId), platform: keyOf(b.platform), sellerName: keyOf(b.sellerName), companyName: keyOf(b.companyName), phone: digits.length >= 7 ? digits : null };
    });
    blacklistKeys.set(blacklist, keys);
  }
  return keys;
}

const NO_CUES: { cue: string; strong: boolean }[] = [];

/**
 * The listing's facts. Region, risk points and month are asked for by GI entries and region
 * risk points only, so they are worked out on first use (prototype getters: nothing is
 * allocated per listing for them until then).
 */
class Facts implements ListingFacts {
  replicaCues: { cue: string; strong: boolean }[];
  strongCues: { cue: string; strong: boolean }[];
  weakCues: { cue: string; strong: boolean }[];
  goods: { word: string; niceClass: number }[];
  blacklist: BlacklistEntry | null;
  markets: MarketOfConcern[];
  sellerKey: string | null;
  sellerIdKey: string | null;
  platformKey: string | null;
  price: number | null;
  currency: string;
  private region: { code: string | null; name: string | null } | undefined = undefined;
  private riskHits: RiskPoint[] | undefined = undefined;
  private monthValue: number | null | undefined = undefined;
  private textValue: string | undefined = undefined;

  constructor(private readonly listing: Listing, nTitle: Normalised, lex: Lexicon, blacklist: BlacklistEntry[], markets: MarketOfConcern[], private readonly allRiskPoints: RiskPoint[]) {
    // the replica cues present, in the lexicon's order; found by first character in the cue form
    // of title and description (lower case, NFKC), read in place when the text needs nothing but
    // lower-casing ASCII: most listings, so no lowered copy is made for them
    let cueIdx: number[] | null = null;
    const title = listing.title;
    const desc = listing.description;
    if (plainText(title) && (!desc || plainText(desc))) {
      cueIdx = findCues(lex, title, desc ? ` ${desc}` : ' ', cueIdx);
    } else {
      const text = cueForm(desc ? `${title} ${desc}` : `${title} `);
      cueIdx = findCues(lex, text, '', cueIdx);
    }
    if (cueIdx) {
      this.replicaCues = cueIdx.sort((a, b) => a - b).map((k) => lex.replicaCues[k]);
      this.strongCues = this.replicaCues.filter((c) => c.strong);
      this.weakCues = this.replicaCues.filter((c) => !c.strong);
    } else this.replicaCues = this.strongCues = this.weakCues = NO_CUES;
    // the goods words present as words, longest first (a word inside a longer one found is not
    // counted again); found by first character in category and title, each normalised, so the
    // cost follows the text
    let found: number[] | null = null;
    if (listing.category) found = findGoods(lex, normaliseRepeated(listing.category), found);
    found = findGoods(lex, nTitle, found);
    let goods: { word: string; niceClass: number }[] = NO_GOODS;
    if (found) {
      found.sort((a, b) => a - b);
      goods = [];
      for (const i of found) {
        const k = lex.niceKeywords[i];
        if (!goods.some((g) => g.word.includes(k.word))) goods.push({ word: k.word, niceClass: k.niceClass });
      }
    }
    this.goods = goods;
    this.sellerKey = keyOf(listing.seller);
    this.sellerIdKey = keyOf(listing.sellerId);
    this.platformKey = keyOf(listing.platform);
    this.blacklist = null;
    if (blacklist.length) {
      let phoneText: string | undefined;
      for (const b of keysOfBlacklist(blacklist)) {
        if ((b.sellerId !== null && b.sellerId === this.sellerIdKey && (b.platform === null || this.platformKey === null || b.platform === this.platformKey)) ||
          (b.sellerName !== null && b.sellerName === this.sellerKey) ||
          (b.companyName !== null && b.companyName === this.sellerKey) ||
          (b.phone !== null && (phoneText ??= this.text.replace(/[\s-]/g, '')).includes(b.phone))) {
          this.blacklist = b.entry;
          break;
        }
      }
    }
    this.markets = markets.length ? marketsOf(listing, markets) : NO_MARKETS;
    this.price = listing.price !== null && listing.price !== undefined && Number.isFinite(listing.price) ? listing.price : null;
    this.currency = normCurrency(listing.currency ?? 'CNY');
  }

  /** title and description in cue form (worked out on first use: the phone blacklist and
   *  callers that want the text read it) */
  get text(): string {
    const l = this.listing;
    return (this.textValue ??= cueForm(l.description ? `${l.title} ${l.description}` : `${l.title} `));
  }

  private where(): { code: string | null; name: string | null } {
    return (this.region ??= listingRegion(this.listing));
  }

  get regionCode(): string | null {
    return this.where().code;
  }

  get regionName(): string | null {
    return this.where().name;
  }

  get riskPoints(): RiskPoint[] {
    if (this.riskHits) return this.riskHits;
    const listing = this.listing;
    return (this.riskHits = this.allRiskPoints.filter((r) => {
      if (!r.channel && !r.category && !r.regionCode) return false;
      if (r.channel && !same(r.channel, listing.channel)) return false;
      if (r.category && !(listing.category ?? '').includes(r.category) && !listing.title.includes(r.category)) return false;
      const code = r.regionCode ? this.where().code : null;
      if (r.regionCode && !(code && isWithinRegion(code, r.regionCode))) return false;
      return true;
    }));
  }

  get month(): number | null {
    return this.monthValue !== undefined ? this.monthValue : (this.monthValue = monthOf(this.listing.observedAt));
  }
}

/** ASCII upper case folded, as toLowerCase does for plain text */
const lower = (c: number) => (c >= 0x41 && c <= 0x5a ? c + 32 : c);

/** the text a + b, lower-cased, holds `word` (lower case) at i */
function wordAt(a: string, b: string, i: number, word: string): boolean {
  const n = a.length;
  if (i + word.length > n + b.length) return false;
  for (let k = 0; k < word.length; k++) {
    const j = i + k;
    if (lower(j < n ? a.charCodeAt(j) : b.charCodeAt(j - n)) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/** the indexes of the replica cues in a + b (already lower case but for ASCII), added to found */
function findCues(lex: Lexicon, a: string, b: string, found: number[] | null): number[] | null {
  const cuesByFirst = lex.replicaCuesByFirst;
  const n = a.length;
  for (let i = 0, end = n + b.length; i < end; i++) {
    const starting = cuesByFirst.get(lower(i < n ? a.charCodeAt(i) : b.charCodeAt(i - n)));
    if (starting) for (const k of starting) if (!found?.includes(k) && wordAt(a, b, i, lex.replicaCues[k].cue)) (found ??= []).push(k);
  }
  return found;
}

/** the indexes of the goods words written as words in the normalised text, added to found; a
 *  word that names no goods (class 0: 包邮) hides the goods words inside it, there only */
function findGoods(lex: Lexicon, n: Normalised, found: number[] | null): number[] | null {
  const goodsByFirst = lex.niceKeywordsByFirst;
  const text = n.compact;
  let hiddenUntil = 0;
  for (let i = 0; i < text.length; i++) {
    const starting = goodsByFirst.get(text.charCodeAt(i));
    if (!starting) continue;
    // longest first: a class-0 word is seen before the shorter goods words starting with it
    for (const k of starting) {
      const { compact: word, niceClass } = lex.niceKeywords[k];
      if (i < hiddenUntil || !wordAt(text, '', i, word) || found?.includes(k) || !goodsWordAt(lex, n, k, i, i + word.length)) continue;
      if (niceClass === 0) hiddenUntil = i + word.length;
      else (found ??= []).push(k);
    }
  }
  return found;
}

const isAsciiLetter = (c: number) => c >= 0x61 && c <= 0x7a;

/**
 * The goods word k at [start, end) of the compact text stands as a word there. A Latin one is
 * not part of a longer Latin word (bag, not baggy). A Han one is written together, and is not
 * inside a longer dictionary word that names no goods, unless that word ends with it: the last
 * part of a Chinese compound names what it is (跑鞋 is a shoe, 苹果手机 a phone), while 包 in 包装,
 * 橙 in 橙色 and 茶 in 茶几 are no goods. No word runs across a space or symbol the seller wrote.
 */
function goodsWordAt(lex: Lexicon, n: Normalised, k: number, start: number, end: number): boolean {
  const t = n.compact;
  if (isAsciiLetter(t.charCodeAt(start))) {
    return (start === 0 || !isAsciiLetter(t.charCodeAt(start - 1)) || writtenApart(n, start)) &&
      (end === t.length || !isAsciiLetter(t.charCodeAt(end)) || writtenApart(n, end));
  }
  // a goods word written across a space is two words (整箱 包邮 holds no 箱包)
  if (apartWithin(n, start, end)) return false;
  // a word that holds it without ending with it runs on to its right: most goods words stand
  // before a character no such word has after them
  if (end === t.length || !lex.goodsFollowers[k]?.has(t.charCodeAt(end)) || writtenApart(n, end)) return true;
  for (let a = Math.max(0, start - 3); a <= start; a++) {
    if (apartWithin(n, a, start + 1)) continue;
    for (let b = end + 1; b <= Math.min(t.length, a + 4); b++) {
      if (apartWithin(n, end - 1, b)) break;
      const w = t.slice(a, b);
      if (lex.dictionary.has(w) && !lex.niceKeywordSet.has(w)) return false;
    }
  }
  return true;
}

/** the seller wrote a space or symbol before some compact character in (from, to) */
function apartWithin(n: Normalised, from: number, to: number): boolean {
  for (let k = from + 1; k < to; k++) if (writtenApart(n, k)) return true;
  return false;
}

const NO_GOODS: { word: string; niceClass: number }[] = [];

const NO_MARKETS: MarketOfConcern[] = [];

function marketsOf(listing: Listing, markets: MarketOfConcern[]): MarketOfConcern[] {
  let out: MarketOfConcern[] | null = null;
  let host: string | undefined | null = null;
  let place: string | null = null;
  for (const m of markets) {
    let hit = false;
    if (m.host) {
      host ??= listing.host?.toLowerCase();
      const h = m.host.toLowerCase();
      hit = !!host && (host === h || host.endsWith(`.${h}`));
    }
    if (!hit && m.platform) hit = same(m.platform, listing.platform) && (!m.channel || same(m.channel, listing.channel));
    if (!hit && !m.host && !m.platform) hit = (place ??= `${listing.location ?? ''} ${listing.seller ?? ''}`).includes(m.name);
    if (hit) (out ??= []).push(m);
  }
  return out ?? NO_MARKETS;
}

export function listingFacts(listing: Listing, title: Normalised, lex: Lexicon, blacklist: BlacklistEntry[], markets: MarketOfConcern[], riskPoints: RiskPoint[]): ListingFacts {
  return new Facts(listing, title, lex, blacklist, markets, riskPoints);
}

function listingRegion(listing: Listing): { code: string | null; name: string | null } {
  if (listing.regionCode && /^\d{6}/.test(listing.regionCode)) return { code: listing.regionCode.slice(0, 6), name: listing.location ?? null };
  // src/regions memoises each location text already (sellers' locations repeat)
  const r = listing.location ? resolveRegion(listing.location) : null;
  return r ? { code: r.code, name: r.name } : { code: null, name: null };
}

/** the month of the China calendar day (UTC+8) the listing was seen, if known */
function monthOf(observedAt: string | undefined): number | null {
  if (!observedAt) return null;
  const d = new Date(observedAt);
  return Number.isNaN(d.getTime()) ? null : new Date(d.getTime() + 8 * 3600_000).getUTCMonth() + 1;
}

export type PriceStatus =
  | { status: 'unknown' }
  | { status: 'very-low' | 'below-min' | 'in-range' | 'above-max'; price: number; min: number; max: number; currency: string };

export function priceStatus(listing: Listing, entry: WatchlistEntry, lowFraction: number): PriceStatus {
  if (listing.price === null || listing.price === undefined || !Number.isFinite(listing.price)) return { status: 'unknown' };
  const currency = (listing.currency ?? 'CNY').toUpperCase();
  const ref = entry.referencePrices.find((p) => normCurrency(p.currency) === normCurrency(currency));
  if (!ref) return { status: 'unknown' };
  const base = { price: listing.price, min: ref.min, max: ref.max, currency };
  if (listing.price < ref.min * lowFraction) return { status: 'very-low', ...base };
  if (listing.price < ref.min) return { status: 'below-min', ...base };
  if (listing.price <= ref.max) return { status: 'in-range', ...base };
  return { status: 'above-max', ...base };
}

export function normCurrency(c: string): string {
  const u = c.trim().toUpperCase();
  return u === 'RMB' || u === '¥' || u === '元' ? 'CNY' : u;
}

export function formatMoney(amount: number, currency: string): string {
  const symbol: Record<string, string> = { CNY: '¥', USD: '$', EUR: '€', GBP: '£', JPY: 'JP¥', HKD: 'HK$' };
  const n = Number.isInteger(amount) ? String(amount) : amount.toFixed(2);
  const s = symbol[normCurrency(currency)];
  return s ? `${s}${n}` : `${n} ${currency}`;
}

export function isAuthorisedSeller(listing: Listing, entry: WatchlistEntry): boolean {
  return entry.authorisedSellers.some((a) =>
    (a.sellerId && same(a.sellerId, listing.sellerId) && (!a.platform || !listing.platform || same(a.platform, listing.platform))) ||
    (a.sellerName && same(a.sellerName, listing.seller)));
}

export type OriginStatus = 'inside' | 'outside' | 'unknown';

export function giOrigin(facts: ListingFacts, entry: WatchlistEntry): OriginStatus | null {
  const codes = entry.gi?.regionCodes ?? [];
  if (entry.kind !== 'gi' || codes.length === 0) return null;
  if (!facts.regionCode) return 'unknown';
  return codes.some((c) => isWithinRegion(facts.regionCode!, c)) ? 'inside' : 'outside';
}
