import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentFetchError, RetryableFetchError } from '../../../src/net/errors.ts';
import { DEFAULT_USER_AGENT, closeFetchAgents, fetchPage } from '../../../crawlers/fetch/http-fetcher.ts';
import { RobotsCache } from '../../../crawlers/fetch/robots.ts';
import { classifyAddress as classifyAsUsual } from '../../../src/net/ssrf-guard.ts';
import { startServer, type TestServer } from './servers.ts';

const MB = 1024 * 1024;
const local = { allowPrivate: true, allowedHosts: ['127.0.0.1'] };
const html = '<html><head><title>商品列表</title></head><body>' + '<li>高仿 手袋 ¥99</li>'.repeat(200) + '</body></html>';

let server: TestServer;
// what the 50 MB endpoint managed to send before the client hung up
const bigBody = { sent: 0, finished: false, closed: false };
let userAgents: string[] = [];

beforeAll(async () => {
  server = await startServer((req, res) => {
    const path = req.url ?? '/';
    userAgents.push(req.headers['user-agent'] ?? '');
    const hop = /^\/hop\/(\d+)$/.exec(path);
    if (hop) {
      const n = Number(hop[1]);
      if (n === 0) return res.end('end of the chain');
      res.writeHead(302, { location: `/hop/${n - 1}` });
      return res.end();
    }
    switch (path) {
      case '/page':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(html);
      case '/gzip':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip' });
        return res.end(zlib.gzipSync(html));
      case '/br':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'br' });
        return res.end(zlib.brotliCompressSync(html));
      case '/deflate':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'deflate' });
        return res.end(zlib.deflateSync(html));
      case '/to-localhost':
        // an allowed host sending us to a host the source does not own
        res.writeHead(301, { location: `http://localhost:${server.port}/page` });
        return res.end();
      case '/to-metadata':
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
        return res.end();
      case '/big': {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        const total = 50 * MB;
        res.on('close', () => (bigBody.closed = true));
        const pump = () => {
          while (bigBody.sent < total) {
            bigBody.sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          bigBody.finished = true;
          res.end();
        };
        return pump();
      }
      case '/big-gzip': {
        // 50 MB of zeros compress to ~50 KB: the cap must apply to the decoded bytes
        res.writeHead(200, { 'content-encoding': 'gzip' });
        return res.end(zlib.gzipSync(Buffer.alloc(50 * MB)));
      }
      case '/silent':
        return; // never answers
      case '/stall':
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.write('<html>'); // then nothing
      case '/500':
        res.writeHead(500);
        return res.end('oops');
      case '/503':
        res.writeHead(503, { 'retry-after': '7' });
        return res.end();
      case '/404':
        res.writeHead(404);
        return res.end('not here');
      case '/429':
        res.writeHead(429, { 'retry-after': '120' });
        return res.end();
      case '/reset':
        return req.socket.destroy();
      default:
        res.writeHead(404);
        return res.end();
    }
  });
});

afterAll(async () => {
  await server.close();
  await closeFetchAgents();
});

describe('fetchPage', () => {
  it('fetches a page with the ipclue user agent', async () => {
    userAgents = [];
    const page = await fetchPage(`${server.origin}/page`, local);
    expect(page.status).toBe(200);
    expect(page.body.toString('utf8')).toBe(html);
    expect(page.truncated).toBe(false);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.url).toBe(`${server.origin}/page`);
    expect(userAgents).toEqual([DEFAULT_USER_AGENT]);
  });

  it('decodes gzip, brotli and deflate bodies', async () => {
    for (const path of ['/gzip', '/br', '/deflate']) {
      const page = await fetchPage(`${server.origin}${path}`, local);
      expect(page.body.toString('utf8'), path).toBe(html);
    }
  });

  it('follows a redirect chain and reports each hop', async () => {
    const page = await fetchPage(`${server.origin}/hop/3`, local);
    expect(page.url).toBe(`${server.origin}/hop/0`);
    expect(page.redirects).toEqual([3, 2, 1].map((n) => `${server.origin}/hop/${n}`));
    expect(page.body.toString()).toBe('end of the chain');
  });

  it('gives up on a redirect chain longer than the cap, without following the rest', async () => {
    const before = server.hits.length;
    const err = await fetchPage(`${server.origin}/hop/10`, { ...local, maxRedirects: 3 }).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentFetchError);
    expect(err.code).toBe('too_many_redirects');
    expect(server.hits.length - before).toBe(4);
  });

  it('re-checks every redirect hop against the allowed hosts', async () => {
    const before = server.hits.length;
    const err = await fetchPage(`${server.origin}/to-localhost`, local).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentFetchError);
    expect(err.code).toBe('host_not_allowed');
    expect(server.hits.slice(before)).toEqual(['/to-localhost']);
  });

  it('refuses a private address for a source that is not local, before connecting', async () => {
    const before = server.hits.length;
    const refused = await fetchPage(`${server.origin}/page`, { allowedHosts: ['127.0.0.1'] }).catch((e) => e);
    expect(refused).toBeInstanceOf(PermanentFetchError);
    expect(refused.code).toBe('ssrf');
    const byName = await fetchPage(`http://localhost:${server.port}/page`, { allowedHosts: ['localhost'] }).catch((e) => e);
    expect(byName.code).toBe('ssrf');
    expect(server.hits.length).toBe(before);
  });

  it('refuses a redirect to a link-local address (cloud metadata) unless the source is local', async () => {
    const before = server.hits.length;
    // the first hop is reachable only because the source is local; the second is not an allowed host
    const err = await fetchPage(`${server.origin}/to-metadata`, local).catch((e) => e);
    expect(err).toMatchObject({ code: 'host_not_allowed', url: 'http://169.254.169.254/latest/meta-data/' });
    expect(server.hits.slice(before)).toEqual(['/to-metadata']);
  });

  it('refuses a redirect from a public host to a private address, and never requests it', async () => {
    // the "public" shop: a server on 127.0.0.2 that the test's resolver and address judgement
    // present as a public host (shop.example at 203.0.113.x would be unreachable here)
    const privateSite = await startServer((_req, res) => res.end('internal admin page'));
    const shop = await startServer((_req, res) => {
      res.writeHead(302, { location: `${privateSite.origin}/admin` });
      res.end();
    }, '127.0.0.2');
    try {
      const lookupAll = async (host: string) => (host === 'shop.example' ? [{ address: '127.0.0.2', family: 4 }] : []);
      const classifyAddress = (ip: string) => (ip === '127.0.0.2' ? { public: true, range: 'unicast' } : classifyAsUsual(ip));
      // the private address is even among the allowed hosts: only the address rule stops it
      const opts = { allowedHosts: ['shop.example', '127.0.0.1'], lookupAll, classifyAddress };
      const err = await fetchPage(`http://shop.example:${shop.port}/item/1`, opts).catch((e) => e);
      expect(err).toBeInstanceOf(PermanentFetchError);
      expect(err).toMatchObject({ code: 'ssrf', url: `${privateSite.origin}/admin` });
      expect(err.message).toMatch(/127\.0\.0\.1 \(loopback\)/);
      expect(shop.hits).toEqual(['/item/1']);
      expect(privateSite.hits).toEqual([]);
    } finally {
      await Promise.all([shop.close(), privateSite.close()]);
    }
  });

  it('refuses, at connect time, a host whose DNS answer turns private', async () => {
    let calls = 0;
    // the first answer (the pre-check) is public, the one at connect time is loopback
    const lookupAll = async () => (calls++ === 0 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]);
    const before = server.hits.length;
    const err = await fetchPage(`http://rebind.example:${server.port}/page`, { lookupAll }).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentFetchError);
    expect(err.code).toBe('ssrf');
    expect(server.hits.length).toBe(before);
  });

  it('cuts a 50 MB body at the cap without reading the rest', async () => {
    bigBody.sent = 0;
    bigBody.finished = false;
    const page = await fetchPage(`${server.origin}/big`, { ...local, maxBytes: 1 * MB });
    expect(page.truncated).toBe(true);
    expect(page.body.length).toBe(1 * MB);
    await expect.poll(() => bigBody.closed).toBe(true);
    // the server was cut off long before it could push 50 MB
    expect(bigBody.finished).toBe(false);
    expect(bigBody.sent).toBeLessThan(25 * MB);
  });

  it('applies the cap to the decompressed size (a gzip bomb stops at the cap)', async () => {
    const page = await fetchPage(`${server.origin}/big-gzip`, { ...local, maxBytes: 2 * MB });
    expect(page.truncated).toBe(true);
    expect(page.body.length).toBe(2 * MB);
  });

  it('times out on a server that never answers, as a retryable error', async () => {
    const err = await fetchPage(`${server.origin}/silent`, { ...local, timeoutMs: 500 }).catch((e) => e);
    expect(err).toBeInstanceOf(RetryableFetchError);
    expect(err.code).toBe('timeout');
  });

  it('times out on a body that stalls', async () => {
    const err = await fetchPage(`${server.origin}/stall`, { ...local, bodyIdleTimeoutMs: 300 }).catch((e) => e);
    expect(err).toBeInstanceOf(RetryableFetchError);
    expect(err.code).toBe('timeout');
  });

  it('treats 5xx and connection resets as retryable', async () => {
    const e500 = await fetchPage(`${server.origin}/500`, local).catch((e) => e);
    expect(e500).toBeInstanceOf(RetryableFetchError);
    expect(e500).toMatchObject({ code: 'server_error', status: 500 });
    const e503 = await fetchPage(`${server.origin}/503`, local).catch((e) => e);
    expect(e503).toMatchObject({ code: 'server_error', status: 503, retryAfterMs: 7000 });
    const reset = await fetchPage(`${server.origin}/reset`, local).catch((e) => e);
    expect(reset).toBeInstanceOf(RetryableFetchError);
    expect(reset.code).toBe('connection');
  });

  it('treats 404 as permanent and 429 as retryable after the Retry-After', async () => {
    const e404 = await fetchPage(`${server.origin}/404`, local).catch((e) => e);
    expect(e404).toBeInstanceOf(PermanentFetchError);
    expect(e404).toMatchObject({ code: 'client_error', status: 404 });
    const e429 = await fetchPage(`${server.origin}/429`, local).catch((e) => e);
    expect(e429).toBeInstanceOf(RetryableFetchError);
    expect(e429).toMatchObject({ code: 'rate_limited', status: 429, retryAfterMs: 120_000 });
  });

  it('hands back the caller’s abort reason untouched', async () => {
    const controller = new AbortController();
    const pending = fetchPage(`${server.origin}/silent`, { ...local, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    await expect(pending).rejects.toThrow('shutting down');
  });
});

describe('fetchPage with robots.txt', () => {
  let site: TestServer;
  beforeAll(async () => {
    site = await startServer((req, res) => {
      if (req.url === '/robots.txt') return res.end('User-agent: *\nDisallow: /private\n\nUser-agent: ipclue\nDisallow: /no-ipclue\nCrawl-delay: 2\n');
      if (req.url === '/open/redirect-to-private') {
        res.writeHead(302, { location: '/no-ipclue/x' });
        return res.end();
      }
      res.end('ok');
    });
  });
  afterAll(() => site.close());

  it('never requests a page robots.txt disallows for ipclue, even through a redirect', async () => {
    const robots = new RobotsCache();
    const ok = await fetchPage(`${site.origin}/open/page`, { ...local, robots });
    expect(ok.body.toString()).toBe('ok');
    const err = await fetchPage(`${site.origin}/no-ipclue/page`, { ...local, robots }).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentFetchError);
    expect(err.code).toBe('robots_disallowed');
    const viaRedirect = await fetchPage(`${site.origin}/open/redirect-to-private`, { ...local, robots }).catch((e) => e);
    expect(viaRedirect.code).toBe('robots_disallowed');
    expect(site.hits.filter((h) => h.startsWith('/no-ipclue'))).toEqual([]);
    // the ipclue group replaces the * group: /private is not ours to avoid
    expect(await robots.isAllowed(`${site.origin}/private/x`, DEFAULT_USER_AGENT, local)).toBe(true);
    expect(await robots.isAllowed(`${site.origin}/private/x`, 'SomeOtherBot/1.0', local)).toBe(false);
    expect(site.hits.filter((h) => h === '/robots.txt')).toHaveLength(1);
    expect(await robots.crawlDelayMs(`${site.origin}/`, DEFAULT_USER_AGENT, local)).toBe(2000);
  });
});
