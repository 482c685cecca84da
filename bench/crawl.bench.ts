// Crawl throughput: ipclue's full pipeline (fetch → snapshot → extract → upsert → queued for
// matching, through BullMQ and Postgres) over N pages of the demo mall served from loopback,
// against Crawlee's CheerioCrawler doing fetch + parse only over the same pages, in a process
// of its own with V8's defaults (warmed up on 200 pages first).
//
//   npx tsx bench/crawl.bench.ts [--pages 2000] [--concurrency 16] [--rounds 3] [--workers N] [--only-ipclue | --only-crawlee]
//
// Uses DATABASE_URL/REDIS_URL when set (a fresh database and queue prefix are created), else
// starts embedded Postgres and a private redis-server.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../src/config/config.ts';
import { createContext } from '../src/context.ts';
import { deletePrefixKeys } from '../src/queues/redis.ts';
import { startEmbeddedServices } from '../src/infra/embedded.ts';
import { upsertSource } from '../src/sources/source.repository.ts';
import { sourceDefinitionSchema } from '../crawlers/sources/source.schema.ts';
import { startWorkers } from '../jobs/worker.ts';
import { crawlNow } from '../jobs/scheduler.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const PAGES = arg('pages', 2000);
const CONCURRENCY = arg('concurrency', 16);
// 0: workers inside this process; N: N separate `ipclue worker` processes (how ipclue uses cores)
const WORKERS = arg('workers', 0);
// each round crawls with both (ipclue into a fresh database), alternating which goes first
const ROUNDS = arg('rounds', 3);
const ONLY_IPCLUE = process.argv.includes('--only-ipclue');
// Crawlee alone (its figures without an ipclue part in the same process)
const ONLY_CRAWLEE = process.argv.includes('--only-crawlee');

async function spawnWorkers(env: Record<string, string>): Promise<{ stop: () => Promise<void> }> {
  const children = Array.from({ length: WORKERS }, () =>
    spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '..', 'bin', 'ipclue.ts'), 'worker', '--queues', 'crawl,page'], {
      env: { ...process.env, ...env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve, reject) => {
          let out = '';
          c.stdout!.on('data', (d) => {
            out += d.toString();
            if (out.includes('workers started')) resolve();
          });
          c.once('exit', (code) => reject(new Error(`worker exited ${code}: ${out.slice(-500)}`)));
        }),
    ),
  );
  return {
    async stop() {
      await Promise.all(children.map((c) => new Promise((r) => (c.once('exit', r), c.kill('SIGTERM')))));
    },
  };
}

async function serveMall(): Promise<{ stop: () => void; base: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'demo-server.ts'), 'mall', '--prerender-list', String(PAGES)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d) => resolve(d.toString().trim().split('\n')[0]));
    child.once('exit', (code) => reject(new Error(`demo server exited ${code}`)));
  });
  return { stop: () => child.kill('SIGTERM'), base };
}

interface CrawleeResult {
  items: number;
  secs: number;
  rate: number;
  cpuMsPerPage: number;
  sysMsPerPage: number;
}

/** this process's CPU since `since`, in ms: in all and in the kernel */
function cpuMs(since: NodeJS.CpuUsage): { total: number; system: number } {
  const c = process.cpuUsage(since);
  return { total: (c.user + c.system) / 1000, system: c.system / 1000 };
}

/** Crawlee's CheerioCrawler over the bench's pages, in the process it is called in. */
async function runCrawlee(urls: string[], dataDir: string): Promise<CrawleeResult> {
  const { CheerioCrawler, Configuration } = await import('@crawlee/cheerio');
  let items = 0;
  const crawler = new CheerioCrawler(
    {
      maxConcurrency: CONCURRENCY,
      minConcurrency: CONCURRENCY,
      maxRequestRetries: 1,
      async requestHandler({ $ }) {
        items += $('ul.item-list > li.item-card').length;
      },
    },
    new Configuration({ persistStorage: false, storageClientOptions: { localDataDirectory: dataDir } }),
  );
  const t1 = performance.now();
  const cpu1 = process.cpuUsage();
  await crawler.run(urls);
  const secs = (performance.now() - t1) / 1000;
  const cpu = cpuMs(cpu1);
  return { items, secs, rate: urls.length / secs, cpuMsPerPage: cpu.total / urls.length, sysMsPerPage: cpu.system / urls.length };
}

/** the middle value (the mean of the two middle ones for an even count) */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main() {
  let databaseUrl = process.env.DATABASE_URL;
  let redisUrl = process.env.REDIS_URL;
  let embedded: Awaited<ReturnType<typeof startEmbeddedServices>> | undefined;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ipclue-bench-'));
  chmodSync(dataDir, 0o755);
  if (!databaseUrl || !redisUrl) {
    embedded = await startEmbeddedServices({ dataDir, postgres: !databaseUrl, redis: !redisUrl });
    databaseUrl ??= embedded.databaseUrl!;
    redisUrl ??= embedded.redisUrl!;
  }
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();

  const { stop, base } = await serveMall();
  const urls = Array.from({ length: PAGES }, (_, i) => `${base}/demo/mall/list?page=${i + 1}`);

  // --- ipclue: the whole pipeline, into a database and queue prefix of its own each round
  async function ipcluePart(round: number) {
    const dbName = `ipclue_bench_${Date.now()}_${round}`;
    await admin.query(`CREATE DATABASE ${dbName}`);
    const u = new URL(databaseUrl!);
    u.pathname = `/${dbName}`;
    const config = loadConfig({
      DATABASE_URL: u.toString(), REDIS_URL: redisUrl, QUEUE_PREFIX: `{bench-${randomUUID().slice(0, 8)}}`,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', WORKER_CONCURRENCY: String(CONCURRENCY), DATA_DIR: dataDir,
      ...(process.env.EXTRACT_THREADS ? { EXTRACT_THREADS: process.env.EXTRACT_THREADS } : {}),
    });
    const ctx = await createContext(config, { embedded: false });
    const raw = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../seeds/sources/demo/mall.json'), 'utf8').replaceAll('{{DEMO_BASE}}', base));
    delete raw.pagination;
    delete raw.search;
    const def = sourceDefinitionSchema.parse({ ...raw, id: 'bench-mall', startUrls: urls, politeness: { concurrency: CONCURRENCY, respectRobots: true } });
    const source = await upsertSource(ctx.db, { slug: def.id, name: def.name, channel: def.channel, country: def.country, enabled: true, local: true, definition: def as any });
    const workers = WORKERS
      ? await spawnWorkers({
          DATABASE_URL: config.DATABASE_URL!, REDIS_URL: config.REDIS_URL!, QUEUE_PREFIX: config.QUEUE_PREFIX,
          WORKER_CONCURRENCY: String(CONCURRENCY), DEMO: 'false', DATA_DIR: dataDir,
        })
      : await startWorkers(ctx, { queues: ['crawl', 'page'] });
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await crawlNow(ctx, source.id);
    let run;
    for (;;) {
      run = await ctx.db.selectFrom('crawl_runs').selectAll().executeTakeFirst();
      if (run?.status === 'finished') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const secs = (performance.now() - t0) / 1000;
    // the bench process's own CPU while ipclue ran: the workers' when they run in this process
    const cpu = cpuMs(cpu0);
    const listings = Number((await ctx.db.selectFrom('listings').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const queuedForMatch = await ctx.queues.match.count();
    await ('close' in workers ? workers.close() : workers.stop());
    await ctx.close();
    await admin.query(`DROP DATABASE ${dbName} WITH (FORCE)`);
    // the round's queues (the page jobs, the match jobs, their bookkeeping) go with its database
    await deletePrefixKeys(redisUrl!, config.QUEUE_PREFIX);
    return { pages: run.pages, errors: run.errors, listings, queuedForMatch, secs, rate: run.pages / secs, cpuMsPerPage: cpu.total / Math.max(1, run.pages), sysMsPerPage: cpu.system / Math.max(1, run.pages) };
  }

  // --- Crawlee: fetch + parse only, in a process of its own (V8's defaults, none of ipclue's
  // process settings such as young-trees.ts)
  async function crawleePart(round: number): Promise<CrawleeResult> {
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--crawlee-child', base, '--pages', String(PAGES), '--concurrency', String(CONCURRENCY), '--data', path.join(dataDir, `crawlee-${round}`)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const line = out.split('\n').find((l) => l.startsWith('CRAWLEE-RESULT '));
    if (code !== 0 || !line) throw new Error(`the Crawlee process exited ${code}: ${out.slice(-500)}`);
    return JSON.parse(line.slice('CRAWLEE-RESULT '.length)) as CrawleeResult;
  }

  console.log(`pages: ${PAGES}, concurrency: ${CONCURRENCY}, worker processes: ${WORKERS || 'in-process'}, rounds: ${ROUNDS}`);
  const ratios: number[] = [];
  const rates = { ipclue: [] as number[], crawlee: [] as number[] };
  for (let round = 1; round <= ROUNDS; round++) {
    // the order alternates (ipclue first in odd rounds), so that neither crawler always runs
    // on the machine the other has just warmed or loaded
    let ip: Awaited<ReturnType<typeof ipcluePart>> | undefined;
    let cr: Awaited<ReturnType<typeof crawleePart>> | undefined;
    if (ONLY_IPCLUE) ip = await ipcluePart(round);
    else if (ONLY_CRAWLEE) cr = await crawleePart(round);
    else if (round % 2) {
      ip = await ipcluePart(round);
      cr = await crawleePart(round);
    } else {
      cr = await crawleePart(round);
      ip = await ipcluePart(round);
    }
    if (ip) {
      rates.ipclue.push(ip.rate);
      console.log(`round ${round} ipclue pipeline (fetch→snapshot→extract→upsert→match queue): ${ip.pages} pages, ${ip.listings} listings, ${ip.queuedForMatch} match jobs queued, ${ip.secs.toFixed(1)} s, ${ip.rate.toFixed(1)} pages/s, errors ${ip.errors}; bench process CPU ${ip.cpuMsPerPage.toFixed(2)} ms a page (kernel ${ip.sysMsPerPage.toFixed(2)})`);
    }
    if (cr) {
      rates.crawlee.push(cr.rate);
      console.log(`round ${round} Crawlee CheerioCrawler (fetch+parse only): ${PAGES} pages, ${cr.items} items, ${cr.secs.toFixed(1)} s, ${cr.rate.toFixed(1)} pages/s; its process's CPU ${cr.cpuMsPerPage.toFixed(2)} ms a page (kernel ${cr.sysMsPerPage.toFixed(2)})`);
    }
    if (ip && cr) {
      ratios.push(ip.rate / cr.rate);
      console.log(`round ${round} ratio ipclue/crawlee: ${(ip.rate / cr.rate).toFixed(2)}`);
    }
  }
  if (rates.ipclue.length) console.log(`ipclue median: ${median(rates.ipclue).toFixed(1)} pages/s`);
  if (rates.crawlee.length) console.log(`Crawlee median: ${median(rates.crawlee).toFixed(1)} pages/s`);
  if (ratios.length) {
    console.log(`ratio ipclue/crawlee, median of ${ratios.length} round(s): ${median(ratios).toFixed(2)} (rounds: ${ratios.map((r) => r.toFixed(3)).join(', ')})`);
    console.log(`ipclue at least as fast as Crawlee in ${ratios.filter((r) => r >= 1).length} of ${ratios.length} round(s)`);
  }

  stop();
  await admin.end();
  await embedded?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

const childAt = process.argv.indexOf('--crawlee-child');
if (childAt > 0) {
  const base = process.argv[childAt + 1]!;
  const dataAt = process.argv.indexOf('--data');
  const urls = Array.from({ length: PAGES }, (_, i) => `${base}/demo/mall/list?page=${i + 1}`);
  // a fresh process each round: 200 pages first, unmeasured, so that Crawlee's code is as warm
  // as the bench process's (ipclue's own first round gets no such start)
  await runCrawlee(urls.slice(0, 200), `${process.argv[dataAt + 1]!}-warm`);
  console.log(`CRAWLEE-RESULT ${JSON.stringify(await runCrawlee(urls, process.argv[dataAt + 1]!))}`);
} else await main();
// Crawlee and BullMQ leave timers behind; the figures are printed
process.exit(0);
