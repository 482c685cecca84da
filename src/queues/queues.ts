// The queues of the flow and the payload each carries. Every processor parses its payload with
// the schema here; a payload that does not parse is an UnrecoverableError, not a retry loop.
import { Queue, UnrecoverableError, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { z } from 'zod';

export const QUEUE_NAMES = ['crawl', 'page', 'match', 'evidence', 'notify', 'report'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export const payloadSchemas = {
  /** start a crawl run of one source: fans out into page jobs */
  crawl: z.object({ sourceId: z.string().regex(/^\d+$/), reason: z.enum(['schedule', 'manual', 'startup']).default('manual') }),
  /** fetch one page of a run, store a snapshot, extract and upsert its listings */
  page: z.object({
    sourceId: z.string().regex(/^\d+$/),
    runId: z.string().regex(/^\d+$/),
    url: z.string().url(),
    pageNo: z.number().int().min(1),
    term: z.string().optional(),
  }),
  /** score new or changed listings (one page's worth at most) against the active watchlist */
  match: z.object({
    listings: z.array(z.object({ listingId: z.string().regex(/^\d+$/), contentHash: z.string().min(1) })).min(1).max(200),
  }),
  /** capture one alert's listing page as evidence: automatically for new alerts, or asked for by a user */
  evidence: z.object({
    alertId: z.string().regex(/^\d+$/),
    reason: z.enum(['auto', 'manual']).default('auto'),
    requestedBy: z.string().regex(/^\d+$/).nullable().optional(),
  }),
  notify: z.object({ kind: z.string().min(1), data: z.record(z.string(), z.unknown()) }),
  /** generate a risk-warning report; period 'last-week'/'last-month' from schedulers */
  report: z.object({
    kind: z.string().min(1),
    period: z.string().min(1),
    scope: z.string().min(1).default('all'),
    regenerate: z.boolean().optional(),
    requestedBy: z.string().regex(/^\d+$/).nullable().optional(),
  }),
} satisfies Record<QueueName, z.ZodType>;

export type Payload<Q extends QueueName> = z.infer<(typeof payloadSchemas)[Q]>;

export function parsePayload<Q extends QueueName>(queue: Q, data: unknown): Payload<Q> {
  const parsed = payloadSchemas[queue].safeParse(data);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new UnrecoverableError(`bad ${queue} payload: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return parsed.data as Payload<Q>;
}

export const defaultJobOptions: Record<QueueName, JobsOptions> = {
  crawl: { attempts: 3, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: 1000, removeOnFail: 5000 },
  page: { attempts: 4, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: 5000, removeOnFail: 10000 },
  match: { attempts: 5, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: 5000, removeOnFail: 10000 },
  evidence: { attempts: 3, backoff: { type: 'exponential', delay: 10_000 }, removeOnComplete: 1000, removeOnFail: 5000 },
  notify: { attempts: 8, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: 1000, removeOnFail: 5000 },
  report: { attempts: 2, backoff: { type: 'fixed', delay: 60_000 }, removeOnComplete: 100, removeOnFail: 500 },
};

export type Queues = { [Q in QueueName]: Queue<Payload<Q>> };

export function createQueues(connection: ConnectionOptions, prefix: string): Queues {
  const out = {} as Record<QueueName, Queue>;
  for (const name of QUEUE_NAMES) {
    out[name] = new Queue(name, { connection, prefix, defaultJobOptions: defaultJobOptions[name] });
  }
  return out as unknown as Queues;
}
