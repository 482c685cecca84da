import { Kysely, Migrator, PostgresDialect, type MigrationResultSet } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { migrationProvider } from './migrations/index.ts';

// bigint ids stay strings (exact); counts come back through Number() at the call site
export function createDb(connectionString: string, opts: { max?: number } = {}): Kysely<Database> {
  const pool = new pg.Pool({ connectionString, max: opts.max ?? 20, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => {
    // an idle client lost its connection (server restart); the pool replaces it
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}

export async function migrateDown(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const result = await migrator.migrateDown();
  if (result.error) throw result.error;
  return result;
}
