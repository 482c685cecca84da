// Free-text seller locations ("河南 信阳", "广东省深圳市宝安区", "江苏苏州", "Shenzhen, China")
// to the most specific division they name.
//
// The text is scanned left to right against a character trie of every division's full name and
// short forms (greedy longest match, no overlaps); each match is a token carrying all divisions
// written that way. Each candidate division scores one point per *other* token that names one
// of its ancestors. The winner has the highest score, then the highest level (so a bare "朝阳"
// is 朝阳市, not one of the 朝阳区/朝阳县, and "吉林" is the province); when several divisions
// still tie, the answer is their deepest common ancestor, or null when they share none (a bare
// "鼓楼区" or "通州" names no one place).
import { createRequire } from 'node:module';
import { manualAliases, regionTable, shortForms, type RegionLevel, type RegionNode } from './data.ts';

export interface ResolvedRegion {
  code: string;
  name: string;
  level: RegionLevel;
}

interface TrieNode {
  next: Map<number, TrieNode>;
  cands?: number[];
}

interface Index {
  nodes: RegionNode[];
  trie: TrieNode;
}

let index: Index | undefined;
let pinyinIndex: Map<string, number[]> | undefined;

const CACHE_MAX = 50_000;
const cache = new Map<string, ResolvedRegion | null>();

function addCandidate(list: number[] | undefined, i: number): number[] {
  if (!list) return [i];
  if (!list.includes(i)) list.push(i);
  return list;
}

function buildIndex(): Index {
  const t = regionTable();
  const trie: TrieNode = { next: new Map() };
  const insert = (word: string, i: number) => {
    let n = trie;
    for (let k = 0; k < word.length; k++) {
      const ch = word.charCodeAt(k);
      let nx = n.next.get(ch);
      if (!nx) {
        nx = { next: new Map() };
        n.next.set(ch, nx);
      }
      n = nx;
    }
    n.cands = addCandidate(n.cands, i);
  };
  t.nodes.forEach((node, i) => {
    if (node.region.superseded) return;
    insert(node.region.name, i);
    if (!node.zone) for (const s of shortForms(node.region.name, node.depth)) insert(s, i);
  });
  for (const [alias, code] of manualAliases()) {
    const i = t.byCode.get(code);
    if (i !== undefined) insert(alias, i);
  }
  return { nodes: t.nodes, trie };
}

function getIndex(): Index {
  if (!index) index = buildIndex();
  return index;
}

const CJK = /[\u3400-\u9fff]/;

function scanChinese(text: string, trie: TrieNode): number[][] {
  const tokens: number[][] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let node: TrieNode | undefined = trie;
    let bestEnd = -1;
    let best: number[] | undefined;
    for (let k = i; k < n; k++) {
      node = node.next.get(text.charCodeAt(k));
      if (!node) break;
      if (node.cands) {
        bestEnd = k + 1;
        best = node.cands;
      }
    }
    if (best) {
      tokens.push(best);
      i = bestEnd;
    } else i++;
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// pinyin (provinces and prefectures only: county names in pinyin collide too often)

const PINYIN_EXTRA: ReadonlyArray<[string, string]> = [
  ['shaanxi', '610000'],
  ['innermongolia', '150000'],
  ['tibet', '540000'],
  ['hongkong', '810000'],
  ['macau', '820000'],
  ['macao', '820000'],
  ['peking', '110000'],
  ['canton', '440100'],
  ['harbin', '230100'],
  ['hohhot', '150100'],
  ['urumqi', '650100'],
  ['lhasa', '540100'],
  ['kashgar', '653100'],
  ['taipei', '710000'],
];

function buildPinyinIndex(): Map<string, number[]> {
  const t = regionTable();
  const require = createRequire(import.meta.url);
  const { pinyin } = require('pinyin-pro') as typeof import('pinyin-pro');
  const map = new Map<string, number[]>();
  const put = (key: string, i: number) => {
    if (key.length < 4) return;
    map.set(key, addCandidate(map.get(key), i));
  };
  t.nodes.forEach((node, i) => {
    if (node.depth === 2 || node.zone) return;
    for (const s of shortForms(node.region.name, node.depth)) {
      const py = (pinyin(s, { toneType: 'none', type: 'array' }) as string[]).join('').toLowerCase().replace(/[^a-z]/g, '');
      // 陕西 is written Shaanxi; leave "shanxi" to 山西
      if (py === 'shanxi' && node.region.code === '610000') continue;
      put(py, i);
    }
  });
  for (const [key, code] of PINYIN_EXTRA) {
    const i = t.byCode.get(code);
    if (i !== undefined) put(key, i);
  }
  return map;
}

function scanPinyin(text: string): number[][] {
  if (!pinyinIndex) pinyinIndex = buildPinyinIndex();
  const words = text.toLowerCase().split(/[^a-z]+/).filter(Boolean);
  const tokens: number[][] = [];
  for (let k = 0; k < words.length; k++) {
    const pair = k + 1 < words.length ? pinyinIndex.get(words[k] + words[k + 1]) : undefined;
    if (pair) {
      tokens.push(pair);
      k++;
      continue;
    }
    const one = pinyinIndex.get(words[k]);
    if (one) tokens.push(one);
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------

function choose(tokens: number[][], nodes: RegionNode[]): number | undefined {
  if (tokens.length === 0) return undefined;
  let bestSupport = -1;
  let bestDepth = 3;
  let winners: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    for (const c of tokens[i]) {
      const anc = nodes[c].ancestors;
      let support = 0;
      if (anc.length) {
        for (let j = 0; j < tokens.length; j++) {
          if (j === i) continue;
          const tj = tokens[j];
          for (let q = 0; q < tj.length; q++) {
            if (anc.includes(tj[q])) {
              support++;
              break;
            }
          }
        }
      }
      const depth = nodes[c].depth;
      if (support > bestSupport || (support === bestSupport && depth < bestDepth)) {
        bestSupport = support;
        bestDepth = depth;
        winners = [c];
      } else if (support === bestSupport && depth === bestDepth && !winners.includes(c)) {
        winners.push(c);
      }
    }
  }
  if (winners.length === 1) return winners[0];
  // several places tie: their deepest common ancestor, if any
  const first = nodes[winners[0]].ancestors;
  let common: number | undefined;
  for (let k = 0; k < first.length; k++) {
    if (winners.every((w) => nodes[w].ancestors[k] === first[k])) common = first[k];
    else break;
  }
  return common;
}

function resolveUncached(text: string): ResolvedRegion | null {
  const idx = getIndex();
  const tokens = CJK.test(text) ? scanChinese(text, idx.trie) : /[a-z]/i.test(text) ? scanPinyin(text) : [];
  const i = choose(tokens, idx.nodes);
  if (i === undefined) return null;
  const r = idx.nodes[i].region;
  return Object.freeze({ code: r.code, name: r.name, level: r.level });
}

/**
 * The most specific division a free-text location names, or null when it names none or
 * names several without context to tell them apart.
 */
export function resolveRegion(text: string): ResolvedRegion | null {
  if (typeof text !== 'string') return null;
  const key = text.trim();
  if (!key) return null;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const result = resolveUncached(key);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, result);
  return result;
}

/** for benchmarks and tests: resolution without the memo */
export function resolveRegionUncached(text: string): ResolvedRegion | null {
  const key = typeof text === 'string' ? text.trim() : '';
  return key ? resolveUncached(key) : null;
}
