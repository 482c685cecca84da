import { sql, type Kysely } from 'kysely';
import type { Database, SourceRow } from '../db/schema.ts';

/** The stored part of a source; the definition itself is validated by the crawler's schema. */
export interface SourceRecord {
  id: string;
  slug: string;
  name: string;
  channel: string;
  country: string;
  enabled: boolean;
  local: boolean;
  definition: Record<string, unknown>;
}

const toRecord = (r: SourceRow): SourceRecord => ({
  id: String(r.id),
  slug: r.slug,
  name: r.name,
  channel: r.channel,
  country: r.country,
  enabled: r.enabled,
  local: r.local,
  definition: r.definition,
});

/**
 * Creates or updates a source by slug. `keepEnabled`: an existing source keeps its enabled flag
 * (in its row and its stored definition) whatever the new definition says, so re-importing a
 * definition file does not switch back on a source an admin disabled.
 */
export async function upsertSource(
  db: Kysely<Database>,
  s: { slug: string; name: string; channel: string; country: string; enabled: boolean; local: boolean; definition: Record<string, unknown> },
  opts: { keepEnabled?: boolean } = {},
): Promise<SourceRecord> {
  const row = await db
    .insertInto('sources')
    .values({ ...s, definition: JSON.stringify(s.definition) })
    .onConflict((oc) =>
      oc.column('slug').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        channel: eb.ref('excluded.channel'),
        country: eb.ref('excluded.country'),
        enabled: opts.keepEnabled ? eb.ref('sources.enabled') : eb.ref('excluded.enabled'),
        local: eb.ref('excluded.local'),
        definition: opts.keepEnabled
          ? sql<string>`jsonb_set(excluded.definition, '{enabled}', to_jsonb(sources.enabled))`
          : eb.ref('excluded.definition'),
        updated_at: new Date(),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRecord(row);
}

export async function getSource(db: Kysely<Database>, id: string): Promise<SourceRecord | undefined> {
  const row = await db.selectFrom('sources').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toRecord(row);
}

export async function getSourceBySlug(db: Kysely<Database>, slug: string): Promise<SourceRecord | undefined> {
  const row = await db.selectFrom('sources').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row && toRecord(row);
}

export async function listSources(db: Kysely<Database>, opts: { enabledOnly?: boolean } = {}): Promise<SourceRecord[]> {
  let q = db.selectFrom('sources').selectAll().orderBy('id');
  if (opts.enabledOnly) q = q.where('enabled', '=', true);
  return (await q.execute()).map(toRecord);
}
