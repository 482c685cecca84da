// What the processors share inside one worker process: the app context plus the crawler's
// per-process helpers (robots cache, cross-worker host limiter, browser pool, matcher cache).
import type { AppContext } from '../src/context.ts';
import { RobotsCache } from '../crawlers/fetch/robots.ts';
import { HostLimiter } from '../crawlers/fetch/host-limiter.ts';
import { BrowserPool } from '../crawlers/fetch/browser-pool.ts';
import { closeFetchAgents } from '../crawlers/fetch/http-fetcher.ts';
import { MatcherCache } from '../src/watchlists/matcher-cache.ts';
import { createRedis } from '../src/queues/redis.ts';

export interface JobDeps {
  ctx: AppContext;
  robots: RobotsCache;
  limiter: HostLimiter;
  browser: () => BrowserPool;
  matchers: MatcherCache;
  close(): Promise<void>;
}

export function createJobDeps(ctx: AppContext): JobDeps {
  const limiterRedis = createRedis(ctx.redisUrl, { forWorker: true, logger: ctx.logger, name: 'ipclue-limiter' });
  const limiter = new HostLimiter(limiterRedis, { prefix: `${ctx.prefix}:hosts` });
  let pool: BrowserPool | undefined;
  return {
    ctx,
    robots: new RobotsCache(),
    limiter,
    browser: () => (pool ??= new BrowserPool({ executablePath: ctx.config.CHROMIUM_PATH })),
    matchers: new MatcherCache(ctx.db, ctx.logger),
    async close() {
      await pool?.close();
      await closeFetchAgents();
      await limiterRedis.quit().catch(() => limiterRedis.disconnect());
    },
  };
}
