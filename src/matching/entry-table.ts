// The watchlist's context data in flat typed columns, for the question the scan asks of every
// candidate entry: can it still alert in this listing? At 100,000 entries the entries' objects
// are spread over a heap far larger than the processor's caches, and following each one's
// keyword, class, price and seller objects costs more than the arithmetic; a few array reads per
// entry do not. GI entries add their protected regions and season from a small side table,
// gazette filings their owner. A test holds these points equal to the sum of contextReasons'.
import { authorisedKeys, normCurrency, type ListingFacts } from './features.ts';
import { isWithinRegion } from './regions-adapter.ts';
import { byFirst, type FirstCharIndex } from './lexicon.ts';
import type { CompiledEntry } from './scoring.ts';
import type { ScoringConfig } from './scoring.config.ts';
import type { Listing } from './watchlist.schema.ts';

/** a GI entry with protected regions or a season: its origin and season add points */
const GI_POINTS = 1;
const HAS_CLASSES = 2;
/** the flags' keyword mode (bits 2–3): none, one (its id in the record), several (in keywordIds) */
const ONE_KEYWORD = 4;
const KEYWORDS = 8;
/** the flags hold the entry's index above this bit */
const ENTRY_SHIFT = 4;
const ENTRY_LIMIT = 2 ** (32 - ENTRY_SHIFT);

/** what one listing contributes to every entry's points, worked out once per listing */
export interface ListingContext {
  listing: Listing;
  compactText: string;
  facts: ListingFacts;
  /** replica cues, blacklist, markets of concern and risk points: the same for every entry */
  base: number;
  /** bit per Nice class of the goods words found (1–31 low, 32–45 high) */
  goodsLo: number;
  goodsHi: number;
  hasGoods: boolean;
  /** keyword id k is in the listing's text when keywordSeen[k] === stamp (the table's scratch
   *  column, valid until the next listingContext call: the matcher is synchronous) */
  stamp: number;
  /** entries whose authorised sellers include this listing's seller, or null when none */
  authorisedFor: Set<number> | null;
  /** reference ranges in the listing's currency, [min, max] per entry (NaN: none), or null */
  priceRange: Float64Array | null;
  /** the listing's currency is the table's main one (its ranges are in the entry records) */
  mainCurrency: boolean;
}

/** the record, 32 bytes (half a cache line: one candidate's gate reads one line, not a line per
 *  column): flags with the entry's index above ENTRY_SHIFT, Nice class bits 1–31 and 32–45, the
 *  keyword (its id when it is the only one, else where its count and ids start in keywordIds),
 *  and the reference range [min, max] in the main currency as two float64. Built per name
 *  pattern, the scan's candidates read their record directly: no pattern → entry read first, a
 *  cache miss per candidate at 100,000 entries */
const REC = 8;
const R_FLAGS = 0;
const R_CLASS_LO = 1;
const R_CLASS_HI = 2;
const R_KEYWORDS = 3;
/** float64 index of the record's minimum within the record's four float64 */
const F_MIN = 2;

export class EntryTable {
  /** REC Int32 per record, and the same bytes as float64 (four per record) */
  private readonly rec: Int32Array;
  private readonly recF: Float64Array;
  /** the currency most reference ranges are in: its ranges are in the records */
  private readonly mainCurrency: string | null = null;
  private readonly keywordIds: Int32Array;
  /** distinct normalised keywords, and their ids by first character */
  private readonly keywords: string[] = [];
  private keywordsByFirst: FirstCharIndex;
  /** reference price range per currency, [min, max] per entry (NaN where it has none in that currency) */
  private readonly prices = new Map<string, Float64Array>();
  /** entries by authorised seller name and by authorised seller id (with its platform) */
  private readonly authorisedByName = new Map<string, number[]>();
  private readonly authorisedById = new Map<string, { entry: number; platform: string | null }[]>();
  /** a bit per hash of every authorised name and id: most listings' sellers are authorised for
   *  nothing, and one bit answers them where a lookup in maps of 100,000 names would miss the
   *  caches two or three times */
  private authorisedBits: Uint32Array = new Uint32Array(1);
  private authorisedMask = 0;
  /** per keyword id, the stamp of the last listing whose text contains it */
  private keywordSeen: Uint32Array = new Uint32Array(0);
  private stamp = 0;
  /** protected regions and season months of GI entries that have either (others: undefined) */
  private readonly gi: ({ regionCodes: readonly string[]; seasonMonths: readonly number[] } | undefined)[];
  /** each entry's owner as written (a gazette filing by its owner is no squat) */
  private readonly owners: (string | undefined)[];

  /**
   * `recordEntry`: the entry of each record (the matcher passes each name pattern's entry, so a
   * candidate pattern is its own record); by default one record per entry, in order.
   */
  constructor(entries: CompiledEntry[], recordEntry?: ArrayLike<number>) {
    const n = entries.length;
    if (n >= ENTRY_LIMIT) throw new RangeError(`EntryTable: at most ${ENTRY_LIMIT - 1} entries`);
    // the entries' records, then copied per record (usually per pattern: a name and its aliases)
    const buffer = new ArrayBuffer(4 * REC * n);
    const rec = new Int32Array(buffer);
    const recF = new Float64Array(buffer);
    this.gi = new Array(n).fill(undefined);
    this.owners = entries.map((ce) => ce.entry.owner);
    const keywordId = new Map<string, number>();
    const ids: number[] = [];
    entries.forEach((ce, i) => {
      const e = ce.entry;
      if (e.kind === 'gi' && (e.gi?.regionCodes.length || e.gi?.seasonMonths.length)) {
        rec[REC * i + R_FLAGS] |= GI_POINTS;
        this.gi[i] = { regionCodes: e.gi.regionCodes, seasonMonths: e.gi.seasonMonths };
      }
      if (ce.niceClasses.length) rec[REC * i + R_FLAGS] |= HAS_CLASSES;
      for (const c of ce.niceClasses) {
        if (c < 32) rec[REC * i + R_CLASS_LO] |= 1 << c;
        else rec[REC * i + R_CLASS_HI] |= 1 << (c - 32);
      }
      rec[REC * i + R_FLAGS] |= i << ENTRY_SHIFT;
      const kw = ce.keywords.map((k) => {
        let id = keywordId.get(k.compact);
        if (id === undefined) {
          keywordId.set(k.compact, (id = this.keywords.length));
          this.keywords.push(k.compact);
        }
        return id;
      });
      if (kw.length === 1) {
        rec[REC * i + R_FLAGS] |= ONE_KEYWORD;
        rec[REC * i + R_KEYWORDS] = kw[0];
      } else if (kw.length > 1) {
        rec[REC * i + R_FLAGS] |= KEYWORDS;
        rec[REC * i + R_KEYWORDS] = ids.length;
        ids.push(kw.length, ...kw);
      }
      // the first reference range in a currency is the one priceStatus uses
      for (const p of e.referencePrices) {
        const currency = normCurrency(p.currency);
        let col = this.prices.get(currency);
        if (!col) this.prices.set(currency, (col = new Float64Array(2 * n).fill(Number.NaN)));
        if (Number.isNaN(col[2 * i])) {
          col[2 * i] = p.min;
          col[2 * i + 1] = p.max;
        }
      }
      // one rights holder's shop is often authorised for many of its marks: append, not copy
      for (const a of authorisedKeys(e)) {
        if (a.name !== null) {
          const list = this.authorisedByName.get(a.name);
          if (list) list.push(i);
          else this.authorisedByName.set(a.name, [i]);
        }
        if (a.id !== null) {
          const list = this.authorisedById.get(a.id);
          if (list) list.push({ entry: i, platform: a.platform });
          else this.authorisedById.set(a.id, [{ entry: i, platform: a.platform }]);
        }
      }
    });
    // the main currency's ranges go into the records
    let most = 0;
    for (const [currency, col] of this.prices) {
      let count = 0;
      for (let i = 0; i < n; i++) if (!Number.isNaN(col[2 * i])) count++;
      if (count > most) {
        most = count;
        this.mainCurrency = currency;
      }
    }
    const main = this.mainCurrency === null ? null : this.prices.get(this.mainCurrency)!;
    for (let i = 0; i < n; i++) {
      recF[(REC / 2) * i + F_MIN] = main ? main[2 * i] : Number.NaN;
      recF[(REC / 2) * i + F_MIN + 1] = main ? main[2 * i + 1] : Number.NaN;
    }
    if (recordEntry) {
      const m = recordEntry.length;
      this.rec = new Int32Array(REC * m);
      for (let r = 0; r < m; r++) {
        const e = recordEntry[r];
        if (!(e >= 0 && e < n)) throw new RangeError(`EntryTable: record ${r} names entry ${e} of ${n}`);
        this.rec.set(rec.subarray(REC * e, REC * e + REC), REC * r);
      }
      this.recF = new Float64Array(this.rec.buffer);
    } else {
      this.rec = rec;
      this.recF = recF;
    }
    let width = 1024;
    while (width < 16 * (this.authorisedByName.size + this.authorisedById.size)) width *= 2;
    this.authorisedBits = new Uint32Array(width >>> 5);
    this.authorisedMask = width - 1;
    for (const key of [...this.authorisedByName.keys(), ...this.authorisedById.keys()]) {
      const h = hash(key) & this.authorisedMask;
      this.authorisedBits[h >>> 5] |= 1 << (h & 31);
    }
    this.keywordsByFirst = byFirst(this.keywords);
    this.keywordIds = Int32Array.from(ids);
    this.keywordSeen = new Uint32Array(this.keywords.length);
  }

  listingContext(listing: Listing, compactText: string, facts: ListingFacts, cfg: ScoringConfig): ListingContext {
    let base = facts.strongCues.length ? cfg.replicaCue.strong : facts.weakCues.length ? cfg.replicaCue.weak : 0;
    if (facts.blacklist) base += cfg.seller.blacklisted;
    base += facts.markets.length * cfg.market.ofConcern;
    for (const r of facts.riskPoints) base += Math.round(r.weight ?? cfg.market.riskPointDefault);
    let goodsLo = 0;
    let goodsHi = 0;
    for (const g of facts.goods) {
      if (g.niceClass < 32) goodsLo |= 1 << g.niceClass;
      else goodsHi |= 1 << (g.niceClass - 32);
    }
    // a new stamp marks this listing's keywords without clearing the column
    if (++this.stamp === 0xffffffff) {
      this.keywordSeen.fill(0);
      this.stamp = 1;
    }
    const stamp = this.stamp;
    const seen = this.keywordSeen;
    for (let i = 0; i < compactText.length; i++) {
      const starting = this.keywordsByFirst.get(compactText.charCodeAt(i));
      if (starting) for (const k of starting) if (seen[k] !== stamp && compactText.startsWith(this.keywords[k], i)) seen[k] = stamp;
    }
    let authorisedFor: Set<number> | null = null;
    if (facts.sellerKey !== null && this.mayBeAuthorised(facts.sellerKey)) for (const i of this.authorisedByName.get(facts.sellerKey) ?? []) (authorisedFor ??= new Set()).add(i);
    if (facts.sellerIdKey !== null && this.mayBeAuthorised(facts.sellerIdKey)) {
      for (const a of this.authorisedById.get(facts.sellerIdKey) ?? []) {
        if (a.platform === null || facts.platformKey === null || a.platform === facts.platformKey) (authorisedFor ??= new Set()).add(a.entry);
      }
    }
    const col = facts.price !== null ? this.prices.get(facts.currency) : undefined;
    return {
      listing, compactText, facts, base, goodsLo, goodsHi, hasGoods: facts.goods.length > 0, stamp, authorisedFor,
      priceRange: col ?? null, mainCurrency: col !== undefined && facts.currency === this.mainCurrency,
    };
  }

  private mayBeAuthorised(key: string): boolean {
    const h = hash(key) & this.authorisedMask;
    return (this.authorisedBits[h >>> 5] & (1 << (h & 31))) !== 0;
  }

  /** the sum of contextReasons' points for the entry of `record` in this listing (lc from the
   *  latest listingContext call), without making the reasons */
  points(record: number, lc: ListingContext, cfg: ScoringConfig): number {
    if (lc.stamp !== this.stamp) throw new Error('EntryTable.points: the listing context is stale (another listing was set up since)');
    const rec = this.rec;
    const r = REC * record;
    const flags = rec[r + R_FLAGS];
    const i = flags >>> ENTRY_SHIFT;
    let points = lc.base;
    if (lc.priceRange !== null) {
      const f = (REC / 2) * record + F_MIN;
      const min = lc.mainCurrency ? this.recF[f] : lc.priceRange[2 * i];
      if (!Number.isNaN(min)) {
        const p = lc.facts.price!;
        const max = lc.mainCurrency ? this.recF[f + 1] : lc.priceRange[2 * i + 1];
        points += p < min * cfg.price.lowFraction ? cfg.price.veryLow : p < min ? cfg.price.belowMin : p <= max ? cfg.price.inRange : 0;
      }
    }
    const authorised = lc.authorisedFor !== null && lc.authorisedFor.has(i);
    if (authorised) points += cfg.seller.authorised;
    let kw = false;
    const seen = this.keywordSeen;
    if (flags & ONE_KEYWORD) kw = seen[rec[r + R_KEYWORDS]] === lc.stamp;
    else if (flags & KEYWORDS) {
      const ids = this.keywordIds;
      const start = rec[r + R_KEYWORDS] + 1;
      for (let k = start, end = start + ids[start - 1]; k < end && !kw; k++) kw = seen[ids[k]] === lc.stamp;
    }
    if (kw) points += cfg.goods.keyword;
    if (flags & HAS_CLASSES && lc.hasGoods) {
      if (rec[r + R_CLASS_LO] & lc.goodsLo || rec[r + R_CLASS_HI] & lc.goodsHi) points += cfg.goods.inClass;
      else if (!kw) points += cfg.goods.outOfClass;
    }
    if (flags & GI_POINTS) points += this.giPoints(this.gi[i]!, lc.facts, cfg);
    if (lc.listing.channel === 'trademark-gazette' && !authorised) {
      const owner = this.owners[i];
      const seller = lc.listing.seller;
      if (!(owner && seller && seller.trim() === owner.trim())) points += cfg.filing.thirdParty;
    }
    return points;
  }

  /** origin inside or outside the protected region (nothing when unknown), and out of season */
  private giPoints(gi: { regionCodes: readonly string[]; seasonMonths: readonly number[] }, facts: ListingFacts, cfg: ScoringConfig): number {
    let points = 0;
    if (gi.regionCodes.length) {
      const code = facts.regionCode;
      if (code) points += gi.regionCodes.some((c) => isWithinRegion(code, c)) ? cfg.gi.insideRegion : cfg.gi.outsideRegion;
    }
    if (gi.seasonMonths.length) {
      const month = facts.month;
      if (month !== null && !gi.seasonMonths.includes(month)) points += cfg.gi.outOfSeason;
    }
    return points;
  }
}

/** FNV-1a over the UTF-16 codes */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
