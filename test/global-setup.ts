// Starts the services the integration tests need, unless the environment already points at
// them: with DATABASE_URL and REDIS_URL set (the machine's Postgres and Redis), nothing starts;
// with them unset, an embedded Postgres and a private redis-server run for the whole suite.
import type { TestProject } from 'vitest/node';
import { startEmbeddedServices, type EmbeddedServices } from '../src/infra/embedded.ts';

let services: EmbeddedServices | undefined;

export async function setup(_project: TestProject): Promise<void> {
  if (process.env.DATABASE_URL && process.env.REDIS_URL) return;
  services = await startEmbeddedServices({
    dataDir: '.data/test',
    postgres: !process.env.DATABASE_URL,
    redis: !process.env.REDIS_URL,
    log: (line) => console.log(`[test services] ${line}`),
  });
  if (services.databaseUrl) process.env.DATABASE_URL = services.databaseUrl;
  if (services.redisUrl) process.env.REDIS_URL = services.redisUrl;
}

export async function teardown(): Promise<void> {
  await services?.stop();
}
