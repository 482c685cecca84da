// The body of an extraction thread: pages in, extraction results out (extractListings never
// throws on page content, so every message gets its answer). The thread keeps the source
// definitions it is sent, by the pool's number for each (see extract-pool.ts).
import { parentPort } from 'node:worker_threads';
import type { SourceDefinition } from '../sources/source.schema.ts';
import type { ToThread } from './extract-pool.ts';
import { extractListings } from './index.ts';

const defs = new Map<number, SourceDefinition>();

parentPort!.on('message', (m: ToThread) => {
  if (m.drop !== undefined) defs.delete(m.drop);
  if (m.source) defs.set(m.def, m.source);
  const def = defs.get(m.def);
  // the pool sends a definition before any page that needs it; a miss would be a bug of the pool
  const result = def ? extractListings(m.page, def) : { listings: [], errors: [`extraction thread: source definition ${m.def} not held`] };
  parentPort!.postMessage({ id: m.id, result });
});
parentPort!.postMessage({ ready: true });
