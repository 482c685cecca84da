import { describe, expect, it } from 'vitest';
import { compileMatcher, parseScoringConfig, type Listing, type WatchlistSnapshotInput } from '../../../src/matching/index.ts';

const snapshot: WatchlistSnapshotInput = {
  version: '2026-06-01T00:00:00Z',
  entries: [
    {
      id: 'ksf', kind: 'mark', name: '康师傅', aliases: ['Master Kong'], niceClasses: [30], keywords: ['方便面', '牛肉面'],
      referencePrices: [{ currency: 'CNY', min: 59, max: 89 }], authorisedSellers: [{ sellerName: '康师傅官方旗舰店' }, { platform: 'jd', sellerId: 'ksf-jd' }],
    },
    { id: 'yc', kind: 'gi', name: '阳澄湖大闸蟹', keywords: ['大闸蟹'], gi: { regionCodes: ['320507'], seasonMonths: [9, 10, 11, 12] } },
    { id: 'apple', kind: 'mark', name: 'Apple', aliases: ['苹果'], niceClasses: [9] },
    { id: 'nike', kind: 'mark', name: 'Nike', niceClasses: [25], referencePrices: [{ currency: 'CNY', min: 500, max: 1500 }] },
  ],
  blacklist: [{ sellerName: '假货大王', reason: '2025 年两次处罚' }, { phone: '13800138000' }],
  markets: [{ name: '某小商品城', host: 'fake-market.example', reason: '多次查获假冒商品' }],
  riskPoints: [{ channel: 'wholesale', weight: 6, reason: '批发市场' }],
};

const matcher = compileMatcher(snapshot);
const listing = (over: Partial<Listing>): Listing => ({ id: 'l1', title: '', ...over });
const only = (l: Listing) => {
  const rs = matcher.matchListing(l, { all: true });
  expect(rs).toHaveLength(1);
  return rs[0];
};
const codes = (l: Listing) => only(l).reasons.map((r) => r.code);

describe('compileMatcher / matchListing', () => {
  it('a parsed minimal snapshot compiles', () => {
    const m = compileMatcher({ version: '1', entries: [{ id: 'm1', kind: 'mark', name: '雪碧' }] });
    expect(m.version).toBe('1');
    expect(m.matchListing({ id: 'x', title: '雷碧汽水' }, { all: true })[0]).toMatchObject({ entryId: 'm1', kind: 'visual', matchedText: '雷碧' });
  });

  it('rejects an invalid snapshot', () => {
    expect(() => compileMatcher({ version: '1', entries: [{ id: 'm1', kind: 'brand', name: 'x' }] } as never)).toThrow();
  });

  it('the compiled matcher is immutable', () => {
    expect(Object.isFrozen(matcher)).toBe(true);
  });

  it('scores a knock-off with replica cue, very low price, blacklisted seller, market and risk point as a high alert, every point with a reason', () => {
    const r = only(listing({ title: '高仿康帅傅红烧牛肉面 整箱', price: 12, seller: '假货大王', host: 'shop.fake-market.example', channel: 'wholesale' }));
    expect(r).toMatchObject({ entryId: 'ksf', entryName: '康师傅', kind: 'visual', matchedText: '康帅傅', level: 'high', alert: true });
    const byCode = Object.fromEntries(r.reasons.map((x) => [x.code, x]));
    expect(byCode['name.visual'].text).toBe("'康帅傅' 与注册商标 '康师傅' 字形近似（帅/师）");
    expect(byCode['replica.strong'].text).toContain('高仿');
    expect(byCode['price.very-low'].text).toBe('售价 ¥12 低于参考价下限 ¥59 的 30%');
    expect(byCode['seller.blacklisted'].text).toContain('假货大王');
    expect(byCode['market.of-concern'].text).toContain('某小商品城');
    expect(byCode['risk-point'].points).toBe(6);
    const sum = r.reasons.reduce((s, x) => s + x.points, 0);
    expect(r.score).toBe(Math.min(100, sum));
  });

  it('does not alert on the authorised seller selling at the reference price', () => {
    const l = listing({ title: '康师傅红烧牛肉面 整箱24袋', price: 65, seller: '康师傅官方旗舰店' });
    expect(matcher.matchListing(l)).toEqual([]);
    const r = matcher.matchListing(l, { all: true })[0];
    expect(r.kind).toBe('exact');
    expect(r.alert).toBe(false);
    expect(r.reasons.map((x) => x.code)).toEqual(expect.arrayContaining(['seller.authorised', 'price.in-range']));
  });

  it('recognises an authorised seller by platform and seller id', () => {
    expect(codes(listing({ title: '康师傅方便面', platform: 'jd', sellerId: 'ksf-jd' }))).toContain('seller.authorised');
    expect(codes(listing({ title: '康师傅方便面', platform: 'taobao', sellerId: 'ksf-jd' }))).not.toContain('seller.authorised');
  });

  it('treats a missing price as neither good nor bad', () => {
    const withPrice = codes(listing({ title: '康帅傅方便面', price: 70 }));
    const without = only(listing({ title: '康帅傅方便面', price: null }));
    expect(withPrice).toContain('price.in-range');
    expect(without.reasons.some((x) => x.code.startsWith('price.'))).toBe(false);
  });

  it('gives fewer points for a price below the minimum than for one under the configured fraction', () => {
    const below = only(listing({ title: '康帅傅方便面', price: 40 }));
    const veryLow = only(listing({ title: '康帅傅方便面', price: 10 }));
    expect(below.reasons.find((x) => x.code === 'price.below-min')?.text).toBe('售价 ¥40 低于参考价下限 ¥59');
    expect(veryLow.score).toBeGreaterThan(below.score);
  });

  it('weakens a mark used on goods outside its Nice classes', () => {
    const fruit = only(listing({ title: '烟台苹果 红富士 5斤' }));
    expect(fruit.kind).toBe('alias');
    expect(fruit.reasons.find((x) => x.code === 'goods.out-of-class')?.text).toBe("商品 '苹果' 属第31类，不在该商标核定的第9类内");
    expect(fruit.alert).toBe(false);
  });

  it('flags a phone number of a blacklisted seller found in the description', () => {
    expect(codes(listing({ title: '康帅傅方便面', description: '批发请联系 138-0013-8000' }))).toContain('seller.blacklisted');
  });

  describe('geographical indications', () => {
    it('scores a GI listing from outside the protected region and out of season', () => {
      const r = only(listing({ title: '阳澄湖镇大闸蟹 鲜活', regionCode: '330102', observedAt: '2026-05-03T10:00:00Z' }));
      expect(r.kind).toBe('affix');
      expect(codes(listing({ title: '阳澄湖镇大闸蟹 鲜活', regionCode: '330102', observedAt: '2026-05-03T10:00:00Z' }))).toEqual(
        expect.arrayContaining(['gi.outside', 'gi.out-of-season']),
      );
      expect(r.alert).toBe(true);
    });

    it('lowers the score of a GI listing from inside the protected region, in season', () => {
      const inside = only(listing({ title: '阳澄湖大闸蟹 鲜活', regionCode: '320507', observedAt: '2026-10-03T10:00:00Z' }));
      const outside = only(listing({ title: '阳澄湖大闸蟹 鲜活', regionCode: '330102', observedAt: '2026-10-03T10:00:00Z' }));
      expect(inside.reasons.map((x) => x.code)).toContain('gi.inside');
      expect(inside.score).toBeLessThan(outside.score);
    });

    it('resolves a free-text seller location to a region', () => {
      const r = only(listing({ title: '阳澄湖大闸蟹', location: '浙江杭州' }));
      expect(r.reasons.find((x) => x.code === 'gi.outside')?.text).toContain('330100');
    });

    it('says the origin is unknown when the location is missing', () => {
      const r = only(listing({ title: '阳澄湖大闸蟹' }));
      expect(r.reasons.find((x) => x.code === 'gi.unknown')?.points).toBe(0);
    });
  });

  it('does not treat ordinary words as marks', () => {
    for (const title of ['小米粥 500g', '大白菜 新鲜', '王老师 讲义', '钱塘龙井 明前茶']) {
      expect(matcher.matchListing(listing({ title }), { all: true })).toEqual([]);
    }
  });

  it('reports a descriptive use ("case for Apple iPhone") with negative points and no alert', () => {
    const r = only(listing({ title: 'case for Apple iPhone 15 手机壳', price: 19 }));
    expect(r.kind).toBe('descriptive');
    expect(r.alert).toBe(false);
    expect(r.reasons.find((x) => x.code === 'name.descriptive')?.points).toBeLessThan(0);
  });

  it('treats every name in a list of compatible products as descriptive ("for Nike, Apple and more", "华为小米专用")', () => {
    const kinds = (m: ReturnType<typeof compileMatcher>, title: string) =>
      Object.fromEntries(m.matchListing(listing({ title, price: 9 }), { all: true }).map((r) => [r.entryId, r.kind]));
    expect(kinds(matcher, 'Shoe cleaning kit for Nike, Apple and more')).toEqual({ nike: 'descriptive', apple: 'descriptive' });
    expect(kinds(matcher, 'Charging dock for Nike Apple watch')).toEqual({ nike: 'descriptive', apple: 'descriptive' });
    expect(matcher.matchListing(listing({ title: 'Shoe cleaning kit for Nike, Apple and more', price: 9 }))).toEqual([]);
    const phones = compileMatcher({
      version: 'p',
      entries: [{ id: 'hw', kind: 'mark', name: '华为' }, { id: 'mi', kind: 'mark', name: '小米' }, { id: 'op', kind: 'mark', name: 'OPPO' }],
    });
    expect(kinds(phones, '华为小米专用充电线')).toEqual({ hw: 'descriptive', mi: 'descriptive' });
    expect(kinds(phones, '华为和小米通用 数据线')).toEqual({ hw: 'descriptive', mi: 'descriptive' });
    expect(kinds(phones, '数据线 适用于华为、小米、OPPO')).toEqual({ hw: 'descriptive', mi: 'descriptive', op: 'descriptive' });
    // a name after an unrelated word is not in the list
    expect(kinds(phones, '适用于安卓 华为手机壳')).toEqual({ hw: 'exact' });
  });

  it('takes the other exact names of an entry the listing says its goods fit as the same reference (PS5充电座 … 适用于PlayStation)', () => {
    const ps = compileMatcher({
      version: 'ps',
      entries: [{ id: 'ps', kind: 'mark', name: 'PlayStation', aliases: ['PS5', 'DualSense'], niceClasses: [9, 28], keywords: ['手柄'], referencePrices: [{ currency: 'CNY', min: 399, max: 4999 }] }],
    });
    const dock = listing({ title: 'PS5手柄充电座 双手柄充电器 适用于PlayStation DualSense 快充底座', price: 59 });
    const [r] = ps.matchListing(dock, { all: true });
    expect(r).toMatchObject({ kind: 'descriptive', alert: false });
    expect(ps.matchListing(dock)).toEqual([]);
    // in the description too
    expect(ps.matchListing(listing({ title: 'PS5手柄充电座', description: '适用于PlayStation 5', price: 59 }))).toEqual([]);
    // without the compatibility wording the same title alerts
    expect(ps.matchListing(listing({ title: 'PS5手柄充电座 双手柄充电器 快充底座', price: 59 }))).toHaveLength(1);
    // a look-alike of the entry is not a reference to the genuine product
    expect(ps.matchListing(listing({ title: 'PIayStati0n 手柄 适用于PlayStation', price: 59 }), { all: true })[0].kind).not.toBe('descriptive');
    // 'for' inside a longer word is no cue
    expect(matcher.matchListing(listing({ title: 'platform Nike 1:1 运动鞋', price: 99 }))[0].kind).toBe('exact');
  });

  it('finds a latin knock-off with a replica cue', () => {
    const r = only(listing({ title: 'N1KE Air Max 1:1 莆田 运动鞋', price: 99 }));
    expect(r).toMatchObject({ entryId: 'nike', kind: 'homoglyph', matchedText: 'N1KE', alert: true });
  });

  it('reports an accented name with the seller’s own spelling, accent included, and its unaccented form as the name', () => {
    const m = compileMatcher({ version: '1', entries: [{ id: 'h', kind: 'mark', name: 'Hermès', niceClasses: [18] }] });
    expect(m.matchListing({ id: 'a', title: 'Hermès 铂金包 高仿' }, { all: true })[0]).toMatchObject({ entryId: 'h', kind: 'exact', matchedText: 'Hermès' });
    expect(m.matchListing({ id: 'b', title: 'HERMES 铂金包 高仿' }, { all: true })[0]).toMatchObject({ entryId: 'h', kind: 'normalised', matchedText: 'HERMES', similarity: 1 });
  });

  it('scores a counterpart swap (老干爹) by its own configurable weight, close in meaning', () => {
    const snap: WatchlistSnapshotInput = { version: '1', entries: [{ id: 'lgm', kind: 'mark', name: '老干妈', keywords: ['辣椒酱'] }] };
    const l = { id: 'x', title: '老干爹风味豆豉 辣椒酱 280g' };
    const r = compileMatcher(snap).matchListing(l, { all: true })[0];
    expect(r).toMatchObject({ entryId: 'lgm', kind: 'semantic', matchedText: '老干爹', similarity: 0.89 });
    expect(r.reasons[0]).toMatchObject({ code: 'name.semantic', points: Math.round(46 * 0.89) });
    expect(r.reasons[0].text).toContain('含义近似');
    const lighter = compileMatcher(snap, { name: { semantic: 20 } }).matchListing(l, { all: true })[0];
    expect(lighter.reasons[0]).toMatchObject({ code: 'name.semantic', points: Math.round(20 * 0.89) });
  });

  it('matches in the description when the title is clean', () => {
    const r = only(listing({ title: '红烧牛肉面 整箱', description: '同款康帅傅口味' }));
    expect(r.matchedText).toBe('康帅傅');
  });

  it('returns several entries for a listing naming several marks, highest score first', () => {
    const rs = matcher.matchListing(listing({ title: '高仿 Nike 运动鞋 送康师傅方便面' }), { all: true });
    expect(rs.map((r) => r.entryId).sort()).toEqual(['ksf', 'nike']);
    expect(rs[0].score).toBeGreaterThanOrEqual(rs[1].score);
  });

  it('costs the same lookups whatever the number of unrelated entries', () => {
    const many = compileMatcher({
      version: 'big',
      entries: [
        ...(snapshot.entries ?? []),
        ...Array.from({ length: 3000 }, (_, i) => ({ id: `x${i}`, kind: 'mark' as const, name: `Brand${i}zq` })),
      ],
    });
    const l = listing({ title: '高仿康帅傅红烧牛肉面', price: 12 });
    expect(many.matchListing(l).map((r) => r.entryId)).toEqual(['ksf']);
  });

  it('uses overridden weights and thresholds from the configuration', () => {
    const strict = compileMatcher(snapshot, { thresholds: { alert: 95, high: 95, medium: 90, low: 80 }, replicaCue: { strong: 0 } });
    const l = listing({ title: '高仿康帅傅红烧牛肉面' });
    expect(strict.matchListing(l)).toEqual([]);
    const r = strict.matchListing(l, { all: true })[0];
    expect(r.reasons.find((x) => x.code === 'replica.strong')?.points).toBe(0);
    expect(r.level).toBe('none');
  });

  it('rejects an inconsistent scoring configuration', () => {
    expect(() => parseScoringConfig({ thresholds: { high: 10, medium: 50 } })).toThrow();
    expect(() => parseScoringConfig({ price: { lowFraction: 2 } })).toThrow();
  });

  it('returns exactly the alerting matches of --all when skipping hopeless candidates', () => {
    const titles = [
      '高仿康帅傅红烧牛肉面', '康师傅方便面', '康帅傅 牛肉面', '阳澄湖镇大闸蟹', 'N1KE 运动鞋 1:1', 'case for Apple iPhone',
      '烟台苹果', '康师父方便面 批发', '胖康师傅', 'Nikee shoes 莆田',
    ];
    for (const [i, title] of titles.entries()) {
      for (const price of [null, 5, 70]) {
        const l = listing({ id: `g${i}`, title, price, seller: i % 3 === 0 ? '假货大王' : 'x', regionCode: '330102', channel: i % 2 ? 'wholesale' : 'web' });
        expect(matcher.matchListing(l)).toEqual(matcher.matchListing(l, { all: true }).filter((r) => r.alert));
      }
    }
  });

  it('adds points when the seller names itself with the look-alike (汕头市雷碧饮料厂 selling 雷碧), and the gate lets it through', () => {
    const knockoff = listing({ title: '康帅傅', price: 70, seller: '汕头市康帅傅食品厂' });
    const plain = listing({ title: '康帅傅', price: 70, seller: '汕头市某食品厂' });
    const withSeller = matcher.matchListing(knockoff);
    expect(withSeller).toHaveLength(1);
    expect(withSeller[0].reasons.map((r) => r.code)).toEqual(['name.visual', 'seller.name-uses-lookalike', 'price.in-range']);
    expect(withSeller[0].reasons[1]).toMatchObject({ points: 15, text: "卖家名称 '汕头市康帅傅食品厂' 含近似名称 '康帅傅'，以仿冒名称作为字号或店名" });
    // without it the same listing stays below the threshold, by exactly those points
    expect(matcher.matchListing(plain)).toEqual([]);
    expect(withSeller[0].score - matcher.matchListing(plain, { all: true })[0].score).toBe(15);
    // the seller name is normalised like the title (traditional, spaced out)
    expect(matcher.matchListing({ ...knockoff, seller: '汕頭市 康 帥 傅 食品廠' })).toHaveLength(1);
    // a reseller naming its shop after the real brand gets nothing for it
    expect(codes(listing({ title: '康师傅方便面', price: 70, seller: '康师傅专卖店' }))).not.toContain('seller.name-uses-lookalike');
    // a latin look-alike in the company name counts too
    expect(codes(listing({ title: 'N1KE 运动鞋', seller: 'Putian N1KE Shoes Factory' }))).toContain('seller.name-uses-lookalike');
    // configuration can turn it off, or make it count against
    expect(compileMatcher(snapshot, { seller: { nameUsesLookalike: 0 } }).matchListing(knockoff)).toEqual([]);
    const against = compileMatcher(snapshot, { seller: { nameUsesLookalike: -10 } }).matchListing(knockoff, { all: true })[0];
    expect(against.reasons.find((r) => r.code === 'seller.name-uses-lookalike')?.points).toBe(-10);
    for (const l of [knockoff, plain, listing({ title: 'N1KE 运动鞋', price: 900, seller: 'N1KE outlet' })]) {
      expect(matcher.matchListing(l)).toEqual(matcher.matchListing(l, { all: true }).filter((r) => r.alert));
    }
  });

  it('is deterministic: the same listing gives the same result', () => {
    const l = listing({ title: '高仿康帅傅红烧牛肉面', price: 12 });
    expect(matcher.matchListing(l)).toEqual(matcher.matchListing(l));
  });
});
