// The listing score: each feature becomes a reason with its points and a sentence; the score is
// their sum, clamped to 0–100. Nothing else adds points.
import type { Judgement, MatchKind } from './examiner.ts';
import { formatMoney, giOrigin, isAuthorisedSeller, priceStatus, type ListingFacts } from './features.ts';
import type { ScoringConfig } from './scoring.config.ts';
import type { Listing, WatchlistEntry } from './watchlist.schema.ts';

export interface Reason {
  code: string;
  points: number;
  text: string;
}

export type Level = 'high' | 'medium' | 'low' | 'none';

export interface CompiledEntry {
  entry: WatchlistEntry;
  /** normalised product keywords of the entry */
  keywords: { word: string; compact: string }[];
  /** the entry's Nice classes (arrays, not sets: 100,000 entries hold one or two each) */
  niceClasses: readonly number[];
}

const markLabel = (e: WatchlistEntry) => (e.kind === 'gi' ? '地理标志' : '注册商标');

/** the name reason, then the context reasons, summed into score, level and alert */
export function scoreCandidate(
  judgement: Judgement,
  descriptive: string | null,
  context: Reason[],
  cfg: ScoringConfig,
): { score: number; level: Level; alert: boolean; reasons: Reason[] } {
  const reasons: Reason[] = [namePoints(judgement, cfg)];
  if (descriptive) {
    reasons.push({ code: 'name.descriptive', points: cfg.descriptiveUse, text: `名称前后有 '${descriptive}'，属说明商品适用对象的描述性使用` });
  }
  reasons.push(...context);
  const raw = reasons.reduce((s, r) => s + r.points, 0);
  const score = Math.max(0, Math.min(100, Math.round(raw)));
  const t = cfg.thresholds;
  const level: Level = score >= t.high ? 'high' : score >= t.medium ? 'medium' : score >= t.low ? 'low' : 'none';
  return { score, level, alert: score >= t.alert, reasons };
}

export function namePoints(judgement: Judgement, cfg: ScoringConfig): Reason {
  const nameKind = judgement.kind as Exclude<MatchKind, 'ordinary-word' | 'descriptive' | 'none'>;
  const weight = cfg.name[nameKind] ?? cfg.name.edit;
  return { code: `name.${judgement.kind}`, points: Math.round(weight * judgement.similarity), text: judgement.reasons.join('；') };
}

/** the highest name points any match kind can earn at this similarity */
const topNameWeight = new WeakMap<ScoringConfig, number>();
export function maxNamePoints(similarity: number, cfg: ScoringConfig): number {
  let w = topNameWeight.get(cfg);
  if (w === undefined) topNameWeight.set(cfg, (w = Math.max(...Object.values(cfg.name))));
  return Math.round(w * similarity);
}

/** every reason about the listing and the entry other than the name match itself (the gate
 *  that asks whether a candidate can still alert sums the same points without the sentences:
 *  EntryTable.points) */
export function contextReasons(listing: Listing, compactText: string, ce: CompiledEntry, facts: ListingFacts, cfg: ScoringConfig): Reason[] {
  const e = ce.entry;
  const reasons: Reason[] = [];
  const { strongCues: strong, weakCues: weak } = facts;
  if (strong.length) reasons.push({ code: 'replica.strong', points: cfg.replicaCue.strong, text: `标题或描述含售假暗语 ${strong.map((c) => `'${c.cue}'`).join('、')}` });
  else if (weak.length) reasons.push({ code: 'replica.weak', points: cfg.replicaCue.weak, text: `标题或描述含疑似仿冒用语 ${weak.map((c) => `'${c.cue}'`).join('、')}` });

  const p = priceStatus(listing, e, cfg.price.lowFraction);
  if (p.status !== 'unknown') {
    const price = formatMoney(p.price, p.currency);
    const min = formatMoney(p.min, p.currency);
    const pct = Math.round(cfg.price.lowFraction * 100);
    if (p.status === 'very-low') reasons.push({ code: 'price.very-low', points: cfg.price.veryLow, text: `售价 ${price} 低于参考价下限 ${min} 的 ${pct}%` });
    else if (p.status === 'below-min') reasons.push({ code: 'price.below-min', points: cfg.price.belowMin, text: `售价 ${price} 低于参考价下限 ${min}` });
    else if (p.status === 'in-range') reasons.push({ code: 'price.in-range', points: cfg.price.inRange, text: `售价 ${price} 在参考价区间 ${min}–${formatMoney(p.max, p.currency)} 内` });
  }

  if (isAuthorisedSeller(listing, e)) {
    reasons.push({ code: 'seller.authorised', points: cfg.seller.authorised, text: `卖家 '${listing.seller ?? listing.sellerId}' 是权利人登记的授权销售方` });
  }
  if (facts.blacklist) {
    const who = facts.blacklist.sellerName ?? facts.blacklist.companyName ?? facts.blacklist.sellerId ?? listing.seller ?? '';
    reasons.push({ code: 'seller.blacklisted', points: cfg.seller.blacklisted, text: `卖家 '${who}' 在黑名单中${facts.blacklist.reason ? `（${facts.blacklist.reason}）` : ''}` });
  }

  const kw = ce.keywords.find((k) => compactText.includes(k.compact));
  if (kw) reasons.push({ code: 'goods.keyword', points: cfg.goods.keyword, text: `标题含该${markLabel(e)}指定商品词 '${kw.word}'` });
  if (ce.niceClasses.length && facts.goods.length) {
    const inClass = facts.goods.find((g) => ce.niceClasses.includes(g.niceClass));
    const classes = [...ce.niceClasses].sort((a, b) => a - b).map((c) => `第${c}类`).join('、');
    if (inClass) reasons.push({ code: 'goods.in-class', points: cfg.goods.inClass, text: `商品 '${inClass.word}' 属第${inClass.niceClass}类，在该商标核定的${classes}内` });
    else if (!kw) {
      const g = facts.goods[0];
      reasons.push({ code: 'goods.out-of-class', points: cfg.goods.outOfClass, text: `商品 '${g.word}' 属第${g.niceClass}类，不在该商标核定的${classes}内` });
    }
  }

  const origin = giOrigin(facts, e);
  const where = facts.regionName ? `${facts.regionName}（${facts.regionCode}）` : `${facts.regionCode}`;
  if (origin === 'outside') reasons.push({ code: 'gi.outside', points: cfg.gi.outsideRegion, text: `卖家所在地 ${where} 不在地理标志 '${e.name}' 的保护区域内` });
  else if (origin === 'inside') reasons.push({ code: 'gi.inside', points: cfg.gi.insideRegion, text: `卖家所在地 ${where} 在地理标志 '${e.name}' 的保护区域内` });
  else if (origin === 'unknown') reasons.push({ code: 'gi.unknown', points: 0, text: '卖家所在地未知，无法核对地理标志产地' });
  const season = e.gi?.seasonMonths ?? [];
  if (e.kind === 'gi' && season.length && facts.month !== null && !season.includes(facts.month)) {
    reasons.push({ code: 'gi.out-of-season', points: cfg.gi.outOfSeason, text: `${facts.month}月不在 '${e.name}' 的上市季节（${[...season].sort((a, b) => a - b).join('、')}月）` });
  }

  if (listing.channel === 'trademark-gazette' && !isAuthorisedSeller(listing, e) && !(e.owner && listing.seller && listing.seller.trim() === e.owner.trim())) {
    const who = listing.seller ? `'${listing.seller}' ` : '';
    reasons.push({ code: 'filing.third-party', points: cfg.filing.thirdParty, text: `商标公告中申请人 ${who}并非权利人，申请注册与 '${e.name}' 近似的商标（疑似抢注）` });
  }

  for (const m of facts.markets) {
    reasons.push({ code: 'market.of-concern', points: cfg.market.ofConcern, text: `来源属重点关注市场 '${m.name}'${m.reason ? `（${m.reason}）` : ''}` });
  }
  for (const r of facts.riskPoints) {
    const what = [r.channel, r.category, r.regionCode].filter(Boolean).join('/');
    reasons.push({ code: 'risk-point', points: Math.round(r.weight ?? cfg.market.riskPointDefault), text: `命中侵权易发风险点 ${what}${r.reason ? `（${r.reason}）` : ''}` });
  }

  return reasons;
}
