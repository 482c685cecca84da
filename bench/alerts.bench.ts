// Alert queue benchmark: seeds 1,000,000 alerts over 10,000 sellers and 1,000 marks (set-based
// SQL with generate_series, not row by row) into a fresh database, then measures the queue's
// first page and filtered pages through the HTTP server (fastify inject: routing, auth by API
// token, zod validation, serialisation) and prints p50/p95.
//
//   DATABASE_URL=postgres://root@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 \
//     npx tsx bench/alerts.bench.ts [--alerts 1000000] [--runs 200]
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { benchContext } from './bench-db.ts';
import { buildServer } from '../src/http/server.ts';
import { createApiToken, createUser } from '../src/auth/user.repository.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ALERTS = arg('alerts', 1_000_000);
const RUNS = arg('runs', 200);
const MARKS = 1000;
const SELLERS = 10_000;
const PER_LISTING = 4;
const LISTINGS = Math.ceil(ALERTS / PER_LISTING);
const DB_NAME = 'ipclue_bench_alerts';

async function main() {
  const { ctx, close } = await benchContext(DB_NAME);
  const db = ctx.db;
  try {
    const t0 = performance.now();
    const reviewer = await createUser(db, { email: 'bench@ipclue.invalid', name: 'bench', role: 'reviewer', password: 'bench-password-1' });
    const { token } = await createApiToken(db, reviewer.id, 'bench');
    await sql`insert into rights_holders (name) select '权利人' || g from generate_series(1, 100) g`.execute(db);
    await sql`insert into marks (kind, name, rights_holder_id, status, nice_classes, details)
      select 'mark', '商标' || g, (g % 100) + 1, 'active', '[30]', '{}' from generate_series(1, ${MARKS}) g`.execute(db);
    await sql`insert into sources (slug, name, channel, country, definition)
      values ('shop', '电商平台', 'ecommerce', 'CN', '{}'), ('fair', '展会', 'exhibition', 'CN', '{}'), ('mkt', '专业市场', 'market', 'CN', '{}')`.execute(db);
    await sql`insert into sellers (platform, external_id, name, region_code)
      select 'demo', 's' || g, '店铺' || g, (array['410102','440106','330102','110105','510104'])[(g % 5) + 1]
      from generate_series(1, ${SELLERS}) g`.execute(db);
    await sql`insert into listings (source_id, external_id, url, title, price, currency, seller_id, seller_name, region_code, content_hash)
      select (g % 3) + 1, 'l' || g, 'https://shop.example/item/' || g, '疑似商品 ' || g, ((g * 37) % 500) + 0.99, 'CNY',
        (g % ${SELLERS}) + 1, '店铺' || ((g % ${SELLERS}) + 1),
        (array['410102','440106','330102','110105','510104'])[((g % ${SELLERS}) % 5) + 1], md5(g::text)
      from generate_series(1, ${LISTINGS}) g`.execute(db);
    // four marks per listing (distinct: k·251 mod 1000 differs for k = 0..3); scores 30..100
    await sql`insert into alerts (listing_id, mark_id, score, level, status, match_kind, matched_text, reasons, created_at)
      select l, ((l * 7 + k * 251) % ${MARKS}) + 1, s, case when s >= 70 then 'high' when s >= 50 then 'medium' else 'low' end,
        (array['new','new','new','new','new','new','in_review','confirmed','dismissed','closed'])[((l + k) % 10) + 1],
        'visual', '商标', '[{"code":"name.visual","points":50,"text":"字形近似"}]'::jsonb,
        now() - ((l % 90) || ' days')::interval
      from (select l, k, 30 + ((l * 31 + k * 17) % 71) as s
            from generate_series(1, ${LISTINGS}) l, generate_series(0, ${PER_LISTING - 1}) k
            limit ${ALERTS}) x`.execute(db);
    await sql`analyze`.execute(db);
    const n = await sql<{ n: string }>`select count(*) as n from alerts`.execute(db);
    console.log(`seeded ${n.rows[0].n} alerts, ${LISTINGS} listings, ${SELLERS} sellers, ${MARKS} marks in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const app = await buildServer(ctx, { logger: false });
    const headers = { authorization: `Bearer ${token}` };
    const second = (await app.inject({ method: 'GET', url: '/api/alerts?status=new,in_review&limit=50', headers })).json().next as string;
    const cases: [string, string][] = [
      ['first page, all alerts', '/api/alerts?limit=50'],
      ['first page, open queue (new+in_review)', '/api/alerts?status=new,in_review&limit=50'],
      ['second page, open queue (keyset cursor)', `/api/alerts?status=new,in_review&limit=50&after=${second}`],
      ['filtered: level=high, channel=ecommerce, region 44', '/api/alerts?level=high&channel=ecommerce&region=44&limit=50'],
      ['filtered: one mark, open', '/api/alerts?markId=123&status=new,in_review&limit=50'],
      ['filtered: source + date range', '/api/alerts?sourceId=2&from=2020-01-01&to=2100-01-01&status=new&limit=50'],
      // not a queue page: whole-table aggregates, reported for reference
      ['dashboard (counts over all alerts)', '/api/alerts/dashboard'],
    ];
    console.log(`\n| query | p50 ms | p95 ms | rows |\n|---|---:|---:|---:|`);
    for (const [label, url] of cases) {
      let rows = 0;
      for (let i = 0; i < 20; i++) await app.inject({ method: 'GET', url, headers }); // warm-up
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        const res = await app.inject({ method: 'GET', url, headers });
        times.push(performance.now() - s);
        if (res.statusCode !== 200) throw new Error(`${url}: HTTP ${res.statusCode} ${res.body}`);
        rows = res.json().items?.length ?? 1;
      }
      times.sort((a, b) => a - b);
      const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))].toFixed(1);
      console.log(`| ${label} | ${pct(50)} | ${pct(95)} | ${rows} |`);
    }
    await app.close();
  } finally {
    await close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
