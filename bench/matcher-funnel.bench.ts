// Where a listing's candidates go, per watchlist size: how many candidate postings the scan
// visits, how many survive the can-it-alert gate, pass the examiner's cheap checks, and become
// hits; and the share of listings that reach each stage (a listing that reaches the gate needs
// its facts and context worked out). Counts come from wrapping the name index's methods, so the
// figures are exact and the timing is not measured here (see matcher.bench.ts, matcher-ab).
//
//   DUMP=/tmp/w100k.json DUMP_SIZE=100000 npx tsx bench/matcher.bench.ts 30000   # the data
//   npx tsx bench/matcher-funnel.bench.ts /tmp/w100k.json
import { readFileSync } from 'node:fs';
import { compileMatcher } from '../src/matching/index.ts';
import { NameIndex } from '../src/matching/name-index.ts';

const file = process.argv[2];
if (!file) {
  console.error('usage: matcher-funnel.bench.ts DATA.json (written by DUMP=… bench/matcher.bench.ts)');
  process.exit(2);
}
const { snapshot, listings } = JSON.parse(readFileSync(file, 'utf8'));
const matcher = compileMatcher(snapshot);

const stages = ['consider', 'verifyHan', 'plausible', 'hit'] as const;
const total: Record<string, number> = Object.fromEntries(stages.map((s) => [s, 0]));
const listingsWith: Record<string, number> = Object.fromEntries(stages.map((s) => [s, 0]));
let seen = new Set<string>();
const count = (stage: string) => {
  total[stage]++;
  seen.add(stage);
};
// private methods, reached through the prototype: a benchmark's instrument, not an interface
const proto = NameIndex.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
for (const name of ['consider', 'verifyHan', 'plausible']) {
  const original = proto[name];
  proto[name] = function (this: unknown, ...args: unknown[]) {
    count(name);
    const result = original.apply(this, args);
    if (name === 'verifyHan' && result) count('hit');
    return result;
  };
}
let results = 0;
for (const l of listings) {
  seen = new Set();
  results += matcher.matchListing(l).length;
  for (const s of seen) listingsWith[s]++;
}
const n = listings.length;
console.log(`${snapshot.entries.length.toLocaleString('en')} entries, ${n.toLocaleString('en')} listings, ${results} alerting results`);
console.log('| stage | per listing | listings reaching it |\n|---|---:|---:|');
const label: Record<string, string> = {
  consider: 'candidate postings visited (Han)',
  verifyHan: 'past the gate at similarity 1 (facts and context worked out before)',
  plausible: 'checked by the examiner\'s cheap rules',
  hit: 'judged (a hit, similar or not)',
};
for (const s of stages) console.log(`| ${label[s]} | ${(total[s] / n).toFixed(2)} | ${((100 * listingsWith[s]) / n).toFixed(1)} % |`);
