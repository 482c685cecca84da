import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import { upsertSource, type SourceRecord } from '../../src/sources/source.repository.ts';
import type { SourceDefinition } from './source.schema.ts';

/**
 * Stores a validated definition under its id: the one way a source gets into Postgres.
 * `keepEnabled` (imports, demo seeding): a source that already exists keeps its enabled flag, as
 * an admin may have disabled it since; a new one starts as its definition says (enabled by default).
 */
export function saveSourceDefinition(db: Kysely<Database>, def: SourceDefinition, opts: { keepEnabled?: boolean } = {}): Promise<SourceRecord> {
  return upsertSource(db, {
    slug: def.id,
    name: def.name,
    channel: def.channel,
    country: def.country,
    enabled: def.enabled,
    local: def.local,
    definition: def as unknown as Record<string, unknown>,
  }, opts);
}
