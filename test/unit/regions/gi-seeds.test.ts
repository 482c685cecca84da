import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getRegion, isWithinRegion, resolveRegion } from '../../../src/regions/index.ts';
import { GI_SEEDS_FILE, loadGiSeeds, parseGiSeeds } from '../../../src/regions/gi-seeds.ts';

const gis = loadGiSeeds();
const byName = new Map(gis.map((g) => [g.name, g]));

describe('seeds/gis.json', () => {
  it('has at least 35 entries with unique names and aliases', () => {
    expect(gis.length).toBeGreaterThanOrEqual(35);
    expect(new Set(gis.map((g) => g.name)).size).toBe(gis.length);
    const aliasOwner = new Map<string, string>();
    for (const g of gis) {
      for (const a of [g.name, ...g.aliases]) {
        const key = a.toLowerCase();
        expect(aliasOwner.get(key) ?? g.name, `alias ${a}`).toBe(g.name);
        aliasOwner.set(key, g.name);
      }
    }
  });

  it.each(gis.map((g) => [g.name, g] as const))('%s: every region code exists and carries its own name', (_n, g) => {
    for (const r of g.regions) {
      const region = getRegion(r.code);
      expect(region, r.code).not.toBeNull();
      expect(region?.code).toBe(r.code);
      expect(region?.name).toBe(r.name);
      expect(region?.superseded).toBeUndefined();
    }
  });

  it.each(gis.map((g) => [g.name, g] as const))('%s: the named place is the protected region', (_n, g) => {
    if (g.placeKind === 'division') {
      // the place in the product's name is one of the divisions (or an ancestor of one)
      const fullNames = g.regions.map((r) => getRegion(r.code)?.fullName ?? '');
      expect(fullNames.some((f) => f.includes(g.place)), `${g.place} in ${fullNames.join(' / ')}`).toBe(true);
    } else {
      expect(`${g.protectedArea} ${g.note ?? ''}`).toContain(g.place);
    }
    // the protected-area text names the province of every region
    for (const r of g.regions) {
      const province = getRegion(r.code)!.fullName.match(/^(.+?(省|自治区|市))/)![1];
      const short = province.replace(/(维吾尔|壮族|回族)?(省|自治区|市)$/, '');
      expect(g.protectedArea, `${r.code} ${province}`).toContain(short);
    }
  });

  it.each(gis.filter((g) => g.seasonMonths).map((g) => [g.name, g.seasonMonths!] as const))(
    '%s: season months are distinct',
    (_n, months) => {
      expect(new Set(months).size).toBe(months.length);
    },
  );

  it('includes the Henan GIs with their real regions', () => {
    const henan = gis.filter((g) => g.regions.some((r) => isWithinRegion(r.code, '410000')));
    expect(henan.length).toBeGreaterThanOrEqual(10);
    const expectations: [string, string[]][] = [
      ['信阳毛尖', ['411502', '411503', '411525']],
      ['新郑大枣', ['410184']],
      ['灵宝苹果', ['411282']],
      ['焦作怀山药', ['410825', '410823', '410822', '410882']],
      ['固始鸡', ['411525']],
      ['原阳大米', ['410725']],
      ['温县铁棍山药', ['410825']],
      ['西峡香菇', ['411323']],
    ];
    for (const [name, codes] of expectations) {
      const g = byName.get(name);
      expect(g, name).toBeDefined();
      expect(g!.regions.map((r) => r.code)).toEqual(expect.arrayContaining(codes));
    }
    // the protected counties of 信阳毛尖 all lie in 信阳市
    expect(byName.get('信阳毛尖')!.regions.every((r) => isWithinRegion(r.code, '411500'))).toBe(true);
    // 焦作怀山药's counties all lie in 焦作市
    expect(byName.get('焦作怀山药')!.regions.every((r) => isWithinRegion(r.code, '410800'))).toBe(true);
  });

  it.each([
    ['西湖龙井', ['330106']],
    ['阳澄湖大闸蟹', ['320507', '320571', '320583']],
    ['五常大米', ['230184']],
    ['库尔勒香梨', ['652801']],
    ['赣南脐橙', ['360700']],
    ['烟台苹果', ['370600']],
    ['章丘大葱', ['370114']],
    ['金华火腿', ['330700']],
    ['镇江香醋', ['321100']],
    ['郫县豆瓣', ['510117']],
    ['安溪铁观音', ['350524']],
    ['武夷岩茶', ['350782']],
    ['普洱茶', ['530800']],
    ['宁夏枸杞', ['640000']],
    ['中宁枸杞', ['640521']],
    ['吐鲁番葡萄', ['650400']],
    ['洛川苹果', ['610629']],
    ['盱眙龙虾', ['320830']],
    ['文山三七', ['532600']],
    ['东阿阿胶', ['371524']],
    ['涪陵榨菜', ['500102']],
    ['茅台酒', ['520382']],
    ['景德镇瓷器', ['360200']],
    ['宜兴紫砂', ['320282']],
    ['寿光蔬菜', ['370783']],
    ['德州扒鸡', ['371400']],
    ['平遥牛肉', ['140728']],
    ['长白山人参', ['220000']],
    ['潜江龙虾', ['429005']],
  ])('%s is seeded with %j', (name, codes) => {
    expect(byName.get(name)?.regions.map((r) => r.code)).toEqual(expect.arrayContaining(codes));
  });

  it('a seller location inside the protected region is within it, one outside is not', () => {
    const xinyang = byName.get('信阳毛尖')!;
    const inside = resolveRegion('河南信阳浉河区')!;
    const outside = resolveRegion('浙江杭州')!;
    expect(xinyang.regions.some((r) => isWithinRegion(inside.code, r.code))).toBe(true);
    expect(xinyang.regions.some((r) => isWithinRegion(outside.code, r.code))).toBe(false);
    const crab = byName.get('阳澄湖大闸蟹')!;
    expect(crab.regions.some((r) => isWithinRegion(resolveRegion('江苏昆山')!.code, r.code))).toBe(true);
    expect(crab.regions.some((r) => isWithinRegion(resolveRegion('江苏 宿迁')!.code, r.code))).toBe(false);
  });
});

describe('parseGiSeeds', () => {
  const raw = JSON.parse(readFileSync(GI_SEEDS_FILE, 'utf8'));
  const one = raw.gis.find((g: { name: string }) => g.name === '灵宝苹果');

  it('rejects a code that does not exist', () => {
    const bad = { ...raw, gis: [{ ...one, regions: [{ code: '411299', name: '灵宝市' }] }] };
    expect(() => parseGiSeeds(bad)).toThrow(/unknown region code 411299/);
  });

  it('rejects a code whose name is another place', () => {
    const bad = { ...raw, gis: [{ ...one, regions: [{ code: '411282', name: '新郑市' }] }] };
    expect(() => parseGiSeeds(bad)).toThrow(/411282 is 灵宝市, not 新郑市/);
  });

  it('rejects a superseded code', () => {
    const bad = { ...raw, gis: [{ ...one, regions: [{ code: '410381', name: '偃师市' }] }] };
    expect(() => parseGiSeeds(bad)).toThrow(/superseded/);
  });

  it('rejects duplicate names and bad months', () => {
    expect(() => parseGiSeeds({ ...raw, gis: [one, one] })).toThrow(/duplicate GI name 灵宝苹果/);
    expect(() => parseGiSeeds({ ...raw, gis: [{ ...one, seasonMonths: [13] }] })).toThrow();
  });

  it('returns copies the caller may change', () => {
    const a = loadGiSeeds();
    a[0].regions.length = 0;
    expect(loadGiSeeds()[0].regions.length).toBeGreaterThan(0);
  });
});
