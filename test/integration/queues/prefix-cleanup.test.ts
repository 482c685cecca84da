// deletePrefixKeys: what tests and benchmarks use to leave a shared Redis as they found it.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deletePrefixKeys } from '../../../src/queues/redis.ts';
import { createContext, type AppContext } from '../../../src/context.ts';
import { createTestEnv, type TestEnv } from '../../helpers/services.ts';

let t: TestEnv;
let redis: Redis;
beforeAll(async () => {
  t = await createTestEnv();
  redis = new Redis(t.redisUrl);
});
afterAll(async () => {
  await redis.quit();
  await t.cleanup();
});

describe('deletePrefixKeys', () => {
  it("deletes every key under the prefix, the queues' included, and nothing else", async () => {
    const mine = `{p-${randomUUID().slice(0, 8)}}`;
    const other = `{p-${randomUUID().slice(0, 8)}}`;
    for (let i = 0; i < 2500; i++) await redis.set(`${mine}:k${i}`, '1');
    await redis.set(`${other}:keep`, '1');
    // a real queue's keys under the same prefix (job hashes, lists, the meta key)
    const ctx: AppContext = await createContext(t.config({ QUEUE_PREFIX: mine, LOG_LEVEL: 'silent' }), { embedded: false });
    await ctx.queues.match.add('listings', { listings: [{ listingId: '1', contentHash: 'h' }] });
    await ctx.close();
    const before = (await redis.keys(`${mine}*`)).length;
    expect(before).toBeGreaterThan(2500);

    expect(await deletePrefixKeys(t.redisUrl, mine)).toBe(before);
    expect(await redis.keys(`${mine}*`)).toEqual([]);
    expect(await redis.get(`${other}:keep`)).toBe('1');
    await redis.del(`${other}:keep`);
  });

  it('refuses an empty prefix, which would match every key', async () => {
    await expect(deletePrefixKeys(t.redisUrl, '')).rejects.toThrow(/empty prefix/);
  });
});
