import { sql, type Kysely } from 'kysely';

// The review workflow on top of the core alerts: decision columns on alerts (dismissal reason
// kept for recalibrating scores, referral, outcome, the rights holder's own judgement), the
// admin rules and level thresholds, clues (sellers grouped by identity), blacklist proposals,
// and notification subscriptions with their delivery log.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('alerts')
    .addColumn('dismiss_reason', 'text', (c) =>
      c.check(sql`dismiss_reason in ('genuine_authorised','not_our_goods','insufficient_evidence','duplicate','other')`),
    )
    .addColumn('dismiss_note', 'text')
    .addColumn('referral', 'jsonb')
    .addColumn('outcome', 'text', (c) => c.check(sql`outcome in ('case_opened','penalty','platform_takedown','no_action')`))
    .addColumn('holder_flag', 'text', (c) => c.check(sql`holder_flag in ('genuine','infringing')`))
    .addColumn('holder_note', 'text')
    .addColumn('decided_at', 'timestamptz')
    .execute();
  // the default queue (open alerts by risk) and the filters the console offers
  await sql`create index alerts_open_idx on alerts (score desc, id desc) where status in ('new','in_review')`.execute(db);
  await db.schema.createIndex('alerts_level_idx').on('alerts').columns(['level', 'score desc', 'id desc']).execute();
  await db.schema.createIndex('alerts_assignee_idx').on('alerts').columns(['assignee_id', 'score desc', 'id desc']).execute();
  await sql`create index listings_region_prefix_idx on listings (region_code text_pattern_ops)`.execute(db);

  // a listing that disappears keeps its alerts; their history says when it went and came back
  await sql`
    create function ipclue_alert_listing_gone() returns trigger language plpgsql as $$
    begin
      if NEW.gone_at is not null and OLD.gone_at is null then
        insert into alert_events (alert_id, actor_kind, type, note, data)
        select id, 'system', 'listing_gone', '商品已下架或不可访问', jsonb_build_object('goneAt', NEW.gone_at)
        from alerts where listing_id = NEW.id;
      elsif NEW.gone_at is null and OLD.gone_at is not null then
        insert into alert_events (alert_id, actor_kind, type, note, data)
        select id, 'system', 'listing_back', '商品重新上架', '{}'::jsonb from alerts where listing_id = NEW.id;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger listings_gone_alert_events after update of gone_at on listings
    for each row execute function ipclue_alert_listing_gone()`.execute(db);

  await db.schema
    .createTable('alert_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('level_high', 'integer', (c) => c.notNull().defaultTo(70).check(sql`level_high between 0 and 100`))
    .addColumn('level_medium', 'integer', (c) => c.notNull().defaultTo(50).check(sql`level_medium between 0 and 100`))
    .addColumn('updated_by', 'bigint', (c) => c.references('users.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('alert_settings_order', sql`level_high >= level_medium`)
    .execute();
  await sql`insert into alert_settings (id) values (1)`.execute(db);

  await db.schema
    .createTable('alert_rules')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(100))
    .addColumn('conditions', 'jsonb', (c) => c.notNull())
    .addColumn('action', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'bigint', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // clues: sellers linked by identity (same shop, or the same company / credit code / phone /
  // address across platforms) share one clue; a merge keeps the lowest id
  await db.schema
    .createTable('clues')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open','confirmed','merged')`))
    .addColumn('merged_into', 'bigint', (c) => c.references('clues.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('clue_sellers')
    .addColumn('seller_id', 'bigint', (c) => c.primaryKey().references('sellers.id'))
    .addColumn('clue_id', 'bigint', (c) => c.notNull().references('clues.id'))
    .addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('clue_sellers_clue_idx').on('clue_sellers').column('clue_id').execute();
  await db.schema
    .createTable('seller_identities')
    .addColumn('seller_id', 'bigint', (c) => c.notNull().references('sellers.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('company_name','credit_code','phone','address')`))
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('seller_identities_pk', ['seller_id', 'kind', 'value'])
    .execute();
  await db.schema.createIndex('seller_identities_value_idx').on('seller_identities').columns(['kind', 'value']).execute();
  await db.schema
    .createTable('clue_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('clue_id', 'bigint', (c) => c.notNull().references('clues.id'))
    .addColumn('actor_id', 'bigint', (c) => c.references('users.id'))
    .addColumn('actor_kind', 'text', (c) => c.notNull().check(sql`actor_kind in ('user','system','rule')`))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('clue_events_clue_idx').on('clue_events').columns(['clue_id', 'id']).execute();
  await sql`create trigger clue_events_append_only before update or delete on clue_events
    for each row execute function ipclue_refuse_change()`.execute(db);

  await db.schema
    .createTable('blacklist_proposals')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('seller_id', 'bigint', (c) => c.notNull().references('sellers.id'))
    .addColumn('clue_id', 'bigint', (c) => c.references('clues.id'))
    .addColumn('confirmed_alerts', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('proposed').check(sql`status in ('proposed','accepted','rejected')`))
    .addColumn('note', 'text')
    .addColumn('decided_by', 'bigint', (c) => c.references('users.id'))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('blacklist_id', 'bigint')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index blacklist_proposals_open_uq on blacklist_proposals (seller_id) where status = 'proposed'`.execute(db);

  await db.schema
    .createTable('notification_subscriptions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('mark_ids', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('webhook','email')`))
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('secret', 'text')
    .addColumn('min_level', 'text', (c) => c.notNull().defaultTo('high').check(sql`min_level in ('high','medium','low')`))
    .addColumn('digest', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('notification_deliveries')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('subscription_id', 'bigint', (c) => c.notNull().references('notification_subscriptions.id'))
    .addColumn('alert_id', 'bigint', (c) => c.notNull().references('alerts.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending','sent','failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .addUniqueConstraint('notification_deliveries_uq', ['subscription_id', 'alert_id'])
    .execute();
  await db.schema.createIndex('notification_deliveries_pending_idx').on('notification_deliveries').columns(['status', 'subscription_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'notification_deliveries', 'notification_subscriptions', 'blacklist_proposals', 'clue_events', 'seller_identities',
    'clue_sellers', 'clues', 'alert_rules', 'alert_settings',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await sql`drop trigger if exists listings_gone_alert_events on listings`.execute(db);
  await sql`drop function if exists ipclue_alert_listing_gone()`.execute(db);
  await sql`drop index if exists listings_region_prefix_idx`.execute(db);
  await sql`drop index if exists alerts_open_idx`.execute(db);
  await sql`drop index if exists alerts_level_idx`.execute(db);
  await sql`drop index if exists alerts_assignee_idx`.execute(db);
  await db.schema
    .alterTable('alerts')
    .dropColumn('dismiss_reason')
    .dropColumn('dismiss_note')
    .dropColumn('referral')
    .dropColumn('outcome')
    .dropColumn('holder_flag')
    .dropColumn('holder_note')
    .dropColumn('decided_at')
    .execute();
}
