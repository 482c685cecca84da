// The matcher: compile a watchlist snapshot once into an immutable index, then match listings
// against it — pure and synchronous, no I/O (the compiled index holds everything it needs).
import { describedNames, descriptiveCue, ordinaryWordAround, straddlesWords } from './context.ts';
import type { Judgement, MatchKind } from './examiner.ts';
import { listingFacts, type ListingFacts } from './features.ts';
import { EntryTable, type ListingContext } from './entry-table.ts';
import { getLexicon, type Lexicon } from './lexicon.ts';
import { NameIndex, type RawHit, type ScanGate } from './name-index.ts';
import { normalise, normaliseRepeated, type Normalised } from './normalise.ts';
import { parseScoringConfig, type ScoringConfig, type ScoringConfigInput } from './scoring.config.ts';
import { contextReasons, maxNamePoints, scoreCandidate, type CompiledEntry, type Level, type Reason } from './scoring.ts';
import { WatchlistSnapshotSchema, type Listing, type WatchlistSnapshot, type WatchlistSnapshotInput } from './watchlist.schema.ts';

export type { MatchKind } from './examiner.ts';
export type { Reason, Level } from './scoring.ts';
export type { Listing, WatchlistSnapshot, WatchlistSnapshotInput } from './watchlist.schema.ts';
export { WatchlistSnapshotSchema, ListingSchema } from './watchlist.schema.ts';
export { ScoringConfigSchema, defaultScoringConfig, parseScoringConfig } from './scoring.config.ts';

export interface MatchResult {
  entryId: string;
  entryName: string;
  kind: MatchKind;
  matchedText: string;
  similarity: number;
  score: number;
  level: Level;
  alert: boolean;
  reasons: Reason[];
}

export interface Matcher {
  readonly version: string;
  readonly entryCount: number;
  readonly patternCount: number;
  /** bytes of the frozen lookup tables (patterns and entries not included) */
  readonly indexBytes: number;
  matchListing(listing: Listing, options?: { all?: boolean }): MatchResult[];
}

const MAX_DESCRIPTION = 3000;
const NO_WORDS: readonly string[] = [];

interface Hit extends RawHit {
  entryIdx: number;
  judgement: Judgement;
  descriptive: string | null;
  field: 0 | 1;
}

/** the kinds of name match that write the name itself (they can name what goods fit) */
const NAMED_KINDS: ReadonlySet<MatchKind> = new Set(['exact', 'alias', 'normalised']);

/**
 * Entries the listing names as what its goods fit (适用于PlayStation, for Nike, Adidas…), with the
 * cue, when some hit writes a watched name itself; null otherwise. Such a name written elsewhere
 * in the same listing (PS5手柄充电座 … 适用于PlayStation DualSense) is the same reference to the
 * genuine product, not a use of the mark as the goods' own.
 */
function describedEntries(index: NameIndex, lex: Lexicon, raw: RawHit[], n: Normalised, rawDesc: RawHit[] | null = null, nDesc: Normalised | null = null): Map<number, string> | null {
  if (!namesItself(raw) && !(rawDesc !== null && namesItself(rawDesc))) return null;
  let out: Map<number, string> | null = null;
  for (const text of nDesc ? [n, nDesc] : [n]) {
    for (const [id, cue] of describedNames(text, index, lex)) {
      const e = index.patterns[id].entryIdx;
      if (!(out ??= new Map()).has(e)) out.set(e, cue);
    }
  }
  return out;
}

function namesItself(raw: RawHit[]): boolean {
  for (const h of raw) if (h.judgement.similar && NAMED_KINDS.has(h.judgement.kind)) return true;
  return false;
}

function contextualise(raw: RawHit[], n: Normalised, index: NameIndex, entries: CompiledEntry[] | null, lex: Lexicon, field: 0 | 1, described: Map<number, string> | null): Hit[] {
  const out: Hit[] = [];
  for (const h of raw) {
    const pat = index.patterns[h.patternId];
    let judgement = h.judgement;
    let descriptive: string | null = null;
    if (judgement.similar) {
      if (pat.han) {
        const words = entries ? entries[pat.entryIdx].keywords.map((k) => k.compact) : NO_WORDS;
        const ordinary = ordinaryWordAround(n.compact, h.cStart, h.cEnd, lex, words);
        const straddle = ordinary ? null : straddlesWords(n.compact, h.cStart, h.cEnd, lex);
        if (ordinary) {
          judgement = { similar: false, kind: 'ordinary-word', similarity: judgement.similarity, reasons: [`'${ordinary}' 是普通词语，并非使用 '${pat.raw}'`] };
        } else if (straddle) {
          judgement = { similar: false, kind: 'ordinary-word', similarity: judgement.similarity, reasons: [`'${h.matchedText}' 跨越词语 '${straddle}' 的边界，并非使用 '${pat.raw}'`] };
        }
      }
      if (judgement.similar) {
        descriptive = descriptiveCue(n.compact, h.cStart, h.cEnd, lex);
        if (!descriptive && described !== null && NAMED_KINDS.has(judgement.kind)) descriptive = described.get(pat.entryIdx) ?? null;
      }
    }
    // written out, not spread: a spread copies through the generic (slow) path
    out.push({ patternId: h.patternId, judgement, matchedText: h.matchedText, cStart: h.cStart, cEnd: h.cEnd, entryIdx: pat.entryIdx, descriptive, field });
  }
  return out;
}

// a shop's listings come in runs: each seller name is normalised once
const compactSeller = (seller: string): string => normaliseRepeated(seller).compact;

/** the kinds of name match that imitate the name rather than use it */
const LOOKALIKE_KINDS: ReadonlySet<MatchKind> = new Set(['visual', 'phonetic', 'semantic', 'homoglyph', 'edit', 'affix']);

/**
 * A seller (shop, company, exhibitor) whose own name contains the look-alike its listing uses
 * took the imitation as its trade name (汕头市澄海区雷碧饮料厂 selling 雷碧汽水): a maker of the
 * knock-off, not a reseller. Exact names are left out: resellers often put the brand they sell
 * in the shop name.
 */
function sellerUsesLookalike(h: Hit, n: Normalised, run: ListingRun, listing: Listing, cfg: ScoringConfig): Reason | null {
  if (cfg.seller.nameUsesLookalike === 0 || !listing.seller || !LOOKALIKE_KINDS.has(h.judgement.kind) || !run.sellerUses(n.compact, h.cStart, h.cEnd)) return null;
  return {
    code: 'seller.name-uses-lookalike',
    points: cfg.seller.nameUsesLookalike,
    text: `卖家名称 '${listing.seller.trim()}' 含近似名称 '${h.matchedText}'，以仿冒名称作为字号或店名`,
  };
}

/** better hit first: a knock-off use, then a descriptive use, then the rest; title over description */
function rank(h: Hit): number {
  const use = h.judgement.similar ? (h.descriptive ? 1 : 2) : 0;
  return use * 10 + (h.field === 0 ? 2 : 0) + h.judgement.similarity;
}

/**
 * One listing's pass through the matcher: its facts and context points are worked out once, on
 * the first candidate that asks (most listings have none), and it answers the scan's gate.
 */
class ListingRun implements ScanGate {
  private factsValue: ListingFacts | null = null;
  private lc: ListingContext | null = null;
  private sellerCompactValue: string | null = null;
  /** the most a look-alike in the seller's name can add (0 when there is no seller name to look
   *  in, or the configured points are not positive) */
  readonly sellerBonus: number;

  constructor(
    private readonly listing: Listing,
    private readonly title: Normalised,
    private readonly compactText: string,
    private readonly table: EntryTable,
    private readonly cfg: ScoringConfig,
    private readonly lex: Lexicon,
    private readonly snap: WatchlistSnapshot,
    /** the highest name points of any kind, at similarity 1 */
    private readonly topName: number,
  ) {
    this.sellerBonus = cfg.seller.nameUsesLookalike > 0 && listing.seller && listing.seller.trim().length >= 2 ? cfg.seller.nameUsesLookalike : 0;
  }

  /** the seller's name, normalised like the title (compact: no spaces or symbols, simplified) */
  private sellerCompact(): string {
    return (this.sellerCompactValue ??= this.listing.seller ? compactSeller(this.listing.seller) : '');
  }

  facts(): ListingFacts {
    return (this.factsValue ??= listingFacts(this.listing, this.title, this.lex, this.snap.blacklist, this.snap.markets, this.snap.riskPoints));
  }

  sellerHas(code: number): boolean {
    const seller = this.sellerCompact();
    for (let i = 0; i < seller.length; i++) if (seller.charCodeAt(i) === code) return true;
    return false;
  }

  sellerUses(compact: string, start: number, end: number): boolean {
    return end - start >= 2 && this.sellerCompact().includes(compact.slice(start, end));
  }

  margin(patternId: number, similarity: number): number {
    // the entry's points are a few reads of its pattern's record: cheaper to work out again than
    // to keep per listing (an entry is rarely asked about twice)
    const points = this.table.points(patternId, (this.lc ??= this.table.listingContext(this.listing, this.compactText, this.facts(), this.cfg)), this.cfg);
    return Math.round(this.topName * similarity) + points - this.cfg.thresholds.alert;
  }
}

export function compileMatcher(snapshot: WatchlistSnapshotInput | WatchlistSnapshot, config?: ScoringConfigInput): Matcher {
  const snap = WatchlistSnapshotSchema.parse(snapshot);
  const cfg: ScoringConfig = parseScoringConfig(config ?? {});
  const lex = getLexicon();
  const index = new NameIndex(lex, true);
  // product keywords repeat across entries: normalise each once
  const compactKeyword = new Map<string, string>();
  const compactOf = (w: string) => {
    let c = compactKeyword.get(w);
    if (c === undefined) compactKeyword.set(w, (c = normalise(w).compact));
    return c;
  };
  const entries: CompiledEntry[] = snap.entries.map((entry, i) => {
    const isGi = entry.kind === 'gi';
    index.add(i, entry.name, 'name', isGi);
    for (const a of entry.aliases) index.add(i, a, 'alias', isGi, entry.name);
    const keywords = entry.keywords.map((w) => ({ word: w, compact: compactOf(w) })).filter((k) => k.compact.length > 0);
    return { entry, keywords, niceClasses: entry.niceClasses.length > 1 ? [...new Set(entry.niceClasses)] : entry.niceClasses };
  });
  index.freeze();
  // a record per name pattern: a scan candidate is a pattern, and reads its entry's data there
  const table = new EntryTable(entries, index.patternEntries);
  const topName = maxNamePoints(1, cfg);

  function matchListing(listing: Listing, options: { all?: boolean } = {}): MatchResult[] {
    const nTitle = normalise(listing.title ?? '');
    const nDesc = listing.description ? normalise(listing.description.slice(0, MAX_DESCRIPTION)) : null;
    const compactText = nDesc ? nTitle.compact + nDesc.compact : nTitle.compact;
    const run = new ListingRun(listing, nTitle, compactText, table, cfg, lex, snap, topName);
    // without --all, a candidate whose best possible name points plus its context cannot reach
    // the alert threshold is not worth judging
    const gate: ScanGate | undefined = options.all ? undefined : run;

    const rawTitle = index.scan(nTitle, false, gate);
    const rawDesc = nDesc ? index.scan(nDesc, false, gate) : null;
    const described = describedEntries(index, lex, rawTitle, nTitle, rawDesc, nDesc);
    let hits = contextualise(rawTitle, nTitle, index, entries, lex, 0, described);
    if (rawDesc) hits = hits.concat(contextualise(rawDesc, nDesc!, index, entries, lex, 1, described));
    const best = new Map<number, Hit>();
    for (const h of hits) {
      if (!h.judgement.similar) continue;
      const cur = best.get(h.entryIdx);
      if (!cur || rank(h) > rank(cur)) best.set(h.entryIdx, h);
    }
    if (best.size === 0) return [];
    const results: MatchResult[] = [];
    for (const [entryIdx, h] of best) {
      const ce = entries[entryIdx];
      const context = contextReasons(listing, compactText, ce, run.facts(), cfg);
      const sellerUse = h.descriptive ? null : sellerUsesLookalike(h, h.field === 0 ? nTitle : nDesc!, run, listing, cfg);
      if (sellerUse) context.unshift(sellerUse);
      const s = scoreCandidate(h.judgement, h.descriptive, context, cfg);
      if (!options.all && !s.alert) continue;
      results.push({
        entryId: ce.entry.id,
        entryName: ce.entry.name,
        kind: h.descriptive ? 'descriptive' : h.judgement.kind,
        matchedText: h.matchedText,
        similarity: h.judgement.similarity,
        score: s.score,
        level: s.level,
        alert: s.alert,
        reasons: s.reasons,
      });
    }
    return results.sort((a, b) => b.score - a.score || a.entryId.localeCompare(b.entryId));
  }

  return Object.freeze({
    version: snap.version,
    entryCount: entries.length,
    patternCount: index.patterns.length,
    indexBytes: index.byteLength,
    matchListing,
  });
}

export interface SimilarResult {
  similar: boolean;
  kind: MatchKind;
  similarity: number;
  reasons: string[];
}

const similarCache = new Map<string, NameIndex>();

/**
 * The name-level judgement alone: is `text` (a name or a whole title) a use of `mark`?
 * `gi: true` judges `mark` as a geographical indication (镇/型/式/风味 added still claim it).
 */
export function similar(mark: string, text: string, options: { gi?: boolean } = {}): SimilarResult {
  const lex = getLexicon();
  const key = `${options.gi ? 'g' : 'm'}:${mark}`;
  let index = similarCache.get(key);
  if (!index) {
    index = new NameIndex(lex);
    index.add(0, mark, 'name', !!options.gi);
    index.freeze();
    // each one-name index holds ~330 KB of lookup arrays; keep a few recent marks only
    if (similarCache.size >= 64) similarCache.clear();
    similarCache.set(key, index);
  }
  if (index.patterns.length === 0) {
    return { similar: false, kind: 'none', similarity: 0, reasons: [`'${mark}' 归一后少于两个字符，无法比较`] };
  }
  const n = normalise(text);
  const raw = index.scan(n, true);
  const hits = contextualise(raw, n, index, null, lex, 0, describedEntries(index, lex, raw, n));
  if (hits.length === 0) {
    return { similar: false, kind: 'none', similarity: 0, reasons: [`'${text}' 中未发现与 '${mark}' 相同或近似的文字`] };
  }
  hits.sort((a, b) => rank(b) - rank(a));
  const h = hits[0];
  if (h.descriptive) {
    return {
      similar: false,
      kind: 'descriptive',
      similarity: h.judgement.similarity,
      reasons: [...h.judgement.reasons, `名称前后有 '${h.descriptive}'，属说明商品适用对象的描述性使用，不是作为商标使用`],
    };
  }
  return { similar: h.judgement.similar, kind: h.judgement.kind, similarity: h.judgement.similarity, reasons: h.judgement.reasons };
}
