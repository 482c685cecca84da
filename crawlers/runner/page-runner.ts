// One page of a source: fetch it politely (robots.txt, per-host limits across workers, the SSRF
// guard), decode its charset and extract its listings. The tiers compose: fetch → decode →
// extract, each a small step; the queue processor around this does the storing.
import { createHash } from 'node:crypto';
import type { SourceDefinition } from '../sources/source.schema.ts';
import { isHostAllowed } from '../sources/source.schema.ts';
import { fetchPage, type FetchedPage } from '../fetch/http-fetcher.ts';
import { decodeBody } from '../fetch/decode.ts';
import { RobotsCache } from '../fetch/robots.ts';
import { PermanentFetchError } from '../../src/net/errors.ts';
import { extractListings } from '../extract/index.ts';
import type { ExtractResult, PageInput } from '../extract/listing.schema.ts';
import type { BrowserPool } from '../fetch/browser-pool.ts';
import type { HostLimiter } from '../fetch/host-limiter.ts';

export interface PageRunnerDeps {
  robots: RobotsCache;
  limiter?: HostLimiter;
  browser?: () => BrowserPool;
  signal?: AbortSignal;
  /** filled with the milliseconds spent in each step, when given */
  timings?: Record<string, number>;
  /** runs extractListings elsewhere (an extraction thread); default: here */
  extract?: (page: PageInput, def: SourceDefinition) => Promise<ExtractResult>;
}

export interface PageOutcome {
  finalUrl: string;
  status: number;
  contentType: string | undefined;
  body: Buffer;
  sha256: string;
  truncated: boolean;
  charset: string;
  extracted: ExtractResult;
}

export async function runPage(def: SourceDefinition, url: string, deps: PageRunnerDeps): Promise<PageOutcome> {
  const target = new URL(url);
  if (!isHostAllowed(def, target.host)) {
    throw new PermanentFetchError(`host ${target.host} is not among the source's allowed hosts`, { code: 'host_not_allowed', url });
  }
  // the fetcher re-checks every redirect hop by host name (the source schema's patterns may carry a port)
  const guard = { allowedHosts: def.allowedHosts.map((h) => h.replace(/:\d+$/, '')), allowPrivate: def.local };
  const tm = deps.timings ?? {};
  let t = performance.now();
  const release = deps.limiter
    ? await deps.limiter.acquire(target.host, {
        concurrency: def.politeness.concurrency,
        ratePerMinute: ratePerMinute(def),
        signal: deps.signal,
      })
    : () => {};
  tm.limiter = performance.now() - t;
  t = performance.now();
  try {
    let page: FetchedPage;
    let text: string;
    let charset: string;
    if (def.fetch.mode === 'browser') {
      if (!deps.browser) throw new PermanentFetchError('browser mode is not available in this worker', { code: 'no_browser', url });
      const rendered = await deps.browser().renderPage(url, {
        waitFor: def.fetch.waitFor,
        timeoutMs: def.fetch.timeoutMs,
        maxBytes: def.fetch.maxBytes,
        ...guard,
        robots: def.politeness.respectRobots ? deps.robots : undefined,
      });
      text = rendered.html;
      charset = 'utf-8';
      page = {
        url: rendered.url,
        status: rendered.status,
        headers: rendered.headers,
        body: Buffer.from(rendered.html, 'utf8'),
        truncated: rendered.truncated,
        redirects: rendered.redirects,
        elapsedMs: rendered.elapsedMs,
      };
    } else {
      page = await fetchPage(url, {
        ...guard,
        userAgent: def.fetch.userAgent,
        headers: def.fetch.headers,
        timeoutMs: def.fetch.timeoutMs,
        maxBytes: def.fetch.maxBytes,
        robots: def.politeness.respectRobots ? deps.robots : undefined,
        signal: deps.signal,
      });
      // a source's charset override wins over what the server or page declares
      const decoded = decodeBody(page.body, def.charset ? `text/html; charset=${def.charset}` : page.headers['content-type']);
      text = decoded.text;
      charset = decoded.charset;
    }
    tm.fetch = performance.now() - t;
    t = performance.now();
    const input = { url: page.url, body: text, contentType: page.headers['content-type'] };
    const extracted = deps.extract ? await deps.extract(input, def) : extractListings(input, def);
    tm.extract = performance.now() - t;
    return {
      finalUrl: page.url,
      status: page.status,
      contentType: page.headers['content-type'],
      body: page.body,
      sha256: createHash('sha256').update(page.body).digest('hex'),
      truncated: page.truncated,
      charset,
      extracted,
    };
  } finally {
    await release();
  }
}

/** A source that says nothing gets one request a second per host; local (demo/test) sources are unthrottled. */
export function ratePerMinute(def: SourceDefinition): number {
  if (def.politeness.ratePerMinute) return def.politeness.ratePerMinute;
  if (def.politeness.minDelayMs) return 60_000 / def.politeness.minDelayMs;
  return def.local ? 0 : 60;
}
