// Generating a report: figures (SQL) → HTML (+ SVG charts) → PDF and XLSX → one stored version.
// Idempotency: generation of a (kind, period, scope) runs under a Postgres session advisory lock;
// in 'ensure' mode (schedulers, retried jobs, on-demand requests) an existing ready version is
// returned instead of producing a second report. 'regenerate' adds version+1, keeping the old.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { domesticFigures, overseasFigures, type Figures } from './figures.ts';
import { parsePeriod } from './period.ts';
import { renderHtml } from './render-html.ts';
import { renderPdf, renderXlsx } from './render-files.ts';
import { reportsDb } from './report.repository.ts';
import { parseScope, scopeLabel, type Scope } from './scope.ts';

export type ReportKind = 'domestic' | 'overseas';

export interface GenerateOptions {
  kind: ReportKind;
  period: string;
  scope?: string;
  mode?: 'ensure' | 'regenerate';
  trigger?: 'schedule' | 'manual' | 'api';
  requestedBy?: string | null;
  chromiumPath: string;
  /** default all three; html is always produced */
  formats?: ('pdf' | 'xlsx')[];
}

export interface GenerateResult {
  id: string;
  version: number;
  created: boolean;
  timings: Record<string, number>;
}

async function scopeName(db: Kysely<Database>, s: Scope): Promise<string> {
  if (s.type === 'all') return '全部';
  if (s.type === 'region') return s.name;
  const rh = await db.selectFrom('rights_holders').select('name').where('id', '=', s.holderId).executeTakeFirst();
  if (!rh) throw new AppError('not_found', `rights holder ${s.holderId} does not exist`, 'scope');
  return `权利人：${rh.name}`;
}

export function reportTitle(kind: ReportKind, periodTitle: string): string {
  return kind === 'domestic' ? `知识产权侵权假冒风险预警报告（${periodTitle}）` : `海外知识产权风险预警报告（${periodTitle}）`;
}

export async function generateReport(db: Kysely<Database>, o: GenerateOptions): Promise<GenerateResult> {
  const period = parsePeriod(o.period);
  const scope = parseScope(o.scope ?? 'all');
  const label = scopeLabel(scope);
  const name = await scopeName(db, scope);
  const lockKey = `report:${o.kind}:${period.label}:${label}`;
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtextextended(${lockKey}, 0))`.execute(conn);
    try {
      const rdb = reportsDb(conn);
      const last = await rdb
        .selectFrom('reports')
        .select(['id', 'version', 'status'])
        .where('kind', '=', o.kind)
        .where('period', '=', period.label)
        .where('scope', '=', label)
        .orderBy('version', 'desc')
        .executeTakeFirst();
      if (last && last.status === 'ready' && (o.mode ?? 'ensure') === 'ensure') {
        return { id: String(last.id), version: last.version, created: false, timings: {} };
      }
      const version = (last?.version ?? 0) + 1;
      const timings: Record<string, number> = {};
      let t = performance.now();
      const figures: Figures = o.kind === 'domestic' ? await domesticFigures(conn, period, scope) : await overseasFigures(conn, period, scope);
      timings.figuresMs = Math.round(performance.now() - t);
      t = performance.now();
      const title = reportTitle(o.kind, period.title);
      const htmlDoc = await renderHtml(figures, { title, period, scopeName: name, version, generatedAt: new Date() });
      timings.htmlMs = Math.round(performance.now() - t);
      const formats = o.formats ?? ['pdf', 'xlsx'];
      let pdf: Buffer | null = null;
      let xlsx: Buffer | null = null;
      if (formats.includes('pdf')) {
        t = performance.now();
        pdf = await renderPdf(htmlDoc, o.chromiumPath, title);
        timings.pdfMs = Math.round(performance.now() - t);
      }
      if (formats.includes('xlsx')) {
        t = performance.now();
        xlsx = await renderXlsx(figures, title);
        timings.xlsxMs = Math.round(performance.now() - t);
      }
      const row = await rdb
        .insertInto('reports')
        .values({
          kind: o.kind, period: period.label, scope: label, version, trigger: o.trigger ?? 'manual', requested_by: o.requestedBy ?? null,
          period_start: period.start, period_end: period.end, title, html: htmlDoc, pdf, xlsx,
          figures: JSON.stringify(figures), timings: JSON.stringify(timings),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { id: String(row.id), version, created: true, timings };
    } finally {
      await sql`select pg_advisory_unlock(hashtextextended(${lockKey}, 0))`.execute(conn);
    }
  });
}
