import { chmod, writeFile } from 'node:fs/promises';
import { UnrecoverableError, type Job } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/context.ts';
import { buildServer } from '../../../src/http/server.ts';
import { createApiToken, createUser } from '../../../src/auth/user.repository.ts';
import { FsArtefactStore } from '../../../src/evidence/artefact-store.ts';
import { evidenceDir, shouldAutoCapture } from '../../../src/evidence/evidence.service.ts';
import { queueEvidenceCapture } from '../../../src/evidence/evidence.queue.ts';
import { verifyPackageBytes } from '../../../src/evidence/package-verify.ts';
import { closeEvidenceBrowsers, processEvidence } from '../../../jobs/evidence.job.ts';
import type { JobDeps } from '../../../jobs/deps.ts';
import { createTestContext, createTestEnv, type TestEnv } from '../../helpers/services.ts';
import { seedAlert, startTestSite, type TestSite } from './fixtures.ts';

let t: TestEnv;
let ctx: AppContext;
let site: TestSite;
let app: FastifyInstance;
let reviewer: string;
let otherOrg: string;
let alertId: string;

const job = (data: unknown, id = `test-${Math.random().toString(36).slice(2)}`) => ({ id, data }) as unknown as Job;

beforeAll(async () => {
  t = await createTestEnv();
  ctx = await createTestContext(t, { DEMO: 'true' });
  site = await startTestSite();
  app = await buildServer(ctx, { logger: false });
  const r = await createUser(ctx.db, { email: 'reviewer@example.cn', name: '审核员', role: 'reviewer', password: 'correct horse battery' });
  reviewer = (await createApiToken(ctx.db, r.id, 'test')).token;
  const h = await createUser(ctx.db, { email: 'holder@example.cn', name: '别家权利人', role: 'rights_holder', password: 'correct horse battery', org: '别家公司' });
  otherOrg = (await createApiToken(ctx.db, h.id, 'test')).token;
  ({ alertId } = await seedAlert(ctx.db, { url: `${site.base}/item/1` }));
});

afterAll(async () => {
  await closeEvidenceBrowsers();
  await app?.close();
  await site?.close();
  await ctx?.close();
  await t?.cleanup();
});

describe('the evidence job', () => {
  it('captures the alert\'s page and appends a ledger record', async () => {
    const res = await processEvidence(job({ alertId, reason: 'auto' }, `ev-${alertId}`), { ctx } as JobDeps);
    expect(res).toMatchObject({ seq: 1, outcome: 'complete', repeated: false });
  });

  it('turns a bad payload or a missing alert into an UnrecoverableError (no retry loop)', async () => {
    await expect(processEvidence(job({ alertId: 'abc' }), { ctx } as JobDeps)).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(processEvidence(job({ alertId: '999999' }), { ctx } as JobDeps)).rejects.toBeInstanceOf(UnrecoverableError);
  });

  it('queues an automatic capture once per alert, for levels at or above EVIDENCE_MIN_LEVEL', async () => {
    expect(shouldAutoCapture({ EVIDENCE_MIN_LEVEL: 'high' }, 'high')).toBe(true);
    expect(shouldAutoCapture({ EVIDENCE_MIN_LEVEL: 'high' }, 'medium')).toBe(false);
    expect(shouldAutoCapture({ EVIDENCE_MIN_LEVEL: 'medium' }, 'medium')).toBe(true);
    expect(shouldAutoCapture({ EVIDENCE_MIN_LEVEL: 'off' }, 'high')).toBe(false);
    const a = await queueEvidenceCapture(ctx.queues, '424242', { reason: 'auto' });
    const b = await queueEvidenceCapture(ctx.queues, '424242', { reason: 'auto' });
    expect(a).toBe('ev-424242');
    expect(b).toBe(a);
    const waiting = await ctx.queues.evidence.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(waiting.filter((j) => j.data.alertId === '424242')).toHaveLength(1);
  });
});

describe('the evidence API', () => {
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  it('lets a reviewer queue a capture; an anonymous demo viewer may not', async () => {
    const res = await app.inject({ method: 'POST', url: `/api/alerts/${alertId}/evidence`, headers: auth(reviewer) });
    expect(res.statusCode).toBe(202);
    const queued = await ctx.queues.evidence.getJob(res.json().jobId);
    expect(queued?.data).toMatchObject({ alertId, reason: 'manual' });
    expect(queued?.data.requestedBy).toMatch(/^\d+$/);
    const anon = await app.inject({ method: 'POST', url: `/api/alerts/${alertId}/evidence` });
    expect(anon.statusCode).toBe(401);
  });

  it('lists an alert\'s captures and serves each artefact, verified against its hash', async () => {
    const list = await app.inject({ method: 'GET', url: `/api/alerts/${alertId}/evidence`, headers: auth(reviewer) });
    expect(list.statusCode).toBe(200);
    const [item] = list.json().items;
    expect(item).toMatchObject({ seq: 1, outcome: 'complete', reason: 'auto' });
    const shot = item.artefacts.find((a: any) => a.name === 'screenshot');
    const png = await app.inject({ method: 'GET', url: shot.href, headers: auth(reviewer) });
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    // a captured page is served as a download in a sandbox, never rendered on ipclue's origin
    const page = item.artefacts.find((a: any) => a.name === 'rendered_html');
    const html = await app.inject({ method: 'GET', url: page.href, headers: auth(reviewer) });
    expect(html.headers['content-disposition']).toMatch(/^attachment/);
    expect(html.headers['content-security-policy']).toMatch(/sandbox/);
  });

  it('hides another organisation\'s alert evidence from a rights holder', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/alerts/${alertId}/evidence`, headers: auth(otherOrg) });
    expect(res.statusCode).toBe(404);
    const list = await app.inject({ method: 'GET', url: `/api/alerts/${alertId}/evidence`, headers: auth(reviewer) });
    const sha = list.json().items[0].artefacts[0].sha256;
    expect((await app.inject({ method: 'GET', url: `/api/evidence/artefacts/${sha}`, headers: auth(otherOrg) })).statusCode).toBe(404);
  });

  it('builds the referral package of a confirmed alert as a verifiable ZIP', async () => {
    const res = await app.inject({ method: 'POST', url: `/api/alerts/${alertId}/referral-package`, headers: auth(reviewer), payload: { recipient: '某区市场监督管理局' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="IPC-\d{8}-\d{4}-A\d+\.zip"/);
    expect((await verifyPackageBytes(res.rawPayload)).problems).toEqual([]);
    const ev = await ctx.db.selectFrom('alert_events').selectAll().where('alert_id', '=', alertId).where('type', '=', 'evidence_exported').executeTakeFirstOrThrow();
    expect(ev).toMatchObject({ actor_kind: 'user' });
    expect(ev.actor_id).not.toBeNull();
  });

  it('reports a tampered artefact instead of serving it', async () => {
    const list = await app.inject({ method: 'GET', url: `/api/alerts/${alertId}/evidence`, headers: auth(reviewer) });
    const html = list.json().items[0].artefacts.find((a: any) => a.name === 'rendered_html');
    const file = new FsArtefactStore(evidenceDir(ctx.config)).describe(html.sha256);
    await chmod(file, 0o644);
    await writeFile(file, '<html>篡改</html>');
    const res = await app.inject({ method: 'GET', url: html.href, headers: auth(reviewer) });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/已被篡改/);
  });
});
