// The drawn-component method of scripts/glyph-components.ts on real glyphs: the system Chromium
// draws a handful of characters in Noto Sans CJK SC (npm run setup installs both).
import { describe, expect, it } from 'vitest';
import { SIZE, glyphPartners, renderGlyphs } from '../../../scripts/glyph-components.ts';
import { loadConfig } from '../../../src/config/config.ts';

const chars = [...'奥粤江河湖海洋波涛浪清扬场一'];
const partnersOf = (p: Set<number>[], ch: string) => [...p[chars.indexOf(ch)]!].map((i) => chars[i]).sort().join('');

describe('glyph components', () => {
  it('pairs characters sharing a large distinctive component, and not those sharing only a common radical', async () => {
    const bitmaps = await renderGlyphs(chars, loadConfig({}).CHROMIUM_PATH);
    expect(bitmaps).toHaveLength(chars.length);
    for (const b of bitmaps) expect(b.length).toBe(SIZE * SIZE);
    // every character has ink, and 一 far less than 奥
    const ink = bitmaps.map((b) => b.reduce((s, v) => s + v, 0));
    expect(Math.min(...ink)).toBeGreaterThan(0);
    expect(ink[chars.indexOf('一')]!).toBeLessThan(ink[chars.indexOf('奥')]! / 4);

    const lines: string[] = [];
    const { partners, byRegion } = glyphPartners(chars, bitmaps, ['奥', '粤'], (l) => lines.push(l));
    // 奥 and 粤 share 丿冂米 on top; 扬 and 场 share 昜 on the right
    expect(partnersOf(partners, '奥')).toBe('粤');
    expect(partnersOf(partners, '扬')).toBe('场');
    // nine characters with 氵 on the left: a radical shared by many is not distinctive
    for (const ch of '江河湖海洋波涛浪清') expect(partnersOf(partners, ch), ch).toBe('');
    expect(partnersOf(partners, '一')).toBe('');
    // the relation is symmetric, and the pairs are counted once
    partners.forEach((set, i) => set.forEach((j) => expect(partners[j]!.has(i)).toBe(true)));
    const pairs = partners.reduce((n, s) => n + s.size, 0) / 2;
    expect(Object.values(byRegion).reduce((a, b) => a + b, 0)).toBe(pairs);
    // --explain's figures name the region, the share of ink and the overlap
    expect(lines.find((l) => l.startsWith('top 奥'))).toMatch(/^top 奥 share 0\.\d\d sharers 粤 dice 粤:0\.\d\d$/);
  }, 60_000);
});
