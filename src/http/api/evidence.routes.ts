// The evidence API behind the console's 存证 / 移送 buttons: queue a capture, list an alert's
// captures, serve one artefact (re-hashed on every read), build a referral package.
// Writes are for reviewers and admins; a rights holder reads the evidence of alerts on their
// own marks only (anything else is a 404). The guards are options so a test or another app
// can mount the plugin with its own.
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { currentUser, orgScope, requireRole } from '../../auth/auth.plugin.ts';
import { ArtefactError, type ArtefactStore } from '../../evidence/artefact-store.ts';
import { SHA256_RE } from '../../evidence/canonical-json.ts';
import { createArtefactStore, listAlertEvidence } from '../../evidence/evidence.service.ts';
import { queueEvidenceCapture } from '../../evidence/evidence.queue.ts';
import { alertVisible } from '../../evidence/dossier.repository.ts';
import { recordsWithArtefact } from '../../evidence/ledger.repository.ts';
import { buildReferralPackage } from '../../evidence/referral-package.ts';

export interface EvidenceRoutesOptions {
  ctx: AppContext;
  store?: ArtefactStore;
  /** who may read evidence (default: any signed-in role, scoped for rights holders) */
  readGuard?: preHandlerAsyncHookHandler;
  /** who may capture and export (default: reviewers and admins) */
  writeGuard?: preHandlerAsyncHookHandler;
}

const alertParams = z.object({ id: z.string().regex(/^\d{1,19}$/, 'id must be a number') });
const shaParams = z.object({ sha256: z.string().regex(SHA256_RE, 'sha256 must be 64 lowercase hex digits') });
const packageBody = z
  .object({ recipient: z.string().trim().min(1).max(200).optional().describe('the receiving unit named in the 移送函') })
  .optional();

export async function evidenceRoutes(root: FastifyInstance, opts: EvidenceRoutesOptions): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { ctx } = opts;
  const store = opts.store ?? createArtefactStore(ctx.config);
  const read = opts.readGuard ?? (requireRole('admin', 'reviewer', 'rights_holder', 'viewer') as preHandlerAsyncHookHandler);
  const write = opts.writeGuard ?? (requireRole('admin', 'reviewer') as preHandlerAsyncHookHandler);

  const visible = async (alertId: string, user: Parameters<typeof orgScope>[0]) => {
    if (!(await alertVisible(ctx.db, alertId, orgScope(user)))) throw new AppError('not_found', `no alert ${alertId}`);
  };

  app.post(
    '/api/alerts/:id/evidence',
    { preHandler: write, schema: { summary: 'Queue an evidence capture of the alert\'s listing page', params: alertParams, tags: ['evidence'] } },
    async (req, reply) => {
      const user = currentUser(req);
      await visible(req.params.id, user);
      const jobId = await queueEvidenceCapture(ctx.queues, req.params.id, { reason: 'manual', requestedBy: user.id });
      return reply.status(202).send({ queued: true, jobId });
    },
  );

  app.get(
    '/api/alerts/:id/evidence',
    { preHandler: read, schema: { summary: 'The evidence captured for an alert (ledger records and artefacts)', params: alertParams, tags: ['evidence'] } },
    async (req) => {
      await visible(req.params.id, req.user);
      const items = await listAlertEvidence(ctx.db, req.params.id);
      return { items: items.map((i) => ({ ...i, artefacts: i.artefacts.map((a) => ({ ...a, href: `/api/evidence/artefacts/${a.sha256}` })) })) };
    },
  );

  app.get(
    '/api/evidence/artefacts/:sha256',
    { preHandler: read, schema: { summary: 'One stored artefact, verified against its hash', params: shaParams, tags: ['evidence'] } },
    async (req, reply) => {
      const records = await recordsWithArtefact(ctx.db, req.params.sha256);
      const scope = orgScope(req.user);
      let entry: { name: string; contentType: string } | undefined;
      for (const r of records) {
        if (scope !== undefined && !(await alertVisible(ctx.db, r.alertId, scope))) continue;
        entry = r.artefacts.find((a) => a.sha256 === req.params.sha256);
        if (entry) break;
      }
      if (!entry) throw new AppError('not_found', `no artefact ${req.params.sha256}`);
      let bytes: Buffer;
      try {
        bytes = await store.get(req.params.sha256);
      } catch (err) {
        if (err instanceof ArtefactError) {
          req.log.error({ sha256: req.params.sha256, state: err.state }, 'stored evidence failed its hash check');
          throw new AppError('conflict', `存证文件${err.state === 'missing' ? '缺失' : '已被篡改'} (artefact ${err.state}): ${req.params.sha256}`);
        }
        throw err;
      }
      const image = entry.contentType.startsWith('image/');
      // captured pages are attacker-controlled: never render them on our origin
      reply
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "sandbox; default-src 'none'; img-src 'self'")
        .header('cache-control', 'private, max-age=31536000, immutable')
        .header('x-evidence-sha256', req.params.sha256);
      if (!image) reply.header('content-disposition', `attachment; filename="${entry.name}-${req.params.sha256.slice(0, 12)}.${entry.contentType.includes('json') ? 'json' : entry.contentType.includes('html') ? 'html' : 'bin'}"`);
      return reply.type(image ? entry.contentType : 'application/octet-stream').send(bytes);
    },
  );

  app.post(
    '/api/alerts/:id/referral-package',
    {
      preHandler: write,
      schema: { summary: 'Build the referral package (ZIP: artefacts, manifest, 移送函 HTML and PDF)', params: alertParams, body: packageBody, tags: ['evidence'] },
    },
    async (req, reply) => {
      const user = currentUser(req);
      await visible(req.params.id, user);
      const pkg = await buildReferralPackage(
        { db: ctx.db, store, config: ctx.config },
        { alertId: req.params.id, actor: { id: user.id, kind: 'user' }, recipient: req.body?.recipient ?? null },
      );
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="${pkg.fileName}"`)
        .header('x-package-sha256', pkg.sha256)
        .send(pkg.zip);
    },
  );
}
