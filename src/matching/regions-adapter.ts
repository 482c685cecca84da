// The matcher's view of region logic (src/regions, GB/T 2260). Kept behind this adapter so the
// matcher states the two calls it needs, and so a failure there degrades to "origin unknown"
// or to the code's prefix structure rather than failing a match.
import { isWithinRegion as regionsIsWithin, resolveRegion as regionsResolve } from '../regions/index.ts';

export interface ResolvedRegion {
  code: string;
  name: string;
  level: 'province' | 'prefecture' | 'county';
}

export function resolveRegion(text: string): ResolvedRegion | null {
  try {
    return regionsResolve(text);
  } catch {
    return null;
  }
}

/** GB/T 2260 prefix structure: two digits province, four prefecture, six county */
export function isWithinByPrefix(code: string, ancestorCode: string): boolean {
  if (!/^\d{6}/.test(code) || !/^\d{6}$/.test(ancestorCode)) return false;
  const c = code.slice(0, 6);
  if (ancestorCode.endsWith('0000')) return c.startsWith(ancestorCode.slice(0, 2));
  if (ancestorCode.endsWith('00')) return c.startsWith(ancestorCode.slice(0, 4));
  return c === ancestorCode;
}

export function isWithinRegion(code: string, ancestorCode: string): boolean {
  try {
    return regionsIsWithin(code, ancestorCode);
  } catch {
    return isWithinByPrefix(code, ancestorCode);
  }
}
