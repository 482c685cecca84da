// Text normalisation shared by watchlist compilation and listing scanning. Every normalised
// character keeps the index of the original character it came from, so a hit can be reported
// with the seller's own spelling (matchedText).
import { Converter } from 'opencc-js/t2cn';
import unhomoglyph from 'unhomoglyph';

const t2s = Converter({ from: 'hk', to: 'cn' });
const t2sCache = new Map<string, string>();
const glyphCache = new Map<string, string>();

const HAN = /\p{Script=Han}/u;

export function isHan(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  // fast path for the CJK Unified Ideographs block, then the full property test
  if (c >= 0x4e00 && c <= 0x9fff) return true;
  if (c < 0x2e80) return false;
  return HAN.test(ch);
}

// code point → simplified character, for the main CJK block (the hot path)
const t2sBlock: (string | undefined)[] = new Array(0xa000 - 0x4e00);

function toSimplified(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c >= 0x4e00 && c < 0xa000 && ch.length === 1) {
    let s = t2sBlock[c - 0x4e00];
    if (s === undefined) t2sBlock[c - 0x4e00] = s = toSimplifiedSlow(ch);
    return s;
  }
  return toSimplifiedSlow(ch);
}

function toSimplifiedSlow(ch: string): string {
  const hit = t2sCache.get(ch);
  if (hit !== undefined) return hit;
  const converted = t2s(ch);
  const s = [...converted].length === 1 ? converted : ch;
  t2sCache.set(ch, s);
  return s;
}

const MARKS = /\p{M}/gu;

/**
 * A character outside ASCII and the main CJK block, folded: accents dropped (é → e, ô → o, as
 * listings write Hermès, Nestlé and Lancôme without them), ß → ss, then look-alikes of other
 * scripts to Latin (Cyrillic а → a) and lower case. Marks left alone are dropped too: a
 * combining accent or a variation selector does not break a word.
 */
function foldGlyph(ch: string): string {
  let s = glyphCache.get(ch);
  if (s === undefined) {
    const bare = ch.normalize('NFKD').replace(MARKS, '');
    if (bare === 'ß' || bare === 'ẞ') s = 'ss';
    // unhomoglyph would fold ASCII letters too (m → rn): what is ASCII once bare stays as it is
    else if (/^[\x20-\x7e]*$/.test(bare)) s = bare.toLowerCase();
    else s = unhomoglyph(bare).toLowerCase().replace(MARKS, '');
    glyphCache.set(ch, s);
  }
  return s;
}

export interface Normalised {
  /** Han characters and folded latin letters/digits, separators, symbols and emoji removed */
  compact: string;
  /** original string index of each compact character */
  pos: number[];
  /** latin/digit words in reading order (spaced-out single letters merged: N·I·K·E → nike) */
  tokens: Token[];
  original: string;
}

export interface Token {
  text: string;
  /** loose key: b/d/p/q, rn/m, vv/w, cl/d, l/i/1 folded */
  loose: string;
  start: number;
  /** exclusive end in the original string */
  end: number;
  /** index of the token's first character in compact */
  compactStart: number;
}

const DIGIT_FOLD: Record<string, string> = { '0': 'o', '1': 'l', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b' };

/** Latin look-alike key used for the 'homoglyph' match kind. */
export function looseKey(word: string, foldCl = true): string {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    const next = word[i + 1];
    if (c === 'r' && next === 'n') { out += 'm'; i++; continue; }
    if (c === 'v' && next === 'v') { out += 'w'; i++; continue; }
    if (foldCl && c === 'c' && next === 'l') { out += 'b'; i++; continue; }
    switch (c) {
      case 'b': case 'd': case 'p': case 'q': out += 'b'; break;
      case 'l': case '1': case '|': case '!': case 'j': out += 'i'; break;
      case '0': out += 'o'; break;
      default: out += c;
    }
  }
  return out;
}

/** a normalise() call's state between characters: the current run of latin letters/digits */
interface RunState {
  compact: string[];
  tokens: Token[];
  run: string;
  runStart: number;
  runEnd: number;
  runCompact: number;
  /** index in `tokens` of the last single-letter token and whether only separators followed it */
  lastSingle: number;
}

function flush(st: RunState, brokenByHan: boolean): void {
  if (st.run) {
    const run = st.run;
    const tokens = st.tokens;
    const hasLetter = /[a-z]/.test(run);
    const t = hasLetter ? run.replace(/[0-9]/g, (d) => DIGIT_FOLD[d] ?? d) : run;
    const prev = st.lastSingle >= 0 ? tokens[st.lastSingle] : undefined;
    if (prev && st.lastSingle === tokens.length - 1 && t.length === 1 && /^[a-z]+$/.test(prev.text) && hasLetter) {
      // N·I·K·E or N I K E: letters spaced out to dodge keyword filters
      prev.text += t;
      prev.loose = looseKey(prev.text);
      prev.end = st.runEnd;
    } else {
      tokens.push({ text: t, loose: looseKey(t), start: st.runStart, end: st.runEnd, compactStart: st.runCompact });
      st.lastSingle = t.length === 1 && hasLetter ? tokens.length - 1 : -1;
    }
    if (t.length > 1) st.lastSingle = -1;
    st.run = '';
  }
  if (brokenByHan) st.lastSingle = -1;
}

export function normalise(text: string): Normalised {
  const pos: number[] = [];
  const st: RunState = { compact: [], tokens: [], run: '', runStart: -1, runEnd: -1, runCompact: -1, lastSingle: -1 };
  const compact = st.compact;

  let i = 0;
  for (const rawCh of text) {
    const idx = i;
    i += rawCh.length;
    const c0 = rawCh.charCodeAt(0);
    // ASCII and the main CJK block are already NFKC; skip the call for them
    const nf = c0 < 0x80 || (c0 >= 0x4e00 && c0 <= 0x9fff) ? rawCh : rawCh.normalize('NFKC');
    for (const ch0 of nf) {
      if (isHan(ch0)) {
        flush(st, true);
        compact.push(toSimplified(ch0));
        pos.push(idx);
        continue;
      }
      const code = ch0.charCodeAt(0);
      let folded: string;
      if (code < 0x80) folded = code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : ch0;
      else folded = foldGlyph(ch0);
      for (const ch of folded) {
        const c = ch.charCodeAt(0);
        if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
          if (!st.run) {
            st.runStart = idx;
            st.runCompact = compact.length;
          }
          st.run += ch;
          st.runEnd = i;
          compact.push(ch);
          pos.push(idx);
        } else {
          flush(st, false);
        }
      }
    }
  }
  flush(st, false);
  // digits inside letter tokens were folded in tokens; mirror that in compact for CJK+latin names
  return { compact: compact.join(''), pos, tokens: st.tokens, original: text };
}

/** Normalised form of a watchlist name: simplified, folded, separators dropped. */
export function normaliseName(name: string): string {
  const n = normalise(name);
  if (/\p{Script=Han}/u.test(n.compact)) return n.compact;
  return n.tokens.map((t) => t.text).join('');
}

/** The original text behind compact[start, end). */
// sellers' names and categories repeat across a source's listings: normalise each once
// (bounded, cleared when full)
const repeated = new Map<string, Normalised>();

/** normalise() for short texts that repeat from listing to listing (seller names, categories) */
export function normaliseRepeated(text: string): Normalised {
  let n = repeated.get(text);
  if (n === undefined) {
    if (repeated.size >= 10_000) repeated.clear();
    repeated.set(text, (n = normalise(text)));
  }
  return n;
}

/** the seller's text has something between compact characters k - 1 and k that normalising
 *  dropped (a space, a symbol, punctuation): they were written apart */
export function writtenApart(n: Normalised, k: number): boolean {
  if (k <= 0 || k >= n.pos.length) return false;
  const prev = n.pos[k - 1];
  return n.pos[k] > prev + (n.original.codePointAt(prev)! > 0xffff ? 2 : 1);
}

export function originalSpan(n: Normalised, start: number, end: number): string {
  if (start >= end) return '';
  const from = n.pos[start];
  const lastPos = n.pos[end - 1];
  const to = lastPos + (n.original.codePointAt(lastPos)! > 0xffff ? 2 : 1);
  return n.original.slice(from, to);
}
