// A fresh database (and queue prefix) for one benchmark, on the Postgres and Redis that
// DATABASE_URL and REDIS_URL name; both dropped again by `close()` unless --keep was given.
import pg from 'pg';
import { loadConfig, readEnv } from '../src/config/config.ts';
import { createContext, type AppContext } from '../src/context.ts';
import { deletePrefixKeys } from '../src/queues/redis.ts';

export async function benchContext(dbName: string): Promise<{ ctx: AppContext; close(): Promise<void> }> {
  const env = readEnv();
  if (!env.DATABASE_URL || !env.REDIS_URL) throw new Error('set DATABASE_URL and REDIS_URL');
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: env.DATABASE_URL });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${dbName}`);
  const u = new URL(env.DATABASE_URL);
  u.pathname = `/${dbName}`;
  const ctx = await createContext(loadConfig({ ...env, DATABASE_URL: u.toString(), LOG_LEVEL: 'warn', QUEUE_PREFIX: `{${dbName}}` }), { embedded: false });
  return {
    ctx,
    async close() {
      await ctx.close();
      if (!process.argv.includes('--keep')) {
        await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await deletePrefixKeys(env.REDIS_URL!, `{${dbName}}`);
      }
    },
  };
}
