// Context rules applied to a name hit before it counts: ordinary words that merely contain a
// mark (小米粥, 大白菜) and descriptive use ("case for Apple iPhone", 适用于华为).
import type { Lexicon } from './lexicon.ts';

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
        lex.niceKeywords.some((k) => k.compact === x) || (x.length >= 2 && lex.dictionary.has(x)));
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
