// Wiring in one place (config → context): the database, Redis and the queues every role uses.
// No DI container; roles receive the context and take what they need.
import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import type { Config } from './config/config.ts';
import { createDb, migrateToLatest } from './db/db.ts';
import type { Database } from './db/schema.ts';
import { createLogger, type Logger } from './logger.ts';
import { startEmbeddedServices, type EmbeddedServices } from './infra/embedded.ts';
import { checkRedis, createRedis, pingRedis } from './queues/redis.ts';
import { createQueues, type Queues } from './queues/queues.ts';
import { AppError } from './errors.ts';

export interface AppContext {
  config: Config;
  logger: Logger;
  db: Kysely<Database>;
  databaseUrl: string;
  redisUrl: string;
  /** non-blocking connection for queues and app commands */
  redis: Redis;
  queues: Queues;
  prefix: string;
  close(): Promise<void>;
}

export interface ContextOptions {
  logger?: Logger;
  migrate?: boolean;
  /** start embedded Postgres/Redis when the URLs are not configured (default true) */
  embedded?: boolean;
}

export async function createContext(config: Config, opts: ContextOptions = {}): Promise<AppContext> {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  let embedded: EmbeddedServices | undefined;
  let databaseUrl = config.DATABASE_URL;
  let redisUrl = config.REDIS_URL;
  if ((!databaseUrl || !redisUrl) && opts.embedded !== false) {
    embedded = await startEmbeddedServices({
      dataDir: config.DATA_DIR,
      postgres: !databaseUrl,
      redis: !redisUrl,
      log: (line) => logger.info(line),
    });
    databaseUrl ??= embedded.databaseUrl;
    redisUrl ??= embedded.redisUrl;
  }
  if (!databaseUrl || !redisUrl) throw new AppError('config', 'DATABASE_URL and REDIS_URL are required when embedded services are off');

  const db = createDb(databaseUrl);
  try {
    await db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
  } catch (err) {
    await db.destroy();
    await embedded?.stop();
    throw new AppError('unavailable', `cannot reach Postgres at ${redact(databaseUrl)}: ${(err as Error).message || (err as any).code}`);
  }
  try {
    await pingRedis(redisUrl);
  } catch (err) {
    await db.destroy();
    await embedded?.stop();
    throw new AppError('unavailable', `cannot reach Redis at ${redact(redisUrl)}: ${(err as Error).message || (err as any).code}`);
  }
  if (opts.migrate !== false) await migrateToLatest(db);

  const redis = createRedis(redisUrl, { forWorker: false, logger, name: 'ipclue-app' });
  await checkRedis(redis, logger);
  const queues = createQueues(redis, config.QUEUE_PREFIX);

  let closed = false;
  return {
    config,
    logger,
    db,
    databaseUrl,
    redisUrl,
    redis,
    queues,
    prefix: config.QUEUE_PREFIX,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(Object.values(queues).map((q) => q.close().catch(() => {})));
      await redis.quit().catch(() => redis.disconnect());
      await db.destroy().catch(() => {});
      await embedded?.stop();
    },
  };
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
