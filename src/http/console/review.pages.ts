// The review console (Simplified Chinese, server-rendered; a few lines of inline script for
// keyboard shortcuts only). Forms post with the session's CSRF token (checked by the auth
// plugin) and redirect back (POST → 303 → GET); a refused action renders a page saying why.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { currentUser, requireRole } from '../../auth/auth.plugin.ts';
import type { AuthUser } from '../../auth/auth.types.ts';
import {
  alertCounts, dashboard, filterChoices, getAlertDetail, getLevelThresholds, listAlertEvents, listAlerts, neighbourAlert, parseCursor,
  setLevelThresholds,
} from '../../alerts/alert.repository.ts';
import { alertActionSchema, alertFilterSchema, holderFlagSchema, ruleInputSchema, thresholdsSchema } from '../../alerts/alert.schema.ts';
import { applyAction, bulkAction, flagByHolder, validateRule } from '../../alerts/alert.service.ts';
import { confirmClue, decideProposal, getClueSummary, listClues } from '../../clues/clue.service.ts';
import { listAlertEvidence } from '../../evidence/evidence.service.ts';
import { actorOf, scopeOf, toFilter } from '../api/alerts.routes.ts';
import { alertDetailPage, alertQueuePage, dashboardPage, errorPage, filterQueryString, formFilter } from './alerts.page.ts';
import { clueDetailPage, clueListPage } from './clues.page.ts';
import type { Html } from '../html.ts';
import { createRule, deleteRule, listRules } from '../../alerts/rule.repository.ts';
import { createSubscription, disableSubscription, listSubscriptions, subscriptionInputSchema } from '../../alerts/notification.service.ts';
import { alertSettingsPage, subscriptionsPage } from './settings.page.ts';
import { evidenceButtons } from './evidence.buttons.ts';

const READERS = ['admin', 'reviewer', 'rights_holder', 'viewer'] as const;
const STAFF = ['admin', 'reviewer'] as const;
const isStaff = (u: AuthUser | null) => u?.role === 'admin' || u?.role === 'reviewer';
const idParams = z.object({ id: z.string().regex(/^\d{1,19}$/) });

const send = (reply: FastifyReply, page: Html, status = 200) => reply.status(status).type('text/html; charset=utf-8').send(page.value);

function firstIssue(err: z.ZodError): string {
  const i = err.issues[0];
  return `${i.path.join('.') || '输入'}：${i.message}`;
}

/** the queue's filter from a query or a form: no status means the open queue, 'all' means any */
function parseQueueFilter(raw: Record<string, string | undefined>) {
  const { after: _after, ...rest } = raw;
  const status = rest.status === 'all' ? undefined : (rest.status ?? 'new,in_review');
  const parsed = alertFilterSchema.safeParse({ ...rest, status });
  if (!parsed.success) throw new AppError('bad_request', firstIssue(parsed.error));
  return toFilter(parsed.data);
}

const clean = (q: Record<string, unknown>) => {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(q)) if (typeof v === 'string' && v.trim() !== '') out[k] = v.trim();
  return out;
};

/** a console form's fields as the API's action body */
function formAction(b: Record<string, string | undefined>): unknown {
  if (b.action === 'refer') {
    return { action: 'refer', referral: { unit: b.unit, regionCode: b.regionCode, referenceNo: b.referenceNo ?? '', referredOn: b.referredOn ?? '' }, note: b.note };
  }
  if (b.action === 'assign') return { action: 'assign', assigneeId: b.assigneeId ?? null, note: b.note };
  return { action: b.action, reason: b.reason, note: b.note, outcome: b.outcome };
}

export async function reviewPages(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { db } = opts.ctx;

  // a refused console action is a page, not JSON
  const guard = async (req: FastifyRequest, reply: FastifyReply, back: string, fn: () => Promise<unknown>) => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof AppError) return send(reply, errorPage(err.status, err.message, back, req.user), err.status);
      throw err;
    }
  };

  app.get('/', { schema: { hide: true }, preHandler: requireRole(...READERS) }, async (req, reply) =>
    guard(req, reply, '/', async () => {
      const q = clean(req.query as Record<string, unknown>);
      const scope = scopeOf(req.user);
      const filter = parseQueueFilter(q);
      const [page, counts, choices] = await Promise.all([
        listAlerts(db, { ...filter, after: parseCursor(q.after), limit: 50 }, scope),
        alertCounts(db, scope),
        filterChoices(db, scope),
      ]);
      const u = req.user;
      return send(
        reply,
        alertQueuePage(
          { items: page.items, next: page.next, query: q, counts, ...choices, canAct: isStaff(u), csrf: u?.csrfToken, notice: q.notice },
          u,
        ),
      );
    }),
  );

  app.get('/dashboard', { schema: { hide: true }, preHandler: requireRole(...READERS) }, async (req, reply) =>
    send(reply, dashboardPage(await dashboard(db, scopeOf(req.user)), req.user)),
  );

  app.get('/alerts/:id', { schema: { hide: true, params: idParams }, preHandler: requireRole(...READERS) }, async (req, reply) =>
    guard(req, reply, '/', async () => {
      const { id } = req.params as { id: string };
      const scope = scopeOf(req.user);
      const a = await getAlertDetail(db, id, scope);
      if (!a) throw new AppError('not_found', `预警 #${id} 不存在`);
      const [history, evidence, nextId, prevId, choices] = await Promise.all([
        listAlertEvents(db, id),
        listAlertEvidence(db, id),
        neighbourAlert(db, a, 'next', scope),
        neighbourAlert(db, a, 'prev', scope),
        filterChoices(db, scope),
      ]);
      const u = req.user;
      return send(
        reply,
        alertDetailPage(
          {
            a, history, evidence, nextId, prevId, assignees: choices.assignees, canAct: isStaff(u), isHolder: u?.role === 'rights_holder', csrf: u?.csrfToken,
            evidenceActions: evidenceButtons({ alert: a, evidenceCount: evidence.length, user: u, notice: (req.query as { evidence?: unknown }).evidence }),
          },
          u,
        ),
      );
    }),
  );

  app.post('/alerts/:id/action', { schema: { hide: true, params: idParams }, preHandler: requireRole(...STAFF) }, async (req, reply) => {
    const { id } = req.params as { id: string };
    return guard(req, reply, `/alerts/${id}`, async () => {
      const parsed = alertActionSchema.safeParse(formAction(clean((req.body ?? {}) as Record<string, unknown>)));
      if (!parsed.success) throw new AppError('bad_request', firstIssue(parsed.error));
      await applyAction(db, id, parsed.data, actorOf(currentUser(req)));
      return reply.redirect(`/alerts/${id}`, 303);
    });
  });

  app.post('/alerts/:id/flag', { schema: { hide: true, params: idParams }, preHandler: requireRole('rights_holder') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    return guard(req, reply, `/alerts/${id}`, async () => {
      const parsed = holderFlagSchema.safeParse(clean((req.body ?? {}) as Record<string, unknown>));
      if (!parsed.success) throw new AppError('bad_request', firstIssue(parsed.error));
      const u = currentUser(req);
      await flagByHolder(db, id, parsed.data.flag, parsed.data.note, actorOf(u), scopeOf(u));
      return reply.redirect(`/alerts/${id}`, 303);
    });
  });

  app.post('/alerts/bulk', { schema: { hide: true }, preHandler: requireRole(...STAFF) }, async (req, reply) => {
    const body = clean((req.body ?? {}) as Record<string, unknown>);
    const fq = formFilter(body);
    return guard(req, reply, `/?${filterQueryString(fq)}`, async () => {
      const filter = parseQueueFilter(fq);
      const parsed = alertActionSchema.safeParse(formAction(body));
      if (!parsed.success) throw new AppError('bad_request', firstIssue(parsed.error));
      const r = await bulkAction(db, filter, parsed.data, actorOf(currentUser(req)), scopeOf(req.user));
      const notice = `批量处理：符合条件 ${r.matched} 条，已处理 ${r.applied} 条${r.skipped.length ? `，跳过 ${r.skipped.length} 条（状态不适用）` : ''}`;
      return reply.redirect(`/?${filterQueryString(fq, { notice })}`, 303);
    });
  });

  app.get('/clues', { schema: { hide: true }, preHandler: requireRole(...READERS) }, async (req, reply) =>
    send(reply, clueListPage(await listClues(db, { limit: 200 }, scopeOf(req.user)), req.user)),
  );

  app.get('/clues/:id', { schema: { hide: true, params: idParams }, preHandler: requireRole(...READERS) }, async (req, reply) =>
    guard(req, reply, '/clues', async () => {
      const c = await getClueSummary(db, (req.params as { id: string }).id, scopeOf(req.user));
      return send(reply, clueDetailPage(c, { canAct: isStaff(req.user), csrf: req.user?.csrfToken }, req.user));
    }),
  );

  app.post('/clues/:id/confirm', { schema: { hide: true, params: idParams }, preHandler: requireRole(...STAFF) }, async (req, reply) => {
    const { id } = req.params as { id: string };
    return guard(req, reply, `/clues/${id}`, async () => {
      const b = clean((req.body ?? {}) as Record<string, unknown>);
      await confirmClue(db, id, actorOf(currentUser(req)), b.note);
      return reply.redirect(`/clues/${id}`, 303);
    });
  });

  app.get('/settings/alerts', { schema: { hide: true }, preHandler: requireRole(...STAFF, 'viewer') }, async (req, reply) => {
    const [rules, thresholds] = await Promise.all([listRules(db), getLevelThresholds(db)]);
    return send(reply, alertSettingsPage({ rules, thresholds, isAdmin: req.user?.role === 'admin', csrf: req.user?.csrfToken }, req.user));
  });

  app.post('/settings/alerts/thresholds', { schema: { hide: true }, preHandler: requireRole('admin') }, async (req, reply) =>
    guard(req, reply, '/settings/alerts', async () => {
      const b = clean((req.body ?? {}) as Record<string, unknown>);
      const parsed = thresholdsSchema.safeParse({ high: Number(b.high), medium: Number(b.medium) });
      if (!parsed.success) throw new AppError('bad_request', firstIssue(parsed.error));
      await setLevelThresholds(db, parsed.data, currentUser(req).id);
      return reply.redirect('/settings/alerts', 303);
    }),
  );

  app.post('/settings/alerts/rules', { schema: { hide: true }, preHandler: requireRole('admin') }, async (req, reply) =>
    guard(req, reply, '/settings/alerts', async () => {
      const b = clean((req.body ?? {}) as Record<string, unknown>);
      const json = (field: string) => {
        try {
          return JSON.parse(b[field] ?? '');
        } catch {
          throw new AppError('bad_request', `${field === 'conditions' ? '条件' : '动作'}不是有效的 JSON`, field);
        }
      };
      const parsed = ruleInputSchema.safeParse({ name: b.name, position: Number(b.position ?? 100), conditions: json('conditions'), action: json('action') });
      if (!parsed.success) throw new AppError('bad_request', firstIssue(parsed.error));
      await validateRule(db, parsed.data.action);
      await createRule(db, parsed.data, currentUser(req).id);
      return reply.redirect('/settings/alerts', 303);
    }),
  );

  app.post('/settings/alerts/rules/:id/delete', { schema: { hide: true, params: idParams }, preHandler: requireRole('admin') }, async (req, reply) => {
    await deleteRule(db, (req.params as { id: string }).id);
    return reply.redirect('/settings/alerts', 303);
  });

  const subsPage = async (req: FastifyRequest, reply: FastifyReply, created?: { secret?: string }) => {
    const u = currentUser(req);
    const [items, choices] = await Promise.all([listSubscriptions(db, actorOf(u).id), filterChoices(db, scopeOf(u))]);
    return send(reply, subscriptionsPage({ items, marks: choices.marks, csrf: u.csrfToken, created }, u), created ? 201 : 200);
  };

  app.get('/subscriptions', { schema: { hide: true }, preHandler: requireRole('admin', 'reviewer', 'rights_holder') }, async (req, reply) => subsPage(req, reply));

  app.post('/subscriptions', { schema: { hide: true }, preHandler: requireRole('admin', 'reviewer', 'rights_holder') }, async (req, reply) =>
    guard(req, reply, '/subscriptions', async () => {
      const b = clean((req.body ?? {}) as Record<string, unknown>);
      const parsed = subscriptionInputSchema.safeParse({
        channel: b.channel, target: b.target, markIds: b.markId ? [b.markId] : [], minLevel: b.minLevel ?? 'high', digest: b.immediate !== '1',
      });
      if (!parsed.success) throw new AppError('bad_request', firstIssue(parsed.error));
      const created = await createSubscription(db, actorOf(currentUser(req)).id, parsed.data);
      return subsPage(req, reply, { secret: created.secret });
    }),
  );

  app.post('/subscriptions/:id/stop', { schema: { hide: true, params: idParams }, preHandler: requireRole('admin', 'reviewer', 'rights_holder') }, async (req, reply) =>
    guard(req, reply, '/subscriptions', async () => {
      await disableSubscription(db, actorOf(currentUser(req)).id, (req.params as { id: string }).id);
      return reply.redirect('/subscriptions', 303);
    }),
  );

  app.post('/blacklist-proposals/:id/decision', { schema: { hide: true, params: idParams }, preHandler: requireRole(...STAFF) }, async (req, reply) => {
    const b = clean((req.body ?? {}) as Record<string, unknown>);
    const back = b.clueId && /^\d+$/.test(b.clueId) ? `/clues/${b.clueId}` : '/clues';
    return guard(req, reply, back, async () => {
      if (b.decision !== 'accept' && b.decision !== 'reject') throw new AppError('bad_request', '请选择列入或不列入');
      if (!b.note) throw new AppError('bad_request', '请填写理由');
      await decideProposal(db, (req.params as { id: string }).id, b.decision, b.note, actorOf(currentUser(req)));
      return reply.redirect(back, 303);
    });
  });
}
