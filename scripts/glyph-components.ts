// How seeds/matching/glyph-components.tsv is made: pairs of common characters that share a large,
// distinctive drawn component (奥/粤 share 丿冂米 on top; 扬/场 share 昜 on the right), found by
// rendering each character and comparing the halves of the glyphs.
//
//   npx tsx scripts/gen-glyph-components.ts [OUT_FILE] [--explain 奥粤扬场]   (the CLI; this file is the method)
//
// Needs the system Chromium (/usr/bin/chromium) and Noto Sans CJK SC (Debian: apt-get install -y
// chromium fonts-noto-cjk; the font is under the SIL Open Font License 1.1). Only the relation
// between characters is written, no glyph data. The characters are those of
// seeds/matching/char-similarity.tsv (通用规范汉字表); run gen-char-similarity.ts after this one,
// since that table carries each character's partners as a column.
//
// Method. Each character is drawn at 128 px and its ink thresholded to a bitmap. Four regions
// are cut from it: the top, bottom, left and right 9/16 of the square. Two characters share a
// region when their inked pixels there coincide, allowing one pixel of shift (Dice ≥ MATCH; at
// this size unrelated halves score 0.5–0.7, 奥/粤's tops 0.82, 扬/场's right halves 0.99). A
// region is a *distinctive component* when it holds at least MIN_SHARE of the character's ink
// and at most MAX_SHARERS other characters share it: a radical such as 艹 or 氵 is shared by
// hundreds and says nothing, 奥's top by two. Each character's partners (the characters it shares
// a distinctive component with, both ways) are written; the matcher counts a partner as shape
// likeness (GLYPH_COMPONENT in src/matching/char-features.ts).
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../src/net/chromium.ts';

export const SIZE = 128;
export const CUT = (SIZE * 9) / 16;
export const MATCH = 0.8;
export const MIN_SHARE = 0.45;
export const COARSE_MAX = 12;
export const MAX_SHARERS = 3;
export const MIN_INK = (60 * SIZE * SIZE) / 4096;

/** each character's bitmap, SIZE × SIZE, 1 where inked, drawn in Noto Sans CJK SC by the system Chromium */
export async function renderGlyphs(list: string[], chromiumPath = '/usr/bin/chromium'): Promise<Uint8Array[]> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage();
    await page.setContent(`<canvas id="c" width="${SIZE}" height="${SIZE}"></canvas><span style="font-family:'Noto Sans CJK SC'">奥</span>`);
    await page.evaluate(() => document.fonts.ready);
    const bits: string[] = await page.evaluate(
      ({ list, size }) => {
        const ctx = (document.getElementById('c') as HTMLCanvasElement).getContext('2d', { willReadFrequently: true })!;
        ctx.font = `${size - 8}px "Noto Sans CJK SC"`;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        return list.map((ch) => {
          ctx.clearRect(0, 0, size, size);
          ctx.fillText(ch, size / 2, size / 2);
          const data = ctx.getImageData(0, 0, size, size).data;
          let s = '';
          for (let i = 3; i < data.length; i += 4) s += data[i]! >= 128 ? '1' : '0';
          return s;
        });
      },
      { list, size: SIZE },
    );
    return bits.map((s) => Uint8Array.from(s, (c) => (c === '1' ? 1 : 0)));
  } finally {
    await browser.close();
  }
}

type Region = { x0: number; y0: number; x1: number; y1: number };
const REGIONS: Record<string, Region> = {
  top: { x0: 0, y0: 0, x1: SIZE, y1: CUT },
  bottom: { x0: 0, y0: SIZE - CUT, x1: SIZE, y1: SIZE },
  left: { x0: 0, y0: 0, x1: CUT, y1: SIZE },
  right: { x0: SIZE - CUT, y0: 0, x1: SIZE, y1: SIZE },
};

/** a region as packed words, with its one-pixel dilation and its ink count */
interface Cut { bits: Uint32Array; dilated: Uint32Array; ink: number; coarse: Uint32Array }

function cut(bm: Uint8Array, r: Region): Cut {
  const w = r.x1 - r.x0;
  const h = r.y1 - r.y0;
  const n = w * h;
  const words = (n + 31) >>> 5;
  const bits = new Uint32Array(words);
  const dilated = new Uint32Array(words);
  let ink = 0;
  const at = (x: number, y: number) => bm[(r.y0 + y) * SIZE + r.x0 + x]!;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (at(x, y)) {
        bits[i >>> 5]! |= 1 << (i & 31);
        ink++;
      }
      let d = 0;
      for (let dy = -1; dy <= 1 && !d; dy++) for (let dx = -1; dx <= 1 && !d; dx++) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx >= 0 && yy >= 0 && xx < w && yy < h && at(xx, yy)) d = 1;
      }
      if (d) dilated[i >>> 5]! |= 1 << (i & 31);
    }
  }
  // blocks of 1/16 of the square with any ink: a cheap first test before the exact one
  const B = SIZE / 16;
  const cw = Math.ceil(w / B);
  const ch = Math.ceil(h / B);
  const coarse = new Uint32Array(((cw * ch + 31) >>> 5));
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    if (!at(x, y)) continue;
    const i = Math.floor(y / B) * cw + Math.floor(x / B);
    coarse[i >>> 5]! |= 1 << (i & 31);
  }
  return { bits, dilated, ink, coarse };
}

function popcount(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function andCount(a: Uint32Array, b: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) n += popcount(a[i]! & b[i]!);
  return n;
}

function xorCount(a: Uint32Array, b: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) n += popcount(a[i]! ^ b[i]!);
  return n;
}

/** Dice of two regions' ink, a pixel counting as matched when the other has ink within one pixel */
export function tolerantDice(a: Cut, b: Cut): number {
  if (!a.ink || !b.ink) return 0;
  return (andCount(a.bits, b.dilated) + andCount(b.bits, a.dilated)) / (a.ink + b.ink);
}

export interface GlyphPartners {
  /** per character (same order as given), the indexes of its partners */
  partners: Set<number>[];
  /** pairs found per region */
  byRegion: Record<string, number>;
}

/**
 * The partners of each character: the characters it shares a distinctive drawn component with.
 * `explain` characters get their per-region figures printed through `log`.
 */
export function glyphPartners(chars: string[], bitmaps: Uint8Array[], explain: string[] = [], log: (line: string) => void = () => {}): GlyphPartners {
  const totalInk = bitmaps.map((b) => b.reduce((s, v) => s + v, 0));

  // partners[i]: the characters sharing a distinctive component with character i
  const partners: Set<number>[] = chars.map(() => new Set());

  const byRegion: Record<string, number> = {};
  for (const [name, region] of Object.entries(REGIONS)) {
    const cuts = bitmaps.map((b) => cut(b, region));
    // candidates: similar ink in the region, then coarse blocks mostly alike, then the exact test
    const order = cuts.map((_, i) => i).sort((a, b) => cuts[a]!.ink - cuts[b]!.ink);
    const sharers: number[][] = chars.map(() => []);
    for (let p = 0; p < order.length; p++) {
      const i = order[p]!;
      const ci = cuts[i]!;
      if (ci.ink < MIN_INK) continue;
      for (let q = p + 1; q < order.length; q++) {
        const j = order[q]!;
        const cj = cuts[j]!;
        if (cj.ink > ci.ink * 1.35) break;
        if (xorCount(ci.coarse, cj.coarse) > COARSE_MAX) continue;
        if (tolerantDice(ci, cj) >= MATCH) {
          sharers[i]!.push(j);
          sharers[j]!.push(i);
        }
      }
    }
    for (const ch of explain) {
      const i = chars.indexOf(ch);
      if (i < 0) continue;
      const others = explain.map((o) => chars.indexOf(o)).filter((j) => j >= 0 && j !== i);
      log(`${name} ${ch} share ${(cuts[i]!.ink / totalInk[i]!).toFixed(2)} sharers ${sharers[i]!.map((j) => chars[j]).join('')} dice ${others.map((j) => `${chars[j]}:${tolerantDice(cuts[i]!, cuts[j]!).toFixed(2)}`).join(' ')}`);
    }
    let here = 0;
    for (let i = 0; i < chars.length; i++) {
      const s = sharers[i]!;
      if (s.length === 0 || s.length > MAX_SHARERS) continue;
      if (cuts[i]!.ink < MIN_SHARE * totalInk[i]!) continue;
      for (const j of s) {
        // distinctive for both: the other side must not be a component shared by many
        if (sharers[j]!.length > MAX_SHARERS || cuts[j]!.ink < MIN_SHARE * totalInk[j]!) continue;
        if (i < j && !partners[i]!.has(j)) {
          partners[i]!.add(j);
          partners[j]!.add(i);
          here++;
        }
      }
    }
    byRegion[name] = here;
  }
  return { partners, byRegion };
}

