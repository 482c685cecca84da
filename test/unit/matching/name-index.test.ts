import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getLexicon } from '../../../src/matching/lexicon.ts';
import { NameIndex } from '../../../src/matching/name-index.ts';
import { normalise } from '../../../src/matching/normalise.ts';

const lex = getLexicon();
const indexOf = (marks: string[], dropOrdinaryVariants: boolean) => {
  const index = new NameIndex(lex, dropOrdinaryVariants);
  marks.forEach((m, i) => index.add(i, m, 'name', false));
  return index.freeze();
};
/** the similar hits of a scan, in a comparable form */
const similarHits = (index: NameIndex, text: string) =>
  index.scan(normalise(text), true).filter((h) => h.judgement.similar).map((h) => `${h.patternId}:${h.cStart}:${h.matchedText}:${h.judgement.kind}:${h.judgement.similarity}`).sort();

describe('NameIndex: two-character look-alikes that are dictionary words', () => {
  it('are left out of the matcher index (数据 is not looked up for the mark 数捏) but kept for explanations', () => {
    expect(indexOf(['数捏'], false).scan(normalise('数据'), true).map((h) => h.judgement.reasons[0])).toEqual([
      "'数据' 与注册商标 '数捏' 不近似：'数据' 是普通词语，含义不同",
    ]);
    expect(indexOf(['数捏'], true).scan(normalise('数据'), true)).toEqual([]);
    // a look-alike that is not a dictionary word is still indexed
    expect(similarHits(indexOf(['华为'], true), '华伟手机')).toHaveLength(1);
  });

  it('change no similar hit over the evaluation set and its two-character marks in ordinary text', () => {
    const rows = readFileSync(new URL('../../fixtures/similarity-eval.jsonl', import.meta.url), 'utf8')
      .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { mark: string; text: string });
    const marks = [...new Set(rows.map((r) => r.mark))];
    const full = indexOf(marks, false);
    const pruned = indexOf(marks, true);
    // the eval texts, and text made of dictionary words that share a character with a two-character mark
    const two = marks.filter((m) => /^[\u4e00-\u9fff]{2}$/.test(m));
    const words = [...lex.dictionary].filter((w) => w.length === 2 && two.some((m) => w.includes(m[0]) || w.includes(m[1]))).slice(0, 3000);
    const texts = [...rows.map((r) => r.text), ...Array.from({ length: 300 }, (_, i) => words.slice(i * 10, i * 10 + 10).join(''))];
    let dropped = 0;
    for (const text of texts) {
      expect(similarHits(pruned, text), text).toEqual(similarHits(full, text));
      dropped += full.scan(normalise(text), true).length - pruned.scan(normalise(text), true).length;
    }
    // the pruning did happen: some ordinary-word candidates are gone
    expect(dropped).toBeGreaterThan(0);
  });
});
