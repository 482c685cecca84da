// What the processors share inside one worker process: the app context plus the crawler's
// per-process helpers (robots cache, cross-worker host limiter, browser pool, matcher cache).
import type { AppContext } from '../src/context.ts';
import { RobotsCache } from '../crawlers/fetch/robots.ts';
import { HostLimiter } from '../crawlers/fetch/host-limiter.ts';
import { BrowserPool } from '../crawlers/fetch/browser-pool.ts';
import { closeFetchAgents } from '../crawlers/fetch/http-fetcher.ts';
import { MatcherCache } from '../src/watchlists/matcher-cache.ts';
import { createRedis } from '../src/queues/redis.ts';
import { SellerCache } from '../src/listings/listing.repository.ts';
import { PageStore } from '../src/crawls/page-store.ts';
import { ExtractPool, defaultExtractThreads } from '../crawlers/extract/extract-pool.ts';
import { keepPageTreesYoung } from '../crawlers/extract/young-trees.ts';
import type { ExtractResult, PageInput } from '../crawlers/extract/listing.schema.ts';
import { getSource, type SourceRecord } from '../src/sources/source.repository.ts';
import { sourceDefinitionSchema, type SourceDefinition } from '../crawlers/sources/source.schema.ts';
import { UnrecoverableError } from 'bullmq';

/** A source definition, parsed once and kept for a few seconds: page jobs run by the thousand. */
export class SourceCache {
  private cache = new Map<string, { at: number; source: SourceRecord; def: SourceDefinition }>();
  constructor(
    private readonly ctx: AppContext,
    private readonly ttlMs = 5000,
  ) {}

  async get(sourceId: string): Promise<{ source: SourceRecord; def: SourceDefinition }> {
    const hit = this.cache.get(sourceId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit;
    const source = await getSource(this.ctx.db, sourceId);
    if (!source) throw new UnrecoverableError(`source ${sourceId} does not exist`);
    const def = parseDefinition(source.definition);
    const entry = { at: Date.now(), source, def };
    this.cache.set(sourceId, entry);
    return entry;
  }
}

export function parseDefinition(raw: unknown): SourceDefinition {
  const parsed = sourceDefinitionSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new UnrecoverableError(`source definition invalid at ${i.path.join('.')}: ${i.message}`);
  }
  return parsed.data;
}

export interface JobDeps {
  ctx: AppContext;
  sources: SourceCache;
  sellers: SellerCache;
  /** writes crawled pages, several concurrent pages per statement */
  pages: PageStore;
  /** extraction on other threads, when the process has them (see EXTRACT_THREADS) */
  extract?: (page: PageInput, def: SourceDefinition) => Promise<ExtractResult>;
  /** starts what the crawl queues need ahead of their first job (the extraction threads) */
  startCrawling(): Promise<void>;
  robots: RobotsCache;
  limiter: HostLimiter;
  browser: () => BrowserPool;
  matchers: MatcherCache;
  close(): Promise<void>;
}

export function createJobDeps(ctx: AppContext): JobDeps {
  // a worker process parses pages by the thousand: see young-trees.ts
  keepPageTreesYoung();
  const limiterRedis = createRedis(ctx.redisUrl, { forWorker: true, logger: ctx.logger, name: 'ipclue-limiter' });
  const limiter = new HostLimiter(limiterRedis, { prefix: `${ctx.prefix}:hosts` });
  let pool: BrowserPool | undefined;
  const sellers = new SellerCache();
  const pages = new PageStore(ctx.db, { sellers, onBatch: (n) => ctx.logger.debug({ pages: n }, 'pages stored') });
  const threads = ctx.config.EXTRACT_THREADS ?? defaultExtractThreads();
  const extractor = threads > 0 ? new ExtractPool(threads) : undefined;
  return {
    ctx,
    sources: new SourceCache(ctx),
    sellers,
    pages,
    extract: extractor ? (page, def) => extractor.extract(page, def) : undefined,
    async startCrawling() {
      await extractor?.start();
    },
    robots: new RobotsCache(),
    limiter,
    browser: () => (pool ??= new BrowserPool({ executablePath: ctx.config.CHROMIUM_PATH })),
    matchers: new MatcherCache(ctx.db, ctx.logger),
    async close() {
      await pages.drain();
      await extractor?.close();
      await pool?.close();
      await closeFetchAgents();
      await limiterRedis.quit().catch(() => limiterRedis.disconnect());
    },
  };
}
