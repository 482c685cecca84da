import { describe, expect, it } from 'vitest';
import { ABSENT, PairIndexBuilder } from '../../../src/matching/pair-index.ts';

describe('PairIndex', () => {
  // seconds below the filter's width get a bit each; wider ones share bits (the hash table must
  // then tell them apart)
  for (const [mode, seconds] of [['a bit per second', 500], ['shared filter bits', 20_000]] as const) it(`returns every posting of a (first, second) pair, once, and nothing for absent pairs (${mode})`, () => {
    const b = new PairIndexBuilder();
    const expected = new Map<string, Set<number>>();
    let seed = 3;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
    // more entries than one storage chunk, duplicates included
    for (let i = 0; i < 200_000; i++) {
      const [f, s, p] = [rand(300), rand(seconds), rand(1_000_000)];
      b.add(f, s, p);
      if (i % 7 === 0) b.add(f, s, p);
      const k = `${f},${s}`;
      if (!expected.has(k)) expected.set(k, new Set());
      expected.get(k)!.add(p);
    }
    const index = b.freeze();
    expect(index.size).toBe(expected.size);
    for (const [k, ps] of expected) {
      const [f, s] = k.split(',').map(Number);
      expect(index.get(f, s)).toEqual([...ps].sort((x, y) => x - y));
    }
    for (let i = 0; i < 2000; i++) {
      const [f, s] = [rand(400), rand(seconds + 100)];
      if (!expected.has(`${f},${s}`)) expect(index.lookup(f, s)).toBe(ABSENT);
    }
    // a key with one posting answers it directly, one with several a list of them
    for (const [k, ps] of expected) {
      const [f, s] = k.split(',').map(Number);
      const v = index.lookup(f, s);
      if (ps.size === 1) expect(v).toBe([...ps][0]);
      else expect(v).toBeLessThanOrEqual(-2);
    }
    expect(index.lookup(10_000, 1)).toBe(ABSENT);
  });

  it('refuses keys and postings it cannot store', () => {
    const b = new PairIndexBuilder();
    expect(() => b.add(-1, 0, 0)).toThrow(RangeError);
    expect(() => b.add(0, 0, 2 ** 26)).toThrow(RangeError);
    // keys are character ids: one per UTF-16 code at most, packed two to a 32-bit word
    expect(() => b.add(0, 0xffff, 0)).toThrow(RangeError);
    expect(() => b.add(0xffff, 0, 0)).toThrow(RangeError);
  });

  it('tells apart keys that differ in the first or the second id only', () => {
    const b = new PairIndexBuilder();
    b.add(1, 0xfffe, 5);
    b.add(0xfffe, 1, 6);
    b.add(0, 0, 7);
    const index = b.freeze();
    expect(index.get(1, 0xfffe)).toEqual([5]);
    expect(index.get(0xfffe, 1)).toEqual([6]);
    expect(index.get(0, 0)).toEqual([7]);
    expect(index.lookup(1, 0xfffe - 256)).toBe(ABSENT);
    expect(index.size).toBe(3);
  });

  it('an empty index finds nothing', () => {
    const index = new PairIndexBuilder().freeze();
    expect(index.lookup(0, 0)).toBe(ABSENT);
    expect(index.size).toBe(0);
  });
});
