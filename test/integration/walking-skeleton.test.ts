// The whole path as a new user meets it: `ipclue start` seeds the demo watchlist and sources,
// crawls the demo sites it serves itself through BullMQ, matches the listings, stores alerts and
// serves them at /api/alerts and on the console; Ctrl-C stops everything it started.
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, isAlive, runIpclue } from '../helpers/process.ts';
import { createTestEnv, waitFor, type TestEnv } from '../helpers/services.ts';

let t: TestEnv;
beforeAll(async () => {
  t = await createTestEnv();
  chmodSync(t.dataDir, 0o755);
});
afterAll(async () => {
  await t?.cleanup();
});

async function alertsOnceCrawled(base: string): Promise<any[]> {
  return waitFor(
    async () => {
      const body = await getJson(`${base}/api/alerts?limit=500`);
      return body.items.length >= 5 ? body.items : undefined;
    },
    'alerts from the demo crawl',
    90_000,
  );
}

describe('walking skeleton', () => {
  it('with DATABASE_URL and REDIS_URL set: crawls the demo, serves alerts, starts nothing embedded, stops cleanly on SIGINT', async () => {
    const p = runIpclue(['start'], { ...t.env, PORT: '0', LOG_LEVEL: 'warn' });
    const m = await p.waitForOutput(/控制台 console (http:\/\/localhost:\d+)\//, 90_000);
    const base = m[1];
    const items = await alertsOnceCrawled(base);
    const titles = items.map((a) => a.listing.title as string);
    // a knock-off of a watched mark is found, with reasons in Chinese
    expect(items.every((a) => a.reasons.length > 0)).toBe(true);
    expect(items.some((a) => /[\u4e00-\u9fa5]/.test(a.reasons[0].text))).toBe(true);
    // innocent look-alikes are not alerts
    expect(titles.some((x) => x.includes('小米粥'))).toBe(false);
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('预警队列');
    expect(existsSync(path.join(t.dataDir, 'pg'))).toBe(false);
    expect(existsSync(path.join(t.dataDir, 'redis'))).toBe(false);
    p.child.kill('SIGINT');
    const { code } = await p.exited;
    expect(code).toBe(0);
  });

  it('with nothing configured: runs embedded Postgres and a private redis-server, and Ctrl-C leaves no process behind', async () => {
    const env = { PORT: '0', DATA_DIR: t.dataDir, LOG_LEVEL: 'warn', QUEUE_PREFIX: t.prefix };
    const p = runIpclue(['start'], env);
    const m = await p.waitForOutput(/控制台 console (http:\/\/localhost:\d+)\//, 120_000);
    const items = await alertsOnceCrawled(m[1]);
    expect(items.length).toBeGreaterThanOrEqual(5);
    const pgPid = Number(readFileSync(path.join(t.dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const redisPid = Number(readFileSync(path.join(t.dataDir, 'redis', 'redis.pid'), 'utf8').trim());
    expect(isAlive(pgPid)).toBe(true);
    expect(isAlive(redisPid)).toBe(true);
    // a second command meanwhile (as in the README's `ipclue user create`) uses the running
    // instance's servers: it neither starts its own nor stops those
    const second = runIpclue(['crawl', '--list'], env);
    expect((await second.exited).code).toBe(0);
    expect(second.stdout()).toContain('demo-mall');
    expect(isAlive(pgPid)).toBe(true);
    expect(isAlive(redisPid)).toBe(true);
    p.child.kill('SIGINT');
    const { code } = await p.exited;
    expect(code).toBe(0);
    expect(isAlive(pgPid)).toBe(false);
    expect(isAlive(redisPid)).toBe(false);
    expect(existsSync(path.join(t.dataDir, 'embedded.json'))).toBe(false);
  });
});
