import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { domesticFigures } from '/work/main/src/reports/figures.ts';
import { parsePeriod } from '/work/main/src/reports/period.ts';
const db = new Kysely<any>({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: 'postgres://root@127.0.0.1:5432/ipclue_bench_reports', max: 4 }) }),
  log(e) { if (e.level === 'query') console.log(e.queryDurationMillis.toFixed(0).padStart(6), e.query.sql.replace(/\s+/g, ' ').slice(0, 110)); },
});
const t = performance.now();
await domesticFigures(db, parsePeriod('2026-10'), { type: 'all' });
console.log('total', (performance.now() - t).toFixed(0));
await db.destroy();
