import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryableFetchError } from '../../../src/net/errors.ts';
import { closeFetchAgents, fetchPage } from '../../../crawlers/fetch/http-fetcher.ts';
import { RobotsCache } from '../../../crawlers/fetch/robots.ts';
import { startServer, type TestServer } from './servers.ts';

const local = { allowPrivate: true };
let missing: TestServer;
let broken: TestServer;
let silent: TestServer;

beforeAll(async () => {
  missing = await startServer((_req, res) => {
    res.writeHead(_req.url === '/robots.txt' ? 404 : 200);
    res.end('page');
  });
  broken = await startServer((req, res) => {
    res.writeHead(req.url === '/robots.txt' ? 503 : 200);
    res.end('page');
  });
  silent = await startServer((req, res) => {
    if (req.url !== '/robots.txt') res.end('page');
  });
});

afterAll(async () => {
  await Promise.all([missing.close(), broken.close(), silent.close()]);
  await closeFetchAgents();
});

describe('robots.txt', () => {
  it('allows everything when robots.txt is missing (4xx), and asks only once per origin', async () => {
    const robots = new RobotsCache();
    expect(await robots.isAllowed(`${missing.origin}/a`, undefined, local)).toBe(true);
    expect(await robots.isAllowed(`${missing.origin}/b`, undefined, local)).toBe(true);
    expect(missing.hits.filter((h) => h === '/robots.txt')).toHaveLength(1);
  });

  it('disallows everything while robots.txt answers 5xx, and the page is not requested', async () => {
    const robots = new RobotsCache();
    const verdict = await robots.check(`${broken.origin}/a`, undefined, local);
    expect(verdict).toMatchObject({ allowed: false, unreachable: true });
    const err = await fetchPage(`${broken.origin}/a`, { ...local, robots }).catch((e) => e);
    expect(err).toBeInstanceOf(RetryableFetchError);
    expect(err.code).toBe('robots_unreachable');
    expect(broken.hits).toEqual(['/robots.txt']);
  });

  it('disallows for now when robots.txt times out', async () => {
    const robots = new RobotsCache({ fetch: { timeoutMs: 300 } });
    expect(await robots.check(`${silent.origin}/a`, undefined, local)).toMatchObject({ allowed: false, unreachable: true });
  });

  it('asks again once the entry expires, and keeps at most maxEntries origins', async () => {
    const robots = new RobotsCache({ ttlMs: 1, maxEntries: 1 });
    const before = missing.hits.length;
    await robots.isAllowed(`${missing.origin}/a`, undefined, local);
    await new Promise((r) => setTimeout(r, 5));
    await robots.isAllowed(`${missing.origin}/a`, undefined, local);
    expect(missing.hits.slice(before)).toEqual(['/robots.txt', '/robots.txt']);
    const lru = new RobotsCache({ maxEntries: 1 });
    await lru.isAllowed(`${missing.origin}/a`, undefined, local);
    await lru.isAllowed(`${broken.origin}/a`, undefined, local);
    await lru.isAllowed(`${missing.origin}/a`, undefined, local);
    expect(lru.fetches).toBe(3);
  });

  it('shares one robots.txt request between concurrent checks of an origin', async () => {
    const robots = new RobotsCache();
    const before = missing.hits.length;
    await Promise.all(Array.from({ length: 5 }, (_, i) => robots.isAllowed(`${missing.origin}/p${i}`, undefined, local)));
    expect(missing.hits.slice(before)).toEqual(['/robots.txt']);
  });
});
