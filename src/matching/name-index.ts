// One index for every watched name and alias. Han names are filtered with character-pair keys
// (adjacent pairs and pairs one apart: with one character changed, some pair of a 3+
// character name survives — the pigeonhole filter for approximate matching); the adjacent pairs
// of names of two to four characters are also indexed with either character replaced by each
// character close to it in shape or sound, so that two changed characters (娃恰恰) and a changed
// two-character name (雷碧) are still found by an exact pair lookup. Latin names use a deletion
// neighbourhood (SymSpell). A scan costs two pair lookups per character of the listing however
// many names are watched; each candidate is then verified and judged by the examiner rules
// (examiner.ts).
import { charFeatures, codeSimilarity } from './char-similarity.ts';
import { confusableVariants, judgeHan, judgeLatin, similarityOf, SOUND_CLOSE, substitutions, VISUAL_CLOSE, type Judgement } from './examiner.ts';
import { isCloseChar, tableChars } from './char-similarity.ts';
import type { Lexicon } from './lexicon.ts';
import { FrozenMultiMap } from './frozen-map.ts';
import { ABSENT, PairIndex, PairIndexBuilder } from './pair-index.ts';
import { isHan, looseKey, normalise, originalSpan, writtenApart, type Normalised } from './normalise.ts';

export interface Pattern {
  entryIdx: number;
  text: string;
  source: 'name' | 'alias';
  han: boolean;
  loose: string;
  isGi: boolean;
  /** the watchlist spelling, so a traditional or spaced-out hit is reported as 'normalised' */
  raw: string;
  /** the entry's name, for reasons about alias hits */
  entryName: string;
  /** a GI name's place and product part at this position (五常|大米), or 0 */
  giSplit: number;
}

type Postings = number | number[];
type HanMap = 'adj' | 'gap';
type LatinMap = 'latinExact' | 'latinDel';

function addPosting(map: Map<number | string, Postings>, key: number | string, value: number): void {
  const cur = map.get(key);
  if (cur === undefined) map.set(key, value);
  else if (typeof cur === 'number') {
    if (cur !== value) map.set(key, [cur, value]);
  } else if (!cur.includes(value)) cur.push(value);
}

const MAX_HAN = 24;
const POS = 32;

const classIds = new Map<string, number>();
/** the toneless-syllable classes: their members all sound alike (same syllable, any tone) */
const syllableClasses = new Set<number>();
const charClassCache = new Map<string, number[]>();

/** look-alike and sound-alike classes of a character: shared phonetic component, radical plus
 *  the corners it fills, a shared distinctive drawn component, toneless syllable */
function charClasses(ch: string): number[] {
  let ids = charClassCache.get(ch);
  if (ids) return ids;
  const f = charFeatures(ch);
  const names: string[] = [];
  if (f) {
    for (const g of f.phonetic) names.push(`p${g}`);
    const fc = f.fourCorner;
    if (f.radical && fc.length >= 4) {
      names.push(`f${fc.slice(0, 4)}`);
      names.push(`r${f.radical}t${fc[0]}${fc[1]}`, `r${f.radical}l${fc[0]}${fc[2]}`, `r${f.radical}b${fc[2]}${fc[3]}`, `r${f.radical}r${fc[1]}${fc[3]}`);
    }
    for (const r of f.readings) names.push(`s${r.replace(/\d$/, '')}`);
    glyphClasses(ch, f.glyph, names);
  }
  ids = [...new Set(names)].map((n) => {
    let id = classIds.get(n);
    if (id === undefined) classIds.set(n, (id = classIds.size + 1));
    if (n[0] === 's') syllableClasses.add(id);
    return id;
  });
  charClassCache.set(ch, ids);
  return ids;
}

/** one class per pair of characters sharing a distinctive drawn component (奥/粤) */
function glyphClasses(ch: string, partners: string | undefined, names: string[]): void {
  if (partners) for (const p of partners) names.push(ch < p ? `g${ch}${p}` : `g${p}${ch}`);
}

const shapeCache = new Map<string, number[]>();

/** the classes that say two characters look alike: shared phonetic component, same four corners,
 *  a shared distinctive drawn component */
function shapeClasses(ch: string): number[] {
  let ids = shapeCache.get(ch);
  if (ids) return ids;
  const f = charFeatures(ch);
  const names: string[] = [];
  if (f) {
    for (const g of f.phonetic) names.push(`p${g}`);
    if (f.fourCorner.length >= 4) names.push(`f${f.fourCorner.slice(0, 4)}`);
    glyphClasses(ch, f.glyph, names);
  }
  ids = names.map((n) => {
    let id = classIds.get(n);
    if (id === undefined) classIds.set(n, (id = classIds.size + 1));
    return id;
  });
  shapeCache.set(ch, ids);
  return ids;
}

const code = (s: string, i: number) => s.charCodeAt(i);

/** the dictionary's two-character words by character: the characters that follow it ([0]) and
 *  that precede it ([1]) in some word. The build asks about millions of look-alike pairs */
const twoCharWordSets = new WeakMap<Lexicon, [Map<number, number[]>, Map<number, number[]>]>();
function twoCharWords(lex: Lexicon): [Map<number, number[]>, Map<number, number[]>] {
  let maps = twoCharWordSets.get(lex);
  if (!maps) {
    maps = [new Map(), new Map()];
    for (const w of lex.dictionary) {
      if (w.length !== 2) continue;
      const a = code(w, 0);
      const b = code(w, 1);
      const after = maps[0].get(a);
      if (after) after.push(b);
      else maps[0].set(a, [b]);
      const before = maps[1].get(b);
      if (before) before.push(a);
      else maps[1].set(b, [a]);
    }
    twoCharWordSets.set(lex, maps);
  }
  return maps;
}
/** scratch marks per UTF-16 code, cleared after each use */
const wordMark = new Uint8Array(0x10000);

let classMembers: Map<number, string[]> | null = null;
/** per UTF-16 code and kind (0: shape, 1: shape or sound), the codes of the close characters */
const closeCache: (Uint16Array | undefined)[][] = [[], []];

/**
 * The characters close enough to `ch` to stand in for it in a look-alike name: sharing one of its
 * classes (all classes for two-character names, the shape classes for longer ones) and close in
 * shape or sound by the examiner's measure — exactly the substitutions verification accepts where
 * closeness is required. Computed once per character, as UTF-16 codes.
 */
function closeChars(c: number, allClasses: boolean): Uint16Array {
  const cache = closeCache[allClasses ? 1 : 0];
  let out = cache[c];
  if (out) return out;
  if (!classMembers) {
    classMembers = new Map();
    for (const x of tableChars()) {
      for (const id of charClasses(x)) {
        const members = classMembers.get(id);
        if (members) members.push(x);
        else classMembers.set(id, [x]);
      }
    }
  }
  const ch = String.fromCharCode(c);
  // the shape-close set is part of the wider one: compute it once
  const near = new Set<number>(allClasses ? closeChars(c, false) : []);
  for (const id of allClasses ? charClasses(ch) : shapeClasses(ch)) {
    // same syllable, any tone: close in sound without scoring each member
    const sameSyllable = syllableClasses.has(id);
    for (const x of classMembers.get(id) ?? []) {
      const xc = x.charCodeAt(0);
      if (x.length !== 1 || xc === c || near.has(xc)) continue;
      if (sameSyllable || isCloseChar(ch, x, VISUAL_CLOSE, SOUND_CLOSE)) near.add(xc);
    }
  }
  out = Uint16Array.from(near);
  cache[c] = out;
  return out;
}

interface ScanContext {
  n: Normalised;
  hits: RawHit[];
  explain: boolean;
  gate?: ScanGate;
  /** (pattern, start) pairs already verified */
  seen: Set<number>;
}

/** asked before judging a candidate: can its entry still alert with a name this similar? */
export interface ScanGate {
  /** the most a candidate of this pattern's entry can score at this similarity without the
   *  seller-name points, less the alert threshold: ≥ 0 means it may alert. Asked by pattern id,
   *  so that the gate may keep its data per pattern and a candidate reads it in one place */
  margin(patternId: number, similarity: number): number;
  /** what a look-alike found in the seller's own name adds (0 when there is no name to look in) */
  readonly sellerBonus: number;
  /** the seller's name (normalised) has this character: a cheap necessary condition of sellerUses */
  sellerHas(code: number): boolean;
  /** the seller's name (normalised) contains compact[start, end) */
  sellerUses(compact: string, start: number, end: number): boolean;
}

export interface RawHit {
  patternId: number;
  judgement: Judgement;
  matchedText: string;
  /** compact span, used for context checks */
  cStart: number;
  cEnd: number;
}

export class NameIndex {
  readonly patterns: Pattern[] = [];
  // built by add(), frozen into typed arrays by freeze(). Han pairs are keyed (left character,
  // right character): adj for adjacent characters, gap for characters one apart
  private building: { han: Record<HanMap, PairIndexBuilder>; latin: Record<LatinMap, Map<number, Postings>> } | null = {
    han: { adj: new PairIndexBuilder(), gap: new PairIndexBuilder() },
    latin: { latinExact: new Map(), latinDel: new Map() },
  };
  private frozen: Record<HanMap, PairIndex> & Record<LatinMap, FrozenMultiMap> | null = null;
  // latin maps are keyed by a 30-bit hash of the (loose) word: small-integer keys, no strings
  // kept; a collision only adds a candidate that verification rejects
  private readonly lex: Lexicon;
  /** the texts indexed for the entry added last: an alias that normalises to the name (or to
   *  another alias) is indexed once. Entries add their name and aliases together */
  private lastEntry = -1;
  private lastTexts: string[] = [];
  /** scratch: character ids of the text being added */
  private idScratch = new Int32Array(MAX_HAN);
  /** per UTF-16 code: a small id when some Han name contains it, else -1; keeps keys small
   *  integers and lets the scan skip characters no name contains */
  private charIds = new Int32Array(0x10000).fill(-1);
  private nextCharId = 0;
  /** entry index of each pattern (frozen) */
  private patternEntry = new Int32Array(0);
  /** the Latin scan's scratch: candidates of the current word, and a stamp per pattern */
  private latinIds: number[] = [];
  private latinSeen = new Int32Array(0);
  private latinStamp = 0;

  private idOf(code: number): number {
    let id = this.charIds[code];
    if (id < 0) this.charIds[code] = id = this.nextCharId++;
    return id;
  }

  /**
   * `dropOrdinaryVariants`: leave out a two-character name's look-alike pair when the pair is a
   * dictionary word (数据 for a mark 数捏). The examiner rules reject such a window whatever
   * surrounds it (judgeHan: a one-character variant of a two-character mark that is an ordinary
   * word is that word), so the matcher, which keeps similar hits only, loses nothing; `similar()`
   * keeps them to say why they are not similar.
   */
  constructor(lex: Lexicon, private readonly dropOrdinaryVariants = false) {
    this.lex = lex;
  }

  add(entryIdx: number, rawText: string, source: 'name' | 'alias', isGi: boolean, entryName = rawText): void {
    const b = this.building;
    if (!b) throw new Error('NameIndex is frozen');
    const n = normalise(rawText);
    const han = hasHan(n.compact);
    const text = han ? n.compact.slice(0, MAX_HAN) : n.tokens.map((t) => t.text).join('');
    if (text.length < 2) return;
    if (entryIdx !== this.lastEntry) {
      this.lastEntry = entryIdx;
      this.lastTexts = [];
    } else if (this.lastTexts.includes(text)) return;
    this.lastTexts.push(text);
    const id = this.patterns.length;
    const loose = han ? text : looseKey(text);
    this.patterns.push({ entryIdx, text, source, han, loose, isGi, raw: rawText.trim(), entryName, giSplit: han && isGi ? placeProductSplit(text, this.lex) : 0 });
    if (han) {
      const h = b.han;
      const ids = this.idScratch;
      for (let i = 0; i < text.length; i++) ids[i] = this.idOf(code(text, i));
      for (let i = 0; i + 1 < text.length; i++) h.adj.add(ids[i], ids[i + 1], id * POS + i);
      for (let i = 0; i + 2 < text.length; i++) h.gap.add(ids[i], ids[i + 2], id * POS + i);
      // short names lose every exact pair to one or two look-alike changes (雷碧, 娃恰恰):
      // index adjacent pairs with one character replaced by each character close to it (for
      // two-character names close in shape or sound, for longer ones sharing a shape class,
      // which keeps the index small at 100,000 names). Two and three characters need every
      // such pair; of four characters only AXYD leaves no exact adjacent or gap pair, found by
      // AX or YD (either changed character may be the one close without sharing a class)
      if (text.length <= 4) {
        const two = text.length === 2;
        if (text.length <= 3) {
          for (let i = 0; i + 1 < text.length; i++) {
            this.addReplaced(h.adj, text, ids, i, true, two, id);
            this.addReplaced(h.adj, text, ids, i, false, two, id);
          }
        } else {
          this.addReplaced(h.adj, text, ids, 0, false, false, id);
          this.addReplaced(h.adj, text, ids, 2, true, false, id);
        }
        // a doubled name may change both (治治 → 冶冶)
        if (two && text[0] === text[1]) {
          for (const x of closeChars(code(text, 0), true)) {
            const ix = this.idOf(x);
            h.adj.add(ix, ix, id * POS);
          }
        }
      }
    } else {
      // cl→d is the one fold that can also hide an l→i fold (GUCCl), so index both keys. Only
      // names get the deletion neighbourhood: aliases (pinyin, English forms) are matched on
      // their loose key, which keeps the index small at 100,000 entries
      for (const key of new Set([loose, looseKey(text, false)])) {
        addPosting(b.latin.latinExact, hash30(key), id);
        if (source === 'name' && key.length >= 4) for (const d of deletions(key)) addPosting(b.latin.latinDel, hash30(d), id);
      }
      // a three-letter name with one letter drawn alike in capitals (KFG for KFC): each such
      // variant is a key of its own (no deletion neighbourhood for three letters)
      if (source === 'name' && text.length === 3) {
        for (const v of confusableVariants(text)) addPosting(b.latin.latinExact, hash30(looseKey(v)), id);
      }
    }
  }

  /** the adjacent pair at i of pattern `id` with its left (or right) character replaced by each close one */
  private addReplaced(map: PairIndexBuilder, text: string, ids: Int32Array, i: number, left: boolean, allClasses: boolean, id: number): void {
    const near = closeChars(code(text, left ? i : i + 1), allClasses);
    const posting = id * POS + i;
    // the replacements that make the pair a dictionary word, marked for this call
    const partners = this.dropOrdinaryVariants && text.length === 2 ? twoCharWords(this.lex)[left ? 1 : 0].get(code(text, left ? 1 : 0)) : undefined;
    if (partners) for (const c of partners) wordMark[c] = 1;
    for (let k = 0; k < near.length; k++) {
      if (wordMark[near[k]] === 1) continue;
      const ix = this.idOf(near[k]);
      if (left) map.add(ix, ids[i + 1], posting);
      else map.add(ids[i], ix, posting);
    }
    if (partners) for (const c of partners) wordMark[c] = 0;
  }

  /** every candidate name hit in the text, each judged; several per pattern are possible */
  /** ends building: the maps become compact typed arrays; scans need a frozen index */
  freeze(): this {
    const b = this.building;
    if (!b) return this;
    this.frozen = {
      adj: b.han.adj.freeze(), gap: b.han.gap.freeze(),
      latinExact: new FrozenMultiMap(b.latin.latinExact), latinDel: new FrozenMultiMap(b.latin.latinDel),
    };
    this.building = null;
    this.patternEntry = Int32Array.from(this.patterns, (p) => p.entryIdx);
    this.latinSeen = new Int32Array(this.patterns.length);
    this.lastTexts = [];
    return this;
  }

  /** the entry of each pattern, by pattern id (after freeze) */
  get patternEntries(): Int32Array {
    return this.patternEntry;
  }

  /** bytes held by the frozen maps */
  get byteLength(): number {
    return this.frozen ? Object.values(this.frozen).reduce((s, m) => s + m.byteLength, 0) : 0;
  }

  /**
   * Every candidate name hit in the text, each judged; several per pattern are possible. Without
   * `explain`, candidates the examiner rules are sure to reject are dropped before judging
   * (the matcher only needs the similar ones; `similar()` wants to say why not).
   */
  scan(n: Normalised, explain = false, gate?: ScanGate): RawHit[] {
    if (!this.frozen) throw new Error('NameIndex.scan before freeze()');
    const hits: RawHit[] = [];
    this.scanHan(n, hits, explain, gate);
    this.scanLatin(n, hits, explain, gate);
    return hits;
  }

  private scanHan(n: Normalised, hits: RawHit[], explain: boolean, gate?: ScanGate): void {
    const t = n.compact;
    if (t.length < 2) return;
    const f = this.frozen!;
    const ctx: ScanContext = { n, hits, explain, gate, seen: new Set<number>() };
    const ids = this.charIds;
    for (let i = 0; i + 1 < t.length; i++) {
      const ia = ids[t.charCodeAt(i)];
      if (ia < 0) continue;
      const ib = ids[t.charCodeAt(i + 1)];
      if (ib >= 0) this.visit(f.adj, ia, ib, i, ctx);
      if (i + 2 < t.length) {
        const ic = ids[t.charCodeAt(i + 2)];
        if (ic >= 0) this.visit(f.gap, ia, ic, i, ctx);
      }
    }
  }

  private visit(map: PairIndex, first: number, second: number, textPos: number, ctx: ScanContext): void {
    const v = map.lookup(first, second);
    if (v >= 0) this.consider(v, textPos, ctx);
    else if (v !== ABSENT) {
      const values = map.values;
      for (let k = map.listStart(v), end = map.listEnd(v); k < end; k++) this.consider(values[k], textPos, ctx);
    }
  }

  private consider(posting: number, textPos: number, ctx: ScanContext): void {
    const id = Math.floor(posting / POS);
    // an entry that cannot alert in this listing even with its exact name is not worth verifying
    if (ctx.gate) {
      // short of the threshold, only the seller-name points could still make it alert, and only
      // if the seller's name has the key's first character (it lies inside any span matched)
      const margin = ctx.gate.margin(id, 1);
      if (margin < 0 && (margin + ctx.gate.sellerBonus < 0 || !ctx.gate.sellerHas(ctx.n.compact.charCodeAt(textPos)))) return;
    }
    const p = posting % POS;
    // (start + POS) × patterns + pattern: exact for any text, a small integer for the usual sizes
    const key = (textPos - p + POS) * this.patterns.length + id;
    if (ctx.seen.has(key)) return;
    ctx.seen.add(key);
    const hit = this.verifyHan(this.patterns[id], id, ctx.n, textPos, p, ctx.explain, ctx.gate);
    if (hit) ctx.hits.push(hit);
  }

  /** the examiner rules that need no context, applied before the full judgement */
  private plausible(m: string, t: string, s: number): boolean {
    const len = m.length;
    let d = 0;
    for (let k = 0; k < len; k++) {
      if (m.charCodeAt(k) === t.charCodeAt(s + k)) continue;
      d++;
      if (d >= 2 || len === 2) {
        const sim = codeSimilarity(m.charCodeAt(k), t.charCodeAt(s + k));
        if (sim.visual < VISUAL_CLOSE && sim.sound < SOUND_CLOSE) return false;
      }
    }
    if (d === 0 || (d === 1 && len >= 3)) return true;
    if (len === 2) return d === 1 || (m[0] === m[1] && t[s] === t[s + 1]);
    return d <= (len <= 5 ? 2 : 3) && d < len;
  }

  private verifyHan(pat: Pattern, id: number, n: Normalised, textPos: number, keyPos: number, explain: boolean, gate?: ScanGate): RawHit | null {
    const t = n.compact;
    const m = pat.text;
    const len = m.length;
    const s = textPos - keyPos;
    let best: { start: number; end: number; subs: ReturnType<typeof substitutions>; inserted?: string; placeEnd?: number } | null = null;
    if (s >= 0 && s + len <= t.length && (explain || this.plausible(m, t, s))) {
      const window = t.slice(s, s + len);
      if (window === m) best = { start: s, end: s + len, subs: [] };
      else {
        let diff = 0;
        for (let k = 0; k < len; k++) if (window[k] !== m[k] && ++diff > 3) break;
        if (diff <= 3 && (diff < len || len === 2)) best = { start: s, end: s + len, subs: substitutions(m, window, this.lex) };
      }
    }
    if (!best || best.subs.length > 0) {
      const ins = this.findInsertion(pat, t, textPos, keyPos);
      if (ins) best = ins;
    }
    if (!best) return null;
    if (best.subs.length > 0 && !best.subs.some((x) => isHan(x.textChar))) return null;
    if (gate) {
      const margin = gate.margin(id, similarityOf(len, best.subs, best.inserted));
      const lookalike = best.subs.length > 0 || best.inserted !== undefined;
      if (margin < 0 && (margin + gate.sellerBonus < 0 || !lookalike || !gate.sellerUses(t, best.start, best.end))) return null;
    }
    const original = originalSpan(n, best.start, best.end);
    const normalisedOnly = best.subs.length === 0 && !best.inserted && original !== pat.raw;
    const judgement = judgeHan({
      mark: m, text: t, start: best.start, end: best.end, subs: best.subs, inserted: best.inserted, placeEnd: best.placeEnd,
      apartBefore: writtenApart(n, best.start), apartAfter: writtenApart(n, best.end),
      isGi: pat.isGi, original, source: pat.source, normalisedOnly, display: pat.raw, entryName: pat.entryName,
    }, this.lex);
    return { patternId: id, judgement, matchedText: original, cStart: best.start, cEnd: best.end };
  }

  /** the name with a word inserted: a generic, quality or place word anywhere; in a GI, one of
   *  its affixes anywhere, or any word of up to four Han characters between its place and its
   *  product (五常稻花香大米: a variety named between 五常 and 大米 still claims the GI) */
  private findInsertion(pat: Pattern, t: string, textPos: number, keyPos: number) {
    const m = pat.text;
    const len = m.length;
    for (let k = 1; k < len; k++) {
      for (let L = 1; L <= 4; L++) {
        // the key lies in the left part (keyPos + 1 < k) or in the right part (keyPos ≥ k)
        let s: number;
        if (keyPos + 1 < k) s = textPos - keyPos;
        else if (keyPos >= k) s = textPos - keyPos - L;
        else continue;
        if (s < 0 || s + len + L > t.length) continue;
        let same = true;
        for (let j = 0; j < k && same; j++) same = t.charCodeAt(s + j) === m.charCodeAt(j);
        for (let j = k; j < len && same; j++) same = t.charCodeAt(s + L + j) === m.charCodeAt(j);
        if (!same) continue;
        const word = t.slice(s + k, s + k + L);
        if (this.lex.insertWords.has(word) || (pat.isGi && this.lex.giAffixes.has(word))) return { start: s, end: s + len + L, subs: [], inserted: word };
        if (pat.isGi && k === pat.giSplit && allHan(word)) return { start: s, end: s + len + L, subs: [], inserted: word, placeEnd: k };
      }
    }
    return null;
  }

  /**
   * The watched name or alias written exactly (after normalisation) at compact position `at`:
   * the longest one, with its patterns (several entries may share a text) and where it ends; or
   * null. Han names may start anywhere, Latin ones only where a token starts. No gate: what it
   * answers depends on the text alone.
   */
  exactNameAt(n: Normalised, at: number): { ids: number[]; end: number } | null {
    if (!this.frozen) throw new Error('NameIndex.exactNameAt before freeze()');
    const t = n.compact;
    let best: { ids: number[]; end: number } | null = null;
    const found = (id: number, end: number) => {
      if (!best || end > best.end) best = { ids: [id], end };
      else if (end === best.end && !best.ids.includes(id)) best.ids.push(id);
    };
    const a = at + 1 < t.length ? this.charIds[t.charCodeAt(at)] : -1;
    const b = a >= 0 ? this.charIds[t.charCodeAt(at + 1)] : -1;
    if (b >= 0) {
      // names starting here: their postings at position 0 (exactNameAt is asked only after a
      // compatibility cue, so the list the lookup allocates does not matter)
      for (const posting of this.frozen.adj.get(a, b)) {
        if (posting % POS !== 0) continue;
        const id = Math.floor(posting / POS);
        const p = this.patterns[id];
        if (p.han && t.startsWith(p.text, at)) found(id, at + p.text.length);
      }
    }
    const toks = n.tokens;
    let i = 0;
    while (i < toks.length && toks[i].compactStart < at) i++;
    if (i < toks.length && toks[i].compactStart === at) {
      let text = '';
      for (let j = i; j < Math.min(toks.length, i + 3); j++) {
        if (j > i && toks[j].compactStart !== toks[j - 1].compactStart + toks[j - 1].text.length) break;
        text += toks[j].text;
        // the names whose loose key is this text's (each once under a key; found() drops repeats)
        const map: FrozenMultiMap = this.frozen.latinExact;
        const slot = map.find(hash30(looseKey(text)));
        for (let k = slot < 0 ? 0 : map.start(slot), end = slot < 0 ? 0 : k + map.count(slot); k < end; k++) {
          const id = map.values[k];
          if (!this.patterns[id].han && this.patterns[id].text === text) found(id, toks[j].compactStart + toks[j].text.length);
        }
      }
    }
    return best;
  }

  /** the patterns stored under a loose key and under each of its deletions, into ids (each once:
   *  latinSeen holds the current stamp for those already in) */
  private collectLatin(key: string, ids: number[]): void {
    const f = this.frozen!;
    const h = hash30(key);
    this.collectInto(f.latinExact, h, ids);
    if (key.length < 3) return;
    this.collectInto(f.latinDel, h, ids);
    // deletion-neighbourhood entries exist only for names of four or more letters
    if (key.length < 4) return;
    for (let i = 0; i < key.length; i++) {
      // deleting either of two equal neighbours leaves the same word
      if (i > 0 && key.charCodeAt(i) === key.charCodeAt(i - 1)) continue;
      const hd = hash30Without(key, i);
      this.collectInto(f.latinExact, hd, ids);
      this.collectInto(f.latinDel, hd, ids);
    }
  }

  private collectInto(map: FrozenMultiMap, key: number, ids: number[]): void {
    const slot = map.find(key);
    if (slot < 0) return;
    const seen = this.latinSeen;
    const stamp = this.latinStamp;
    for (let k = map.start(slot), end = k + map.count(slot); k < end; k++) {
      const id = map.values[k];
      if (seen[id] === stamp) continue;
      seen[id] = stamp;
      ids.push(id);
    }
  }

  private scanLatin(n: Normalised, hits: RawHit[], explain: boolean, gate?: ScanGate): void {
    const toks = n.tokens;
    if (!toks.length || this.frozen!.latinExact.size === 0) return;
    for (let i = 0; i < toks.length; i++) {
      let text = '';
      for (let j = i; j < Math.min(toks.length, i + 3); j++) {
        if (j > i && toks[j].compactStart !== toks[j - 1].compactStart + toks[j - 1].text.length) break;
        text += toks[j].text;
        if (text.length > 24) break;
        if (text.length < 2 || !hasLatinLetter(text)) continue;
        // a single token's loose key is worked out by normalise already
        const loose = j === i ? toks[i].loose : looseKey(text);
        // candidates in the order found, each once (a stamp per pattern, not a Set per word)
        const ids = this.latinIds;
        ids.length = 0;
        if (++this.latinStamp === 0x7fffffff) {
          this.latinSeen.fill(0);
          this.latinStamp = 1;
        }
        this.collectLatin(loose, ids);
        if (text.includes('cl')) this.collectLatin(looseKey(text, false), ids);
        const cStart = toks[i].compactStart;
        const cEnd = toks[j].compactStart + toks[j].text.length;
        for (const id of ids) {
          const pat = this.patterns[id];
          if (gate) {
            const margin = gate.margin(id, 1);
            if (margin < 0 && (margin + gate.sellerBonus < 0 || !gate.sellerUses(n.compact, cStart, cEnd))) continue;
          }
          const original = n.original.slice(toks[i].start, toks[j].end);
          const judgement = judgeLatin({
            mark: pat.text, token: text, looseMark: pat.loose, looseToken: loose, original, source: pat.source, isGi: pat.isGi, display: pat.raw, entryName: pat.entryName,
          }, this.lex);
          if (!explain && !judgement.similar) continue;
          hits.push({ patternId: id, judgement, matchedText: original, cStart, cEnd });
        }
      }
    }
  }
}

/** every character of the text is Han */
function allHan(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isHan(s[i])) return false;
  return true;
}

/**
 * Where a GI name divides into its place and its product (五常|大米, 阳澄湖|大闸蟹): before the
 * longest product — a dictionary or goods word of two or more characters — that ends the name
 * after a place of two or more; 0 when there is none (茅台酒, 宣纸).
 */
export function placeProductSplit(name: string, lex: Lexicon): number {
  for (let k = 2; k + 2 <= name.length; k++) {
    const product = name.slice(k);
    if (lex.dictionary.has(product) || lex.niceKeywordSet.has(product)) return k;
  }
  return 0;
}

/** true when the text has a Han character (the main CJK block checked without a regex) */
function hasHan(s: string): boolean {
  let other = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x4e00 && c <= 0x9fff) return true;
    // no Han character lies below the CJK radicals block
    if (c >= 0x2e80) other = true;
  }
  return other && /\p{Script=Han}/u.test(s);
}

/** a Latin letter in the word (the folded text is lower case) */
function hasLatinLetter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) return true;
  }
  return false;
}

/** hash30 of s without its character at `skip` (a deletion), without making the string */
function hash30Without(s: string, skip: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    if (i === skip) continue;
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 2) & 0x3fffffff;
}

/** FNV-1a, folded to 30 bits so it stays a V8 small integer */
function hash30(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 2) & 0x3fffffff;
}

function deletions(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const d = s.slice(0, i) + s.slice(i + 1);
    if (out[out.length - 1] !== d) out.push(d);
  }
  return out;
}
