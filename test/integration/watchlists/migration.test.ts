import { Migrator } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/context.ts';
import { migrationProvider } from '../../../src/db/migrations/index.ts';
import { migrateToLatest } from '../../../src/db/db.ts';
import { createTestContext, createTestEnv, type TestEnv } from '../../helpers/services.ts';

let t: TestEnv;
let ctx: AppContext;
beforeAll(async () => {
  t = await createTestEnv();
  ctx = await createTestContext(t);
});
afterAll(async () => {
  await ctx?.close();
  await t?.cleanup();
});

const tableCount = async (name: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_name = ${name}`.execute(ctx.db)).rows[0].n;

describe('the watchlists migration', () => {
  it('goes down to the core schema and up again cleanly', async () => {
    const migrator = new Migrator({ db: ctx.db, provider: migrationProvider });
    const down = await migrator.migrateTo('2026_11_22_0001_core');
    expect(down.error).toBeUndefined();
    expect(await tableCount('watchlist_history')).toBe(0);
    expect(await tableCount('blacklist')).toBe(0);
    expect(await tableCount('marks')).toBe(1);
    // the marks table works without the history trigger
    await sql`insert into marks (kind, name) values ('mark', 'x')`.execute(ctx.db);
    await migrateToLatest(ctx.db);
    expect(await tableCount('watchlist_history')).toBe(1);
  });
});
