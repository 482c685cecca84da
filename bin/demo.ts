// The demo: watchlist and source definitions from seeds/, pointed at the demo marketplaces that
// ipclue serves itself, so a fresh `npm start` shows the whole flow with no internet.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../src/context.ts';
import type { SourceRecord } from '../src/sources/source.repository.ts';
import { saveSourceDefinition } from '../crawlers/sources/source.store.ts';
import { importSnapshotEntries, type SnapshotEntry } from '../src/watchlists/snapshot.ts';
import { sourceDefinitionSchema } from '../crawlers/sources/source.schema.ts';

export const SEEDS_DIR = path.resolve(import.meta.dirname, '..', 'seeds');

export function loadDemoSourceDefinitions(demoBase: string) {
  const dir = path.join(SEEDS_DIR, 'sources', 'demo');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const text = readFileSync(path.join(dir, f), 'utf8').replaceAll('{{DEMO_BASE}}', demoBase);
      const parsed = sourceDefinitionSchema.safeParse(JSON.parse(text));
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        throw new Error(`seeds/sources/demo/${f}: ${i.path.join('.')}: ${i.message}`);
      }
      return parsed.data;
    });
}

export async function seedDemo(ctx: AppContext, demoBase: string): Promise<SourceRecord[]> {
  const watchlist = JSON.parse(readFileSync(path.join(SEEDS_DIR, 'demo', 'watchlist.json'), 'utf8')) as { entries: SnapshotEntry[] };
  await importSnapshotEntries(ctx.db, watchlist.entries, { status: 'active' });
  const out: SourceRecord[] = [];
  for (const def of loadDemoSourceDefinitions(demoBase)) {
    out.push(await saveSourceDefinition(ctx.db, def, { keepEnabled: true }));
  }
  return out;
}
