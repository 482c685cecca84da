// Context rules applied to a name hit before it counts: ordinary words that merely contain a
// mark (小米粥, 大白菜) and descriptive use ("case for Apple iPhone", 适用于华为).
import type { Lexicon } from './lexicon.ts';
import type { Normalised } from './normalise.ts';

/**
 * A dictionary word longer than the hit that contains it wins over the mark (小米粥 is
 * porridge, not 小米) unless what it adds is a generic, place or product word (小米手机).
 */
export function ordinaryWordAround(t: string, s: number, e: number, lex: Lexicon, productWords: readonly string[]): string | null {
  for (let a = Math.max(0, s - 3); a <= s; a++) {
    for (let b = e; b <= Math.min(t.length, e + 3); b++) {
      if (a === s && b === e) continue;
      if (b - a > 6) continue;
      const w = t.slice(a, b);
      if (!lex.dictionary.has(w)) continue;
      const added = [t.slice(a, s), t.slice(e, b)].filter(Boolean);
      // the mark joined to a word of its own (格力空调, 小米手机) is still the mark; a single
      // character that turns it into something else (小米粥) is not
      const harmless = added.every((x) => lex.insertWords.has(x) || lex.giAffixes.has(x) || productWords.includes(x) ||
        lex.niceKeywordSet.has(x) || (x.length >= 2 && lex.dictionary.has(x)));
      if (!harmless) return w;
    }
  }
  return null;
}

/**
 * A two-character hit split by word boundaries is not the mark: in 完美的 the 美 belongs to
 * 完美, so 美的 is not there. Longer names rarely straddle words by accident.
 */
export function straddlesWords(t: string, s: number, e: number, lex: Lexicon): string | null {
  if (e - s !== 2) return null;
  for (let a = Math.max(0, s - 3); a < s; a++) {
    const w = t.slice(a, s + 1);
    if (w.length >= 2 && lex.dictionary.has(w)) return w;
  }
  for (let b = e + 1; b <= Math.min(t.length, e + 3); b++) {
    const w = t.slice(e - 1, b);
    if (w.length >= 2 && lex.dictionary.has(w)) return w;
  }
  return null;
}

/** 'for' / 适用于 before the hit, or 专用 / 适用 after it */
export function descriptiveCue(t: string, s: number, e: number, lex: Lexicon): string | null {
  const before = t.slice(Math.max(0, s - 20), s);
  for (const cue of lex.compatBefore) if (before.endsWith(cue)) return cue;
  const after = t.slice(e, e + 6);
  for (const cue of lex.compatAfter) if (after.startsWith(cue)) return cue;
  return null;
}

/** finds the watched name written exactly at a compact position (NameIndex.exactNameAt) */
export interface NameFinder {
  exactNameAt(n: Normalised, at: number): { ids: number[]; end: number } | null;
}

/** words joining the names of a list of compatible products: "for Nike, Adidas and Puma" */
const CONNECTORS = ['and', 'or', '和', '与', '及', '或'];
const isLatin = (s: string) => s.charCodeAt(0) < 0x80;

/** a Latin word of the text spans exactly compact[start, end) (a cue is not part of a longer word) */
function wholeWords(n: Normalised, start: number, end: number): boolean {
  let starts = false;
  for (const tok of n.tokens) {
    if (tok.compactStart === start) starts = true;
    if (starts && tok.compactStart + tok.text.length === end) return true;
    if (tok.compactStart >= end) break;
  }
  return false;
}

/** the length of a connector starting (forward) or ending (backward) at pos, or 0 */
function connectorAt(n: Normalised, pos: number, forward: boolean): number {
  for (const c of CONNECTORS) {
    const start = forward ? pos : pos - c.length;
    if (start < 0 || !n.compact.startsWith(c, start)) continue;
    if (!isLatin(c) || wholeWords(n, start, start + c.length)) return c.length;
  }
  return 0;
}

/**
 * The patterns the text names as what its goods fit: right after a compatibility cue (适用于,
 * for, compatible with…) or right before one (专用), with the names chained to them by nothing or
 * a connector ("for PS5 DualSense", "for Nike, Adidas and Puma", "华为小米专用"). Maps each
 * pattern id to its cue. Reads the text and the whole index only, so the answer is the same
 * whichever candidates a scan kept.
 */
export function describedNames(n: Normalised, index: NameFinder, lex: Lexicon): Map<number, string> {
  const t = n.compact;
  const out = new Map<number, string>();
  const mark = (ids: number[], cue: string) => {
    for (const id of ids) if (!out.has(id)) out.set(id, cue);
  };
  for (const cue of lex.compatBefore) {
    for (let at = t.indexOf(cue); at >= 0; at = t.indexOf(cue, at + 1)) {
      if (isLatin(cue) && !wholeWords(n, at, at + cue.length)) continue;
      let pos = at + cue.length;
      for (let step = 0; step < 8; step++) {
        let r = index.exactNameAt(n, pos);
        if (!r && step > 0) {
          const c = connectorAt(n, pos, true);
          if (c) r = index.exactNameAt(n, pos + c);
        }
        if (!r) break;
        mark(r.ids, cue);
        pos = r.end;
      }
    }
  }
  let names: { start: number; ids: number[]; end: number }[] | null = null;
  for (const cue of lex.compatAfter) {
    for (let at = t.indexOf(cue); at >= 0; at = t.indexOf(cue, at + 1)) {
      if (isLatin(cue) && !wholeWords(n, at, at + cue.length)) continue;
      // names ending at a position: found by listing the text's names once
      if (!names) {
        names = [];
        for (let p = 0; p < t.length; p++) {
          const r = index.exactNameAt(n, p);
          if (r) names.push({ start: p, ...r });
        }
      }
      let pos = at;
      for (let step = 0; step < 8; step++) {
        let r = names.find((x) => x.end === pos);
        if (!r && step > 0) {
          const c = connectorAt(n, pos, false);
          if (c) r = names.find((x) => x.end === pos - c);
        }
        if (!r) break;
        mark(r.ids, cue);
        pos = r.start;
      }
    }
  }
  return out;
}
