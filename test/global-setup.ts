// Starts the services the integration tests need, unless the environment already points at
// them: with DATABASE_URL and REDIS_URL set (the machine's Postgres and Redis), nothing starts;
// with them unset, an embedded Postgres and a private redis-server run for the whole suite.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedServices, type EmbeddedServices } from '../src/infra/embedded.ts';

let services: EmbeddedServices | undefined;
let dataDir: string | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    servicesMode: 'configured' | 'embedded';
  }
}

export async function setup(project: TestProject): Promise<void> {
  let databaseUrl = process.env.DATABASE_URL;
  let redisUrl = process.env.REDIS_URL;
  const mode = databaseUrl && redisUrl ? 'configured' : 'embedded';
  if (!databaseUrl || !redisUrl) {
    // a fresh folder per run, reachable by the 'postgres' user when the suite runs as root
    dataDir = mkdtempSync(path.join(tmpdir(), 'ipclue-suite-'));
    chmodSync(dataDir, 0o755);
    services = await startEmbeddedServices({
      dataDir,
      postgres: !databaseUrl,
      redis: !redisUrl,
      log: (line) => console.log(`[test services] ${line}`),
    });
    databaseUrl ??= services.databaseUrl!;
    redisUrl ??= services.redisUrl!;
  }
  console.log(`[test services] ${mode}: Postgres and Redis for the suite are ready`);
  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', redisUrl);
  project.provide('servicesMode', mode);
}

export async function teardown(): Promise<void> {
  await services?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
