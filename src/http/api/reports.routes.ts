// Risk-warning reports: list, generate on demand (any period and scope), regenerate (version+1,
// older versions kept), and download as HTML, PDF or XLSX. Rights holders see and generate only
// reports scoped to their own organisation ('holder:<their id>'); another scope is a 404/403.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { currentUser, requireRole } from '../../auth/auth.plugin.ts';
import type { AuthUser } from '../../auth/auth.types.ts';
import { getReportFile, getReportSummary, listReports, reportsDb } from '../../reports/report.repository.ts';
import { CRON_RE, listReportSchedules, syncReportSchedules } from '../../reports/schedule.ts';
import { parseScope, scopeLabel } from '../../reports/scope.ts';
import { generateReport } from '../../reports/report.service.ts';
import { customPeriod } from '../../reports/period.ts';
import { listReportDeliveries } from '../../reports/report.delivery.ts';

const READERS = ['admin', 'reviewer', 'rights_holder', 'viewer'] as const;
const MAKERS = ['admin', 'reviewer', 'rights_holder'] as const;
const STAFF = ['admin', 'reviewer'] as const;
const id = z.object({ id: z.string().regex(/^\d{1,19}$/) });
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const TYPES = { html: 'text/html; charset=utf-8', pdf: 'application/pdf', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;

/** the scope a user may see: a rights holder only its own organisation's */
function allowedScope(u: AuthUser, scope: string): string {
  if (u.role !== 'rights_holder') return scope;
  const own = `holder:${u.rightsHolderId ?? '-1'}`;
  if (scope !== 'all' && scope !== own) throw new AppError('forbidden', '权利人只能查看本单位的报告 (a rights holder sees only its own reports)', 'scope');
  return own;
}

export async function reportRoutes(root: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { ctx } = opts;
  const { db } = ctx;
  const visible = async (u: AuthUser, reportId: string) => {
    const r = await getReportSummary(db, reportId);
    if (!r || (u.role === 'rights_holder' && r.scope !== `holder:${u.rightsHolderId}`)) throw new AppError('not_found', `report ${reportId} not found`);
    return r;
  };

  app.get(
    '/api/reports',
    {
      schema: {
        summary: 'List generated reports (newest first; a rights holder sees its own)',
        tags: ['reports'],
        querystring: z.object({
          kind: z.enum(['domestic', 'overseas']).optional(),
          scope: z.string().optional(),
          period: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
      preHandler: requireRole(...READERS),
    },
    async (req) => {
      const u = currentUser(req);
      const scope = u.role === 'rights_holder' ? allowedScope(u, req.query.scope ?? 'all') : req.query.scope;
      return { items: await listReports(db, { ...req.query, scope }) };
    },
  );

  app.post(
    '/api/reports',
    {
      schema: {
        summary: 'Generate a report for a period (2026-W47, 2026-11, or from/to dates) and scope; returns the existing one unless regenerate',
        tags: ['reports'],
        body: z
          .object({
            kind: z.enum(['domestic', 'overseas']).default('domestic'),
            period: z.string().optional(),
            from: date.optional(),
            to: date.optional(),
            scope: z.string().default('all').describe("'all', 'holder:<id>' or 'region:<GB/T 2260 code>'"),
            regenerate: z.boolean().default(false),
          })
          .refine((b) => Boolean(b.period) !== Boolean(b.from && b.to), { message: 'give either period or both from and to' }),
      },
      preHandler: requireRole(...MAKERS),
    },
    async (req, reply) => {
      const u = currentUser(req);
      const b = req.body;
      if (b.regenerate && u.role === 'rights_holder') throw new AppError('forbidden', '只有工作人员可以重新生成报告 (staff only)', 'regenerate');
      const r = await generateReport(db, {
        kind: b.kind, period: b.period ?? customPeriod(b.from!, b.to!), scope: allowedScope(u, b.scope), mode: b.regenerate ? 'regenerate' : 'ensure',
        trigger: 'api', requestedBy: u.id, chromiumPath: ctx.config.CHROMIUM_PATH,
      });
      return reply.status(r.created ? 201 : 200).send({ ...r, report: await getReportSummary(db, r.id).then((s) => s && { ...s, figures: undefined }) });
    },
  );

  app.get(
    '/api/reports/schedules',
    { schema: { summary: 'Report schedules (cron, time zone, scope)', tags: ['reports'] }, preHandler: requireRole(...STAFF) },
    async () => ({ items: await listReportSchedules(db) }),
  );

  app.put(
    '/api/reports/schedules/:key',
    {
      schema: {
        summary: 'Create or change a report schedule (admin); takes effect at once',
        tags: ['reports'],
        params: z.object({ key: z.string().regex(/^report-[a-z0-9-]{1,60}$/) }),
        body: z.object({
          kind: z.enum(['domestic', 'overseas']).optional(),
          every: z.enum(['week', 'month']).optional(),
          cron: z.string().regex(CRON_RE, 'five cron fields, e.g. "0 8 * * 1"').optional(),
          tz: z.string().min(1).max(64).optional(),
          scope: z.string().optional(),
          enabled: z.boolean().optional(),
        }),
      },
      preHandler: requireRole('admin'),
    },
    async (req) => {
      const u = currentUser(req);
      const b = req.body;
      if (b.tz) {
        try {
          new Intl.DateTimeFormat('en', { timeZone: b.tz });
        } catch {
          throw new AppError('bad_request', `unknown time zone ${b.tz}`, 'tz');
        }
      }
      const scope = b.scope === undefined ? undefined : scopeLabel(parseScope(b.scope));
      const rdb = reportsDb(db);
      const existing = await rdb.selectFrom('report_schedules').select('key').where('key', '=', req.params.key).executeTakeFirst();
      if (existing) {
        await rdb
          .updateTable('report_schedules')
          .set({ ...b, scope, updated_by: u.id, updated_at: new Date() })
          .where('key', '=', req.params.key)
          .execute();
      } else {
        if (!b.kind || !b.every || !b.cron) throw new AppError('bad_request', 'a new schedule needs kind, every and cron', 'cron');
        await rdb.insertInto('report_schedules').values({ key: req.params.key, kind: b.kind, every: b.every, cron: b.cron, tz: b.tz, scope, enabled: b.enabled, updated_by: u.id }).execute();
      }
      await syncReportSchedules(ctx);
      return { items: await listReportSchedules(db) };
    },
  );

  app.get(
    '/api/reports/:id',
    { schema: { summary: 'One report: metadata and figures', tags: ['reports'], params: id }, preHandler: requireRole(...READERS) },
    async (req) => visible(currentUser(req), req.params.id),
  );

  app.get(
    '/api/reports/:id/deliveries',
    { schema: { summary: 'Where a report was sent: one row per subscription (status, attempts, last error)', tags: ['reports'], params: id }, preHandler: requireRole(...STAFF) },
    async (req) => {
      await visible(currentUser(req), req.params.id);
      return { items: await listReportDeliveries(db, req.params.id) };
    },
  );

  app.post(
    '/api/reports/:id/regenerate',
    { schema: { summary: 'Regenerate a report (adds a new version, keeps the old)', tags: ['reports'], params: id }, preHandler: requireRole(...STAFF) },
    async (req, reply) => {
      const u = currentUser(req);
      const r = await visible(u, req.params.id);
      const out = await generateReport(db, {
        kind: r.kind, period: r.period, scope: r.scope, mode: 'regenerate', trigger: 'api', requestedBy: u.id, chromiumPath: ctx.config.CHROMIUM_PATH,
      });
      return reply.status(201).send(out);
    },
  );

  app.get(
    '/api/reports/:id/report.:format',
    {
      schema: { summary: 'Download a report as HTML, PDF or XLSX', tags: ['reports'], params: id.extend({ format: z.enum(['html', 'pdf', 'xlsx']) }) },
      preHandler: requireRole(...READERS),
    },
    async (req, reply) => {
      const u = currentUser(req);
      await visible(u, req.params.id);
      const f = await getReportFile(db, req.params.id, req.params.format);
      if (!f?.body) throw new AppError('not_found', `report ${req.params.id} has no ${req.params.format}`);
      const fname = `report-${f.period.replace(/[^0-9A-Za-z.-]/g, '_')}-v${f.version}.${req.params.format}`;
      return reply
        .type(TYPES[req.params.format])
        .header('content-disposition', `${req.params.format === 'html' ? 'inline' : 'attachment'}; filename="${fname}"`)
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
        .send(f.body);
    },
  );
}
