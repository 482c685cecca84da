// What a failed fetch tells the caller to do. The crawl pipeline maps these onto BullMQ:
// PermanentFetchError → UnrecoverableError (retrying cannot help), RetryableFetchError → a
// retry with backoff, waiting at least `retryAfterMs` when the server said so.

export type RetryableCode =
  | 'timeout' // connect, headers, body idle or total deadline passed
  | 'connection' // reset, refused, dns hiccup, socket closed early
  | 'server_error' // 5xx
  | 'rate_limited' // 429
  | 'bad_body' // the body could not be decompressed (usually a cut transfer)
  | 'robots_unreachable' // robots.txt answered 5xx or timed out: disallowed for now
  | 'browser'; // the browser crashed or disconnected under a render

export type PermanentCode =
  | 'client_error' // 4xx other than 429
  | 'ssrf' // the host resolves to an address the source may not reach
  | 'host_not_allowed' // the host is not one of the source's hosts
  | 'robots_disallowed' // robots.txt disallows the url for our user agent
  | 'too_many_redirects'
  | 'bad_url' // not http(s), unparsable, or a redirect without a usable Location
  | 'tls'; // certificate problems do not fix themselves between retries

// callers may add their own codes (e.g. 'no_browser'); the class, not the code, decides retrying
type Code<Known extends string> = Known | (string & {});

export interface FetchErrorDetails<C extends string> {
  code: Code<C>;
  url: string;
  status?: number;
  cause?: unknown;
}

export abstract class FetchError extends Error {
  abstract readonly retryable: boolean;
  readonly code: string;
  readonly url: string;
  readonly status: number | undefined;

  constructor(message: string, details: FetchErrorDetails<string>) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code;
    this.url = details.url;
    this.status = details.status;
  }
}

export class RetryableFetchError extends FetchError {
  override readonly name = 'RetryableFetchError';
  readonly retryable = true;
  declare readonly code: Code<RetryableCode>;
  /** the server's Retry-After, in ms, when it sent one */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: FetchErrorDetails<RetryableCode> & { retryAfterMs?: number }) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs;
  }
}

export class PermanentFetchError extends FetchError {
  override readonly name = 'PermanentFetchError';
  readonly retryable = false;
  declare readonly code: Code<PermanentCode>;

  constructor(message: string, details: FetchErrorDetails<PermanentCode>) {
    super(message, details);
  }
}

export function isFetchError(err: unknown): err is RetryableFetchError | PermanentFetchError {
  return err instanceof RetryableFetchError || err instanceof PermanentFetchError;
}

/** Retry-After is either delta-seconds or an HTTP date; anything else is ignored */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
