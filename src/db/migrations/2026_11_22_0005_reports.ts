import { sql, type Kysely } from 'kysely';

// Risk-warning reports (风险预警报告): one row per generated version of a (kind, period, scope).
// Regenerating adds version+1 and keeps the older ones. The figures are aggregated in SQL by
// period, so the alert and event tables get indexes on their time columns.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reports')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('domestic','overseas')`))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull().defaultTo('all'))
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('ready').check(sql`status in ('ready','failed')`))
    .addColumn('trigger', 'text', (c) => c.notNull().defaultTo('manual'))
    .addColumn('requested_by', 'bigint', (c) => c.references('users.id'))
    .addColumn('period_start', 'timestamptz', (c) => c.notNull())
    .addColumn('period_end', 'timestamptz', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('html', 'text')
    .addColumn('pdf', 'bytea')
    .addColumn('xlsx', 'bytea')
    .addColumn('figures', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('timings', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('reports_kind_period_scope_version_uq', ['kind', 'period', 'scope', 'version'])
    .execute();
  await db.schema.createIndex('reports_scope_idx').on('reports').columns(['scope', 'created_at']).execute();
  // the report job schedulers, editable by admins; the scheduler role syncs them to BullMQ
  await db.schema
    .createTable('report_schedules')
    .addColumn('key', 'text', (c) => c.primaryKey().check(sql`key ~ '^report-[a-z0-9-]{1,60}$'`))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('domestic','overseas')`))
    .addColumn('every', 'text', (c) => c.notNull().check(sql`every in ('week','month')`))
    .addColumn('cron', 'text', (c) => c.notNull())
    .addColumn('tz', 'text', (c) => c.notNull().defaultTo('Asia/Shanghai'))
    .addColumn('scope', 'text', (c) => c.notNull().defaultTo('all'))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('updated_by', 'bigint', (c) => c.references('users.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`insert into report_schedules (key, kind, every, cron) values
    ('report-domestic-weekly', 'domestic', 'week', '0 8 * * 1'),
    ('report-domestic-monthly', 'domestic', 'month', '0 8 1 * *'),
    ('report-overseas-monthly', 'overseas', 'month', '0 8 1 * *')`.execute(db);
  await db.schema.createIndex('alerts_created_at_idx').on('alerts').column('created_at').execute();
  await sql`create index alert_events_status_time_idx on alert_events (created_at) where to_status is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists alert_events_status_time_idx`.execute(db);
  await sql`drop index if exists alerts_created_at_idx`.execute(db);
  await db.schema.dropTable('report_schedules').ifExists().execute();
  await db.schema.dropTable('reports').ifExists().execute();
}
