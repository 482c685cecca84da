// Page trees are garbage as soon as their page is read. V8 pretenures an allocation site whose
// objects survive young-generation collections, and then allocates its objects straight in the
// old generation. A tree is live while its page is read, so a young collection often lands in
// the middle of one. V8 came to allocate every tree node old. The nodes' young strings and arrays
// then outlived every scavenge through them: ≈ 250 KB copied and promoted a page, and a fifth of
// an extraction thread's time went to scavenges. The other half of the cure is in
// parse-html.ts: no cheerio.load, hence no class, per page.
//
// The flag is process-wide, because V8 has no per-thread flags. A worker's other allocations are
// short-lived or built once, and the matcher bench shows no difference with it. Figures are in
// docs/BENCHMARKS.md (Crawl pipeline, Session 5).
import { setFlagsFromString } from 'node:v8';

let applied = false;

/** Turns off V8's allocation-site pretenuring for this process (once). */
export function keepPageTreesYoung(): void {
  if (applied) return;
  setFlagsFromString('--no-allocation-site-pretenuring');
  applied = true;
}
