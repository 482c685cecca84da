// The HTTP server: JSON API (zod-validated, OpenAPI at /api/docs) and the server-rendered
// console. One error handler: AppError and validation errors become 4xx with a message naming
// the field; anything else is a logged 500 with no details for the client.
import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import formbody from '@fastify/formbody';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { listRuns } from '../crawls/crawl-run.repository.ts';
import { reviewPages } from './console/review.pages.ts';
import { alertRoutes } from './api/alerts.routes.ts';
import { authPlugin, requireRole } from '../auth/auth.plugin.ts';
import { authRoutes } from './api/auth.routes.ts';
import { watchlistRoutes } from './api/watchlists.routes.ts';
import { evidenceRoutes } from './api/evidence.routes.ts';
import { reportRoutes } from './api/reports.routes.ts';
import { loginPages } from './console/login.page.ts';
import { watchlistPages } from './console/watchlists.pages.ts';
import { listPages } from './console/lists.pages.ts';
import { evidenceButtonRoutes } from './console/evidence.buttons.ts';
import { queueDashboard } from './admin/queues.ts';
import { reportPages } from './console/reports.pages.ts';

export interface DemoResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}
export interface DemoSiteHandler {
  handle(path: string, query: URLSearchParams): DemoResponse | null;
}

export interface ServerOptions {
  /** the demo marketplaces served under /demo/<name>/ (from seeds/) */
  demoSites?: Record<string, DemoSiteHandler>;
  demoLatencyMs?: number;
  logger?: boolean;
  /** more routes, registered after the built-in ones (the composition root adds the crawler's source routes) */
  plugins?: FastifyPluginAsync[];
}

export async function buildServer(ctx: AppContext, opts: ServerOptions = {}): Promise<FastifyInstance<any, any, any, any, any>> {
  const app = Fastify({
    loggerInstance: opts.logger === false ? undefined : ctx.logger,
    // no log line per request; Fastify 5 takes this through its log controller (the top-level
    // disableRequestLogging option is deprecated and prints a warning at every start)
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((err: any, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issue = err.validation[0];
      const field = issue.instancePath.replace(/^\//, '').replace(/\//g, '.') || String((issue.params as any)?.issue?.path?.join('.') ?? '');
      const where = err.validationContext ?? 'request';
      return reply.status(400).send({ error: 'bad_request', field: field || undefined, message: `${where}${field ? ` field "${field}"` : ''}: ${issue.message}` });
    }
    if (err instanceof AppError) {
      return reply.status(err.status).send({ error: err.code, field: err.field, message: err.message });
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.status(status).send({ error: 'bad_request', message: err.message });
    }
    req.log.error({ err, url: req.url, method: req.method }, 'request failed');
    return reply.status(500).send({ error: 'internal', message: '服务器内部错误 (internal error)' });
  });

  await app.register(swagger, {
    openapi: { info: { title: 'ipclue API', description: '侵权假冒线索监测预警平台 API', version: '0.1.0' } },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  await app.register(formbody);
  await app.register(authPlugin, { ctx });
  await app.register(authRoutes, { ctx });
  await app.register(watchlistRoutes, { ctx });
  await app.register(evidenceRoutes, { ctx });
  await app.register(reportRoutes, { ctx });
  await app.register(loginPages, { ctx });
  await app.register(watchlistPages, { ctx });
  await app.register(listPages, { ctx });
  await app.register(alertRoutes, { ctx });
  await app.register(reviewPages, { ctx });
  await app.register(evidenceButtonRoutes, { ctx });
  await app.register(queueDashboard, { ctx });
  await app.register(reportPages, { ctx });
  for (const plugin of opts.plugins ?? []) await app.register(plugin);

  app.get('/health', { schema: { hide: true } }, async () => ({ ok: true }));
  // one origin serves the console, the API and the demo sites: crawlers keep out of the first two
  app.get('/robots.txt', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/plain; charset=utf-8').send('User-agent: *\nDisallow: /api/\nDisallow: /admin\nDisallow: /demo/*/admin\nAllow: /demo/\n'),
  );

  app.get(
    '/api/crawl-runs',
    {
      schema: {
        summary: 'Recent crawl runs (pages, listings, errors, duration)',
        querystring: z.object({ sourceId: z.string().regex(/^\d+$/).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
        tags: ['crawls'],
      },
      preHandler: requireRole('admin', 'reviewer', 'viewer'),
    },
    async (req) => ({ items: await listRuns(ctx.db, { sourceId: req.query.sourceId, limit: req.query.limit }) }),
  );


  if (opts.demoSites) {
    const sites = opts.demoSites;
    app.get('/demo/:site/*', { schema: { hide: true } }, async (req, reply) => {
      const { site } = req.params as { site: string; '*': string };
      const handler = sites[site];
      const url = new URL(req.url, 'http://local');
      const sub = url.pathname.slice(`/demo/${site}`.length) || '/';
      if (opts.demoLatencyMs) await new Promise((r) => setTimeout(r, opts.demoLatencyMs));
      const res = handler?.handle(sub, url.searchParams);
      if (!res) return reply.status(404).type('text/plain; charset=utf-8').send('404 页面不存在');
      return reply.status(res.status).headers(res.headers).send(res.body);
    });
  }

  return app;
}
