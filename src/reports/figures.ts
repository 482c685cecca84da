// The report's figures, aggregated in SQL: no alert row is loaded into Node. The period's (and
// the previous period's) in-scope alerts are first copied, with the columns the aggregates need,
// into a temporary table inside one transaction; every section is then one GROUP BY over it
// (one GROUPING SETS pass was measured slower than the separate GROUP BYs). Workflow figures
// come from the in-scope status events (a second temporary table), by their timestamps.
//
// Definitions (written into the report's notes):
// - 预警 (suspected): alerts created in the period on listings of the report's channel set
//   (domestic: Chinese sources except trademark gazettes and case dockets; overseas: foreign
//   sources). 确认 (confirmed): of those, status confirmed/referred/closed when generated.
// - 研判 (reviewed): alerts with a confirmed or dismissed event in the period; 确认/排除/移送/办结:
//   alerts with a confirmed/dismissed/referred/closed event in the period.
// - 办结率 = 本期办结 ÷ (本期办结 + 期末在办), 期末在办 = alerts whose last status at the end of
//   the period was confirmed or referred.
// - 平均办理周期 / P90: from alert creation to its closed event, over alerts closed in the period;
//   研判用时: from creation to the first decision (confirmed/dismissed) made in the period.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/schema.ts';
import { getRegion } from '../regions/index.ts';
import type { Period } from './period.ts';
import { scopeSql, type Scope } from './scope.ts';

type Db = Kysely<Database>;
export const GAZETTE = 'trademark-gazette';
export const DOCKET = 'case-docket';

export interface Count2 {
  key: string;
  name: string;
  cur: number;
  prev: number;
}
export interface SellerRow {
  sellerId: string;
  name: string;
  platform: string;
  alerts: number;
  confirmed: number;
  marks: number;
  priorConfirmed: number;
  blacklisted: boolean;
}
export interface PriceRow {
  mark: string;
  currency: string;
  refMin: number;
  refMax: number;
  listings: number;
  avgPrice: number;
  medianPrice: number;
  belowHalf: number;
}
export interface CaseRow {
  alertId: string;
  mark: string;
  title: string;
  seller: string;
  source: string;
  country: string;
  score: number;
  status: string;
  url: string;
  createdAt: string;
}
export interface Workflow {
  reviewed: number;
  confirmed: number;
  dismissed: number;
  referred: number;
  closed: number;
  prev: { reviewed: number; confirmed: number; dismissed: number; referred: number; closed: number };
  dismissReasons: { reason: string; n: number }[];
  openAtEnd: number;
  closureRate: number | null;
  closeHoursAvg: number | null;
  closeHoursP90: number | null;
  decisionHoursAvg: number | null;
  decisionHoursP90: number | null;
}
export interface Totals {
  alerts: number;
  prevAlerts: number;
  high: number;
  prevHigh: number;
  confirmed: number;
  prevConfirmed: number;
  dismissed: number;
  open: number;
  sellers: number;
  marks: number;
}

export interface DomesticFigures {
  kind: 'domestic';
  totals: Totals;
  trend: { day: number; cur: number; prev: number }[];
  byMark: (Count2 & { kind: string; confirmed: number })[];
  byChannel: Count2[];
  bySource: Count2[];
  byCategory: Count2[];
  byProvince: Count2[];
  byCity: (Count2 & { province: string })[];
  unknownRegion: number;
  topSellers: SellerRow[];
  repeatInfringers: SellerRow[];
  blacklistProposals: { seller: string; platform: string; confirmedAlerts: number; status: string; createdAt: string }[];
  prices: PriceRow[];
  /** over all marks with reference prices, not only the 20 listed */
  priceTotals: { marks: number; listings: number; belowHalf: number };
  markets: { name: string; channel: string; alerts: number }[];
  riskPoints: { label: string; reason: string; alerts: number }[];
  notable: CaseRow[];
  workflow: Workflow;
}

export interface OverseasFigures {
  kind: 'overseas';
  totals: Totals;
  trend: { day: number; cur: number; prev: number }[];
  byCountry: Count2[];
  byPlatform: (Count2 & { country: string })[];
  byMark: (Count2 & { kind: string; confirmed: number })[];
  squatting: { hasSource: boolean; cur: number; prev: number; byCountry: Count2[]; items: CaseRow[] };
  litigation: { hasSource: boolean; cur: number; prev: number; byCountry: Count2[]; items: (CaseRow & { holder: string })[] };
  countryRisk: { country: string; alerts: number; filings: number; cases: number; score: number; level: '高' | '中' | '低' }[];
  notable: CaseRow[];
}

export type Figures = DomesticFigures | OverseasFigures;

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const nn = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100);

function regionName(code: string): string {
  return getRegion(code)?.name ?? `未知地区(${code})`;
}

async function rows<T>(db: Db, q: RawBuilder<unknown>): Promise<T[]> {
  return (await q.execute(db)).rows as T[];
}

const CONFIRMED = sql`('confirmed','referred','closed')`;

/** copy the in-scope alerts of the period and the previous one into rc_cohort (this transaction only) */
async function buildCohort(trx: Db, p: Period, scope: Scope, channels: RawBuilder<unknown>): Promise<void> {
  await sql`create temp table rc_cohort on commit drop as
    select a.id, a.mark_id, a.level, a.status, a.score, a.created_at, a.created_at >= ${p.start} as cur,
      s.channel, s.name as source_name, l.category, l.region_code, l.seller_id, l.price, l.currency,
      coalesce(nullif(upper(l.country_code), ''), upper(s.country)) as country, sel.platform,
      lower(substring(l.url from '^[A-Za-z]+://([^/:?#]+)')) as host
    from alerts a
    join listings l on l.id = a.listing_id
    join sources s on s.id = l.source_id
    join marks m on m.id = a.mark_id
    left join sellers sel on sel.id = l.seller_id
    where a.created_at >= ${p.prevStart} and a.created_at < ${p.end} and (${channels}) and (${scopeSql(scope)})`.execute(trx);
  await sql`analyze rc_cohort`.execute(trx);
}

async function totals(trx: Db, where: RawBuilder<unknown> = sql`true`): Promise<Totals> {
  const [r] = await rows<Record<string, string>>(trx, sql`select
      count(*) filter (where cur) as alerts, count(*) filter (where not cur) as prev_alerts,
      count(*) filter (where cur and level = 'high') as high, count(*) filter (where not cur and level = 'high') as prev_high,
      count(*) filter (where cur and status in ${CONFIRMED}) as confirmed, count(*) filter (where not cur and status in ${CONFIRMED}) as prev_confirmed,
      count(*) filter (where cur and status = 'dismissed') as dismissed, count(*) filter (where cur and status in ('new','in_review')) as open,
      count(distinct seller_id) filter (where cur) as sellers, count(distinct mark_id) filter (where cur) as marks
    from rc_cohort where ${where}`);
  return {
    alerts: n(r.alerts), prevAlerts: n(r.prev_alerts), high: n(r.high), prevHigh: n(r.prev_high), confirmed: n(r.confirmed),
    prevConfirmed: n(r.prev_confirmed), dismissed: n(r.dismissed), open: n(r.open), sellers: n(r.sellers), marks: n(r.marks),
  };
}

async function trend(trx: Db, p: Period, where: RawBuilder<unknown> = sql`true`) {
  const r = await rows<{ day: number; cur: string; prev: string }>(trx, sql`
    select floor(extract(epoch from created_at - case when cur then ${p.start}::timestamptz else ${p.prevStart}::timestamptz end) / 86400)::int as day,
      count(*) filter (where cur) as cur, count(*) filter (where not cur) as prev
    from rc_cohort where ${where} group by 1 order by 1`);
  const out: { day: number; cur: number; prev: number }[] = [];
  for (let d = 0; d < p.days; d++) out.push({ day: d, cur: 0, prev: 0 });
  for (const x of r) if (x.day >= 0 && x.day < p.days) Object.assign(out[x.day], { cur: n(x.cur), prev: n(x.prev) });
  return out;
}

async function group(trx: Db, expr: RawBuilder<unknown>, limit: number, where: RawBuilder<unknown> = sql`true`): Promise<Count2[]> {
  const r = await rows<{ key: string; cur: string; prev: string }>(trx, sql`
    select ${expr} as key, count(*) filter (where cur) as cur, count(*) filter (where not cur) as prev
    from rc_cohort where ${where} group by 1 order by 2 desc, 3 desc, 1 limit ${limit}`);
  return r.map((x) => ({ key: String(x.key), name: String(x.key), cur: n(x.cur), prev: n(x.prev) }));
}

async function byMark(trx: Db, where: RawBuilder<unknown> = sql`true`) {
  const r = await rows<{ id: string; name: string; kind: string; cur: string; prev: string; confirmed: string }>(trx, sql`
    select m.id, m.name, m.kind, c.cur, c.prev, c.confirmed from (
      select mark_id, count(*) filter (where cur) as cur, count(*) filter (where not cur) as prev,
        count(*) filter (where cur and status in ${CONFIRMED}) as confirmed
      from rc_cohort where ${where} group by mark_id) c join marks m on m.id = c.mark_id
    order by c.cur desc, c.prev desc, m.name limit 20`);
  return r.map((x) => ({ key: String(x.id), name: x.name, kind: x.kind, cur: n(x.cur), prev: n(x.prev), confirmed: n(x.confirmed) }));
}

async function notable(trx: Db, where: RawBuilder<unknown> = sql`true`): Promise<CaseRow[]> {
  const r = await rows<Record<string, any>>(trx, sql`
    select c.id, m.name as mark, l.title, coalesce(sel.name, l.seller_name, '') as seller, c.source_name, c.country, c.score, c.status, l.url, c.created_at
    from (select * from rc_cohort where cur and ${where} order by (status in ${CONFIRMED}) desc, score desc, id limit 8) c
    join alerts a on a.id = c.id join listings l on l.id = a.listing_id join marks m on m.id = c.mark_id
    left join sellers sel on sel.id = l.seller_id
    order by (c.status in ${CONFIRMED}) desc, c.score desc, c.id`);
  return r.map(caseRow);
}

function caseRow(x: Record<string, any>): CaseRow {
  return {
    alertId: String(x.id), mark: x.mark, title: x.title, seller: x.seller ?? '', source: x.source_name, country: x.country ?? '',
    score: n(x.score), status: x.status, url: x.url, createdAt: new Date(x.created_at).toISOString(),
  };
}

async function sellers(trx: Db, p: Period, scope: Scope): Promise<{ top: SellerRow[]; repeat: SellerRow[] }> {
  const r = await rows<Record<string, any>>(trx, sql`
    with c as materialized (
      select seller_id, count(*) as alerts, count(*) filter (where status in ${CONFIRMED}) as confirmed, count(distinct mark_id) as marks
      from rc_cohort where cur and seller_id is not null group by seller_id),
    prior as (
      select l.seller_id, count(*) as n from alerts a join listings l on l.id = a.listing_id join marks m on m.id = a.mark_id
      where l.seller_id in (select seller_id from c where confirmed > 0) and a.created_at < ${p.start}
        and a.status in ${CONFIRMED} and ${scopeSql(scope)}
      group by l.seller_id),
    j as materialized (select c.*, coalesce(prior.n, 0) as prior from c left join prior on prior.seller_id = c.seller_id),
    picked as (
      (select 'top' as list, j.* from j order by alerts desc, confirmed desc, seller_id limit 10)
      union all
      (select 'repeat' as list, j.* from j where confirmed > 0 and prior > 0 order by prior + confirmed desc, seller_id limit 10))
    select picked.*, coalesce(s.name, s.external_id) as name, s.platform,
      exists (select 1 from blacklist b where b.lifted_at is null and
        ((b.platform = s.platform and b.seller_id = s.external_id) or (b.seller_name is not null and b.seller_name = s.name))) as blacklisted
    from picked join sellers s on s.id = picked.seller_id`);
  const map = (x: Record<string, any>): SellerRow => ({
    sellerId: String(x.seller_id), name: x.name, platform: x.platform, alerts: n(x.alerts), confirmed: n(x.confirmed), marks: n(x.marks),
    priorConfirmed: n(x.prior), blacklisted: Boolean(x.blacklisted),
  });
  const top = r.filter((x) => x.list === 'top').map(map).sort((a, b) => b.alerts - a.alerts || b.confirmed - a.confirmed || Number(a.sellerId) - Number(b.sellerId));
  const repeat = r.filter((x) => x.list === 'repeat').map(map)
    .sort((a, b) => b.priorConfirmed + b.confirmed - (a.priorConfirmed + a.confirmed) || Number(a.sellerId) - Number(b.sellerId));
  return { top, repeat };
}

async function workflow(trx: Db, p: Period, scope: Scope, channels: RawBuilder<unknown>): Promise<Workflow> {
  // the in-scope status changes up to the end of the period ('new' is only ever the first status)
  await sql`create temp table rc_ev on commit drop as
    select e.id, e.alert_id, e.to_status, e.created_at, a.created_at as alert_created, a.dismiss_reason
    from alert_events e join alerts a on a.id = e.alert_id
    join listings l on l.id = a.listing_id join sources s on s.id = l.source_id join marks m on m.id = a.mark_id
    where e.to_status is not null and e.to_status <> 'new' and e.created_at < ${p.end} and (${channels}) and (${scopeSql(scope)})`.execute(trx);
  await sql`analyze rc_ev`.execute(trx);
  const [c] = await rows<Record<string, string>>(trx, sql`
    with ev as (
      select alert_id, to_status, created_at >= ${p.start} as cur from rc_ev
      where to_status in ('confirmed','dismissed','referred','closed') and created_at >= ${p.prevStart})
    select
      count(distinct alert_id) filter (where cur and to_status in ('confirmed','dismissed')) as reviewed,
      count(distinct alert_id) filter (where cur and to_status = 'confirmed') as confirmed,
      count(distinct alert_id) filter (where cur and to_status = 'dismissed') as dismissed,
      count(distinct alert_id) filter (where cur and to_status = 'referred') as referred,
      count(distinct alert_id) filter (where cur and to_status = 'closed') as closed,
      count(distinct alert_id) filter (where not cur and to_status in ('confirmed','dismissed')) as p_reviewed,
      count(distinct alert_id) filter (where not cur and to_status = 'confirmed') as p_confirmed,
      count(distinct alert_id) filter (where not cur and to_status = 'dismissed') as p_dismissed,
      count(distinct alert_id) filter (where not cur and to_status = 'referred') as p_referred,
      count(distinct alert_id) filter (where not cur and to_status = 'closed') as p_closed
    from ev`);
  const reasons = await rows<{ reason: string; n: string }>(trx, sql`
    select coalesce(dismiss_reason, 'unspecified') as reason, count(distinct alert_id) as n from rc_ev
    where to_status = 'dismissed' and created_at >= ${p.start}
    group by 1 order by 2 desc, 1`);
  const [open] = await rows<{ n: string }>(trx, sql`
    select count(*) as n from (
      select distinct on (alert_id) to_status from rc_ev order by alert_id, created_at desc, id desc) x
    where x.to_status in ('confirmed','referred')`);
  const [t] = await rows<Record<string, string | null>>(trx, sql`
    with closed as (
      select distinct on (alert_id) extract(epoch from created_at - alert_created) / 3600 as h
      from rc_ev where to_status = 'closed' and created_at >= ${p.start}
      order by alert_id, created_at),
    decided as (
      select distinct on (alert_id) extract(epoch from created_at - alert_created) / 3600 as h
      from rc_ev where to_status in ('confirmed','dismissed') and created_at >= ${p.start}
      order by alert_id, created_at)
    select (select avg(h) from closed) as close_avg, (select percentile_cont(0.9) within group (order by h) from closed) as close_p90,
      (select avg(h) from decided) as dec_avg, (select percentile_cont(0.9) within group (order by h) from decided) as dec_p90`);
  const closed = n(c.closed);
  const openAtEnd = n(open.n);
  return {
    reviewed: n(c.reviewed), confirmed: n(c.confirmed), dismissed: n(c.dismissed), referred: n(c.referred), closed,
    prev: { reviewed: n(c.p_reviewed), confirmed: n(c.p_confirmed), dismissed: n(c.p_dismissed), referred: n(c.p_referred), closed: n(c.p_closed) },
    dismissReasons: reasons.map((r) => ({ reason: r.reason, n: n(r.n) })),
    openAtEnd,
    closureRate: closed + openAtEnd > 0 ? Math.round((closed / (closed + openAtEnd)) * 10000) / 10000 : null,
    closeHoursAvg: nn(t.close_avg), closeHoursP90: nn(t.close_p90), decisionHoursAvg: nn(t.dec_avg), decisionHoursP90: nn(t.dec_p90),
  };
}

const DOMESTIC_CHANNELS = sql`upper(s.country) = 'CN' and s.channel not in (${GAZETTE}, ${DOCKET})`;
const OVERSEAS_CHANNELS = sql`upper(s.country) <> 'CN' or s.channel in (${GAZETTE}, ${DOCKET})`;

export async function domesticFigures(db: Db, p: Period, scope: Scope): Promise<DomesticFigures> {
  return db.transaction().execute(async (trx) => {
    await buildCohort(trx, p, scope, DOMESTIC_CHANNELS);
    const prov = await group(trx, sql`left(region_code, 2) || '0000'`, 40, sql`region_code ~ '^[0-9]{6}'`);
    const city = await group(trx, sql`left(region_code, 4) || '00'`, 20, sql`region_code ~ '^[0-9]{6}'`);
    const [unk] = await rows<{ n: string }>(trx, sql`select count(*) as n from rc_cohort where cur and (region_code is null or region_code !~ '^[0-9]{6}')`);
    const { top, repeat } = await sellers(trx, p, scope);
    const proposals = await rows<Record<string, any>>(trx, sql`
      select coalesce(s.name, s.external_id) as seller, s.platform, bp.confirmed_alerts, bp.status, bp.created_at
      from blacklist_proposals bp join sellers s on s.id = bp.seller_id
      where bp.created_at >= ${p.start} and bp.created_at < ${p.end}
        and bp.seller_id in (select seller_id from rc_cohort where seller_id is not null)
      order by bp.confirmed_alerts desc, bp.id limit 20`);
    const prices = await rows<Record<string, any>>(trx, sql`
      with rp as (
        select m.id as mark_id, m.name as mark, e->>'currency' as currency, (e->>'min')::numeric as min, (e->>'max')::numeric as max
        from marks m cross join jsonb_array_elements(case when jsonb_typeof(m.details->'referencePrices') = 'array' then m.details->'referencePrices' else '[]'::jsonb end) e
        where m.id in (select distinct mark_id from rc_cohort where cur) and (e->>'min')::numeric > 0)
      select rp.mark, rp.currency, rp.min, rp.max, count(*) as listings, avg(c.price) as avg,
        percentile_cont(0.5) within group (order by c.price) as median, count(*) filter (where c.price < rp.min * 0.5) as below_half,
        count(*) over () as t_marks, sum(count(*)) over () as t_listings, sum(count(*) filter (where c.price < rp.min * 0.5)) over () as t_below
      from rc_cohort c join rp on rp.mark_id = c.mark_id and rp.currency = c.currency
      where c.cur and c.price is not null
      group by rp.mark, rp.currency, rp.min, rp.max order by listings desc, mark limit 20`);
    const markets = await rows<Record<string, any>>(trx, sql`
      select mk.name, mk.channel, (select count(*) from rc_cohort c where c.cur and
        ((mk.host is not null and c.host = lower(mk.host)) or (mk.platform is not null and c.platform = mk.platform))) as alerts
      from markets mk where mk.active order by alerts desc, mk.name limit 20`);
    const risk = await rows<Record<string, any>>(trx, sql`
      select rp.channel, rp.category, rp.region_code, rp.reason, (select count(*) from rc_cohort c where c.cur
        and (rp.channel is null or c.channel = rp.channel)
        and (rp.category is null or c.category ilike '%' || rp.category || '%')
        and (rp.region_code is null or c.region_code like
          case when rp.region_code like '__0000' then left(rp.region_code, 2) when rp.region_code like '____00' then left(rp.region_code, 4) else rp.region_code end || '%')) as alerts
      from risk_points rp where rp.active order by alerts desc, rp.id limit 20`);
    return {
      kind: 'domestic',
      totals: await totals(trx),
      trend: await trend(trx, p),
      byMark: await byMark(trx),
      byChannel: await group(trx, sql`channel`, 20),
      bySource: await group(trx, sql`source_name`, 15),
      byCategory: await group(trx, sql`coalesce(nullif(category, ''), '未分类')`, 15),
      byProvince: prov.map((r) => ({ ...r, name: regionName(r.key) })),
      byCity: city.map((r) => ({ ...r, name: getRegion(r.key)?.fullName ?? regionName(r.key), province: regionName(`${r.key.slice(0, 2)}0000`) })),
      unknownRegion: n(unk.n),
      topSellers: top,
      repeatInfringers: repeat,
      blacklistProposals: proposals.map((x) => ({ seller: x.seller, platform: x.platform, confirmedAlerts: n(x.confirmed_alerts), status: x.status, createdAt: new Date(x.created_at).toISOString() })),
      prices: prices.map((x) => ({
        mark: x.mark, currency: x.currency, refMin: n(x.min), refMax: n(x.max), listings: n(x.listings),
        avgPrice: nn(x.avg) ?? 0, medianPrice: nn(x.median) ?? 0, belowHalf: n(x.below_half),
      })),
      priceTotals: { marks: n(prices[0]?.t_marks), listings: n(prices[0]?.t_listings), belowHalf: n(prices[0]?.t_below) },
      markets: markets.map((x) => ({ name: x.name, channel: x.channel, alerts: n(x.alerts) })),
      riskPoints: risk.map((x) => ({
        label: [x.channel, x.category, x.region_code ? regionName(x.region_code) : null].filter(Boolean).join(' / ') || '全部', reason: x.reason, alerts: n(x.alerts),
      })),
      notable: await notable(trx),
      workflow: await workflow(trx, p, scope, DOMESTIC_CHANNELS),
    };
  });
}

export async function overseasFigures(db: Db, p: Period, scope: Scope): Promise<OverseasFigures> {
  return db.transaction().execute(async (trx) => {
    await buildCohort(trx, p, scope, OVERSEAS_CHANNELS);
    const market = sql`channel not in (${GAZETTE}, ${DOCKET})`;
    const has = async (ch: string) =>
      ((await rows<{ n: string }>(trx, sql`select count(*) as n from listings l join sources s on s.id = l.source_id where s.channel = ${ch}`))[0].n !== '0');
    const watch = async (ch: string) => {
      const w = sql`channel = ${ch}`;
      const [t] = await rows<{ cur: string; prev: string }>(trx, sql`select count(*) filter (where cur) as cur, count(*) filter (where not cur) as prev from rc_cohort where ${w}`);
      const items = await rows<Record<string, any>>(trx, sql`
        select c.id, m.name as mark, l.title, coalesce(sel.name, l.seller_name, '') as seller, c.source_name, c.country, c.score, c.status, l.url, c.created_at,
          coalesce(rh.name, '') as holder
        from rc_cohort c join alerts a on a.id = c.id join listings l on l.id = a.listing_id join marks m on m.id = c.mark_id
        left join rights_holders rh on rh.id = m.rights_holder_id left join sellers sel on sel.id = l.seller_id
        where c.cur and ${w} order by c.score desc, c.id limit 20`);
      return {
        hasSource: await has(ch), cur: n(t.cur), prev: n(t.prev), byCountry: await group(trx, sql`country`, 20, w),
        items: items.map((x) => ({ ...caseRow(x), holder: x.holder as string })),
      };
    };
    const squatting = await watch(GAZETTE);
    const litigation = await watch(DOCKET);
    const risk = await rows<Record<string, string>>(trx, sql`
      select country, count(*) filter (where channel not in (${GAZETTE}, ${DOCKET})) as alerts,
        count(*) filter (where channel = ${GAZETTE}) as filings, count(*) filter (where channel = ${DOCKET}) as cases
      from rc_cohort where cur group by country order by 2 desc, 1 limit 30`);
    const byPlatform = await rows<{ key: string; country: string; cur: string; prev: string }>(trx, sql`
      select source_name as key, min(country) as country, count(*) filter (where cur) as cur, count(*) filter (where not cur) as prev
      from rc_cohort where ${market} group by source_name order by 3 desc, 1 limit 20`);
    return {
      kind: 'overseas',
      totals: await totals(trx, market),
      trend: await trend(trx, p, market),
      byCountry: await group(trx, sql`country`, 30, market),
      byPlatform: byPlatform.map((x) => ({ key: x.key, name: x.key, country: x.country, cur: n(x.cur), prev: n(x.prev) })),
      byMark: await byMark(trx, market),
      squatting,
      litigation,
      countryRisk: risk
        .map((x) => {
          const alerts = n(x.alerts);
          const filings = n(x.filings);
          const cases = n(x.cases);
          // 风险分 = 市场预警 + 5 × 疑似抢注 + 10 × 涉诉案件; 高 ≥ 20, 中 ≥ 5
          const score = alerts + 5 * filings + 10 * cases;
          return { country: x.country, alerts, filings, cases, score, level: (score >= 20 ? '高' : score >= 5 ? '中' : '低') as '高' | '中' | '低' };
        })
        .sort((a, b) => b.score - a.score || a.country.localeCompare(b.country)),
      notable: await notable(trx, market),
    };
  });
}
