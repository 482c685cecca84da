// The watchlist API: marks, GIs, markets of concern, risk points, blacklist; their history,
// bulk import, export; and the matcher snapshot. Rights holders see and change only their own
// organisation's marks (another's is a 404); the other lists are staff-maintained.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { currentUser, orgScope, requireRole } from '../../auth/auth.plugin.ts';
import { getRightsHolder } from '../../auth/user.repository.ts';
import type { AuthUser } from '../../auth/auth.types.ts';
import { idParam } from '../../watchlists/validators.ts';
import {
  GiCreateSchema, ListMarksQuery, MarkCreateSchema, MarkPatchSchema, StatusChangeSchema, type MarkKind,
} from '../../watchlists/mark.schema.ts';
import { createMark, getMarkScoped, listMarks, setMarkStatus, updateMark } from '../../watchlists/mark.repository.ts';
import {
  BlacklistCreateSchema, BlacklistPatchSchema, LiftSchema, ListQuery, MarketCreateSchema, MarketPatchSchema, RiskPointCreateSchema,
  RiskPointPatchSchema,
} from '../../watchlists/lists.schema.ts';
import { createEntry, getEntry, liftBlacklistEntry, listEntries, updateEntry, type FlatList } from '../../watchlists/lists.repository.ts';
import { listHistory } from '../../watchlists/history.repository.ts';
import { buildSnapshot, getWatchlistVersion } from '../../watchlists/snapshot.ts';
import { importMarks } from '../../watchlists/mark-import.ts';
import { CONTENT_TYPES, detectFormat, readTable, writeCsv, writeXlsx, type TableFormat } from '../../watchlists/table-io.ts';
import { blacklistTable, marketsTable, marksTable, riskPointsTable } from '../../watchlists/list-export.ts';

const STAFF = ['admin', 'reviewer'] as const;
const READERS = ['admin', 'reviewer', 'viewer'] as const;
const ALL = ['admin', 'reviewer', 'rights_holder', 'viewer'] as const;
const EDITORS = ['admin', 'reviewer', 'rights_holder'] as const;

const exportQuery = z.object({ format: z.enum(['csv', 'xlsx']).default('csv') });
const importQuery = z.object({
  format: z.enum(['csv', 'xlsx']).optional().describe('default: detected from the file'),
  rightsHolderId: z.string().regex(/^\d{1,19}$/).optional().describe('owner for rows without an owner column (staff only)'),
});

async function sendTable(reply: FastifyReply, name: string, format: TableFormat, t: { headers: string[]; rows: string[][] }) {
  const body = format === 'csv' ? writeCsv(t.headers, t.rows) : await writeXlsx(name, t.headers, t.rows);
  return reply
    .type(CONTENT_TYPES[format])
    .header('content-disposition', `attachment; filename="${name}-${new Date().toISOString().slice(0, 10)}.${format}"`)
    .send(body);
}

const actor = (u: AuthUser) => ({ actorId: u.id });

export async function watchlistRoutes(root: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { db } = opts.ctx;

  // spreadsheets are posted as the raw request body
  app.addContentTypeParser(
    ['text/csv', CONTENT_TYPES.xlsx, 'application/octet-stream', 'application/vnd.ms-excel'],
    { parseAs: 'buffer', bodyLimit: 10 * 1024 * 1024 },
    (_req, body, done) => done(null, body),
  );

  for (const kind of ['mark', 'gi'] as const satisfies MarkKind[]) {
    const base = kind === 'mark' ? '/api/marks' : '/api/gis';
    const tags = [kind === 'mark' ? 'marks' : 'gis'];
    const what = kind === 'mark' ? 'trademark' : 'GI';

    app.get(base, { schema: { summary: `List ${what}s (a rights holder sees its own)`, querystring: ListMarksQuery, tags }, preHandler: requireRole(...ALL) }, async (req) => {
      const scope = orgScope(req.user);
      return listMarks(db, { ...req.query, kind, rightsHolderId: scope ?? req.query.rightsHolderId });
    });

    app.post(
      base,
      { schema: { summary: `Register a ${what} (starts pending)`, body: kind === 'mark' ? MarkCreateSchema : GiCreateSchema, tags }, preHandler: requireRole(...EDITORS) },
      async (req, reply) => {
        const u = currentUser(req);
        const body = req.body;
        let owner: string | null = body.rightsHolderId ?? null;
        if (u.role === 'rights_holder') {
          if (owner && owner !== u.rightsHolderId) throw new AppError('forbidden', 'a rights holder registers only for its own organisation', 'rightsHolderId');
          owner = u.rightsHolderId;
        } else if (owner && !(await getRightsHolder(db, owner))) {
          throw new AppError('bad_request', `no rights holder ${owner}`, 'rightsHolderId');
        }
        const mark = await createMark(db, actor(u), kind, body, owner);
        return reply.status(201).send(mark);
      },
    );

    app.get(`${base}/export`, { schema: { summary: `Export ${what}s as CSV or XLSX`, querystring: exportQuery.extend(ListMarksQuery.shape).extend({ limit: z.coerce.number().int().min(1).max(100_000).default(100_000) }), tags }, preHandler: requireRole(...ALL) }, async (req, reply) => {
      const scope = orgScope(req.user);
      const { items } = await listMarks(db, { ...req.query, kind, rightsHolderId: scope ?? req.query.rightsHolderId });
      return sendTable(reply, kind === 'mark' ? 'marks' : 'gis', req.query.format, marksTable(kind, items));
    });

    app.post(`${base}/import`, { schema: { summary: `Bulk import ${what}s from a CSV or XLSX body; per-row report`, querystring: importQuery, tags }, preHandler: requireRole(...EDITORS) }, async (req) => {
      const u = currentUser(req);
      if (!Buffer.isBuffer(req.body)) throw new AppError('bad_request', 'post the file as the body with content-type text/csv or the XLSX type', 'file');
      if (u.role === 'rights_holder' && req.query.rightsHolderId && req.query.rightsHolderId !== u.rightsHolderId) {
        throw new AppError('forbidden', 'a rights holder imports only for its own organisation', 'rightsHolderId');
      }
      const table = await readTable(req.body, detectFormat(req.body, req.query.format));
      return importMarks(db, table, {
        kind,
        actorId: u.id,
        ownOrgId: u.role === 'rights_holder' ? u.rightsHolderId! : undefined,
        defaultOrgId: u.role === 'rights_holder' ? undefined : req.query.rightsHolderId,
      });
    });

    app.get(`${base}/:id`, { schema: { summary: `One ${what}`, params: idParam, tags }, preHandler: requireRole(...ALL) }, async (req) =>
      getMarkScoped(db, req.params.id, kind, orgScope(req.user)),
    );

    app.patch(`${base}/:id`, { schema: { summary: `Edit a ${what} (a rights holder's edit of an approved entry goes back to review)`, params: idParam, body: MarkPatchSchema, tags }, preHandler: requireRole(...EDITORS) }, async (req) => {
      const u = currentUser(req);
      const scope = orgScope(u);
      await getMarkScoped(db, req.params.id, kind, scope);
      if (scope && req.body.rightsHolderId && req.body.rightsHolderId !== scope) {
        throw new AppError('forbidden', 'a rights holder cannot transfer a registration to another organisation', 'rightsHolderId');
      }
      if (!scope && req.body.rightsHolderId && !(await getRightsHolder(db, req.body.rightsHolderId))) {
        throw new AppError('bad_request', `no rights holder ${req.body.rightsHolderId}`, 'rightsHolderId');
      }
      return updateMark(db, actor(u), req.params.id, req.body, { backToPending: u.role === 'rights_holder' });
    });

    app.post(`${base}/:id/status`, { schema: { summary: `Approve, suspend or reject a ${what} (reason required to suspend/reject)`, params: idParam, body: StatusChangeSchema, tags }, preHandler: requireRole(...STAFF) }, async (req) => {
      await getMarkScoped(db, req.params.id, kind, undefined);
      return setMarkStatus(db, actor(currentUser(req)), req.params.id, req.body.status, req.body.reason);
    });

    app.get(`${base}/:id/history`, { schema: { summary: `Change history of a ${what} (append-only)`, params: idParam, tags }, preHandler: requireRole(...ALL) }, async (req) => {
      await getMarkScoped(db, req.params.id, kind, orgScope(req.user));
      return { items: await listHistory(db, 'marks', req.params.id) };
    });
  }

  const flat: { list: FlatList; base: string; tag: string; create: z.ZodType<Record<string, unknown>>; patch: z.ZodType<Record<string, unknown>>; readers: readonly AuthUser['role'][]; table: (items: any[]) => { headers: string[]; rows: string[][] } }[] = [
    { list: 'markets', base: '/api/markets', tag: 'markets', create: MarketCreateSchema, patch: MarketPatchSchema, readers: ALL, table: marketsTable },
    { list: 'risk_points', base: '/api/risk-points', tag: 'risk-points', create: RiskPointCreateSchema, patch: RiskPointPatchSchema, readers: ALL, table: riskPointsTable },
    // the blacklist names people and companies: staff only
    { list: 'blacklist', base: '/api/blacklist', tag: 'blacklist', create: BlacklistCreateSchema, patch: BlacklistPatchSchema, readers: READERS, table: blacklistTable },
  ];
  for (const l of flat) {
    const tags = [l.tag];
    app.get(l.base, { schema: { summary: `List ${l.tag}`, querystring: ListQuery, tags }, preHandler: requireRole(...l.readers) }, async (req) =>
      listEntries(db, l.list, { ...req.query, includeInactive: req.query.includeInactive === 'true' }),
    );
    app.post(l.base, { schema: { summary: `Add to ${l.tag}`, body: l.create, tags }, preHandler: requireRole(...STAFF) }, async (req, reply) =>
      reply.status(201).send(await createEntry(db, actor(currentUser(req)), l.list, req.body)),
    );
    app.get(`${l.base}/export`, { schema: { summary: `Export ${l.tag} as CSV or XLSX`, querystring: exportQuery, tags }, preHandler: requireRole(...l.readers) }, async (req, reply) => {
      const { items } = await listEntries(db, l.list, { includeInactive: true, limit: 1_000_000, offset: 0 });
      return sendTable(reply, l.tag, req.query.format, l.table(items));
    });
    app.get(`${l.base}/:id`, { schema: { summary: `One ${l.tag} entry`, params: idParam, tags }, preHandler: requireRole(...l.readers) }, async (req) =>
      getEntry(db, l.list, req.params.id),
    );
    app.patch(`${l.base}/:id`, { schema: { summary: `Edit a ${l.tag} entry`, params: idParam, body: l.patch, tags }, preHandler: requireRole(...STAFF) }, async (req) =>
      updateEntry(db, actor(currentUser(req)), l.list, req.params.id, req.body),
    );
    app.get(`${l.base}/:id/history`, { schema: { summary: `Change history of a ${l.tag} entry (append-only)`, params: idParam, tags }, preHandler: requireRole(...l.readers) }, async (req) => {
      await getEntry(db, l.list, req.params.id);
      return { items: await listHistory(db, l.list, req.params.id) };
    });
  }

  app.post('/api/blacklist/:id/lift', { schema: { summary: 'Lift a blacklist entry with a reason (nothing is deleted)', params: idParam, body: LiftSchema, tags: ['blacklist'] }, preHandler: requireRole(...STAFF) }, async (req) =>
    liftBlacklistEntry(db, actor(currentUser(req)), req.params.id, req.body.reason),
  );

  app.get('/api/watchlist/version', { schema: { summary: 'The watchlist version: bumped by any change to any list', tags: ['watchlist'] }, preHandler: requireRole(...ALL) }, async () => ({
    version: await getWatchlistVersion(db),
  }));
  app.get('/api/watchlist/export', { schema: { summary: 'The matcher snapshot of every active entry (the watchlist file format)', tags: ['watchlist'] }, preHandler: requireRole(...READERS) }, async () =>
    buildSnapshot(db),
  );
}
