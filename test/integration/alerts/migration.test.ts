import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migrator, sql } from 'kysely';
import type { AppContext } from '../../../src/context.ts';
import { migrateToLatest } from '../../../src/db/db.ts';
import { migrationProvider } from '../../../src/db/migrations/index.ts';
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

const has = async (table: string, column?: string) => {
  const r = await sql<{ n: number }>`select count(*)::int as n from information_schema.columns
    where table_name = ${table} ${column ? sql`and column_name = ${column}` : sql``}`.execute(ctx.db);
  return r.rows[0].n > 0;
};

describe('alert workflow migration', () => {
  it('goes down to the core alerts and up again cleanly', async () => {
    expect(await has('alert_rules')).toBe(true);
    // down to the migration before this one (later ones are reverted on the way)
    const down = await new Migrator({ db: ctx.db, provider: migrationProvider }).migrateTo('2026_11_22_0002_watchlists');
    expect(down.error).toBeUndefined();
    expect(down.results).toContainEqual(expect.objectContaining({ migrationName: '2026_11_22_0003_alert_workflow', direction: 'Down', status: 'Success' }));
    expect(await has('alert_rules')).toBe(false);
    expect(await has('clues')).toBe(false);
    expect(await has('alerts', 'dismiss_reason')).toBe(false);
    expect(await has('alerts', 'score')).toBe(true);
    const up = await migrateToLatest(ctx.db);
    expect(up.results).toContainEqual(expect.objectContaining({ migrationName: '2026_11_22_0003_alert_workflow', direction: 'Up', status: 'Success' }));
    expect(await has('alerts', 'holder_flag')).toBe(true);
  });
});
