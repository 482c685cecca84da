// Redis connections as BullMQ's production guide asks: workers need maxRetriesPerRequest null
// (they block on Redis and must wait through a reconnect), queues fail fast; every connection
// has an error handler; eviction policies other than noeviction are warned about.
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export function createRedis(url: string, opts: { forWorker: boolean; logger?: Logger; name?: string }): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: opts.forWorker ? null : 3,
    enableReadyCheck: true,
    connectionName: opts.name,
    lazyConnect: false,
  });
  redis.on('error', (err) => opts.logger?.warn({ err: err.message, conn: opts.name }, 'redis connection error'));
  return redis;
}

export async function checkRedis(redis: Redis, logger?: Logger): Promise<void> {
  const policy = (await redis.config('GET', 'maxmemory-policy').catch(() => [])) as string[];
  if (policy[1] && policy[1] !== 'noeviction') {
    logger?.warn(
      { policy: policy[1] },
      `Redis maxmemory-policy is '${policy[1]}': BullMQ needs 'noeviction' or jobs can silently disappear`,
    );
  }
}

/** Connect once with a deadline so an unreachable Redis is one clear error, not endless retries. */
export async function pingRedis(url: string, timeoutMs = 5000): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
  } finally {
    probe.disconnect();
  }
}

/**
 * Delete every key under a queue prefix (a test's or a benchmark's private queues, which leave
 * finished jobs and their bookkeeping behind). SCAN in batches, never KEYS: the server may be
 * shared. Returns how many keys went.
 */
export async function deletePrefixKeys(url: string, prefix: string): Promise<number> {
  if (!prefix) throw new Error('deletePrefixKeys: an empty prefix would match every key');
  const r = new Redis(url, { maxRetriesPerRequest: 3 });
  r.on('error', () => {});
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    await r.quit().catch(() => r.disconnect());
  }
  return deleted;
}
