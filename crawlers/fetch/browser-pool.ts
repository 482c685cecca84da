// Browser mode: pages built by JavaScript, rendered by the system Chromium through Playwright.
// A bounded pool: at most `maxPages` renders at once, pages (each in its own context, cookies
// cleared between uses) are reused, and the browser is replaced after `restartAfterPages`
// renders (Chromium grows) or as soon as it crashes or disconnects.
//
// Every request the page makes is intercepted and performed by the guarded HTTP fetcher, then
// handed back to Chromium: so the source's hosts, the SSRF guard (with its pinned DNS), the
// size cap and robots.txt apply to scripts and XHR too. Chromium follows redirects without
// asking the interceptor, so redirects are followed by the fetcher for subresources and, for
// the main document, by re-navigating to the next hop after it has been checked.
import type { Browser, BrowserContext, Page, Request, Route } from 'playwright-core';
import { PermanentFetchError, RetryableFetchError, isFetchError } from '../../src/net/errors.ts';
import { DEFAULT_USER_AGENT, fetchResponse, statusError, type RobotsGate } from './http-fetcher.ts';
import type { GuardOptions } from '../../src/net/ssrf-guard.ts';

export { CHROMIUM_ARGS as DEFAULT_CHROMIUM_ARGS } from '../../src/net/chromium.ts';
import { CHROMIUM_ARGS as DEFAULT_CHROMIUM_ARGS } from '../../src/net/chromium.ts';

export interface BrowserPoolOptions {
  /** default $CHROMIUM_PATH or /usr/bin/chromium; a browser is never downloaded */
  executablePath?: string;
  /** renders at once; default 4 */
  maxPages?: number;
  /** renders before the browser is replaced; default 200 */
  restartAfterPages?: number;
  /** the browser's user agent; default Chromium's own with the ipclue token appended */
  userAgent?: string;
  args?: string[];
  launchTimeoutMs?: number;
}

export interface RenderOptions extends GuardOptions {
  /** a CSS selector that must be present before the page is read */
  waitFor?: string;
  /** default 'load' */
  waitUntil?: 'load' | 'domcontentloaded' | 'networkidle';
  /** deadline for the whole render; default 30 s */
  timeoutMs?: number;
  /** cap on the returned html and on each response the page receives; default 10 MiB */
  maxBytes?: number;
  /** default 5 */
  maxRedirects?: number;
  /** resource types not loaded at all; default image, media, font */
  blockResources?: string[];
  /** when given, the document and each redirect hop must be allowed by robots.txt */
  robots?: RobotsGate;
  signal?: AbortSignal;
}

export interface RenderedPage {
  /** the final url, after redirects */
  url: string;
  status: number;
  headers: Record<string, string>;
  html: string;
  truncated: boolean;
  redirects: string[];
  elapsedMs: number;
}

export interface BrowserPoolStats {
  launches: number;
  connected: boolean;
  pagesCreated: number;
  rendersOnCurrentBrowser: number;
  active: number;
  blockedRequests: number;
}

interface Generation {
  browser: Browser;
  userAgent: string;
  rendered: number;
  active: number;
  idle: Slot[];
  dead: boolean;
  retiring: boolean;
}

interface Job {
  guard: GuardOptions;
  maxBytes: number;
  deadline: number;
  block: Set<string>;
  robots: RobotsGate | undefined;
  signal: AbortSignal | undefined;
  // what the interceptor learned about the main document
  redirectTo?: string;
  mainError?: unknown;
  mainTruncated?: boolean;
}

interface Slot {
  gen: Generation;
  context: BrowserContext;
  page: Page;
  job: Job | undefined;
  broken: boolean;
}

const DROP_REQUEST_HEADERS = new Set(['host', 'connection', 'content-length', 'accept-encoding', 'transfer-encoding', 'keep-alive', 'upgrade', 'te', 'proxy-authorization', 'proxy-connection']);
const DROP_RESPONSE_HEADERS = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'connection', 'keep-alive']);

export class BrowserPool {
  private readonly executablePath: string;
  private readonly maxPages: number;
  private readonly restartAfterPages: number;
  private readonly args: string[];
  private readonly launchTimeoutMs: number;
  private current: Generation | undefined;
  private launching: Promise<Generation> | undefined;
  private readonly generations = new Set<Generation>();
  private inUse = 0;
  private readonly waiters: Array<() => void> = [];
  private closed = false;
  private launches = 0;
  private pagesCreated = 0;
  private blockedRequests = 0;

  constructor(private readonly opts: BrowserPoolOptions = {}) {
    this.executablePath = opts.executablePath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    this.maxPages = Math.max(1, opts.maxPages ?? 4);
    this.restartAfterPages = Math.max(1, opts.restartAfterPages ?? 200);
    this.args = opts.args ?? DEFAULT_CHROMIUM_ARGS;
    this.launchTimeoutMs = opts.launchTimeoutMs ?? 30_000;
  }

  stats(): BrowserPoolStats {
    return {
      launches: this.launches,
      connected: !!this.current && !this.current.dead && this.current.browser.isConnected(),
      pagesCreated: this.pagesCreated,
      rendersOnCurrentBrowser: this.current?.rendered ?? 0,
      active: this.inUse,
      blockedRequests: this.blockedRequests,
    };
  }

  async renderPage(url: string, opts: RenderOptions = {}): Promise<RenderedPage> {
    const started = performance.now();
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    const maxBytes = opts.maxBytes ?? 10 * 1024 * 1024;
    const maxRedirects = opts.maxRedirects ?? 5;
    opts.signal?.throwIfAborted();
    await this.takePermit(opts.signal);
    let slot: Slot | undefined;
    const onAbort = () => {
      // closing the page is the one way to stop a navigation at once; the slot is not reused
      if (slot) {
        slot.broken = true;
        void slot.page.close().catch(() => undefined);
      }
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      slot = await this.takeSlot();
      const job: Job = {
        guard: { allowedHosts: opts.allowedHosts, allowPrivate: opts.allowPrivate },
        maxBytes,
        deadline,
        block: new Set(opts.blockResources ?? ['image', 'media', 'font']),
        robots: opts.robots,
        signal: opts.signal,
      };
      slot.job = job;
      const page = slot.page;

      const redirects: string[] = [];
      let target = url;
      let response;
      for (;;) {
        job.redirectTo = undefined;
        job.mainError = undefined;
        try {
          response = await page.goto(target, { waitUntil: opts.waitUntil ?? 'load', timeout: remaining(deadline, target) });
        } catch (err) {
          if (!job.redirectTo) throw job.mainError ?? err;
        }
        if (job.mainError) throw job.mainError;
        if (!job.redirectTo) break;
        redirects.push(target);
        if (redirects.length > maxRedirects) {
          throw new PermanentFetchError(`more than ${maxRedirects} redirects`, { code: 'too_many_redirects', url: target });
        }
        target = job.redirectTo;
      }
      if (!response) throw new RetryableFetchError(`no response for ${target}`, { code: 'browser', url: target });
      const status = response.status();
      const headers = response.headers();
      if (status >= 400) throw statusError(page.url(), status, headers);
      if (opts.waitFor) await page.waitForSelector(opts.waitFor, { state: 'attached', timeout: remaining(deadline, target) });

      let html = await page.content();
      let truncated = job.mainTruncated ?? false;
      if (Buffer.byteLength(html) > maxBytes) {
        html = Buffer.from(html).subarray(0, maxBytes).toString('utf8');
        truncated = true;
      }
      return { url: page.url(), status, headers, html, truncated, redirects, elapsedMs: Math.round(performance.now() - started) };
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      throw this.classify(err, url, slot);
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      if (slot) await this.returnSlot(slot);
      this.givePermit();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const gens = [...this.generations];
    this.current = undefined;
    await Promise.all(gens.map((g) => g.browser.close().catch(() => undefined)));
    this.generations.clear();
  }

  // ---- slots and generations ----

  private takePermit(signal: AbortSignal | undefined): Promise<void> {
    if (this.inUse < this.maxPages) {
      this.inUse++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.inUse++;
        resolve();
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal?.reason);
      };
      this.waiters.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private givePermit(): void {
    this.inUse--;
    this.waiters.shift()?.();
  }

  private async generation(): Promise<Generation> {
    if (this.closed) throw new RetryableFetchError('the browser pool is closed', { code: 'browser', url: '' });
    const cur = this.current;
    if (cur && !cur.dead && !cur.retiring && cur.browser.isConnected()) return cur;
    this.launching ??= this.launch().finally(() => (this.launching = undefined));
    return this.launching;
  }

  private async launch(): Promise<Generation> {
    // loaded on first use: most processes never start a browser
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: this.executablePath,
      args: this.args,
      timeout: this.launchTimeoutMs,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    this.launches++;
    const version = browser.version();
    const gen: Generation = {
      browser,
      userAgent: this.opts.userAgent ?? `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${version} Safari/537.36 ${DEFAULT_USER_AGENT}`,
      rendered: 0,
      active: 0,
      idle: [],
      dead: false,
      retiring: false,
    };
    browser.on('disconnected', () => {
      gen.dead = true;
      this.generations.delete(gen);
      if (this.current === gen) this.current = undefined;
    });
    this.generations.add(gen);
    if (this.closed) {
      await browser.close().catch(() => undefined);
      throw new RetryableFetchError('the browser pool is closed', { code: 'browser', url: '' });
    }
    this.current = gen;
    return gen;
  }

  private async takeSlot(): Promise<Slot> {
    const gen = await this.generation();
    gen.active++;
    gen.rendered++;
    if (gen.rendered >= this.restartAfterPages) gen.retiring = true;
    try {
      const idle = gen.idle.pop();
      if (idle) return idle;
      const context = await gen.browser.newContext({ userAgent: gen.userAgent, serviceWorkers: 'block', acceptDownloads: false });
      const page = await context.newPage();
      this.pagesCreated++;
      const slot: Slot = { gen, context, page, job: undefined, broken: false };
      page.on('crash', () => (slot.broken = true));
      await page.route('**/*', (route, request) => this.intercept(slot, route, request));
      // websockets would bypass the interceptor; a crawled page has no need of them
      await page.routeWebSocket(/.*/, (ws) => ws.close({ code: 1008, reason: 'blocked by ipclue' }));
      return slot;
    } catch (err) {
      await this.retire(gen);
      throw err;
    }
  }

  private async returnSlot(slot: Slot): Promise<void> {
    const gen = slot.gen;
    slot.job = undefined;
    let reusable = !slot.broken && !gen.dead && !gen.retiring && !this.closed;
    if (reusable) {
      try {
        await slot.page.goto('about:blank', { timeout: 5_000 });
        await slot.context.clearCookies();
      } catch {
        reusable = false;
      }
    }
    if (reusable) gen.idle.push(slot);
    else await slot.context.close().catch(() => undefined);
    await this.retire(gen);
  }

  /** one render on `gen` is over; a retiring browser closes once its last render is */
  private async retire(gen: Generation): Promise<void> {
    gen.active--;
    if ((gen.retiring || this.closed) && gen.active === 0 && !gen.dead) {
      gen.dead = true;
      if (this.current === gen) this.current = undefined;
      this.generations.delete(gen);
      await gen.browser.close().catch(() => undefined);
    }
  }

  // ---- the interceptor ----

  private async intercept(slot: Slot, route: Route, request: Request): Promise<void> {
    const job = slot.job;
    const url = request.url();
    let isMain = false;
    try {
      isMain = request.isNavigationRequest() && request.frame() === slot.page.mainFrame();
    } catch {
      isMain = false;
    }
    // between renders an idle page has no business loading anything
    if (!job) return route.abort('blockedbyclient').catch(() => undefined);
    // data: and blob: urls never leave the browser
    if (!/^https?:/.test(url)) return route.continue().catch(() => undefined);
    if (job.block.has(request.resourceType())) {
      this.blockedRequests++;
      return route.abort('blockedbyclient').catch(() => undefined);
    }
    try {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(await request.allHeaders())) {
        if (!DROP_REQUEST_HEADERS.has(k.toLowerCase()) && !k.startsWith(':')) headers[k] = v;
      }
      const res = await fetchResponse(url, {
        ...job.guard,
        method: request.method(),
        body: request.postDataBuffer() ?? undefined,
        headers,
        userAgent: DEFAULT_USER_AGENT,
        maxBytes: job.maxBytes,
        timeoutMs: remaining(job.deadline, url),
        followRedirects: !isMain,
        robots: isMain ? job.robots : undefined,
        signal: job.signal,
      });
      if (isMain && res.status >= 300 && res.status < 400 && res.headers.location) {
        job.redirectTo = new URL(res.headers.location, url).href;
        return await route.abort('aborted');
      }
      if (isMain) job.mainTruncated = res.truncated;
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (!DROP_RESPONSE_HEADERS.has(k)) out[k] = v;
      await route.fulfill({ status: res.status, headers: out, body: res.body });
    } catch (err) {
      if (isFetchError(err)) this.blockedRequests++;
      if (isMain) job.mainError = err;
      await route.abort(err instanceof PermanentFetchError ? 'blockedbyclient' : 'failed').catch(() => undefined);
    }
  }

  private classify(err: unknown, url: string, slot: Slot | undefined): unknown {
    if (isFetchError(err)) return err;
    const e = err as Error;
    if (e?.name === 'TimeoutError') return new RetryableFetchError(`render of ${url} timed out: ${e.message.split('\n')[0]}`, { code: 'timeout', url, cause: err });
    if (slot) slot.broken = true;
    const crashed = !slot || slot.gen.dead || /closed|crash|disconnected/i.test(e?.message ?? '');
    return new RetryableFetchError(`${crashed ? 'browser gone while rendering' : 'render failed for'} ${url}: ${(e?.message ?? String(err)).split('\n')[0]}`, {
      code: crashed ? 'browser' : 'connection',
      url,
      cause: err,
    });
  }
}

function remaining(deadline: number, url: string): number {
  const left = deadline - Date.now();
  if (left <= 0) throw new RetryableFetchError(`render of ${url} ran out of time`, { code: 'timeout', url });
  return left;
}
