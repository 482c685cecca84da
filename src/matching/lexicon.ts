// Word lists the matcher consults: seeds/matching/* (replica cues, generic and GI words, …)
// and the jieba general dictionary (MIT) for "is this an ordinary word" checks.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { normalise } from './normalise.ts';

function seedLines(file: string): string[][] {
  const text = readFileSync(new URL(`../../seeds/matching/${file}`, import.meta.url), 'utf8');
  return text.split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.split('\t').map((c) => c.trim()));
}

/** lower-cased, simplified, full-width folded; keeps spaces and punctuation so '1:1' survives */
export function cueForm(s: string): string {
  return plainText(s) ? s.toLowerCase() : s.normalize('NFKC').toLowerCase();
}

/** text that cueForm only lower-cases: ASCII and the main CJK block are already NFKC (most
 *  titles need no normalisation call) */
export function plainText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 && (c < 0x4e00 || c > 0x9fff)) return false;
  }
  return true;
}

/**
 * Indexes of words by the UTF-16 code of their first character. A text is scanned with
 * charCodeAt (no one-character strings to hash), and a table of two bytes per code answers the
 * usual case, a character that starts no word, with one read (a Map lookup per character of
 * every scanned text cost more than the scan itself).
 */
export class FirstCharIndex {
  /** per code: 0, or 1 + the index of its list */
  private readonly slot = new Uint16Array(0x10000);
  private readonly lists: number[][] = [];

  constructor(words: readonly string[]) {
    words.forEach((w, i) => {
      const c = w.charCodeAt(0);
      if (Number.isNaN(c)) return;
      if (this.slot[c] === 0) {
        if (this.lists.length === 0xffff) throw new RangeError('FirstCharIndex: too many first characters');
        this.lists.push([]);
        this.slot[c] = this.lists.length;
      }
      this.lists[this.slot[c] - 1].push(i);
    });
  }

  /** the indexes of the words starting with this code, or undefined */
  get(code: number): number[] | undefined {
    const s = this.slot[code];
    return s === 0 ? undefined : this.lists[s - 1];
  }

  get size(): number {
    return this.lists.length;
  }
}

export function byFirst(words: readonly string[]): FirstCharIndex {
  return new FirstCharIndex(words);
}

export interface Lexicon {
  replicaCues: { cue: string; strong: boolean }[];
  /** indexes into replicaCues by the first character of the cue */
  replicaCuesByFirst: FirstCharIndex;
  /** normalised (compact) form of generic + quality + place words */
  insertWords: Set<string>;
  giAffixes: Set<string>;
  genericWords: Set<string>;
  placeWords: Set<string>;
  compatBefore: string[];
  compatAfter: string[];
  commonEnglish: Set<string>;
  /** product words and their Nice class, longest first; class 0 marks a word that names no
   *  goods but holds a goods word the dictionary rule lets count (包邮, 红包): found, it keeps
   *  that word from counting there */
  niceKeywords: { word: string; compact: string; niceClass: number }[];
  /** the compact forms of niceKeywords */
  niceKeywordSet: Set<string>;
  /** indexes into niceKeywords by the first character of their compact form */
  niceKeywordsByFirst: FirstCharIndex;
  dictionary: Set<string>;
  /** per goods word of niceKeywords, the characters that follow it inside a dictionary word of
   *  up to four characters that names no goods (undefined: none) */
  goodsFollowers: (Set<number> | undefined)[];
  /** group number of each counterpart term (妈 and 爹 share one): counterpart-terms.txt */
  counterparts: Map<string, number>;
}

/** two characters that name counterparts (妈/爹, 哥/姐): a swap that keeps a name's pattern */
export function isCounterpart(lex: Lexicon, a: string, b: string): boolean {
  const g = lex.counterparts.get(a);
  return g !== undefined && a !== b && lex.counterparts.get(b) === g;
}

let lexicon: Lexicon | undefined;

function loadDictionary(): Set<string> {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@node-rs/jieba/package.json'));
  const text = readFileSync(join(dir, 'dict.txt'), 'utf8');
  const words = new Set<string>();
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const sp = text.indexOf(' ', start);
    const word = text.slice(start, sp > start && sp < end ? sp : end);
    // two to six Han characters: the words that can overlap a mark
    if (word.length >= 2 && word.length <= 6 && /^[\u4e00-\u9fff]+$/.test(word)) words.add(word);
    start = end + 1;
  }
  return words;
}

/**
 * Per goods word (by index), the characters that follow it inside some dictionary word of up to
 * four characters that is no goods word: only before one of them can a word hold it without
 * ending with it (包 before 装 in 包装, 橙 before 色 in 橙色).
 */
function goodsFollowers(dictionary: Set<string>, goods: readonly string[]): (Set<number> | undefined)[] {
  const index = new Map(goods.map((g, k) => [g, k]));
  const out: (Set<number> | undefined)[] = goods.map(() => undefined);
  for (const w of dictionary) {
    if (w.length > 4 || index.has(w)) continue;
    for (let i = 0; i < w.length; i++) {
      for (let len = 1; i + len < w.length; len++) {
        const k = index.get(w.slice(i, i + len));
        if (k !== undefined) (out[k] ??= new Set()).add(w.charCodeAt(i + len));
      }
    }
  }
  return out;
}

export function getLexicon(): Lexicon {
  if (lexicon) return lexicon;
  const compactOf = (w: string) => normalise(w).compact;
  const generic = seedLines('generic-words.txt').map((r) => compactOf(r[0]));
  const places = seedLines('place-words.txt').map((r) => compactOf(r[0]));
  const gi = seedLines('gi-affixes.txt').map((r) => compactOf(r[0]));
  const compat = seedLines('compat-cues.tsv');
  const dictionary = loadDictionary();
  const niceKeywords = seedLines('nice-keywords.tsv')
    .map((r) => ({ word: r[0], compact: compactOf(r[0]), niceClass: Number(r[1]) }))
    .filter((k) => k.compact.length > 0)
    .sort((a, b) => b.compact.length - a.compact.length);
  const niceKeywordsByFirst = byFirst(niceKeywords.map((k) => k.compact));
  const replicaCues = seedLines('replica-cues.tsv').map((r) => ({ cue: cueForm(r[0]), strong: r[1] === 'strong' })).filter((c) => c.cue.length > 0);
  lexicon = {
    replicaCues,
    replicaCuesByFirst: byFirst(replicaCues.map((c) => c.cue)),
    genericWords: new Set(generic),
    placeWords: new Set(places),
    giAffixes: new Set(gi),
    insertWords: new Set([...generic, ...places]),
    compatBefore: compat.filter((r) => r[1] === 'before').map((r) => compactOf(r[0])),
    compatAfter: compat.filter((r) => r[1] === 'after').map((r) => compactOf(r[0])),
    commonEnglish: new Set(seedLines('common-english.txt').map((r) => r[0].toLowerCase())),
    niceKeywords,
    niceKeywordSet: new Set(niceKeywords.map((k) => k.compact)),
    niceKeywordsByFirst,
    dictionary,
    goodsFollowers: goodsFollowers(dictionary, niceKeywords.map((k) => k.compact)),
    counterparts: new Map(seedLines('counterpart-terms.txt').flatMap((r, g) => r[0]!.split(/\s+/).map((ch) => [ch, g] as const))),
  };
  return lexicon;
}
