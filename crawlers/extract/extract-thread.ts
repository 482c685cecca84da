// The body of an extraction thread: pages in, extraction results out (extractListings never
// throws on page content, so every message gets its answer).
import { parentPort } from 'node:worker_threads';
import type { SourceDefinition } from '../sources/source.schema.ts';
import { extractListings, type PageInput } from './index.ts';

parentPort!.on('message', (m: { id: number; page: PageInput; def: SourceDefinition }) => {
  parentPort!.postMessage({ id: m.id, result: extractListings(m.page, m.def) });
});
parentPort!.postMessage({ ready: true });
