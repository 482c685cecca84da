import { sql, type Kysely } from 'kysely';

// Users' sessions and API tokens; the other three lists (markets of concern, risk points,
// blacklist); and one append-only change history for every list, written by a trigger so that
// no code path (API, import, seed, psql) can change a list without leaving a record. The actor
// is taken from the transaction-local setting `ipclue.actor_id` (see src/watchlists/actor.ts).
const LISTS = ['markets', 'risk_points', 'blacklist'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  // session ids and API tokens are stored as SHA-256 hashes: a database dump logs nobody in
  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('api_tokens_user_idx').on('api_tokens').column('user_id').execute();

  await db.schema
    .createTable('markets')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('ecommerce','exhibition','market')`))
    .addColumn('platform', 'text')
    .addColumn('host', 'text')
    .addColumn('region_code', 'text')
    .addColumn('country_code', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('listed_since', 'date', (c) => c.notNull().defaultTo(sql`current_date`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index markets_identity_uq on markets (channel, name)`.execute(db);

  await db.schema
    .createTable('risk_points')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('channel', 'text')
    .addColumn('category', 'text')
    .addColumn('region_code', 'text')
    .addColumn('weight', 'integer', (c) => c.notNull().defaultTo(10).check(sql`weight between 1 and 50`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('risk_points_some_dimension', sql`coalesce(channel, category, region_code) is not null`)
    .execute();

  await db.schema
    .createTable('blacklist')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('platform', 'text')
    .addColumn('seller_id', 'text')
    .addColumn('seller_name', 'text')
    .addColumn('company_name', 'text')
    .addColumn('credit_code', 'text')
    .addColumn('phone', 'text')
    .addColumn('address', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('source_kind', 'text', (c) => c.notNull().check(sql`source_kind in ('alert','court','administrative','other')`))
    .addColumn('source_ref', 'text')
    .addColumn('listed_on', 'date', (c) => c.notNull().defaultTo(sql`current_date`))
    .addColumn('lifted_at', 'timestamptz')
    .addColumn('lifted_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('blacklist_identifies_someone', sql`coalesce(seller_id, seller_name, company_name, credit_code, phone) is not null`)
    .addCheckConstraint('blacklist_lift_has_reason', sql`lifted_at is null or lifted_reason is not null`)
    .execute();
  await db.schema.createIndex('blacklist_credit_idx').on('blacklist').column('credit_code').execute();

  await db.schema
    .createTable('watchlist_history')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('list', 'text', (c) => c.notNull())
    .addColumn('entry_id', 'bigint', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'bigint', (c) => c.references('users.id'))
    .addColumn('note', 'text')
    .addColumn('changes', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
    .execute();
  await db.schema.createIndex('watchlist_history_entry_idx').on('watchlist_history').columns(['list', 'entry_id', 'id']).execute();
  await sql`create trigger watchlist_history_append_only before update or delete on watchlist_history
    for each row execute function ipclue_refuse_change()`.execute(db);

  // what changed: the whole row on insert, {column: {from, to}} on update
  await sql`
    create function ipclue_record_watchlist_change() returns trigger language plpgsql as $$
    declare
      o jsonb;
      n jsonb;
      k text;
      diff jsonb := '{}'::jsonb;
      eid bigint;
    begin
      if TG_OP = 'INSERT' then
        n := to_jsonb(NEW);
        diff := n - 'created_at' - 'updated_at';
        eid := NEW.id;
      elsif TG_OP = 'UPDATE' then
        o := to_jsonb(OLD);
        n := to_jsonb(NEW);
        for k in select jsonb_object_keys(n) loop
          if k <> 'updated_at' and (o -> k) is distinct from (n -> k) then
            diff := diff || jsonb_build_object(k, jsonb_build_object('from', o -> k, 'to', n -> k));
          end if;
        end loop;
        if diff = '{}'::jsonb then
          return null;
        end if;
        eid := NEW.id;
      else
        diff := to_jsonb(OLD);
        eid := OLD.id;
      end if;
      insert into watchlist_history (list, entry_id, action, actor_id, note, changes)
      values (
        TG_TABLE_NAME, eid,
        coalesce(nullif(current_setting('ipclue.action', true), ''), lower(TG_OP)),
        nullif(current_setting('ipclue.actor_id', true), '')::bigint,
        nullif(current_setting('ipclue.note', true), ''),
        diff);
      return null;
    end $$`.execute(db);

  for (const t of ['marks', ...LISTS]) {
    await sql`create trigger ${sql.raw(`${t}_history`)} after insert or update or delete on ${sql.table(t)}
      for each row execute function ipclue_record_watchlist_change()`.execute(db);
  }
  for (const t of LISTS) {
    await sql`create trigger ${sql.raw(`${t}_bump_watchlist`)} after insert or update or delete on ${sql.table(t)}
      for each statement execute function ipclue_bump_watchlist()`.execute(db);
  }
  // the blacklist is a record of decisions: an entry is lifted, never deleted
  await sql`create trigger blacklist_no_delete before delete on blacklist
    for each row execute function ipclue_refuse_change()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists marks_history on marks`.execute(db);
  for (const t of ['watchlist_history', 'blacklist', 'risk_points', 'markets', 'api_tokens', 'sessions']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await sql`drop function if exists ipclue_record_watchlist_change()`.execute(db);
}
