// The composition root and CLI. `npm start` = `ipclue start`: everything in one process (HTTP
// server, all workers, the scheduler). The single-role commands are how docker-compose runs it.
import { Command, Option } from 'commander';
import { ConfigError, loadConfig, type Config } from '../src/config/config.ts';
import { createContext, type AppContext } from '../src/context.ts';
import { AppError } from '../src/errors.ts';
import { EmbeddedServiceError } from '../src/infra/embedded.ts';
import { QUEUE_NAMES, type QueueName } from '../src/queues/queues.ts';
import { buildServer } from '../src/http/server.ts';
import { getSourceBySlug, listSources } from '../src/sources/source.repository.ts';
import { migrateDown, migrateToLatest } from '../src/db/db.ts';
import { startWorkers } from '../jobs/worker.ts';
import { crawlNow, startScheduler } from '../jobs/scheduler.ts';
import { seedDemo } from './demo.ts';
import { registerUserCommands } from '../src/cli/commands/user.ts';
import { registerEvidenceCommands } from '../src/cli/commands/evidence.ts';
import { registerMatchCommands } from '../src/cli/commands/match.ts';
import { registerExtractCommands } from '../crawlers/cli/extract.command.ts';
import { registerSourcesCommands } from '../crawlers/cli/sources.command.ts';
import { sourceRoutes } from '../crawlers/http/sources.routes.ts';
import { demoSites } from '../seeds/demo-sites/index.ts';

type Closer = { name: string; close: () => Promise<void> };

/** Runs until SIGINT/SIGTERM, then closes in order: stop taking work, finish, disconnect. */
function onShutdown(ctx: AppContext, closers: Closer[]): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      console.error('ipclue: 再次收到退出信号，强制退出 (forced exit)');
      process.exit(130);
    }
    stopping = true;
    ctx.logger.info({ signal }, 'shutting down');
    for (const c of closers) {
      try {
        await c.close();
      } catch (err) {
        ctx.logger.warn({ part: c.name, err: (err as Error).message }, 'error while closing');
      }
    }
    await ctx.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

async function context(config: Config): Promise<AppContext> {
  return createContext(config);
}

function parseQueues(v: string | undefined): QueueName[] | undefined {
  if (!v) return undefined;
  const names = v.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!(QUEUE_NAMES as readonly string[]).includes(n)) throw new AppError('bad_request', `unknown queue "${n}" (known: ${QUEUE_NAMES.join(', ')})`);
  }
  return names as QueueName[];
}

async function runRoles(roles: { server: boolean; workers: boolean; scheduler: boolean; queues?: QueueName[] }): Promise<void> {
  const config = loadConfig();
  const ctx = await context(config);
  const closers: Closer[] = [];
  onShutdown(ctx, closers);

  let baseUrl = config.PUBLIC_URL;
  if (roles.server) {
    const app = await buildServer(ctx, {
      demoSites: config.DEMO ? demoSites : undefined,
      demoLatencyMs: config.DEMO_LATENCY_MS,
      plugins: [sourceRoutes({ ctx, crawlNow: (sourceId) => crawlNow(ctx, sourceId) })],
    });
    await app.listen({ port: config.PORT, host: config.HOST });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
    baseUrl ??= `http://localhost:${port}`;
    closers.push({ name: 'http', close: () => app.close() });
    if (config.DEMO) {
      // the workers fetch the demo sites over loopback from this same server
      const sources = await seedDemo(ctx, `http://127.0.0.1:${port}`);
      ctx.logger.info({ sources: sources.map((s) => s.slug) }, 'demo watchlist and sources seeded');
      if (roles.workers) for (const s of sources) if (s.enabled) await crawlNow(ctx, s.id, 'startup');
    }
  }
  if (roles.workers) {
    const w = await startWorkers(ctx, { queues: roles.queues });
    closers.unshift({ name: 'workers', close: () => w.close() });
  }
  if (roles.scheduler) {
    const s = await startScheduler(ctx);
    closers.unshift({ name: 'scheduler', close: () => s.close() });
  }
  if (roles.server) {
    console.log(`\nipclue 已启动 (started): 控制台 console ${baseUrl}/   预警接口 API ${baseUrl}/api/alerts   按 Ctrl-C 退出\n`);
  }
}

export function buildProgram(): Command {
  const program = new Command('ipclue')
    .description('ipclue — 侵权假冒线索监测预警平台 (infringement-clue monitoring and early warning)')
    .showHelpAfterError()
    .exitOverride((err) => {
      process.exit(err.exitCode === 0 ? 0 : 2);
    });

  program
    .command('start')
    .description('run everything in one process: HTTP server, all workers, the scheduler (embedded Postgres/Redis when not configured)')
    .action(() => runRoles({ server: true, workers: true, scheduler: true }));
  program
    .command('server')
    .description('run the HTTP server only (API and console)')
    .action(() => runRoles({ server: true, workers: false, scheduler: false }));
  program
    .command('worker')
    .description('run queue workers only')
    .addOption(new Option('--queues <names>', `comma-separated queues to work (default all: ${QUEUE_NAMES.join(',')})`))
    .action((opts: { queues?: string }) => runRoles({ server: false, workers: true, scheduler: false, queues: parseQueues(opts.queues) }));
  program
    .command('scheduler')
    .description('run the scheduler only (keeps a job scheduler per enabled source)')
    .action(() => runRoles({ server: false, workers: false, scheduler: true }));
  program
    .command('migrate')
    .description('apply database migrations (or roll back the last with --down)')
    .option('--down', 'roll back the most recent migration')
    .action(async (opts: { down?: boolean }) => {
      const ctx = await context(loadConfig());
      try {
        const res = opts.down ? await migrateDown(ctx.db) : await migrateToLatest(ctx.db);
        for (const r of res.results ?? []) console.log(`${r.direction} ${r.migrationName}: ${r.status}`);
        if (!res.results?.length) console.log('nothing to migrate');
      } finally {
        await ctx.close();
      }
    });
  program
    .command('crawl')
    .description('queue one crawl of a source now (by its id/slug); `ipclue crawl --list` lists sources')
    .argument('[source]', 'source slug')
    .option('--list', 'list sources')
    .action(async (slug: string | undefined, opts: { list?: boolean }) => {
      const ctx = await context(loadConfig());
      try {
        if (opts.list || !slug) {
          for (const s of await listSources(ctx.db)) console.log(`${s.slug}\t${s.channel}\t${s.country}\t${s.enabled ? 'enabled' : 'disabled'}\t${s.name}`);
          return;
        }
        const s = await getSourceBySlug(ctx.db, slug);
        if (!s) throw new AppError('not_found', `no source "${slug}"`);
        console.log(`queued crawl job ${await crawlNow(ctx, s.id)}`);
      } finally {
        await ctx.close();
      }
    });
  registerUserCommands(program);
  registerEvidenceCommands(program);
  registerMatchCommands(program);
  registerExtractCommands(program);
  registerSourcesCommands(program);
  return program;
}

function fail(err: unknown): never {
  if (err instanceof ConfigError) {
    console.error(`ipclue: ${err.message}`);
    process.exit(2);
  }
  if (err instanceof AppError && err.code === 'bad_request') {
    console.error(`ipclue: ${err.message}`);
    process.exit(2);
  }
  if (err instanceof AppError || err instanceof EmbeddedServiceError) {
    console.error(`ipclue: ${err.message}`);
    process.exit(1);
  }
  console.error(`ipclue: unexpected error: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
}

process.on('unhandledRejection', fail);
try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  fail(err);
}
