// The entry table's points are the fast sum the matcher asks for every candidate entry (can it
// still alert?); contextReasons makes the reasons shown to reviewers. They must agree exactly,
// or the gate would drop a listing that should alert (or judge one it need not).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listingFacts } from '../../../src/matching/features.ts';
import { cueForm, getLexicon } from '../../../src/matching/lexicon.ts';
import { normalise } from '../../../src/matching/normalise.ts';
import { contextReasons, type CompiledEntry } from '../../../src/matching/scoring.ts';
import { EntryTable } from '../../../src/matching/entry-table.ts';
import { parseScoringConfig, WatchlistSnapshotSchema, type Listing } from '../../../src/matching/index.ts';

const demo = JSON.parse(readFileSync(new URL('../../../seeds/demo/watchlist.json', import.meta.url), 'utf8'));
const snapshot = WatchlistSnapshotSchema.parse({
  ...demo,
  entries: [
    ...demo.entries,
    { id: 'gi-2', kind: 'gi', name: '西湖龙井', owner: '杭州市西湖区龙井茶产业协会', niceClasses: [30], keywords: ['茶叶'],
      gi: { regionCodes: ['330106'], seasonMonths: [3, 4, 5] }, referencePrices: [{ currency: 'RMB', min: 800, max: 3000 }] },
    { id: 'm-x', kind: 'mark', name: '雪碧', owner: 'Sprite Owner', niceClasses: [32], keywords: ['柠檬味'], authorisedSellers: [{ sellerId: 'SP-1' }, { sellerName: ' Sprite Store ' }] },
    // several keywords, ranges in two currencies and in a third alone: the entry records hold
    // the main currency's range and a keyword list, the side columns the other currencies
    { id: 'm-y', kind: 'mark', name: '康师傅', niceClasses: [30, 43], keywords: ['方便面', '茶叶', '汽水'],
      referencePrices: [{ currency: 'USD', min: 2, max: 9 }, { currency: 'CNY', min: 12, max: 60 }] },
    { id: 'm-z', kind: 'mark', name: '耐克', niceClasses: [25], keywords: [], referencePrices: [{ currency: 'EUR', min: 60, max: 200 }] },
  ],
  blacklist: [...demo.blacklist, { phone: '138-0013-8000' }, { companyName: '假货大王贸易有限公司' }],
  markets: [{ name: '某小商品城', host: 'fake-market.example' }, { name: '义乌', platform: 'demo-wholesale', channel: 'market' }],
  riskPoints: [{ channel: 'market', weight: 6 }, { category: '运动鞋' }, { regionCode: '350300', weight: 7 }],
});

// a deterministic spread of listings over every feature the two functions read
let seed = 7;
const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
// upper-case and full-width cue spellings take the cue form's slow path (NFKC, lower case)
const titles = ['康师傅红烧牛肉面 高仿', 'ＡＡＡ 耐克运动鞋', 'Nike REPLICA 运动鞋', '阳澄湖大闸蟹 礼盒', '西湖龙井 茶叶 1:1', '耐克运动鞋 原单', '雪碧汽水', '雪碧 柠檬味 饮料', '手机壳 适用于苹果', '普通大白菜', '康师傅 工厂店 同款', 'instant noodles replica AAA', '联系 13800138000 批发'];
const listings: Listing[] = Array.from({ length: 600 }, (_, i) => ({
  id: `l${i}`,
  title: pick(titles),
  description: rand() < 0.3 ? pick(titles) : undefined,
  price: pick([null, undefined, 1, 12, 59, 100, 900, 5000, Number.NaN]),
  currency: pick([undefined, 'CNY', 'cny', 'RMB', '¥', 'USD', 'EUR']),
  seller: pick([undefined, '康师傅官方旗舰店', ' sprite store', '潮牌折扣小铺', '假货大王贸易有限公司', '杭州市西湖区龙井茶产业协会', 'Sprite Owner', '某卖家']),
  sellerId: pick([undefined, '100101', 'SP-1', '300304', 'x']),
  platform: pick([undefined, 'demo-mall', 'demo-wholesale', 'jd']),
  location: pick([undefined, '江苏苏州', '福建莆田', '浙江杭州西湖区', 'USA']),
  regionCode: pick([undefined, undefined, '320507', '330106']),
  category: pick([undefined, '食品', '运动鞋', '手机配件']),
  channel: pick([undefined, 'ecommerce', 'market', 'trademark-gazette']),
  host: pick([undefined, 'fake-market.example', 'shop.fake-market.example', 'other.example']),
  observedAt: pick([undefined, '2026-04-01T08:00:00Z', '2026-10-01T08:00:00Z']),
}));

const compiled: CompiledEntry[] = snapshot.entries.map((entry) => {
  const keywords = entry.keywords.map((w) => ({ word: w, compact: normalise(w).compact })).filter((k) => k.compact.length > 0);
  return {
    entry, keywords, niceClasses: [...new Set(entry.niceClasses)],
  };
});

describe('the entry table', () => {
  for (const [name, cfg] of [['default weights', parseScoringConfig({})], ['other weights', parseScoringConfig({ price: { lowFraction: 0.5, inRange: -9 }, goods: { outOfClass: -7 }, market: { riskPointDefault: 3 } })]] as const) {
    it(`equals the sum of contextReasons' points for every listing and entry (${name})`, () => {
      const lex = getLexicon();
      const seen = new Set<string>();
      const table = new EntryTable(compiled);
      for (const l of listings) {
        const nTitle = normalise(l.title);
        const compactText = l.description ? nTitle.compact + normalise(l.description).compact : nTitle.compact;
        const facts = listingFacts(l, nTitle, lex, snapshot.blacklist, snapshot.markets, snapshot.riskPoints);
        const lc = table.listingContext(l, compactText, facts, cfg);
        compiled.forEach((ce, i) => {
          const reasons = contextReasons(l, compactText, ce, facts, cfg);
          for (const r of reasons) seen.add(r.code);
          const sum = reasons.reduce((s, r) => s + r.points, 0);
          expect(table.points(i, lc, cfg), `table: ${l.id} × ${ce.entry.id}`).toBe(sum);
        });
      }
      // the spread reached every kind of reason, so the equality above covered each branch
      expect([...seen].sort()).toEqual([
        'filing.third-party', 'gi.inside', 'gi.out-of-season', 'gi.outside', 'gi.unknown', 'goods.in-class', 'goods.keyword', 'goods.out-of-class',
        'market.of-concern', 'price.below-min', 'price.in-range', 'price.very-low', 'replica.strong', 'replica.weak', 'risk-point',
        'seller.authorised', 'seller.blacklisted',
      ]);
    });
  }

  it('gives each record its entry\'s points when built with a record per pattern (in any order, entries repeated)', () => {
    const lex = getLexicon();
    const cfg = parseScoringConfig({});
    const byEntry = new EntryTable(compiled);
    // records as the matcher builds them: one per name or alias, so entries repeat and some have none
    const recordEntry = compiled.flatMap((_, i) => (i % 3 === 0 ? [i, i] : i % 3 === 1 ? [i] : [])).reverse();
    const byRecord = new EntryTable(compiled, recordEntry);
    let compared = 0;
    for (const l of listings) {
      const nTitle = normalise(l.title);
      const facts = listingFacts(l, nTitle, lex, snapshot.blacklist, snapshot.markets, snapshot.riskPoints);
      const a = byEntry.listingContext(l, nTitle.compact, facts, cfg);
      const b = byRecord.listingContext(l, nTitle.compact, facts, cfg);
      recordEntry.forEach((e, r) => {
        expect(byRecord.points(r, b, cfg), `${l.id} × record ${r} (entry ${e})`).toBe(byEntry.points(e, a, cfg));
        compared++;
      });
    }
    expect(compared).toBe(listings.length * recordEntry.length);
    expect(() => new EntryTable(compiled, [0, compiled.length])).toThrow(/record 1 names entry/);
  });
});

describe('the listing facts', () => {
  // the facts read cues and goods words from the text in place (ASCII folded on the fly) when
  // the text needs nothing else, and from the cue form otherwise: both must find what a plain
  // search of the lowered text finds
  it('find the replica cues a search of the lowered text finds', () => {
    const lex = getLexicon();
    const texts = [...titles, 'REPLICA AAA 高仿', 'Ａ货 1：1 原单', 'Mirror Quality 运动鞋', 'inspired BY nike', '1:1', 'AAA', '', '复刻 aj 1:1 礼盒'];
    let withCues = 0;
    for (const title of texts) {
      for (const description of [undefined, '超A 精仿', 'ORIGINAL quality']) {
        for (const category of [undefined, '运动鞋', 'T恤']) {
          const l: Listing = { id: 'x', title, description, category };
          const facts = listingFacts(l, normalise(title), lex, [], [], []);
          const lowered = cueForm(description ? `${title} ${description}` : `${title} `);
          const cues = lex.replicaCues.filter((c) => lowered.includes(c.cue));
          expect(facts.replicaCues, `${title} / ${description}`).toEqual(cues);
          if (cues.length) withCues++;
          expect(facts.text).toBe(lowered);
        }
      }
    }
    expect(withCues).toBeGreaterThan(20);
  });

  it.each([
    // words as words: 包 in 包邮, 橙 in 橙色, 茶 in 茶几 are no goods
    ['康帅傅 干脆面 休闲零食 包邮', undefined, []],
    ['NIKF 跑步 橙色 透气 男款', undefined, []],
    ['实木茶几 客厅', undefined, []],
    ['领红包 满减', undefined, []],
    // a word that names no goods hides the goods word inside it there, not elsewhere
    ['真皮女包 斜挎 包邮', undefined, [['包', 18]]],
    // the last part of a compound names what it is: 跑鞋 is a shoe, 奶茶 a tea drink
    ['轻便跑鞋 男款', undefined, [['鞋', 25]]],
    ['珍珠奶茶 粉', undefined, [['茶', 30]]],
    // a goods word that is itself the compound wins over the one inside it
    ['早餐面包 整箱 包邮', undefined, [['面包', 30]]],
    ['运动鞋 透气', undefined, [['运动鞋', 25]]],
    // no word runs across a space the seller wrote: 包 stands alone here
    ['真皮 包 女士', undefined, [['包', 18]]],
    // Latin ones stand alone: bag, not baggy
    ['baggy jeans', undefined, []],
    ['leather bag women', undefined, [['bag', 18]]],
    ['nike shoes', undefined, [['shoes', 25]]],
    // the category is read on its own, not run into the title
    ['透气 男款', '运动鞋', [['运动鞋', 25]]],
  ] as const)('find the goods words written as words in %s (category %s)', (title, category, expected) => {
    const l: Listing = { id: 'x', title, category };
    const facts = listingFacts(l, normalise(title), getLexicon(), [], [], []);
    expect(facts.goods.map((g) => [g.word, g.niceClass])).toEqual(expected);
  });
});
