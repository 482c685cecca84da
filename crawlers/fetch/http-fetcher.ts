// Plain HTTP fetching for crawlers: one GET with redirects followed by hand (each hop re-checked
// against the source's hosts, the SSRF guard and robots.txt), a total deadline plus connect and
// body-idle timeouts, a cap on the decoded body (read as a stream and cut, never buffered
// whole), and gzip/deflate/brotli decoding. Failures come out as RetryableFetchError or
// PermanentFetchError so the caller knows whether trying again can help. Charset decoding is
// left to decode.ts: this returns bytes.
import { pipeline } from 'node:stream';
import type { Readable, Transform } from 'node:stream';
import zlib from 'node:zlib';
import { request } from 'undici';
import { PermanentFetchError, RetryableFetchError, isFetchError, parseRetryAfter } from '../../src/net/errors.ts';
import { guardUrl, type AddressClassifier, type GuardOptions, type LookupAll, type ResolverOptions } from '../../src/net/ssrf-guard.ts';
import { closeGuardedAgents, guardedAgent } from '../../src/net/guarded-agent.ts';

export { DEFAULT_USER_AGENT } from '../../src/net/user-agent.ts';
import { DEFAULT_USER_AGENT } from '../../src/net/user-agent.ts';

/** what fetchPage needs from robots.ts (kept structural so this file does not import it) */
export interface RobotsGate {
  check(url: string, userAgent: string, guard: GuardOptions): Promise<{ allowed: boolean; unreachable?: boolean }>;
}

export interface FetchPageOptions extends GuardOptions {
  userAgent?: string;
  /** extra request headers; they override the defaults (Accept, Accept-Language…) */
  headers?: Record<string, string>;
  /** time to open the TCP/TLS connection; default 10 s */
  connectTimeoutMs?: number;
  /** deadline for the whole fetch, redirects and body included; default 30 s */
  timeoutMs?: number;
  /** longest silence while reading the body; default 15 s */
  bodyIdleTimeoutMs?: number;
  /** default 5 */
  maxRedirects?: number;
  /** cap on the decoded body; reading stops there and the result is marked truncated; default 10 MiB */
  maxBytes?: number;
  /** when given, every hop must be allowed by robots.txt */
  robots?: RobotsGate;
  signal?: AbortSignal;
  /** replaces dns.lookup (tests, custom resolvers); every address it returns is still vetted */
  lookupAll?: LookupAll;
  /** replaces the public/private judgement of addresses (tests only: loopback standing in for a public host) */
  classifyAddress?: AddressClassifier;
}

export interface FetchRequestOptions extends FetchPageOptions {
  /** default GET */
  method?: string;
  body?: Buffer | string;
  /** when false, a 3xx comes back as the result (with its Location) instead of being followed */
  followRedirects?: boolean;
}

export interface FetchedPage {
  /** the final url, after redirects */
  url: string;
  status: number;
  /** lower-case names; repeated headers joined with ', ' (set-cookie with '\n') */
  headers: Record<string, string>;
  body: Buffer;
  truncated: boolean;
  /** the urls that answered with a redirect, in order */
  redirects: string[];
  elapsedMs: number;
}

const DEFAULTS = {
  connectTimeoutMs: 10_000,
  timeoutMs: 30_000,
  bodyIdleTimeoutMs: 15_000,
  maxRedirects: 5,
  maxBytes: 10 * 1024 * 1024,
};

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** closes the pooled keep-alive connections (for graceful shutdown and tests) */
export async function closeFetchAgents(): Promise<void> {
  await closeGuardedAgents();
}

class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
}

/**
 * GETs a page for a crawler: follows redirects (each hop checked), and throws
 * RetryableFetchError / PermanentFetchError for failures, 4xx and 5xx included.
 */
export function fetchPage(url: string, opts: FetchPageOptions = {}): Promise<FetchedPage> {
  return doFetch(url, opts, true);
}

/**
 * The same guarded request with any method, answering with whatever status the server sent
 * (the browser pool forwards the page's own requests through this). Transport failures still
 * throw.
 */
export function fetchResponse(url: string, opts: FetchRequestOptions = {}): Promise<FetchedPage> {
  return doFetch(url, opts, false);
}

async function doFetch(rawUrl: string, opts: FetchRequestOptions, throwOnHttpError: boolean): Promise<FetchedPage> {
  const started = performance.now();
  const userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;
  const maxRedirects = opts.maxRedirects ?? DEFAULTS.maxRedirects;
  const guard: GuardOptions = { allowedHosts: opts.allowedHosts, allowPrivate: opts.allowPrivate };

  opts.signal?.throwIfAborted();
  const controller = new AbortController();
  const onCallerAbort = () => controller.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const deadline = setTimeout(() => controller.abort(new DeadlineExceeded(`no complete answer within ${timeoutMs} ms`)), timeoutMs);
  const resolver: ResolverOptions = { lookupAll: opts.lookupAll, classifyAddress: opts.classifyAddress };
  const { agent, shared } = guardedAgent(opts.allowPrivate ?? false, opts.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs, resolver);

  const redirects: string[] = [];
  let current = rawUrl;
  let method = (opts.method ?? 'GET').toUpperCase();
  let requestBody = opts.body;
  try {
    for (;;) {
      const url = await guardUrl(current, { ...guard, ...resolver });
      if (opts.robots) {
        const verdict = await opts.robots.check(url.href, userAgent, guard);
        if (!verdict.allowed) {
          throw verdict.unreachable
            ? new RetryableFetchError(`robots.txt for ${url.origin} could not be read; not fetching for now`, { code: 'robots_unreachable', url: url.href })
            : new PermanentFetchError(`robots.txt disallows ${url.pathname} for ${userAgent}`, { code: 'robots_disallowed', url: url.href });
        }
      }
      controller.signal.throwIfAborted();

      const res = await request(url, {
        method: method as 'GET',
        body: requestBody,
        dispatcher: agent,
        signal: controller.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: opts.bodyIdleTimeoutMs ?? DEFAULTS.bodyIdleTimeoutMs,
        headers: {
          'user-agent': userAgent,
          accept: 'text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8',
          'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8',
          'accept-encoding': 'gzip, deflate, br',
          ...lowerKeys(opts.headers),
        },
      });
      const headers = flattenHeaders(res.headers);
      const status = res.statusCode;

      if (REDIRECT_STATUSES.has(status) && headers.location && opts.followRedirects !== false) {
        discard(res.body);
        // as browsers do: 303, and 301/302 after a POST, continue as a GET without the body
        if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
          method = 'GET';
          requestBody = undefined;
        }
        redirects.push(url.href);
        if (redirects.length > maxRedirects) {
          throw new PermanentFetchError(`more than ${maxRedirects} redirects`, { code: 'too_many_redirects', url: url.href, status });
        }
        try {
          current = new URL(headers.location, url).href;
        } catch {
          throw new PermanentFetchError(`redirect to an unusable location: ${headers.location}`, { code: 'bad_url', url: url.href, status });
        }
        continue;
      }

      if (status >= 400 && throwOnHttpError) {
        discard(res.body);
        throw statusError(url.href, status, headers);
      }

      const { body, truncated } = await readCapped(res.body, headers['content-encoding'], status, opts.maxBytes ?? DEFAULTS.maxBytes);
      return { url: url.href, status, headers, body, truncated, redirects, elapsedMs: Math.round(performance.now() - started) };
    }
  } catch (err) {
    throw classify(err, current, controller.signal, opts.signal);
  } finally {
    clearTimeout(deadline);
    opts.signal?.removeEventListener('abort', onCallerAbort);
    if (!shared) void agent.close().catch(() => undefined);
  }
}

export function statusError(url: string, status: number, headers: Record<string, string>): Error {
  if (status === 429) {
    return new RetryableFetchError(`429 from ${new URL(url).host}`, { code: 'rate_limited', url,
      status,
      retryAfterMs: parseRetryAfter(headers['retry-after']),
    });
  }
  if (status >= 500) {
    return new RetryableFetchError(`${status} from ${new URL(url).host}`, { code: 'server_error', url,
      status,
      retryAfterMs: parseRetryAfter(headers['retry-after']),
    });
  }
  return new PermanentFetchError(`${status} from ${new URL(url).host}`, { code: 'client_error', url, status });
}

function decoderFor(encoding: string): Transform | undefined {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      // sync flush: a body cut short (by us or the server) still yields what arrived
      return zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'deflate':
      // unzip detects the zlib header; raw deflate (old IIS) is not handled
      return zlib.createUnzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'br':
      return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
    default:
      return undefined;
  }
}

async function readCapped(
  raw: Readable,
  contentEncoding: string | undefined,
  status: number,
  maxBytes: number,
): Promise<{ body: Buffer; truncated: boolean }> {
  const encodings = status === 204 || status === 304 ? [] : (contentEncoding ?? '').split(',').map((e) => e.trim().toLowerCase()).filter((e) => e && e !== 'identity');
  const decoders = encodings.reverse().map(decoderFor);
  // an encoding we cannot undo: hand back the bytes as sent rather than guess
  const usable = decoders.every((d) => d !== undefined) ? (decoders as Transform[]) : [];
  const source: Readable = usable.length > 0 ? (pipeline([raw, ...usable], () => undefined) as unknown as Readable) : raw;

  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      const room = maxBytes - size;
      if (chunk.length > room) {
        if (room > 0) chunks.push(chunk.subarray(0, room));
        size += Math.max(room, 0);
        truncated = true;
        break;
      }
      chunks.push(chunk);
      size += chunk.length;
    }
  } finally {
    // stop the transfer: the rest of a capped body is never read
    discard(raw);
    for (const d of usable) discard(d);
  }
  return { body: Buffer.concat(chunks, size), truncated };
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const BODY_CODES = new Set(['Z_DATA_ERROR', 'Z_BUF_ERROR', 'Z_NEED_DICT', 'ERR_BROTLI_DECOMPRESSION_FAILED', 'ERR__ERROR_FORMAT_PADDING_1']);

function classify(err: unknown, url: string, signal: AbortSignal, callerSignal: AbortSignal | undefined): unknown {
  // the caller cancelled: not a fetch failure, hand its reason back untouched
  if (callerSignal?.aborted) return callerSignal.reason;
  if (signal.aborted && signal.reason instanceof DeadlineExceeded) {
    return new RetryableFetchError(signal.reason.message, { code: 'timeout', url, cause: err });
  }
  for (let e: any = err, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (isFetchError(e)) return e;
    const code: string | undefined = typeof e.code === 'string' ? e.code : undefined;
    if (!code) continue;
    if (TIMEOUT_CODES.has(code)) return new RetryableFetchError(`${code} fetching ${url}`, { code: 'timeout', url, cause: err });
    if (BODY_CODES.has(code) || code.startsWith('ERR_BROTLI') || code.startsWith('Z_')) {
      return new RetryableFetchError(`could not decompress the body of ${url}: ${e.message}`, { code: 'bad_body', url, cause: err });
    }
    if (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_CERT)/.test(code) || code.includes('CERT')) {
      return new PermanentFetchError(`TLS failure for ${url}: ${e.message}`, { code: 'tls', url, cause: err });
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  return new RetryableFetchError(`fetching ${url} failed: ${message}`, { code: 'connection', url, cause: err });
}

// undici errors a destroyed body with "Request aborted"; nobody is listening any more
function discard(stream: Readable | Transform): void {
  stream.on('error', () => undefined);
  stream.destroy();
}

function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(k.toLowerCase() === 'set-cookie' ? '\n' : ', ') : v;
  }
  return out;
}
