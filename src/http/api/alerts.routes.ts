// The review API: the alert queue and its filters, alert detail and history, workflow actions
// (one or bulk), rights holders' flags, exports, clues, blacklist proposals, rules, level
// thresholds and notification subscriptions. Rights holders see only alerts on their own
// organisation's marks; anybody else's alert is a 404, not a 403.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { currentUser, orgScope, requireRole } from '../../auth/auth.plugin.ts';
import type { AuthUser } from '../../auth/auth.types.ts';
import {
  dashboard, getAlertDetail, getLevelThresholds, iterateAlerts, listAlertEvents, listAlerts, parseCursor, setLevelThresholds,
  type AlertFilter,
} from '../../alerts/alert.repository.ts';
import { alertActionSchema, alertFilterSchema, alertListQuery, holderFlagSchema, ruleInputSchema, thresholdsSchema } from '../../alerts/alert.schema.ts';
import { applyAction, bulkAction, flagByHolder, validateRule, type Actor } from '../../alerts/alert.service.ts';
import { createRule, deleteRule, listRules, updateRule } from '../../alerts/rule.repository.ts';
import { EXPORT_CAP, EXPORT_TYPES, exportRow, toCsv, toXlsx } from '../../alerts/alert.export.ts';
import { confirmClue, decideProposal, getClueSummary, listClues, listProposals, setSellerIdentity } from '../../clues/clue.service.ts';
import { createSubscription, disableSubscription, listSubscriptions, subscriptionInputSchema } from '../../alerts/notification.service.ts';

const STAFF = ['admin', 'reviewer'] as const;
const READERS = ['admin', 'reviewer', 'rights_holder', 'viewer'] as const;
const USERS = ['admin', 'reviewer', 'rights_holder'] as const;

const idParams = z.object({ id: z.string().regex(/^\d{1,19}$/, 'id must be a number') });

export const scopeOf = (u: AuthUser | null) => ({ rightsHolderId: orgScope(u) });
export const actorOf = (u: AuthUser): Actor & { kind: 'user' } => {
  if (!u.id) throw new AppError('unauthorized', '演示访客只读，请登录后操作 (the demo viewer is read-only: log in)');
  return { kind: 'user', id: u.id, role: u.role };
};

/** the query-string filter as the repository takes it */
export function toFilter(q: z.infer<typeof alertFilterSchema>): AlertFilter {
  return {
    status: q.status, level: q.level, markId: q.markId, sourceId: q.sourceId, channel: q.channel, region: q.region,
    from: q.from, to: q.to, assigneeId: q.assigneeId, sellerId: q.sellerId, clueId: q.clueId,
  };
}

const bulkBody = z.object({
  filter: alertFilterSchema.refine((f) => Object.values(f).some((v) => v !== undefined), {
    message: 'a bulk action needs a filter (status, level, mark…): it never applies to every alert',
  }),
  action: alertActionSchema,
});

export async function alertRoutes(root: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { db } = opts.ctx;

  app.get(
    '/api/alerts',
    {
      schema: { summary: 'List alerts, highest risk first (keyset pagination on score, id)', querystring: alertListQuery, tags: ['alerts'] },
      preHandler: requireRole(...READERS),
    },
    async (req) => listAlerts(db, { ...toFilter(req.query), after: parseCursor(req.query.after), limit: req.query.limit }, scopeOf(req.user)),
  );

  app.get(
    '/api/alerts/dashboard',
    { schema: { summary: 'Counts by status and level, new today, oldest unreviewed, per-channel volume', tags: ['alerts'] }, preHandler: requireRole(...READERS) },
    async (req) => dashboard(db, scopeOf(req.user)),
  );

  app.get(
    '/api/alerts/export',
    {
      schema: {
        summary: `Export the filtered selection (at most ${EXPORT_CAP} alerts) as CSV or XLSX`,
        querystring: alertFilterSchema.extend({ format: z.enum(['csv', 'xlsx']).default('csv') }),
        tags: ['alerts'],
      },
      preHandler: requireRole(...READERS),
    },
    async (req, reply) => {
      const rows: string[][] = [];
      for await (const a of iterateAlerts(db, toFilter(req.query), scopeOf(req.user), EXPORT_CAP)) rows.push(exportRow(a));
      const body = req.query.format === 'csv' ? toCsv(rows) : await toXlsx(rows);
      return reply
        .type(EXPORT_TYPES[req.query.format])
        .header('content-disposition', `attachment; filename="alerts-${new Date().toISOString().slice(0, 10)}.${req.query.format}"`)
        .send(body);
    },
  );

  app.post(
    '/api/alerts/bulk',
    {
      schema: { summary: 'Apply one action to every alert matching a filter (at most 1000); each change is recorded per alert', body: bulkBody, tags: ['alerts'] },
      preHandler: requireRole(...STAFF),
    },
    async (req) => bulkAction(db, toFilter(req.body.filter), req.body.action, actorOf(currentUser(req)), scopeOf(req.user)),
  );

  app.get(
    '/api/alerts/:id',
    { schema: { summary: 'One alert: listing, matched entry, reasons, seller, clue, price history and its history', params: idParams, tags: ['alerts'] }, preHandler: requireRole(...READERS) },
    async (req) => {
      const a = await getAlertDetail(db, req.params.id, scopeOf(req.user));
      if (!a) throw new AppError('not_found', `alert ${req.params.id} not found`);
      return { ...a, history: await listAlertEvents(db, a.id) };
    },
  );

  app.get(
    '/api/alerts/:id/history',
    { schema: { summary: 'The append-only history of an alert', params: idParams, tags: ['alerts'] }, preHandler: requireRole(...READERS) },
    async (req) => {
      const a = await getAlertDetail(db, req.params.id, scopeOf(req.user));
      if (!a) throw new AppError('not_found', `alert ${req.params.id} not found`);
      return { items: await listAlertEvents(db, a.id) };
    },
  );

  app.post(
    '/api/alerts/:id/actions',
    {
      schema: {
        summary: 'Workflow action: start_review, confirm, dismiss (reason + note), refer, close (outcome), reopen, assign, comment',
        params: idParams,
        body: alertActionSchema,
        tags: ['alerts'],
      },
      preHandler: requireRole(...STAFF),
    },
    async (req) => applyAction(db, req.params.id, req.body, actorOf(currentUser(req))),
  );

  app.post(
    '/api/alerts/:id/holder-flag',
    {
      schema: { summary: "A rights holder's judgement: genuine (authorised) or infringing; visible to reviewers", params: idParams, body: holderFlagSchema, tags: ['alerts'] },
      preHandler: requireRole('rights_holder'),
    },
    async (req) => {
      const u = currentUser(req);
      await flagByHolder(db, req.params.id, req.body.flag, req.body.note, actorOf(u), scopeOf(u));
      return { ok: true };
    },
  );

  // clues
  app.get(
    '/api/clues',
    {
      schema: {
        summary: 'Clues (sellers grouped by identity), riskiest first',
        querystring: z.object({ status: z.enum(['open', 'confirmed']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
        tags: ['clues'],
      },
      preHandler: requireRole(...READERS),
    },
    async (req) => ({ items: await listClues(db, { limit: req.query.limit, status: req.query.status }, scopeOf(req.user)) }),
  );
  app.get(
    '/api/clues/:id',
    { schema: { summary: 'Clue summary: sellers, suspect listings across sources and marks, price range, history', params: idParams, tags: ['clues'] }, preHandler: requireRole(...READERS) },
    async (req) => getClueSummary(db, req.params.id, scopeOf(req.user)),
  );
  app.post(
    '/api/clues/:id/confirm',
    {
      schema: { summary: 'Confirm a clue: confirms every open alert of it', params: idParams, body: z.object({ note: z.string().max(2000).optional() }).default({}), tags: ['clues'] },
      preHandler: requireRole(...STAFF),
    },
    async (req) => confirmClue(db, req.params.id, actorOf(currentUser(req)), req.body.note),
  );
  app.put(
    '/api/sellers/:id/identity',
    {
      schema: {
        summary: 'Identity attributes of a seller (company name, credit code, phone, address): links clues across platforms',
        params: idParams,
        body: z.object({
          companyName: z.string().max(200).optional(),
          creditCode: z
            .string()
            .max(30)
            .transform((v) => v.toUpperCase().replace(/[\s-]/g, ''))
            .pipe(z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, 'an 18-character unified social credit code (统一社会信用代码)'))
            .optional(),
          phone: z.string().max(40).optional(),
          address: z.string().max(300).optional(),
        }),
        tags: ['clues'],
      },
      preHandler: requireRole(...STAFF),
    },
    async (req) =>
      setSellerIdentity(db, req.params.id, {
        company_name: req.body.companyName, credit_code: req.body.creditCode, phone: req.body.phone, address: req.body.address,
      }),
  );
  app.get(
    '/api/blacklist-proposals',
    {
      schema: { summary: 'Blacklist proposals (sellers with ≥ 3 confirmed alerts)', querystring: z.object({ status: z.enum(['proposed', 'accepted', 'rejected']).optional() }), tags: ['clues'] },
      preHandler: requireRole(...STAFF, 'viewer'),
    },
    async (req) => ({ items: await listProposals(db, req.query.status) }),
  );
  app.post(
    '/api/blacklist-proposals/:id/decision',
    {
      schema: {
        summary: 'Accept (lists the seller on the blacklist) or reject a proposal',
        params: idParams,
        body: z.object({ decision: z.enum(['accept', 'reject']), note: z.string().trim().min(1).max(2000) }),
        tags: ['clues'],
      },
      preHandler: requireRole(...STAFF),
    },
    async (req) => decideProposal(db, req.params.id, req.body.decision, req.body.note, actorOf(currentUser(req))),
  );

  // rules and thresholds (administrators)
  app.get('/api/alert-rules', { schema: { summary: 'Alert rules, in order', tags: ['rules'] }, preHandler: requireRole(...STAFF, 'viewer') }, async () => ({
    items: await listRules(db),
  }));
  app.post(
    '/api/alert-rules',
    { schema: { summary: 'Create a rule (JSON conditions, one action)', body: ruleInputSchema, tags: ['rules'] }, preHandler: requireRole('admin') },
    async (req, reply) => {
      await validateRule(db, req.body.action);
      return reply.status(201).send(await createRule(db, req.body, currentUser(req).id));
    },
  );
  app.put(
    '/api/alert-rules/:id',
    { schema: { summary: 'Replace a rule', params: idParams, body: ruleInputSchema, tags: ['rules'] }, preHandler: requireRole('admin') },
    async (req) => {
      await validateRule(db, req.body.action);
      const r = await updateRule(db, req.params.id, req.body);
      if (!r) throw new AppError('not_found', `rule ${req.params.id} not found`);
      return r;
    },
  );
  app.delete(
    '/api/alert-rules/:id',
    { schema: { summary: 'Delete a rule (its past actions stay in the alerts’ history)', params: idParams, tags: ['rules'] }, preHandler: requireRole('admin') },
    async (req) => {
      if (!(await deleteRule(db, req.params.id))) throw new AppError('not_found', `rule ${req.params.id} not found`);
      return { ok: true };
    },
  );
  app.get('/api/alert-settings/thresholds', { schema: { summary: 'Level thresholds (score ≥ high → high, ≥ medium → medium)', tags: ['rules'] }, preHandler: requireRole(...READERS) }, async () =>
    getLevelThresholds(db),
  );
  app.put(
    '/api/alert-settings/thresholds',
    { schema: { summary: 'Set the level thresholds (applied to alerts created or rescored from now on)', body: thresholdsSchema, tags: ['rules'] }, preHandler: requireRole('admin') },
    async (req) => {
      await setLevelThresholds(db, req.body, currentUser(req).id);
      return getLevelThresholds(db);
    },
  );

  // notification subscriptions (the user's own)
  app.get('/api/subscriptions', { schema: { summary: 'My alert subscriptions', tags: ['notifications'] }, preHandler: requireRole(...USERS) }, async (req) => ({
    items: await listSubscriptions(db, actorOf(currentUser(req)).id),
  }));
  app.post(
    '/api/subscriptions',
    {
      schema: { summary: 'Subscribe to new alerts on marks (webhook signed with HMAC-SHA256, or e-mail with a daily digest)', body: subscriptionInputSchema, tags: ['notifications'] },
      preHandler: requireRole(...USERS),
    },
    async (req, reply) => reply.status(201).send(await createSubscription(db, actorOf(currentUser(req)).id, req.body)),
  );
  app.delete(
    '/api/subscriptions/:id',
    { schema: { summary: 'Stop a subscription', params: idParams, tags: ['notifications'] }, preHandler: requireRole(...USERS) },
    async (req) => {
      await disableSubscription(db, actorOf(currentUser(req)).id, req.params.id);
      return { ok: true };
    },
  );
}
