import { describe, expect, it } from 'vitest';
import { looseKey, normalise, normaliseName, originalSpan } from '../../../src/matching/normalise.ts';

describe('normalise', () => {
  it.each([
    ['康師傅', '康师傅'],
    ['營養快線', '营养快线'],
    ['康 师 傅', '康师傅'],
    ['康·师·傅', '康师傅'],
    ['🔥康❤师傅🔥', '康师傅'],
    ['ＮＩＫＥ', 'nike'],
    ['N·I·K·E', 'nike'],
    ['N I K E', 'nike'],
    ['аdidas', 'adidas'], // Cyrillic а
    ['S0NY', 'sony'],
  ])('normalises the name %s to %s', (input, expected) => {
    expect(normaliseName(input)).toBe(expected);
  });

  it.each([
    ['Hermès', 'hermes'],
    ['Lancôme', 'lancome'],
    ['Moët & Chandon', 'moetchandon'],
    ['Nestlé', 'nestle'],
    ['Häagen-Dazs', 'haagendazs'],
    ['Straße', 'strasse'],
    ['Nike\u0301', 'nike'], // a combining accent after the word's last letter
  ])('drops accents from %s without breaking the word (%s)', (input, expected) => {
    expect(normaliseName(input)).toBe(expected);
  });

  it('keeps an accented word one token whose span is the seller’s spelling, accent included', () => {
    const n = normalise('Hermès 铂金包 Nestlé');
    expect(n.tokens.map((t) => [t.text, n.original.slice(t.start, t.end)])).toEqual([['hermes', 'Hermès'], ['nestle', 'Nestlé']]);
    expect(n.compact).toBe('hermes铂金包nestle');
    expect(originalSpan(n, n.compact.indexOf('nestle'), n.compact.length)).toBe('Nestlé');
  });

  it('keeps latin words apart as tokens while dropping separators from the compact form', () => {
    const n = normalise('case for Apple iPhone');
    expect(n.tokens.map((t) => t.text)).toEqual(['case', 'for', 'apple', 'iphone']);
    expect(n.compact).toBe('caseforappleiphone');
  });

  it('does not fold digits in a number-only token such as 1:1', () => {
    const n = normalise('1:1 复刻');
    expect(n.tokens.map((t) => t.text)).toEqual(['1', '1']);
  });

  it('maps every compact character back to the seller’s own spelling', () => {
    const n = normalise('正品 康 師 傅 面');
    const start = n.compact.indexOf('康师傅');
    expect(originalSpan(n, start, start + 3)).toBe('康 師 傅');
  });

  it.each([
    ['abibas', 'adidas'],
    ['rnike', 'mike'],
    ['vvolf', 'wolf'],
    ['clior', 'dior'],
    ['n1ke', 'nike'],
  ])('gives %s and %s the same loose key', (a, b) => {
    expect(looseKey(a)).toBe(looseKey(b));
  });

  it('gives different loose keys to different words', () => {
    expect(looseKey('nike')).not.toBe(looseKey('puma'));
  });
});
