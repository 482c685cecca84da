import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { charSimilarity, codeSimilarity, neighbours, tableSize } from '../../../src/matching/char-similarity.ts';
import { splitSyllable } from '../../../src/matching/char-features.ts';

describe('character similarity table', () => {
  it('covers the 8,105 characters of 通用规范汉字表', () => {
    expect(tableSize()).toBe(8105);
  });

  it('says where its data comes from and under which licence', () => {
    const head = readFileSync(new URL('../../../seeds/matching/char-similarity.tsv', import.meta.url), 'utf8').slice(0, 400);
    expect(head).toMatch(/Unihan/);
    expect(head).toMatch(/Modified data derived from the Unicode Data Files/);
    expect(head).toMatch(/Unicode License Agreement/);
    const provenance = readFileSync(new URL('../../../seeds/matching/PROVENANCE.md', import.meta.url), 'utf8');
    expect(provenance).toMatch(/gen-char-similarity/);
  });

  it('takes glyph-component partners from a generated table that names its font and licence, each pair listed both ways', () => {
    const text = readFileSync(new URL('../../../seeds/matching/glyph-components.tsv', import.meta.url), 'utf8');
    expect(text.slice(0, 300)).toMatch(/Noto Sans CJK SC \(SIL Open Font License 1\.1\)/);
    const partners = new Map<string, string[]>();
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const [ch, list] = line.split('\t');
      partners.set(ch!, [...list!]);
    }
    expect(partners.get('奥')).toContain('粤');
    let pairs = 0;
    for (const [ch, list] of partners) {
      for (const p of list) {
        expect(partners.get(p), `${p} lists ${ch}`).toContain(ch);
        pairs++;
      }
    }
    // a few thousand pairs over 8,105 characters: distinctive components, not shared radicals
    expect(pairs / 2).toBeGreaterThan(1000);
    expect(pairs / 2).toBeLessThan(20000);
    // the character table carries the same partners as its last column, row by row
    const rows = readFileSync(new URL('../../../seeds/matching/char-similarity.tsv', import.meta.url), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    for (const row of rows) {
      const cols = row.split('\t');
      expect(cols[9] ?? '', cols[0]).toBe((partners.get(cols[0]!) ?? []).join(''));
    }
  });

  it.each([
    ['师', '帅'], ['雪', '雷'], ['哈', '恰'], ['洽', '治'], ['兔', '免'], ['酒', '洒'], ['思', '恩'],
    // partners in glyph-components.tsv: Unihan's codes alone do not make these close
    ['奥', '粤'], ['牛', '午'], ['岛', '鸟'],
  ])('finds %s and %s visually close', (a, b) => {
    expect(charSimilarity(a, b).visual).toBeGreaterThanOrEqual(0.5);
  });

  it.each([
    ['师', '吉'], ['兔', '菜'], ['米', '来'], ['牛', '吉'], ['奥', '臭'],
  ])('does not find %s and %s visually close', (a, b) => {
    expect(charSimilarity(a, b).visual).toBeLessThan(0.5);
  });

  it.each([
    ['傅', '父', 1], ['碧', '壁', 1], ['仔', '仔', 1],
  ])('scores %s and %s as the same sound', (a, b, s) => {
    expect(charSimilarity(a, b).sound).toBe(s);
  });

  it('scores a tone difference below an exact homophone and above unrelated sounds', () => {
    const tone = charSimilarity('达', '大').sound; // da2 / da4
    expect(tone).toBeLessThan(1);
    expect(tone).toBeGreaterThanOrEqual(0.85);
    expect(charSimilarity('师', '吉').sound).toBeLessThan(0.5);
  });

  it('counts the confusable initials and finals both ways as near-homophones (n/l, r/l, y/w/h and none, ün/un, üe/ue, z/zh …)', () => {
    // each pair in either order; a sorted-key lookup once missed the pairs written "backwards"
    const pairs: [string, string][] = [['恋', '念'], ['念', '恋'], ['牛', '刘'], ['岩', '岸'], ['岸', '岩'], ['然', '兰'], ['张', '赞'], ['赞', '张'], ['省', '森']];
    for (const [a, b] of pairs) expect(charSimilarity(a, b).sound, `${a}/${b}`).toBe(0.7);
    expect(charSimilarity('恋', '变').sound).toBeLessThan(0.7);
  });

  it('scores a pair the same given as strings or as code points', () => {
    for (const [a, b] of [['帅', '师'], ['恋', '念'], ['达', '大'], ['雪', '雷'], ['a', '雷'], ['𠀀', '雷']]) {
      expect(codeSimilarity(a.codePointAt(0)!, b.codePointAt(0)!)).toEqual(charSimilarity(a, b));
    }
  });

  it('lists look-alike and sound-alike neighbours of a character', () => {
    expect(neighbours('帅').visual).toContain('师');
    expect(neighbours('师').sound.length).toBeGreaterThan(0);
    expect(neighbours('😀')).toEqual({ visual: [], sound: [] });
  });

  it.each([
    ['zhuang1', { initial: 'zh', final: 'uang', tone: 1 }],
    ['an4', { initial: '', final: 'an', tone: 4 }],
    ['lü3', { initial: 'l', final: 'ü', tone: 3 }],
  ])('splits the syllable %s', (s, expected) => {
    expect(splitSyllable(s)).toEqual(expected);
  });
});
