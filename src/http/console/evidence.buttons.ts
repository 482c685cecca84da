// The alert detail page's evidence buttons (reviewers and admins): 「立即存证」 queues a capture,
// 「导出移送材料包」 (confirmed or referred alerts that have evidence) downloads the referral ZIP.
// Both post a console form with the session's CSRF token (checked by the auth plugin) and call
// the same service functions as the evidence API (evidence.routes.ts).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { html, Html } from '../html.ts';
import { currentUser, orgScope, requireRole } from '../../auth/auth.plugin.ts';
import type { AuthUser } from '../../auth/auth.types.ts';
import type { ArtefactStore } from '../../evidence/artefact-store.ts';
import { createArtefactStore } from '../../evidence/evidence.service.ts';
import { queueEvidenceCapture } from '../../evidence/evidence.queue.ts';
import { alertVisible } from '../../evidence/dossier.repository.ts';
import { buildReferralPackage } from '../../evidence/referral-package.ts';
import { errorPage } from './alerts.page.ts';

const EXPORTABLE = new Set(['confirmed', 'referred']);
/** notices by code (a redirect carries the code, never the text) */
const NOTICES: Record<string, string> = { queued: '已提交存证任务，稍后刷新页面即可看到存证结果。' };

export interface EvidenceButtonsView {
  alert: { id: string; status: string };
  evidenceCount: number;
  user: AuthUser | null | undefined;
  /** the `evidence` query parameter of the detail page (a notice code) */
  notice?: unknown;
}

export function evidenceButtons(v: EvidenceButtonsView): Html {
  const u = v.user;
  const notice = typeof v.notice === 'string' ? NOTICES[v.notice] : undefined;
  const staff = u?.role === 'admin' || u?.role === 'reviewer';
  if (!staff) return html``;
  const token = html`<input type="hidden" name="_csrf" value="${u?.csrfToken ?? ''}">`;
  const exportable = EXPORTABLE.has(v.alert.status) && v.evidenceCount > 0;
  return html`<div class="evidence-actions" style="display:flex;gap:8px;flex-wrap:wrap;align-items:center;margin:6px 0">
${notice ? html`<div class="notice" role="status" style="flex-basis:100%">${notice}</div>` : ''}
<form method="post" action="/alerts/${v.alert.id}/evidence" id="capture-form">${token}<button type="submit">立即存证</button></form>
${exportable
  ? html`<form method="post" action="/alerts/${v.alert.id}/referral-package" id="package-form">${token}
<input name="recipient" placeholder="接收单位（可选）" maxlength="200"><button type="submit">导出移送材料包</button></form>`
  : ''}
</div>`;
}

export async function evidenceButtonRoutes(app: FastifyInstance, opts: { ctx: AppContext; store?: ArtefactStore }): Promise<void> {
  const { ctx } = opts;
  const store = opts.store ?? createArtefactStore(ctx.config);
  const STAFF = requireRole('admin', 'reviewer');

  // refusals (403, CSRF, not found, not exportable) are pages, not JSON
  app.setErrorHandler(async (err, req, reply) => {
    if (err instanceof AppError) {
      const id = (req.params as { id?: string } | undefined)?.id;
      const back = id && /^\d{1,19}$/.test(id) ? `/alerts/${id}` : '/';
      return reply.status(err.status).type('text/html; charset=utf-8').send(errorPage(err.status, err.message, back, req.user).value);
    }
    throw err;
  });

  const alertId = async (params: unknown, user: AuthUser) => {
    const { id } = params as { id: string };
    if (!/^\d{1,19}$/.test(id) || !(await alertVisible(ctx.db, id, orgScope(user)))) throw new AppError('not_found', `预警 #${id} 不存在`);
    return id;
  };

  app.post('/alerts/:id/evidence', { preHandler: STAFF, schema: { hide: true } }, async (req, reply) => {
    const user = currentUser(req);
    const id = await alertId(req.params, user);
    await queueEvidenceCapture(ctx.queues, id, { reason: 'manual', requestedBy: user.id });
    return reply.redirect(`/alerts/${id}?evidence=queued#evidence`, 303);
  });

  app.post('/alerts/:id/referral-package', { preHandler: STAFF, schema: { hide: true } }, async (req, reply) => {
    const user = currentUser(req);
    const id = await alertId(req.params, user);
    const raw = (req.body as { recipient?: unknown } | undefined)?.recipient;
    const recipient = typeof raw === 'string' && raw.trim() ? raw.trim() : null;
    if (recipient && recipient.length > 200) throw new AppError('bad_request', '接收单位名称不能超过 200 个字符', 'recipient');
    let pkg;
    try {
      pkg = await buildReferralPackage({ db: ctx.db, store, config: ctx.config }, { alertId: id, actor: { id: user.id, kind: 'user' }, recipient });
    } catch (err) {
      if (err instanceof AppError && err.code === 'conflict') {
        const why = /only a confirmed/.test(err.message)
          ? '只有已确认或已移送的预警才能导出，请先确认'
          : /no captured evidence/.test(err.message) ? '该预警尚无存证，请先「立即存证」' : err.message;
        throw new AppError('conflict', `无法导出移送材料包：${why}`);
      }
      throw err;
    }
    return reply
      .type('application/zip')
      .header('content-disposition', `attachment; filename="${pkg.fileName}"`)
      .header('x-package-sha256', pkg.sha256)
      .send(pkg.zip);
  });
}
