// Each test file isolates itself: its own database (created from the suite's server and dropped
// afterwards) and its own BullMQ key prefix, so files run in parallel against shared servers.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { createContext, type AppContext } from '../../src/context.ts';
import { deletePrefixKeys } from '../../src/queues/redis.ts';

export function suiteUrls(): { databaseUrl: string; redisUrl: string } {
  return { databaseUrl: inject('databaseUrl'), redisUrl: inject('redisUrl') };
}

export interface TestEnv {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  dataDir: string;
  /** environment for a child process running ipclue against this test's database and prefix */
  env: Record<string, string>;
  config(overrides?: Record<string, string>): Config;
  cleanup(): Promise<void>;
}

export async function createTestEnv(): Promise<TestEnv> {
  const { databaseUrl: base, redisUrl } = suiteUrls();
  const name = `ipclue_t_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  const databaseUrl = u.toString();
  const prefix = `{t-${randomUUID().slice(0, 8)}}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ipclue-test-'));
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    JOB_LOCK_MS: '3000',
  };
  return {
    databaseUrl,
    redisUrl,
    prefix,
    dataDir,
    env,
    config: (overrides = {}) => loadConfig({ ...env, ...overrides }),
    async cleanup() {
      const a = new pg.Client({ connectionString: base });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await a.end();
      await deletePrefixKeys(redisUrl, prefix);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function createTestContext(t: TestEnv, overrides: Record<string, string> = {}): Promise<AppContext> {
  return createContext(t.config({ LOG_LEVEL: 'silent', ...overrides }), { embedded: false });
}

export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
