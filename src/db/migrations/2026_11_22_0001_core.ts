import { sql, type Kysely } from 'kysely';

// Core tables of the flow: watchlists → sources → listings → alerts → events.
// Listings and alert events are the tables that grow; their keys are bigint identities with a
// time column so they can be partitioned by month later.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rights_holders')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('credit_code', 'text')
    .addColumn('contact', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin','reviewer','rights_holder')`))
    .addColumn('password_hash', 'text')
    .addColumn('rights_holder_id', 'bigint', (c) => c.references('rights_holders.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('disabled_at', 'timestamptz')
    .addCheckConstraint('users_rights_holder_has_org', sql`role <> 'rights_holder' or rights_holder_id is not null`)
    .execute();

  await db.schema
    .createTable('marks')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('mark','gi')`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('aliases', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('registration_no', 'text')
    .addColumn('nice_classes', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('rights_holder_id', 'bigint', (c) => c.references('rights_holders.id'))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('pending').check(sql`status in ('pending','active','suspended','rejected')`),
    )
    .addColumn('status_reason', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('marks_status_idx').on('marks').columns(['status', 'kind']).execute();
  await db.schema.createIndex('marks_owner_idx').on('marks').column('rights_holder_id').execute();
  // one registration per (kind, name, owner): re-seeding or re-importing never duplicates
  await sql`create unique index marks_identity_uq on marks (kind, name, coalesce(rights_holder_id, 0))`.execute(db);

  // the watchlist version: any change to a list bumps it, so workers rebuild their matcher index
  await db.schema
    .createTable('watchlist_state')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('version', 'bigint', (c) => c.notNull().defaultTo(1))
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`insert into watchlist_state (id, version) values (1, 1)`.execute(db);
  await sql`
    create function ipclue_bump_watchlist() returns trigger language plpgsql as $$
    begin
      update watchlist_state set version = version + 1, changed_at = now() where id = 1;
      return null;
    end $$`.execute(db);
  await sql`create trigger marks_bump_watchlist after insert or update or delete on marks
    for each statement execute function ipclue_bump_watchlist()`.execute(db);

  await db.schema
    .createTable('sources')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('local', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('sellers')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('location', 'text')
    .addColumn('region_code', 'text')
    .addColumn('country_code', 'text')
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('sellers_platform_external_uq', ['platform', 'external_id'])
    .execute();
  await db.schema.createIndex('sellers_name_idx').on('sellers').column('name').execute();

  await db.schema
    .createTable('listings')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('source_id', 'bigint', (c) => c.notNull().references('sources.id'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('price', sql`numeric(14,2)`)
    .addColumn('currency', 'text')
    .addColumn('seller_id', 'bigint', (c) => c.references('sellers.id'))
    .addColumn('seller_name', 'text')
    .addColumn('region_code', 'text')
    .addColumn('country_code', 'text')
    .addColumn('images', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('category', 'text')
    .addColumn('raw', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('gone_at', 'timestamptz')
    .addUniqueConstraint('listings_source_external_uq', ['source_id', 'external_id'])
    .execute();
  await db.schema.createIndex('listings_seller_idx').on('listings').column('seller_id').execute();
  await db.schema.createIndex('listings_last_seen_idx').on('listings').columns(['source_id', 'last_seen_at']).execute();

  await db.schema
    .createTable('listing_changes')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('listing_id', 'bigint', (c) => c.notNull().references('listings.id'))
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('old_value', 'text')
    .addColumn('new_value', 'text')
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('listing_changes_listing_idx').on('listing_changes').columns(['listing_id', 'changed_at']).execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('listing_id', 'bigint', (c) => c.notNull().references('listings.id'))
    .addColumn('mark_id', 'bigint', (c) => c.notNull().references('marks.id'))
    .addColumn('score', 'integer', (c) => c.notNull().check(sql`score between 0 and 100`))
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('high','medium','low')`))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('new')
        .check(sql`status in ('new','in_review','confirmed','dismissed','referred','closed')`),
    )
    .addColumn('match_kind', 'text', (c) => c.notNull())
    .addColumn('matched_text', 'text', (c) => c.notNull())
    .addColumn('reasons', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('assignee_id', 'bigint', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('alerts_listing_mark_uq', ['listing_id', 'mark_id'])
    .execute();
  // the review queue: open alerts by risk, keyset-paginated on (score, id)
  await db.schema.createIndex('alerts_queue_idx').on('alerts').columns(['status', 'score desc', 'id desc']).execute();
  await db.schema.createIndex('alerts_risk_idx').on('alerts').columns(['score desc', 'id desc']).execute();
  await db.schema.createIndex('alerts_mark_idx').on('alerts').columns(['mark_id', 'score desc', 'id desc']).execute();
  await db.schema.createIndex('alerts_created_idx').on('alerts').column('created_at').execute();

  await db.schema
    .createTable('alert_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('alert_id', 'bigint', (c) => c.notNull().references('alerts.id'))
    .addColumn('actor_id', 'bigint', (c) => c.references('users.id'))
    .addColumn('actor_kind', 'text', (c) => c.notNull().check(sql`actor_kind in ('user','system','rule')`))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('note', 'text')
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('alert_events_alert_idx').on('alert_events').columns(['alert_id', 'id']).execute();
  // the history is append-only: the database itself refuses edits
  await sql`
    create function ipclue_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
    end $$`.execute(db);
  await sql`create trigger alert_events_append_only before update or delete on alert_events
    for each row execute function ipclue_refuse_change()`.execute(db);

  await db.schema
    .createTable('crawl_runs')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('source_id', 'bigint', (c) => c.notNull().references('sources.id'))
    .addColumn('job_id', 'text', (c) => c.unique())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('running'))
    .addColumn('pages_queued', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pages', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('listings', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('errors', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error_samples', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('crawl_runs_source_idx').on('crawl_runs').columns(['source_id', 'started_at']).execute();

  // one row per page of a run, queued then done: makes counting idempotent when a job is retried
  await db.schema
    .createTable('crawl_run_pages')
    .addColumn('run_id', 'bigint', (c) => c.notNull().references('crawl_runs.id'))
    .addColumn('page_key', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued','ok','failed')`))
    .addColumn('snapshot_sha256', 'text')
    .addColumn('listings', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('queued_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('done_at', 'timestamptz')
    .addPrimaryKeyConstraint('crawl_run_pages_pk', ['run_id', 'page_key'])
    .execute();
  // "is anything of this run still queued?" after every page
  await sql`create index crawl_run_pages_queued_idx on crawl_run_pages (run_id) where status = 'queued'`.execute(db);

  await db.schema
    .createTable('page_snapshots')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text')
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('body', 'bytea', (c) => c.notNull())
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'page_snapshots', 'crawl_run_pages', 'crawl_runs', 'alert_events', 'alerts', 'listing_changes', 'listings',
    'sellers', 'sources', 'marks', 'users', 'rights_holders',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await db.schema.dropTable('watchlist_state').ifExists().execute();
  await sql`drop function if exists ipclue_refuse_change()`.execute(db);
  await sql`drop function if exists ipclue_bump_watchlist()`.execute(db);
}
