// The worker role: one BullMQ Worker per queue, each on its own blocking Redis connection.
// Shutdown: stop taking jobs, let running ones finish (up to a grace period), then release the
// rest; BullMQ's stalled-job check hands released jobs to another worker.
import { Worker, type Job, type Processor } from 'bullmq';
import type { AppContext } from '../src/context.ts';
import { QUEUE_NAMES, type QueueName } from '../src/queues/queues.ts';
import { createRedis } from '../src/queues/redis.ts';
import { createJobDeps, type JobDeps } from './deps.ts';
import { processCrawl } from './crawl.job.ts';
import { processPage } from './page.job.ts';
import { processMatch } from './match.job.ts';
import { processEvidence } from './evidence.job.ts';
import { processNotify, scheduleDigest } from './notify.job.ts';
import { processReport } from './report.job.ts';

type Handler = (job: Job, deps: JobDeps) => Promise<unknown>;

/** The queues that have processors today; the others are declared for the stages to come. */
export const handlers: Partial<Record<QueueName, Handler>> = {
  crawl: processCrawl,
  page: processPage,
  match: processMatch,
  evidence: processEvidence,
  notify: processNotify,
  report: processReport,
};

export interface WorkerHandle {
  workers: Worker[];
  close(graceMs?: number): Promise<void>;
}

export async function startWorkers(ctx: AppContext, opts: { queues?: QueueName[] } = {}): Promise<WorkerHandle> {
  const names = (opts.queues ?? [...QUEUE_NAMES]).filter((q) => handlers[q]);
  const deps = createJobDeps(ctx);
  const workers: Worker[] = [];
  for (const name of names) {
    const handler = handlers[name]!;
    const connection = createRedis(ctx.redisUrl, { forWorker: true, logger: ctx.logger, name: `ipclue-worker-${name}` });
    const processor: Processor = (job) => handler(job, deps);
    const worker = new Worker(name, processor, {
      connection,
      prefix: ctx.prefix,
      concurrency: name === 'page' ? ctx.config.WORKER_CONCURRENCY : name === 'match' ? 4 : 2,
      lockDuration: ctx.config.JOB_LOCK_MS,
      stalledInterval: ctx.config.JOB_LOCK_MS,
      maxStalledCount: 3,
    });
    worker.on('failed', (job, err) =>
      ctx.logger.warn({ queue: name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed'),
    );
    worker.on('error', (err) => ctx.logger.error({ queue: name, err: err.message }, 'worker error'));
    workers.push(worker);
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  if (names.includes('page')) await deps.startCrawling();
  if (names.includes('notify')) await scheduleDigest(ctx.queues);
  ctx.logger.info({ queues: names }, 'workers started');
  return {
    workers,
    async close(graceMs = 20_000) {
      const graceful = Promise.all(workers.map((w) => w.close()));
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
      if ((await Promise.race([graceful, timer])) === 'timeout') {
        ctx.logger.warn('jobs still running after the grace period: releasing them to other workers');
        await Promise.all(workers.map((w) => w.close(true)));
      }
      await deps.close();
    },
  };
}
