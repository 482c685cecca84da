import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migrator, sql } from 'kysely';
import type { AppContext } from '../../../src/context.ts';
import { migrateToLatest } from '../../../src/db/db.ts';
import { migrationProvider } from '../../../src/db/migrations/index.ts';
import { createTestContext, createTestEnv, type TestEnv } from '../../helpers/services.ts';
import { addAlert, addListing, seedWorld } from './fixtures.ts';

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

describe('alert source migration', () => {
  it('fills in the source of alerts stored before it, and new alerts get theirs from the trigger', async () => {
    const w = await seedWorld(ctx);
    const before = await addAlert(ctx, await addListing(ctx, w.fair.id, { externalId: 'mig-1', title: '雷碧 迁移前' }), w.markB, 70);
    const m = new Migrator({ db: ctx.db, provider: migrationProvider });
    expect((await m.migrateTo('2026_11_23_0007_report_deliveries')).error).toBeUndefined();
    expect(await has('alerts', 'source_id')).toBe(false);
    expect((await migrateToLatest(ctx.db)).error).toBeUndefined();
    const after = await addAlert(ctx, await addListing(ctx, w.shop.id, { externalId: 'mig-2', title: '康帅傅 迁移后' }), w.markA, 70);
    const rows = await ctx.db.selectFrom('alerts').select(['id', 'source_id']).where('id', 'in', [before.id, after.id]).orderBy('id').execute();
    expect(rows.map((r) => String(r.source_id))).toEqual([String(w.fair.id), String(w.shop.id)]);
  });
});
