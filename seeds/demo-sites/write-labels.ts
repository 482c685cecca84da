// Regenerates seeds/demo-sites/labels.jsonl from the demo sites' data:
//   npx tsx seeds/demo-sites/write-labels.ts
// A unit test fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { demoLabelsJsonl } from './index.ts';

const target = new URL('./labels.jsonl', import.meta.url);
writeFileSync(target, demoLabelsJsonl());
console.log(`wrote ${target.pathname}`);
