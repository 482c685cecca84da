import { sql, type Kysely } from 'kysely';

// What became of each scheduled report sent to each subscription (报告推送记录): queued, sent,
// failed with the last error (the queue retries), or skipped (the subscription was disabled or
// may no longer see the report's scope). The channel and target are copied when the delivery
// is queued, so the record says where the report went even if the subscription changes later.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('report_deliveries')
    .addColumn('report_id', 'bigint', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('subscription_id', 'bigint', (c) => c.notNull().references('notification_subscriptions.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('webhook','email')`))
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending','sent','failed','skipped')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .addPrimaryKeyConstraint('report_deliveries_pk', ['report_id', 'subscription_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('report_deliveries').ifExists().execute();
}
