// Runtime view of seeds/matching/char-similarity.tsv: how alike two characters look and sound.
import { readFileSync } from 'node:fs';
import { parseFeatureLine, soundScore, visualScore, type CharFeatures } from './char-features.ts';

interface CharRow { features: CharFeatures; visualNeighbours: string; soundNeighbours: string }

let table: Map<string, CharRow> | undefined;

function load(): Map<string, CharRow> {
  if (table) return table;
  const text = readFileSync(new URL('../../seeds/matching/char-similarity.tsv', import.meta.url), 'utf8');
  const map = new Map<string, CharRow>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const row = parseFeatureLine(line);
    map.set(row.features.char, row);
  }
  table = map;
  return map;
}

export interface CharSimilarity {
  visual: number;
  sound: number;
}

const pairCache = new Map<number, CharSimilarity>();
const SAME: CharSimilarity = Object.freeze({ visual: 1, sound: 1 });

export function charSimilarity(a: string, b: string): CharSimilarity {
  if (a === b) return SAME;
  const ca = a.codePointAt(0)!;
  const cb = b.codePointAt(0)!;
  const key = ca < cb ? ca * 0x110000 + cb : cb * 0x110000 + ca;
  const hit = pairCache.get(key);
  if (hit) return hit;
  const t = load();
  const ra = t.get(a);
  const rb = t.get(b);
  const result = ra && rb ? { visual: visualScore(ra.features, rb.features), sound: soundScore(ra.features, rb.features) } : { visual: 0, sound: 0 };
  if (pairCache.size > 200_000) pairCache.clear();
  pairCache.set(key, result);
  return result;
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

export function tableSize(): number {
  return load().size;
}
