// Run by young-trees.test.ts under `node --trace-gc-nvp`: extracts the demo mall's list pages
// in this process, as a worker's extraction thread does, after keepPageTreesYoung() (not with
// --v8-default, for comparison). The test sums what V8 reports as promoted.
import { decodeBody } from '../../crawlers/fetch/decode.ts';
import { extractListings } from '../../crawlers/extract/index.ts';
import { keepPageTreesYoung } from '../../crawlers/extract/young-trees.ts';
import { sourceDefinitionSchema } from '../../crawlers/sources/source.schema.ts';
import { demoSites } from '../../seeds/demo-sites/index.ts';
import { readFileSync } from 'node:fs';

if (!process.argv.includes('--v8-default')) keepPageTreesYoung();
const base = 'http://127.0.0.1:1';
const raw = JSON.parse(readFileSync(new URL('../../seeds/sources/demo/mall.json', import.meta.url), 'utf8').replaceAll('{{DEMO_BASE}}', base));
const def = sourceDefinitionSchema.parse({ ...raw, id: 'gc-probe' });
const pages: { url: string; body: string }[] = [];
for (let i = 1; pages.length < 100; i++) {
  const res = demoSites.mall.handle('/list', new URLSearchParams({ page: String(i) }));
  if (!res || res.status !== 200) break;
  pages.push({ url: `${base}/demo/mall/list?page=${i}`, body: decodeBody(Buffer.from(res.body), String(res.headers['content-type'])).text });
}
let listings = 0;
console.log('MEASURE-START');
for (let round = 0; round < 4; round++) for (const p of pages) listings += extractListings({ ...p, contentType: 'text/html' }, def).listings.length;
console.log(`MEASURE-END pages=${4 * pages.length} listings=${listings}`);
