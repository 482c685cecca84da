import { sql, type Kysely } from 'kysely';

// The evidence ledger (电子存证): one append-only, hash-chained record per capture. `seq` is
// assigned by the application under an advisory lock, not by an identity, because identity
// sequences leave gaps on rollback and a gap is exactly how a deleted record shows.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('evidence_ledger')
    .addColumn('seq', 'bigint', (c) => c.primaryKey().check(sql`seq >= 1`))
    .addColumn('alert_id', 'bigint', (c) => c.notNull().references('alerts.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('artefacts', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull().check(sql`prev_hash ~ '^[0-9a-f]{64}$'`))
    .addColumn('record_hash', 'text', (c) => c.notNull().unique().check(sql`record_hash ~ '^[0-9a-f]{64}$'`))
    .execute();
  await db.schema.createIndex('evidence_ledger_alert_idx').on('evidence_ledger').columns(['alert_id', 'seq']).execute();
  // serving an artefact looks up the records that name it (access checks, its content type)
  await sql`create index evidence_ledger_artefacts_idx on evidence_ledger using gin (artefacts jsonb_path_ops)`.execute(db);
  // the same guard as alert_events: the database itself refuses edits and deletes
  await sql`create trigger evidence_ledger_append_only before update or delete on evidence_ledger
    for each row execute function ipclue_refuse_change()`.execute(db);
  await sql`create trigger evidence_ledger_no_truncate before truncate on evidence_ledger
    for each statement execute function ipclue_refuse_change()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('evidence_ledger').ifExists().execute();
}
