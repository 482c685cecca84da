import { describe, expect, it } from 'vitest';
import { PairIndexBuilder } from '../../../src/matching/pair-index.ts';

describe('PairIndex', () => {
  // seconds below the filter's width get a bit each; wider ones share bits (the block search
  // must then tell them apart)
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
      if (!expected.has(`${f},${s}`)) expect(index.find(f, s)).toBe(-1);
    }
    expect(index.hasFirst(10_000)).toBe(false);
  });

  it('refuses keys and postings it cannot store', () => {
    const b = new PairIndexBuilder();
    expect(() => b.add(-1, 0, 0)).toThrow(RangeError);
    expect(() => b.add(0, 0, 2 ** 26)).toThrow(RangeError);
  });

  it('keeps seconds beyond two bytes', () => {
    const b = new PairIndexBuilder();
    b.add(1, 100_000, 5);
    b.add(1, 7, 6);
    const index = b.freeze();
    expect(index.get(1, 100_000)).toEqual([5]);
    expect(index.get(1, 7)).toEqual([6]);
    expect(index.find(1, 100_000 - 65_536)).toBe(-1);
  });

  it('an empty index finds nothing', () => {
    const index = new PairIndexBuilder().freeze();
    expect(index.find(0, 0)).toBe(-1);
    expect(index.size).toBe(0);
  });
});
