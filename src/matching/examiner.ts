// The examiners' rules for word marks (商标审查审理指南: 字形、读音、含义; whole and main
// part), applied to one aligned candidate. Each rule returns its verdict with the Simplified
// Chinese sentence a reviewer reads.
import { charSimilarity } from './char-similarity.ts';
import { isCounterpart, type Lexicon } from './lexicon.ts';
import { looseKey } from './normalise.ts';

export type MatchKind =
  | 'exact' | 'alias' | 'normalised' | 'visual' | 'phonetic' | 'semantic' | 'homoglyph' | 'edit' | 'affix'
  | 'ordinary-word' | 'descriptive' | 'none';

export interface Substitution {
  pos: number;
  markChar: string;
  textChar: string;
  visual: number;
  sound: number;
  /** closeness in meaning (含义): MEANING_CLOSE for counterpart terms (妈/爹), else 0 */
  meaning: number;
}

export interface Judgement {
  similar: boolean;
  kind: MatchKind;
  similarity: number;
  reasons: string[];
}

/** visual ≥ this: 字形近似 */
export const VISUAL_CLOSE = 0.5;
/** sound ≥ this: 读音相同或近似 */
export const SOUND_CLOSE = 0.7;
/** a counterpart term's closeness in meaning (老干爹 for 老干妈: the court held it an imitation): as
 *  close as a look-alike character, so a three-character name with one swapped scores like one */
export const MEANING_CLOSE = 0.8;
/** sound ≥ this: the same syllable (读音相同, the tone aside) */
const SAME_SYLLABLE = 0.85;

/** the characters of `text` that differ from `mark`'s, each with how close it is in shape, sound
 *  and (with the lexicon's counterpart terms) meaning */
export function substitutions(mark: string, text: string, lex?: Lexicon): Substitution[] {
  const subs: Substitution[] = [];
  for (let i = 0; i < mark.length; i++) {
    if (mark[i] !== text[i]) {
      const s = charSimilarity(mark[i], text[i]);
      const meaning = lex && isCounterpart(lex, mark[i], text[i]) ? MEANING_CLOSE : 0;
      subs.push({ pos: i, markChar: mark[i], textChar: text[i], visual: s.visual, sound: s.sound, meaning });
    }
  }
  return subs;
}

const isClose = (s: Substitution) => s.visual >= VISUAL_CLOSE || s.sound >= SOUND_CLOSE;

function describeSub(s: Substitution): string {
  if (s.visual >= VISUAL_CLOSE && s.sound >= SOUND_CLOSE) return `字形、读音均近似（${s.textChar}/${s.markChar}）`;
  if (s.visual >= VISUAL_CLOSE) return `字形近似（${s.textChar}/${s.markChar}）`;
  if (s.sound >= SOUND_CLOSE) return s.sound >= SAME_SYLLABLE ? `读音相同（${s.textChar}/${s.markChar}）` : `读音近似（${s.textChar}/${s.markChar}）`;
  return `仅一字不同（${s.textChar}/${s.markChar}）`;
}

/**
 * A substituted character that, with its neighbours, forms a dictionary word the mark does not
 * contain means the text says something else (王老师 is a teacher, not 王老吉; 大白菜 is
 * cabbage). Only a look-alike substitution keeps the knock-off reading (娃恰恰, 治治).
 */
export function meaningChange(mark: string, text: string, start: number, end: number, subs: Substitution[], lex: Lexicon, apart: { before?: boolean; after?: boolean } = {}): string | null {
  // a word does not run across a space or symbol the seller put at the hit's edge (好丽发 派:
  // 发派 is no word there)
  const from = apart.before ? start : 0;
  const to = apart.after ? end : text.length;
  for (const s of subs) {
    if (s.visual >= VISUAL_CLOSE) continue;
    const p = start + s.pos;
    // words of two to four characters: the ones a one-character change can create
    for (let a = Math.max(from, p - 3, start - 2); a <= p; a++) {
      for (let b = Math.max(p + 1, a + 2); b <= Math.min(to, a + 4, end + 2); b++) {
        const w = text.slice(a, b);
        if (!lex.dictionary.has(w)) continue;
        // a same-sounding word the mark also has (师父 for 师傅) keeps the mark's reading
        let aligned = '';
        for (let k = a; k < b; k++) aligned += k >= start && k < end ? mark[k - start] : text[k];
        const soundAlike = subs.every((x) => start + x.pos < a || start + x.pos >= b || x.sound >= SAME_SYLLABLE);
        if (soundAlike && lex.dictionary.has(aligned)) continue;
        // nor does a word that mirrors the mark's own with a counterpart term (干爹 for 干妈 in
        // 老干妈): the name keeps its pattern. Three or more characters only: a two-character
        // mark swapped this way is the other word
        const mirrored = mark.length >= 3 && subs.every((x) => start + x.pos < a || start + x.pos >= b || isCounterpart(lex, x.markChar, x.textChar));
        if (mirrored && lex.dictionary.has(aligned)) continue;
        // nor does a same-syllable change whose word lies inside a name of three or more
        // characters (舒服佳 for 舒肤佳: read aloud it is the mark; 舒服 is part of it, and the
        // whole says nothing else). A hit that is itself a word (王老师) is that word
        const within = mark.length >= 3 && a >= start && b <= end && b - a < end - start;
        if (within && subs.every((x) => start + x.pos < a || start + x.pos >= b || x.sound >= SAME_SYLLABLE)) continue;
        return w;
      }
    }
  }
  return null;
}

export interface HanCandidate {
  mark: string;
  /** compact text */
  text: string;
  start: number;
  end: number;
  subs: Substitution[];
  inserted?: string;
  /** set when the word was inserted between a GI's place and its product: where the place ends */
  placeEnd?: number;
  isGi: boolean;
  /** the seller's spelling of the hit */
  original: string;
  /** the seller wrote the hit apart from the character before it, or after it (a space or a
   *  symbol between): no word runs across that edge */
  apartBefore?: boolean;
  apartAfter?: boolean;
  source: 'name' | 'alias';
  /** the hit, normalised, equals the name but the seller wrote it differently (繁体, spaced) */
  normalisedOnly: boolean;
  /** the watchlist spelling of the name or alias, for reasons */
  display: string;
  /** the entry's name when the hit is on an alias */
  entryName?: string;
}

export function similarityOf(n: number, subs: Substitution[], inserted?: string): number {
  let cost = 0;
  for (const s of subs) cost += 1 - 0.85 * Math.max(s.visual, s.sound, s.meaning);
  if (inserted) cost += 0.25;
  return Math.max(0, Math.min(1, Math.round((1 - cost / n) * 100) / 100));
}

export function judgeHan(c: HanCandidate, lex: Lexicon): Judgement {
  const n = c.mark.length;
  const hit = c.original;
  const markLabel = c.isGi ? '地理标志' : '注册商标';
  const mark = c.display;
  if (c.inserted !== undefined) {
    const gi = c.isGi && lex.giAffixes.has(c.inserted);
    return {
      similar: true,
      kind: 'affix',
      similarity: similarityOf(n, c.subs, c.inserted),
      reasons: [gi
        ? `'${hit}' 是在地理标志 '${mark}' 中加入 '${c.inserted}'，仍属使用该地理标志名称`
        : c.placeEnd !== undefined
          ? `'${hit}' 是在地理标志 '${mark}' 的产地 '${c.mark.slice(0, c.placeEnd)}' 与产品名 '${c.mark.slice(c.placeEnd)}' 之间加入 '${c.inserted}'，仍属使用该地理标志名称`
          : `'${hit}' 是在${markLabel} '${mark}' 中插入通用、品质或地名词 '${c.inserted}'，整体仍为该商标`],
    };
  }
  const d = c.subs.length;
  if (d === 0) {
    const kind: MatchKind = c.source === 'alias' ? 'alias' : c.normalisedOnly ? 'normalised' : 'exact';
    const text = kind === 'alias'
      ? `'${hit}' 与${markLabel} '${c.entryName ?? mark}' 的别名 '${mark}' 相同`
      : `'${hit}' 与${markLabel} '${mark}' ${kind === 'normalised' ? '经繁简、全半角或分隔符归一后相同' : '相同'}`;
    return { similar: true, kind, similarity: kind === 'alias' ? 0.95 : 1, reasons: [text] };
  }
  const similarity = similarityOf(n, c.subs);
  const allVisual = c.subs.every((s) => s.visual >= VISUAL_CLOSE);
  const allSound = c.subs.every((s) => s.sound >= SOUND_CLOSE);
  const kind: MatchKind = allVisual ? 'visual' : allSound ? 'phonetic' : c.subs.every(isClose) ? 'visual' : 'edit';
  const detail = [...new Set(c.subs.map(describeSub))].join('，');
  const no = (why: string): Judgement => ({ similar: false, kind, similarity, reasons: [`'${hit}' 与${markLabel} '${mark}' 不近似：${why}`] });

  if (n >= 3 && d === 1 && c.subs[0].pos === 0 && !isClose(c.subs[0])) {
    return no(`首字 '${c.subs[0].textChar}' 与 '${c.subs[0].markChar}' 读音、字形均明显不同`);
  }
  const changed = meaningChange(c.mark, c.text, c.start, c.end, c.subs, lex, { before: c.apartBefore, after: c.apartAfter });
  if (changed) return no(`'${changed}' 是普通词语，含义不同`);

  if (n === 2) {
    // a look-alike two-character variant that is itself a dictionary word is that word (数据
    // is not a knock-off of 数捏); reduplications (治治) are the exception
    const variant = c.text.slice(c.start, c.end);
    if (d === 1 && lex.dictionary.has(variant)) return no(`'${variant}' 是普通词语，含义不同`);
    if (d === 1 && isClose(c.subs[0])) return { similar: true, kind, similarity, reasons: [`'${hit}' 与${markLabel} '${mark}' ${detail}`] };
    // reduplicated marks changed as a pair: 洽洽 → 治治
    if (d === 2 && c.mark[0] === c.mark[1] && c.text[c.start] === c.text[c.start + 1] && isClose(c.subs[0])) {
      return { similar: true, kind, similarity, reasons: [`'${hit}' 与${markLabel} '${mark}' 叠字整体替换为近似字，${detail}`] };
    }
    return no('两字商标须替换字在字形或读音上近似');
  }
  if (d === 1) {
    const s = c.subs[0];
    // a counterpart swap (老干爹) is close in meaning, the examiners' third test after shape and sound
    if (!isClose(s) && s.meaning >= MEANING_CLOSE) {
      return { similar: true, kind: 'semantic', similarity, reasons: [`'${hit}' 与${markLabel} '${mark}' 含义近似：仅将 '${s.markChar}' 换为对应称谓 '${s.textChar}'，三字以上商标结构不变，整体仍近似`] };
    }
    const rule = isClose(s) ? detail : `三字以上商标仅改动一字（${s.textChar}/${s.markChar}），整体仍近似`;
    return { similar: true, kind, similarity, reasons: [`'${hit}' 与${markLabel} '${mark}' ${rule}`] };
  }
  const maxD = n <= 5 ? 2 : 3;
  if (d <= maxD && d < n && c.subs.every(isClose)) {
    return { similar: true, kind, similarity, reasons: [`'${hit}' 与${markLabel} '${mark}' ${detail}`] };
  }
  return no(`有 ${d} 个字不同`);
}

// scratch rows for editDistance; the matcher is synchronous, so one set is enough
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);
let rowC = new Int32Array(64);

/** Damerau–Levenshtein (optimal string alignment) distance, capped early past `max` */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const m = a.length;
  const n = b.length;
  if (n + 1 > rowA.length) {
    rowA = new Int32Array(n + 1);
    rowB = new Int32Array(n + 1);
    rowC = new Int32Array(n + 1);
  }
  let prev2 = rowA;
  let prev = rowB;
  let cur = rowC;
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[n];
}

export interface LatinCandidate {
  mark: string;
  /** folded token text, e.g. 'nlke' */
  token: string;
  looseMark: string;
  looseToken: string;
  original: string;
  source: 'name' | 'alias';
  isGi: boolean;
  display: string;
  entryName?: string;
}

/** letters and digits alone, in lower case, full width folded and accents dropped (NFKD without
 *  its marks): what case, width, accents and separators leave of a word */
function plainLetters(s: string): string[] {
  return [...s.normalize('NFKD').toLowerCase()].filter((ch) => /[\p{L}\p{N}]/u.test(ch));
}

/** the look-alike replacements, as a reviewer reads them ("0/o", "西里尔字母 і/i"), that turn `hit`
 *  into `mark` letter for letter; none when the two are the same letters (or do not align) */
function lookalikeSwaps(hit: string, mark: string): string[] {
  const a = plainLetters(hit);
  const b = plainLetters(mark);
  if (a.length !== b.length) return [];
  const out = new Set<string>();
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const script = /\p{Script=Cyrillic}/u.test(a[i]) ? '西里尔字母 ' : /\p{Script=Greek}/u.test(a[i]) ? '希腊字母 ' : /\p{N}/u.test(a[i]) ? '数字 ' : '';
    out.add(`${script}${a[i]}/${b[i]}`);
  }
  return [...out];
}

/** capital letters drawn alike, one stroke apart (C/G, O/Q, E/F, P/R, M/N…), as lower-case pairs */
const CONFUSABLE_LETTERS = new Map<string, string>();
for (const [a, b] of ['cg', 'oq', 'od', 'ef', 'pr', 'uv', 'mn']) {
  CONFUSABLE_LETTERS.set(a, (CONFUSABLE_LETTERS.get(a) ?? '') + b);
  CONFUSABLE_LETTERS.set(b, (CONFUSABLE_LETTERS.get(b) ?? '') + a);
}

/** the word with one letter replaced by a letter drawn alike in capitals, each way once */
export function confusableVariants(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) {
    for (const c of CONFUSABLE_LETTERS.get(word[i]) ?? '') out.push(word.slice(0, i) + c + word.slice(i + 1));
  }
  return out;
}

/** the one letter pair (text/mark) by which two words of the same length differ, if they differ
 *  by exactly one and the two are drawn alike in capitals */
function confusablePair(token: string, mark: string): string | null {
  if (token.length !== mark.length) return null;
  let pair: string | null = null;
  for (let i = 0; i < mark.length; i++) {
    if (token[i] === mark[i]) continue;
    if (pair !== null || !(CONFUSABLE_LETTERS.get(mark[i]) ?? '').includes(token[i])) return null;
    pair = `${token[i].toUpperCase()}/${mark[i].toUpperCase()}`;
  }
  return pair;
}

/** foreign word marks: four or more letters differing in one letter are similar */
export function judgeLatin(c: LatinCandidate, lex: Lexicon): Judgement {
  const markLabel = c.isGi ? '地理标志' : '注册商标';
  const n = c.mark.length;
  const hit = c.original;
  const mark = c.display;
  if (c.token === c.mark) {
    if (c.source === 'alias') return { similar: true, kind: 'alias', similarity: 0.95, reasons: [`'${hit}' 与${markLabel} '${c.entryName ?? mark}' 的别名 '${mark}' 相同`] };
    if (hit.toLowerCase() === mark.toLowerCase()) return { similar: true, kind: 'exact', similarity: 1, reasons: [`'${hit}' 与${markLabel} '${mark}' 相同`] };
    // the same letters once case, width, accents and separators are set aside; otherwise the
    // fold that made them equal replaced a letter by a digit or a letter of another script (S0NY,
    // Cyrillic і)
    const swaps = lookalikeSwaps(hit, mark);
    if (swaps.length === 0) return { similar: true, kind: 'normalised', similarity: 1, reasons: [`'${hit}' 与${markLabel} '${mark}' 经大小写、全半角、变音符号或分隔符归一后相同`] };
    return { similar: true, kind: 'homoglyph', similarity: 0.95, reasons: [`'${hit}' 以形近字符替换字母（${swaps.join('、')}）后与${markLabel} '${mark}' 相同`] };
  }
  if (c.looseToken === c.looseMark || looseKey(c.token, false) === looseKey(c.mark, false)) {
    return { similar: true, kind: 'homoglyph', similarity: 0.95, reasons: [`'${hit}' 以形近字母或数字替换（如 1/i、0/o、b/d、rn/m）后与${markLabel} '${mark}' 相同`] };
  }
  let dist = editDistance(c.looseToken, c.looseMark);
  if (dist > 0) dist = Math.min(dist, editDistance(c.token, c.mark, dist));
  if (dist > 1) dist = Math.min(dist, editDistance(looseKey(c.token, false), looseKey(c.mark, false), dist));
  const similarity = Math.max(0, Math.round((1 - dist / Math.max(n, c.token.length)) * 100) / 100);
  if (lex.commonEnglish.has(c.token)) {
    return { similar: false, kind: 'edit', similarity, reasons: [`'${hit}' 是常见英文单词，不视为对${markLabel} '${mark}' 的模仿`] };
  }
  // three letters: one letter drawn alike in capitals, as a two-character Han name needs a
  // close character (KFG for KFC; IBN for IBM); any other change is another abbreviation
  const swap = n === 3 ? confusablePair(c.token, c.mark) : null;
  if (swap) {
    return { similar: true, kind: 'homoglyph', similarity: 0.9, reasons: [`'${hit}' 与${markLabel} '${mark}' 三字母商标仅一个字母不同，且大写字形近似（${swap}）`] };
  }
  const allowed = n >= 8 ? 2 : n >= 4 ? 1 : 0;
  if (dist <= allowed) {
    const why = dist === 1 ? `外文商标 ${n} 个字母中仅一个字母不同` : `长外文商标仅 ${dist} 处字母差异`;
    return { similar: true, kind: 'edit', similarity, reasons: [`'${hit}' 与${markLabel} '${mark}' ${why}`] };
  }
  return { similar: false, kind: 'edit', similarity, reasons: [`'${hit}' 与${markLabel} '${mark}' 有 ${dist} 处字母差异，不近似`] };
}
