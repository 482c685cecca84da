// Per-host politeness shared by every worker process: a concurrency semaphore and a rate limit,
// both kept in Redis and changed only inside Lua scripts, so two workers on two machines see
// one budget per host instead of doubling it.
//
// The semaphore is a sorted set of leases scored by their expiry; a holder renews its lease
// while it works, so a worker that crashes (or is SIGKILLed) frees its slot within `leaseMs`.
// The rate is a GCRA (a token bucket stored as one timestamp, the "theoretical arrival time"):
// with `burst` 1, admissions are at least 60000 / ratePerMinute ms apart. Time comes from
// Redis (TIME), never from the workers' clocks. Keys carry the host in a hash tag so both keys
// of a host live on one Redis Cluster slot.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface HostLimiterOptions {
  /** key prefix; default `ipclue:host-limit` */
  prefix?: string;
  /** how long a slot survives a holder that stopped renewing it; default 30 s */
  leaseMs?: number;
  /** longest wait between attempts while all slots are taken; default 100 ms */
  pollMs?: number;
}

export interface HostLimits {
  /** requests in flight to the host at once, across all workers; 0 or Infinity for no limit */
  concurrency: number;
  /** admissions per minute, across all workers; 0 or Infinity for no limit */
  ratePerMinute: number;
  /** admissions allowed back to back before the rate applies; default 1 */
  burst?: number;
  signal?: AbortSignal;
}

/** gives the slot back; calling it again does nothing */
export type Release = () => Promise<void>;

const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local leaseMs = tonumber(ARGV[5])
local concurrency = tonumber(ARGV[2])
if concurrency > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  if redis.call('ZCARD', KEYS[1]) >= concurrency then
    local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    return {0, math.max(1, tonumber(first[2]) - now), 1}
  end
end
local interval = tonumber(ARGV[3])
if interval > 0 then
  local tat = tonumber(redis.call('GET', KEYS[2]) or '0')
  if tat < now then tat = now end
  local allowAt = tat - (tonumber(ARGV[4]) - 1) * interval
  if allowAt > now then
    return {0, allowAt - now, 2}
  end
  tat = tat + interval
  redis.call('SET', KEYS[2], tat, 'PX', tat - now + interval)
end
if concurrency > 0 then
  redis.call('ZADD', KEYS[1], now + leaseMs, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], leaseMs * 2)
end
return {1, 0, 0}
`;

const RENEW = `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
return 1
`;

type Scripted = Redis & {
  ipclueHostAcquire(slots: string, rate: string, lease: string, concurrency: number, intervalMs: number, burst: number, leaseMs: number): Promise<[number, number, number]>;
  ipclueHostRenew(slots: string, lease: string, leaseMs: number): Promise<number>;
};

function scripted(redis: Redis): Scripted {
  const r = redis as Scripted;
  if (typeof r.ipclueHostAcquire !== 'function') {
    redis.defineCommand('ipclueHostAcquire', { numberOfKeys: 2, lua: ACQUIRE });
    redis.defineCommand('ipclueHostRenew', { numberOfKeys: 1, lua: RENEW });
  }
  return r;
}

export class HostLimiter {
  private readonly redis: Scripted;
  private readonly prefix: string;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  // releases in this process wake local waiters at once instead of at their next poll
  private readonly wakers = new Set<() => void>();

  constructor(redis: Redis, opts: HostLimiterOptions = {}) {
    this.redis = scripted(redis);
    this.prefix = opts.prefix ?? 'ipclue:host-limit';
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.pollMs = opts.pollMs ?? 100;
  }

  keys(host: string): { slots: string; rate: string } {
    const tag = `{${host.toLowerCase()}}`;
    return { slots: `${this.prefix}:${tag}:slots`, rate: `${this.prefix}:${tag}:rate` };
  }

  /** waits for a slot and a rate token for `host`; rejects with the signal's reason when aborted */
  async acquire(host: string, limits: HostLimits): Promise<Release> {
    const { slots, rate } = this.keys(host);
    const concurrency = Number.isFinite(limits.concurrency) && limits.concurrency > 0 ? Math.floor(limits.concurrency) : 0;
    const intervalMs = Number.isFinite(limits.ratePerMinute) && limits.ratePerMinute > 0 ? Math.ceil(60_000 / limits.ratePerMinute) : 0;
    const burst = Math.max(1, Math.floor(limits.burst ?? 1));
    const lease = randomUUID();
    const signal = limits.signal;

    for (;;) {
      signal?.throwIfAborted();
      const [ok, waitMs, reason] = await this.redis.ipclueHostAcquire(slots, rate, lease, concurrency, intervalMs, burst, this.leaseMs);
      if (ok === 1) break;
      // waiting on the rate: the wait is exact; on a slot: poll, since another worker may release
      const delay = reason === 2 ? waitMs : Math.min(waitMs, this.pollMs);
      await this.sleep(delay + Math.floor(Math.random() * 10), signal, reason === 1);
    }
    if (signal?.aborted) {
      // admitted just as the caller gave up: hand the slot straight back
      await this.redis.zrem(slots, lease);
      throw signal.reason;
    }

    if (concurrency === 0) return async () => undefined;
    const renew = setInterval(() => {
      this.redis.ipclueHostRenew(slots, lease, this.leaseMs).then(
        // 0: the lease expired (this process stalled past leaseMs) and the slot may be reused
        (held) => held === 0 && clearInterval(renew),
        () => undefined,
      );
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    renew.unref();
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      clearInterval(renew);
      try {
        await this.redis.zrem(slots, lease);
      } finally {
        for (const wake of [...this.wakers]) wake();
      }
    };
  }

  /** drops a host's slots and rate state (tests, admin resets) */
  async reset(host: string): Promise<void> {
    const { slots, rate } = this.keys(host);
    await this.redis.del(slots, rate);
  }

  private sleep(ms: number, signal: AbortSignal | undefined, wakeOnRelease: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        reject(signal?.reason);
      };
      const timer = setTimeout(done, ms);
      if (wakeOnRelease) this.wakers.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

export function createHostLimiter(redis: Redis, opts: HostLimiterOptions = {}): HostLimiter {
  return new HostLimiter(redis, opts);
}
