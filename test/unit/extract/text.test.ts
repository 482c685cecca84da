import { describe, expect, it } from 'vitest';
import { absoluteUrl, normaliseText } from '../../../crawlers/extract/text.ts';

describe('normaliseText', () => {
  // the tidy-text shortcut must agree with the full normalisation on every kind of whitespace
  const full = (v: string) => v.replace(/[\u200b\u200c\u200d\ufeff]/g, '').replace(/[\s\u00a0\u3000]+/g, ' ').trim();
  it('agrees with the full normalisation', () => {
    const parts = ['', 'a', '信阳', ' ', '  ', '\u00a0', '\u3000', '\t', '\n', '\u2003', '\u200b', '\ufeff', '\u200d'];
    for (const a of parts) for (const b of parts) for (const c of parts) {
      const v = `${a}${b}x${c}${a}`;
      expect(normaliseText(v), JSON.stringify(v)).toBe(full(v));
    }
    expect(normaliseText('信阳毛尖 2026新茶  特级\u3000明前')).toBe('信阳毛尖 2026新茶 特级 明前');
  });
});

describe('absoluteUrl', () => {
  // what absoluteUrl answered before its shortcuts: URL's resolution of the trimmed value
  const byUrl = (value: string, base: string | undefined) => {
    const v = value.trim();
    if (!v || /^(javascript|data|mailto|tel):/i.test(v)) return v;
    try {
      return new URL(v, base).href;
    } catch {
      return v;
    }
  };
  const bases = [
    'http://127.0.0.1:3000/demo/mall/list?page=5',
    'https://Shop.EXAMPLE.com:443/a/b/c.html#frag',
    'http://example.com',
    'http://example.com:80/dir/',
    'http://user:pw@example.com/a/b',
    'http://[::1]:8080/x/y?q=1',
    'http://xn--fiqs8s.cn/商品/列表',
    'file:///tmp/a/b.html',
    'about:blank',
    'not a url',
    undefined,
  ];

  it('agrees with URL on plain and tricky values against every kind of base', () => {
    const values = [
      'item/680000005923.html', 'img/p23.svg', '/demo/mall/item/1.html', '/', 'a', 'a//b', '.a', 'a.', '...', 'a/...',
      './a', '../a', 'a/./b', 'a/../b', 'a/.', 'a/..', '.', '..', '/..', '/./x', '//cdn.example.com/i.png', '///x',
      'x:y', 'http://other.example.com/p?q#f', 'HTTP://Other.Example.com/%7e', 'a b', 'a%20b', '%2e%2e/x', 'a?b', 'a#b',
      'a\\b', '\\\\host\\x', 'a\tb', ' item/1.html ', 'é', '商品/1.html', "it's(1)*+,;=@!$&~_-", 'javascript:void(0)',
      'mailto:x@y', 'data:,x', 'tel:110', 'c|/x', '', '  ',
    ];
    for (const base of bases) for (const v of values) expect(absoluteUrl(v, base), `${v} against ${base}`).toBe(byUrl(v, base));
  });

  it('agrees with URL on random values, and on its own answers resolved again', () => {
    const alphabet = ['a', 'Z', '0', '/', '.', '..', '-', '_', '~', ':', '@', '%', '%2e', '?', '#', '\\', ' ', "'", '!', 'é', '//', 'x.html'];
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 5000; i++) {
      const v = Array.from({ length: 1 + rnd(7) }, () => alphabet[rnd(alphabet.length)]).join('');
      const base = bases[rnd(bases.length)];
      const once = absoluteUrl(v, base);
      expect(once, `${v} against ${base}`).toBe(byUrl(v, base));
      expect(absoluteUrl(once, base), `${once} again, against ${base}`).toBe(byUrl(once, base));
      const other = bases[rnd(bases.length)];
      expect(absoluteUrl(once, other), `${once} again, against ${other}`).toBe(byUrl(once, other));
    }
  });
});
