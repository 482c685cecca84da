// The BullMQ dashboard (@bull-board) at /admin/queues, for admins only: every queue of the
// context. The auth plugin has resolved req.user (and sent anonymous page views to /login) before
// the hook here runs; anyone who is not an admin gets a 403.
//
// CSRF: the dashboard's own scripts cannot send the session's CSRF token, so for its writes
// (retry, clean, pause...) made with the admin's session cookie this checks that the request
// comes from this origin (Origin / Sec-Fetch-Site) and then vouches for it to the auth plugin.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { HTTPStatus } from '@bull-board/api/typings/app';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors.ts';

export const QUEUES_PATH = '/admin/queues';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameOrigin(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site === 'same-origin') return true;
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    // both sides through URL, so a default port written out ("host:80") compares equal
    return new URL(origin).host === new URL(`${req.protocol}://${req.headers.host ?? ''}`).host;
  } catch {
    return false;
  }
}

async function adminOnly(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const u = req.user;
  if (u?.role !== 'admin') {
    await reply.status(403).type('text/plain; charset=utf-8').send('403 仅管理员可访问队列看板 (admins only)');
    return;
  }
  if (u.via === 'session' && !SAFE.has(req.method)) {
    if (!sameOrigin(req) || !u.csrfToken) {
      await reply.status(403).type('text/plain; charset=utf-8').send('403 跨站请求被拒绝 (cross-origin request refused)');
      return;
    }
    req.headers['x-csrf-token'] = u.csrfToken;
  }
}

export async function queueDashboard(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  createBullBoard({
    queues: Object.values(opts.ctx.queues).map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'ipclue 队列' } },
  });
  serverAdapter.setBasePath(QUEUES_PATH);
  // errors thrown before the dashboard's handlers (the auth plugin's) keep their status
  serverAdapter.setErrorHandler((error: Error) => {
    if (error instanceof AppError) return { status: error.status as HTTPStatus, body: { error: error.code, message: error.message } };
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return { status: status as HTTPStatus, body: { error: 'bad_request', message: error.message } };
    opts.ctx.logger.error({ err: error }, 'queue dashboard request failed');
    return { status: 500, body: { error: 'internal', message: '服务器内部错误 (internal error)' } };
  });
  await app.register(async (scope) => {
    scope.addHook('onRequest', adminOnly);
    await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUES_PATH });
  });
}
