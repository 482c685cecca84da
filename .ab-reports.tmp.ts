import pg from 'pg';
const c = new pg.Client({ connectionString: 'postgres://root@127.0.0.1:5432/ipclue_bench_reports' });
await c.connect();
await c.query('begin');
await c.query(`create temp table rc_cohort on commit drop as select a.id, a.mark_id, a.level, a.status, a.created_at, a.created_at >= '2026-09-30T16:00Z' as cur, s.channel, s.name as source_name, l.category, l.region_code from alerts a join listings l on l.id=a.listing_id join sources s on s.id=l.source_id where a.created_at >= '2026-08-31T16:00Z' and a.created_at < '2026-10-31T16:00Z'`);
await c.query('analyze rc_cohort');
const time = async (name: string, q: string) => { const t = performance.now(); await c.query(q); console.log(name, (performance.now() - t).toFixed(0)); };
for (let i = 0; i < 2; i++) {
await time('grouping sets', `select grouping(mark_id)=0, mark_id, channel, source_name, cat, prov, city, day, count(*) filter (where cur), count(*) filter (where not cur) from (select mark_id, channel, source_name, cur, status, coalesce(nullif(category,''),'x') cat, case when region_code ~ '^[0-9]{6}' then left(region_code,2)||'0000' end prov, case when region_code ~ '^[0-9]{6}' then left(region_code,4)||'00' end city, floor(extract(epoch from created_at - case when cur then '2026-09-30T16:00Z'::timestamptz else '2026-08-31T16:00Z'::timestamptz end)/86400)::int as day from rc_cohort) c group by grouping sets ((mark_id),(channel),(source_name),(cat),(prov),(city),(day))`);
let t = performance.now();
for (const e of ['mark_id', 'channel', 'source_name', "coalesce(nullif(category,''),'x')", "left(region_code,2)||'0000'", "left(region_code,4)||'00'", "floor(extract(epoch from created_at - case when cur then '2026-09-30T16:00Z'::timestamptz else '2026-08-31T16:00Z'::timestamptz end)/86400)::int"])
  await c.query(`select ${e} k, count(*) filter (where cur), count(*) filter (where not cur) from rc_cohort group by 1`);
console.log('seven group bys', (performance.now() - t).toFixed(0));
}
const ex = await c.query(`explain select grouping(mark_id)=0, count(*) from (select mark_id, channel, source_name, category cat, region_code prov from rc_cohort) c group by grouping sets ((mark_id),(channel),(source_name),(cat),(prov))`);
console.log(ex.rows.map((r) => r['QUERY PLAN']).join('\n'));
await c.query('rollback'); await c.end();
