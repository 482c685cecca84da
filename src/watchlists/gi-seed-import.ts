// The reference GI list (seeds/gis.json, checked against GB/T 2260 by src/regions/gi-seeds.ts)
// as pending GI entries without an owner: reviewers approve the ones their region watches.
// Idempotent: a GI already registered under the same name (any owner) is left alone.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { loadGiSeeds } from '../regions/gi-seeds.ts';
import { withChange } from './actor.ts';
import { GiCreateSchema } from './mark.schema.ts';
import { insertMark } from './mark.repository.ts';

export async function importReferenceGis(db: Kysely<Database>, actorId: string | null = null): Promise<{ added: number; existing: number }> {
  let added = 0;
  let existing = 0;
  for (const g of loadGiSeeds()) {
    const present = await db.selectFrom('marks').select('id').where('kind', '=', 'gi').where('name', '=', g.name).executeTakeFirst();
    if (present) {
      existing++;
      continue;
    }
    const input = GiCreateSchema.parse({
      name: g.name,
      aliases: g.aliases,
      niceClasses: g.niceClasses,
      keywords: [g.categoryZh],
      gi: { regionCodes: g.regions.map((r) => r.code), category: g.categoryZh, seasonMonths: g.seasonMonths },
    });
    await withChange(db, { actorId, action: 'seed', note: `seeds/gis.json: ${g.source}` }, (trx) => insertMark(trx, 'gi', input, null));
    added++;
  }
  return { added, existing };
}
