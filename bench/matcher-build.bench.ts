// The matcher's build alone: compile one generated watchlist in a fresh process (after a
// 1,000-entry warm-up, so that the word data and the character table are loaded and not timed)
// and print the wall and CPU time and the index's bytes. Given a checkout, times that one's
// code on the same data, so two versions can be compared in alternating runs on a noisy host.
//
//   DUMP=/tmp/w100k.json DUMP_SIZE=100000 npx tsx bench/matcher.bench.ts 30000   # the data
//   npx tsx bench/matcher-build.bench.ts /tmp/w100k.json [CHECKOUT=.]
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [file, root = '.'] = process.argv.slice(2);
if (!file) {
  console.error('usage: matcher-build.bench.ts DATA.json [CHECKOUT=.]');
  process.exit(2);
}
const dir = path.resolve(root);
const { compileMatcher } = await import(path.join(dir, 'src/matching/index.ts'));
const { snapshot } = JSON.parse(readFileSync(file, 'utf8'));
compileMatcher({ ...snapshot, entries: snapshot.entries.slice(0, 1000) });
const t = performance.now();
const cpu = process.cpuUsage();
const matcher = compileMatcher(snapshot);
const used = process.cpuUsage(cpu);
console.log(`${dir}: ${snapshot.entries.length.toLocaleString('en')} entries built in ${((performance.now() - t) / 1000).toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU; index ${(matcher.indexBytes / 1e6).toFixed(1)} MB`);
