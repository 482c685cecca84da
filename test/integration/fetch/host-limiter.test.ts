import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostLimiter } from '../../../crawlers/fetch/host-limiter.ts';
import { closeFetchAgents, fetchPage } from '../../../crawlers/fetch/http-fetcher.ts';
import { startServer, type TestServer } from './servers.ts';

const prefix = `ipclue-test-${randomUUID()}`;
const local = { allowPrivate: true, allowedHosts: ['127.0.0.1'] };
// two connections and two limiters, as two worker processes would have
let redisA: Redis;
let redisB: Redis;
let workerA: HostLimiter;
let workerB: HostLimiter;
let server: TestServer;
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  redisA = new Redis(url, { maxRetriesPerRequest: null });
  redisB = new Redis(url, { maxRetriesPerRequest: null });
  workerA = new HostLimiter(redisA, { prefix, pollMs: 20 });
  workerB = new HostLimiter(redisB, { prefix, pollMs: 20 });
  server = await startServer((_req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(() => {
      inFlight--;
      res.end('ok');
    }, 60);
  });
});

afterAll(async () => {
  const keys = await redisA.keys(`${prefix}:*`);
  if (keys.length) await redisA.del(...keys);
  await Promise.all([redisA.quit(), redisB.quit(), server.close(), closeFetchAgents()]);
});

async function politeFetch(limiter: HostLimiter, host: string, limits: { concurrency: number; ratePerMinute: number }, path: string) {
  const release = await limiter.acquire(host, limits);
  try {
    await fetchPage(`${server.origin}${path}`, local);
  } finally {
    await release();
  }
}

describe('host limiter', () => {
  it('two workers sharing a host never exceed its concurrency together', async () => {
    const host = `conc-${randomUUID()}`;
    const limits = { concurrency: 2, ratePerMinute: 0 };
    maxInFlight = 0;
    const before = server.hits.length;
    await Promise.all(Array.from({ length: 12 }, (_, i) => politeFetch(i % 2 ? workerA : workerB, host, limits, `/c${i}`)));
    expect(server.hits.length - before).toBe(12);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect(maxInFlight).toBeGreaterThanOrEqual(1);
  });

  it('two workers sharing a host keep its rate together', async () => {
    const host = `rate-${randomUUID()}`;
    // 120/min: one admission per 500 ms across both workers
    const limits = { concurrency: 0, ratePerMinute: 120 };
    const start = Date.now();
    const before = server.hits.length;
    const all = Promise.all(Array.from({ length: 6 }, (_, i) => politeFetch(i % 2 ? workerA : workerB, host, limits, `/r${i}`)));
    await new Promise((r) => setTimeout(r, 700));
    // whatever the machine's speed, no more than 1 + elapsed/interval can have been admitted
    const admittedEarly = server.hits.length - before;
    const elapsed = Date.now() - start;
    expect(admittedEarly).toBeGreaterThanOrEqual(1);
    expect(admittedEarly).toBeLessThanOrEqual(1 + Math.floor(elapsed / 500));
    expect(admittedEarly).toBeLessThan(6);
    await all;
    expect(server.hits.length - before).toBe(6);
    expect(Date.now() - start).toBeGreaterThanOrEqual(5 * 500 - 50);
  });

  it('a slot held by a crashed worker comes back when its lease expires', async () => {
    const host = `lease-${randomUUID()}`;
    // a worker whose connection dies while it holds the only slot: it can no longer renew
    const doomed = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 0 });
    const crashing = new HostLimiter(doomed, { prefix, leaseMs: 300 });
    await crashing.acquire(host, { concurrency: 1, ratePerMinute: 0 });
    doomed.disconnect();
    expect(await redisB.zcard(workerB.keys(host).slots)).toBe(1);
    const release = await workerB.acquire(host, { concurrency: 1, ratePerMinute: 0 });
    expect(await redisB.zcard(workerB.keys(host).slots)).toBe(1);
    await release();
    expect(await redisB.zcard(workerB.keys(host).slots)).toBe(0);
  });

  it('a waiting acquire can be cancelled and leaves no slot behind', async () => {
    const host = `abort-${randomUUID()}`;
    const release = await workerA.acquire(host, { concurrency: 1, ratePerMinute: 0 });
    const controller = new AbortController();
    const waiting = workerB.acquire(host, { concurrency: 1, ratePerMinute: 0, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('job cancelled')), 50);
    await expect(waiting).rejects.toThrow('job cancelled');
    expect(await redisA.zcard(workerA.keys(host).slots)).toBe(1);
    await release();
    await release(); // twice is harmless
    const again = await workerB.acquire(host, { concurrency: 1, ratePerMinute: 0 });
    await again();
    expect(await redisA.zcard(workerA.keys(host).slots)).toBe(0);
  });
});
