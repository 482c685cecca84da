// Report benchmark: seeds 1,000,000 alerts (September and October 2026, set-based SQL with
// generate_series) with their status events into a fresh database, then generates the monthly
// domestic report for 2026-10 and prints the time for figures (SQL aggregation), HTML (with SVG
// charts), PDF (Chromium) and XLSX separately, plus this process's peak RSS. The figures are
// aggregated in Postgres, so Node's memory does not grow with the number of alerts.
//
//   DATABASE_URL=postgres://root@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 \
//     npx tsx bench/reports.bench.ts [--alerts 1000000] [--keep]
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { benchContext } from './bench-db.ts';
import { generateReport } from '../src/reports/report.service.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ALERTS = arg('alerts', 1_000_000);
const MARKS = 500;
const SELLERS = 20_000;
const DB_NAME = 'ipclue_bench_reports';
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

async function main() {
  const { ctx, close } = await benchContext(DB_NAME);
  const config = ctx.config;
  const db = ctx.db;
  try {
    let t = performance.now();
    await sql`insert into rights_holders (name) select '权利人' || g from generate_series(1, 50) g`.execute(db);
    await sql`insert into marks (kind, name, rights_holder_id, status, nice_classes, details)
      select case when g % 10 = 0 then 'gi' else 'mark' end, '商标' || g, (g % 50) + 1, 'active', '[30]',
        jsonb_build_object('referencePrices', jsonb_build_array(jsonb_build_object('currency', 'CNY', 'min', 40 + g % 60, 'max', 120 + g % 60)))
      from generate_series(1, ${MARKS}) g`.execute(db);
    await sql`insert into sources (slug, name, channel, country, definition)
      values ('shop', '电商平台甲', 'ecommerce', 'CN', '{}'), ('shop2', '电商平台乙', 'ecommerce', 'CN', '{}'),
             ('fair', '展会', 'exhibition', 'CN', '{}'), ('mkt', '专业市场', 'market', 'CN', '{}')`.execute(db);
    const regions = sql`(array['410102','440106','330102','110105','510104','320102','370102','350203','420102','130102','440304','210102'])`;
    await sql`insert into sellers (platform, external_id, name, region_code)
      select 'demo', 's' || g, '店铺' || g, ${regions}[(g % 12) + 1] from generate_series(1, ${SELLERS}) g`.execute(db);
    await sql`insert into listings (source_id, external_id, url, title, price, currency, seller_id, seller_name, region_code, category, content_hash)
      select (g % 4) + 1, 'l' || g, 'https://shop.example/item/' || g, '疑似商品 ' || g, ((g * 37) % 300) + 0.99, 'CNY',
        (g % ${SELLERS}) + 1, '店铺' || ((g % ${SELLERS}) + 1), ${regions}[((g % ${SELLERS}) % 12) + 1],
        (array['食品','饮料','服装','箱包','化妆品'])[(g % 5) + 1], md5(g::text)
      from generate_series(1, ${ALERTS}) g`.execute(db);
    // spread over 61 days from 2026-09-01 (China time); status by g % 10
    await sql`insert into alerts (listing_id, mark_id, score, level, status, match_kind, matched_text, created_at, dismiss_reason)
      select g, ((g * 7) % ${MARKS}) + 1, 30 + g % 71, case when 30 + g % 71 >= 70 then 'high' when 30 + g % 71 >= 50 then 'medium' else 'low' end,
        (array['new','new','new','new','new','in_review','confirmed','dismissed','referred','closed'])[(g % 10) + 1], 'exact', 'x',
        timestamptz '2026-09-01 00:00+08' + (g::float8 / ${ALERTS}) * interval '61 days',
        case when g % 10 = 7 then (array['genuine_authorised','not_our_goods','insufficient_evidence','duplicate','other'])[(g / 10) % 5 + 1] end
      from generate_series(1, ${ALERTS}) g`.execute(db);
    await sql`insert into alert_events (alert_id, actor_kind, type, to_status, created_at)
      select id, 'system', 'created', 'new', created_at from alerts`.execute(db);
    await sql`insert into alert_events (alert_id, actor_kind, type, from_status, to_status, created_at)
      select id, 'user', case when status = 'dismissed' then 'dismissed' else 'confirmed' end, 'in_review',
        case when status = 'dismissed' then 'dismissed' else 'confirmed' end, created_at + (id % 72) * interval '1 hour'
      from alerts where status in ('confirmed','dismissed','referred','closed')`.execute(db);
    await sql`insert into alert_events (alert_id, actor_kind, type, from_status, to_status, created_at)
      select id, 'user', 'referred', 'confirmed', 'referred', created_at + (72 + id % 96) * interval '1 hour'
      from alerts where status in ('referred','closed')`.execute(db);
    await sql`insert into alert_events (alert_id, actor_kind, type, from_status, to_status, created_at)
      select id, 'user', 'closed', 'referred', 'closed', created_at + (168 + id % 500) * interval '1 hour'
      from alerts where status = 'closed'`.execute(db);
    await sql`analyze`.execute(db);
    const [{ n: events }] = (await sql<{ n: string }>`select count(*) as n from alert_events`.execute(db)).rows;
    console.log(`seeded ${ALERTS.toLocaleString()} alerts, ${Number(events).toLocaleString()} events in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const rssBefore = process.resourceUsage().maxRSS;
    t = performance.now();
    const r = await generateReport(db, { kind: 'domestic', period: '2026-10', mode: 'regenerate', trigger: 'manual', chromiumPath: config.CHROMIUM_PATH });
    const total = performance.now() - t;
    const sizes = (await sql<{ h: number; p: number; x: number; a: string }>`select octet_length(html) as h, octet_length(pdf) as p, octet_length(xlsx) as x,
      figures->'totals'->>'alerts' as a from reports where id = ${r.id}`.execute(db)).rows[0];
    const s = (ms?: number) => `${((ms ?? 0) / 1000).toFixed(2)} s`;
    console.log(`monthly domestic report 2026-10 (${Number(sizes.a).toLocaleString()} alerts in the month, ${ALERTS.toLocaleString()} in the database)`);
    console.log(`  figures (SQL)  ${s(r.timings.figuresMs)}`);
    console.log(`  HTML + charts  ${s(r.timings.htmlMs)}   (${(sizes.h / 1024).toFixed(0)} KB)`);
    console.log(`  PDF            ${s(r.timings.pdfMs)}   (${(sizes.p / 1024).toFixed(0)} KB)`);
    console.log(`  XLSX           ${s(r.timings.xlsxMs)}   (${(sizes.x / 1024).toFixed(0)} KB)`);
    console.log(`  total          ${s(total)}`);
    console.log(`  peak RSS       ${mb(process.resourceUsage().maxRSS)} (before the report: ${mb(rssBefore)}; Chromium's own memory not included)`);
  } finally {
    await close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
