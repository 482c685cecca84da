// The reports table (migration 0005). Typed here rather than in the shared schema: the
// repository widens the database type with `withTables`.
import type { ColumnType, Generated, Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface ReportsTable {
  id: Generated<string>;
  kind: 'domestic' | 'overseas';
  period: string;
  scope: string;
  version: number;
  status: Generated<'ready' | 'failed'>;
  trigger: Generated<string>;
  requested_by: string | null;
  period_start: Date;
  period_end: Date;
  title: string;
  html: string | null;
  pdf: Buffer | null;
  xlsx: Buffer | null;
  figures: ColumnType<Record<string, unknown>, string, string>;
  timings: ColumnType<Record<string, number>, string, string>;
  error: string | null;
  created_at: Generated<Date>;
}

export interface ReportSchedulesTable {
  key: string;
  kind: 'domestic' | 'overseas';
  every: 'week' | 'month';
  cron: string;
  tz: Generated<string>;
  scope: Generated<string>;
  enabled: Generated<boolean>;
  updated_by: string | null;
  updated_at: Generated<Date>;
}

/** one scheduled report sent to one subscription (migration 0007) */
export interface ReportDeliveriesTable {
  report_id: string;
  subscription_id: string;
  channel: 'webhook' | 'email';
  target: string;
  status: Generated<'pending' | 'sent' | 'failed' | 'skipped'>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  sent_at: Date | null;
}

type ReportTables = { reports: ReportsTable; report_schedules: ReportSchedulesTable; report_deliveries: ReportDeliveriesTable };
export type ReportsDb = Kysely<Database & ReportTables>;
export const reportsDb = (db: Kysely<Database>): ReportsDb => db.withTables<ReportTables>();

export interface ReportSummary {
  id: string;
  kind: 'domestic' | 'overseas';
  period: string;
  scope: string;
  version: number;
  status: string;
  trigger: string;
  title: string;
  periodStart: string;
  periodEnd: string;
  sizes: { html: number; pdf: number; xlsx: number };
  timings: Record<string, number>;
  createdAt: string;
}

const SUMMARY_COLS = ['id', 'kind', 'period', 'scope', 'version', 'status', 'trigger', 'title', 'period_start', 'period_end', 'timings', 'created_at'] as const;

function toSummary(r: any): ReportSummary {
  return {
    id: String(r.id), kind: r.kind, period: r.period, scope: r.scope, version: r.version, status: r.status, trigger: r.trigger, title: r.title,
    periodStart: new Date(r.period_start).toISOString(), periodEnd: new Date(r.period_end).toISOString(),
    sizes: { html: Number(r.html_size ?? 0), pdf: Number(r.pdf_size ?? 0), xlsx: Number(r.xlsx_size ?? 0) },
    timings: r.timings ?? {}, createdAt: new Date(r.created_at).toISOString(),
  };
}

export async function listReports(
  db: Kysely<Database>,
  q: { kind?: string; scope?: string; scopes?: string[]; period?: string; limit: number },
): Promise<ReportSummary[]> {
  let s = reportsDb(db)
    .selectFrom('reports')
    .select(SUMMARY_COLS)
    .select((eb) => [
      eb.fn<number>('octet_length', ['html']).as('html_size'),
      eb.fn<number>('octet_length', ['pdf']).as('pdf_size'),
      eb.fn<number>('octet_length', ['xlsx']).as('xlsx_size'),
    ]);
  if (q.kind) s = s.where('kind', '=', q.kind as 'domestic');
  if (q.scope) s = s.where('scope', '=', q.scope);
  if (q.scopes) s = s.where('scope', 'in', q.scopes.length ? q.scopes : ['-']);
  if (q.period) s = s.where('period', '=', q.period);
  return (await s.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute()).map(toSummary);
}

export async function getReportSummary(db: Kysely<Database>, id: string): Promise<(ReportSummary & { figures: Record<string, unknown> }) | null> {
  const r = await reportsDb(db)
    .selectFrom('reports')
    .select([...SUMMARY_COLS, 'figures'])
    .select((eb) => [
      eb.fn<number>('octet_length', ['html']).as('html_size'),
      eb.fn<number>('octet_length', ['pdf']).as('pdf_size'),
      eb.fn<number>('octet_length', ['xlsx']).as('xlsx_size'),
    ])
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? { ...toSummary(r), figures: r.figures } : null;
}

export async function getReportFile(db: Kysely<Database>, id: string, format: 'html' | 'pdf' | 'xlsx'): Promise<{ scope: string; title: string; period: string; version: number; body: string | Buffer | null } | null> {
  const r = await reportsDb(db).selectFrom('reports').select(['scope', 'title', 'period', 'version', format]).where('id', '=', id).executeTakeFirst();
  return r ? { scope: r.scope, title: r.title, period: r.period, version: r.version, body: (r as any)[format] } : null;
}
