import { sql, type Kysely } from 'kysely';

// Page snapshots (≈ 30 KB of HTML each, one per crawled page) are compressed by TOAST; lz4
// compresses them for about a quarter less Postgres CPU than the default pglz (measured on the
// crawl benchmark's pages: ≈ 1.1 → 0.85 ms of backend CPU a page stored). Only rows written
// from now on are affected. A server built without lz4 keeps pglz.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`do $$
    begin
      alter table page_snapshots alter column body set compression lz4;
    exception when feature_not_supported then
      raise notice 'lz4 is not available in this server: page snapshots stay compressed with pglz';
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table page_snapshots alter column body set compression default`.execute(db);
}
