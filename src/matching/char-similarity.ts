// Runtime view of seeds/matching/char-similarity.tsv: how alike two characters look and sound.
import { readFileSync } from 'node:fs';
import { parseFeatureLine, soundScore, visualScore, type CharFeatures } from './char-features.ts';

interface CharRow { features: CharFeatures; visualNeighbours: string; soundNeighbours: string }

let table: Map<string, CharRow> | undefined;
/** the rows by dense id (index 0 unused) */
const rowsById: CharRow[] = [];
/** dense ids of the table's characters (1-based; 0 = not in the table), so a pair of them makes a
 *  small-integer cache key (V8 hashes those fast; code-point pairs would not fit in 31 bits) */
const idByCode = new Int16Array(0x30000);

function load(): Map<string, CharRow> {
  if (table) return table;
  const text = readFileSync(new URL('../../seeds/matching/char-similarity.tsv', import.meta.url), 'utf8');
  const map = new Map<string, CharRow>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const row = parseFeatureLine(line);
    map.set(row.features.char, row);
    rowsById[map.size] = row;
    const cp = row.features.char.codePointAt(0)!;
    if (cp < idByCode.length) idByCode[cp] = map.size;
  }
  table = map;
  return map;
}

export interface CharSimilarity {
  visual: number;
  sound: number;
}

const SAME: CharSimilarity = Object.freeze({ visual: 1, sound: 1 });
const UNRELATED: CharSimilarity = Object.freeze({ visual: 0, sound: 0 });

// a direct-mapped cache of scored pairs: a slot holds the last pair that hashed to it, so the
// cache never grows and a lookup is two array reads
const CACHE_BITS = 16;
const cacheKeys = new Int32Array(1 << CACHE_BITS).fill(-1);
const cacheValues: CharSimilarity[] = new Array(1 << CACHE_BITS).fill(UNRELATED);

export function charSimilarity(a: string, b: string): CharSimilarity {
  return a === b ? SAME : codeSimilarity(a.codePointAt(0)!, b.codePointAt(0)!);
}

/** charSimilarity of two characters given as code points (a scan reads codes, and a one-character
 *  string of a CJK character is a fresh allocation each time) */
export function codeSimilarity(a: number, b: number): CharSimilarity {
  if (a === b) return SAME;
  if (!table) load();
  const ia = idByCode[a] ?? 0;
  const ib = idByCode[b] ?? 0;
  if (!ia || !ib) return UNRELATED;
  const key = ia < ib ? ia * 0x4000 + ib : ib * 0x4000 + ia;
  const slot = Math.imul(key, 0x9e3779b1) >>> (32 - CACHE_BITS);
  if (cacheKeys[slot] === key) return cacheValues[slot];
  const ra = rowsById[ia];
  const rb = rowsById[ib];
  const result = { visual: visualScore(ra.features, rb.features), sound: soundScore(ra.features, rb.features) };
  cacheKeys[slot] = key;
  cacheValues[slot] = result;
  return result;
}

/** close in shape or sound by the given thresholds, without the pair cache (for one-off sweeps
 *  such as building the name index, which would only evict the pairs listings keep asking for) */
export function isCloseChar(a: string, b: string, visualMin: number, soundMin: number): boolean {
  if (a === b) return true;
  const t = load();
  const ra = t.get(a);
  const rb = t.get(b);
  if (!ra || !rb) return false;
  return soundScore(ra.features, rb.features) >= soundMin || visualScore(ra.features, rb.features) >= visualMin;
}

/** the closest-looking and the same-sounding common characters, most common first */
export function neighbours(ch: string): { visual: string[]; sound: string[] } {
  const row = load().get(ch);
  if (!row) return { visual: [], sound: [] };
  return { visual: [...row.visualNeighbours], sound: [...row.soundNeighbours] };
}

export function charFeatures(ch: string): CharFeatures | undefined {
  return load().get(ch)?.features;
}

/** every character of the table, most common first */
export function tableChars(): string[] {
  return [...load().keys()];
}

export function tableSize(): number {
  return load().size;
}
