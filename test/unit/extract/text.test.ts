import { describe, expect, it } from 'vitest';
import { normaliseText } from '../../../crawlers/extract/text.ts';

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
