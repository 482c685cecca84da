// robots.txt, fetched once per origin and kept in an in-process LRU with a TTL. Following RFC
// 9309: a robots.txt that is missing (4xx) allows everything; one that cannot be read (5xx,
// 429, timeout, connection failure) disallows everything for now and is asked again after a
// shorter TTL, so a struggling site is left alone rather than crawled blind.
import robotsParserModule from 'robots-parser';
import { PermanentFetchError, isFetchError } from '../../src/net/errors.ts';
import { DEFAULT_USER_AGENT, fetchPage, type FetchPageOptions, type RobotsGate } from './http-fetcher.ts';
import type { GuardOptions } from '../../src/net/ssrf-guard.ts';

// robots-parser is CommonJS with an ESM-style typing: at run time the default import is the
// function itself, while TypeScript (NodeNext) sees it under `.default`
type RobotsParser = typeof robotsParserModule.default;
const robotsParser: RobotsParser = ((robotsParserModule as any).default ?? robotsParserModule) as RobotsParser;
type Robot = ReturnType<RobotsParser>;

export interface RobotsVerdict {
  allowed: boolean;
  /** true when the disallow comes from robots.txt being unreachable, not from its rules */
  unreachable: boolean;
  /** the Crawl-delay for this user agent, in ms, when the file sets one */
  crawlDelayMs: number | undefined;
}

export interface RobotsCacheOptions {
  /** origins kept; default 1000 */
  maxEntries?: number;
  /** how long a fetched (or missing) robots.txt is trusted; default 1 h */
  ttlMs?: number;
  /** how long an unreachable robots.txt keeps the origin disallowed before asking again; default 5 min */
  errorTtlMs?: number;
  /** options for fetching robots.txt itself (timeouts, lookupAll…); robots files are capped at 500 KiB */
  fetch?: Omit<FetchPageOptions, 'robots' | 'allowedHosts' | 'allowPrivate' | 'signal'>;
}

type Entry =
  | { kind: 'rules'; robot: Robot; expiresAt: number }
  | { kind: 'allow-all'; expiresAt: number }
  | { kind: 'unreachable'; expiresAt: number };

export class RobotsCache implements RobotsGate {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly errorTtlMs: number;
  /** how many robots.txt requests were made (for tests and metrics) */
  fetches = 0;

  constructor(private readonly opts: RobotsCacheOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 1000;
    this.ttlMs = opts.ttlMs ?? 60 * 60_000;
    this.errorTtlMs = opts.errorTtlMs ?? 5 * 60_000;
  }

  async check(url: string, userAgent: string = DEFAULT_USER_AGENT, guard: GuardOptions = {}): Promise<RobotsVerdict> {
    const entry = await this.entryFor(new URL(url), userAgent, guard);
    switch (entry.kind) {
      case 'allow-all':
        return { allowed: true, unreachable: false, crawlDelayMs: undefined };
      case 'unreachable':
        return { allowed: false, unreachable: true, crawlDelayMs: undefined };
      case 'rules': {
        const delay = entry.robot.getCrawlDelay(userAgent);
        // robots-parser answers undefined for a url of another origin; the entry is per origin
        const allowed = entry.robot.isAllowed(url, userAgent) ?? true;
        return { allowed, unreachable: false, crawlDelayMs: delay === undefined ? undefined : delay * 1000 };
      }
    }
  }

  async isAllowed(url: string, userAgent: string = DEFAULT_USER_AGENT, guard: GuardOptions = {}): Promise<boolean> {
    return (await this.check(url, userAgent, guard)).allowed;
  }

  async crawlDelayMs(url: string, userAgent: string = DEFAULT_USER_AGENT, guard: GuardOptions = {}): Promise<number | undefined> {
    return (await this.check(url, userAgent, guard)).crawlDelayMs;
  }

  clear(): void {
    this.entries.clear();
  }

  private async entryFor(url: URL, userAgent: string, guard: GuardOptions): Promise<Entry> {
    const origin = url.origin;
    const cached = this.entries.get(origin);
    if (cached && cached.expiresAt > Date.now()) {
      // refresh its place in the LRU order
      this.entries.delete(origin);
      this.entries.set(origin, cached);
      return cached;
    }
    let pending = this.inflight.get(origin);
    if (!pending) {
      pending = this.load(origin, userAgent, guard).finally(() => this.inflight.delete(origin));
      this.inflight.set(origin, pending);
    }
    const entry = await pending;
    this.entries.delete(origin);
    this.entries.set(origin, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return entry;
  }

  private async load(origin: string, userAgent: string, guard: GuardOptions): Promise<Entry> {
    const robotsUrl = `${origin}/robots.txt`;
    this.fetches++;
    try {
      const page = await fetchPage(robotsUrl, {
        timeoutMs: 10_000,
        maxRedirects: 5,
        ...this.opts.fetch,
        maxBytes: Math.min(this.opts.fetch?.maxBytes ?? 500 * 1024, 500 * 1024),
        userAgent,
        allowedHosts: guard.allowedHosts,
        allowPrivate: guard.allowPrivate,
      });
      if (page.status < 200 || page.status >= 300) return { kind: 'allow-all', expiresAt: Date.now() + this.ttlMs };
      return { kind: 'rules', robot: robotsParser(robotsUrl, page.body.toString('utf8')), expiresAt: Date.now() + this.ttlMs };
    } catch (err) {
      if (err instanceof PermanentFetchError) {
        // missing robots.txt (4xx), or one behind a redirect we will not follow: RFC 9309 "unavailable"
        return { kind: 'allow-all', expiresAt: Date.now() + (err.status ? this.ttlMs : this.errorTtlMs) };
      }
      if (isFetchError(err)) return { kind: 'unreachable', expiresAt: Date.now() + this.errorTtlMs };
      throw err;
    }
  }
}
