// What the ratio target (throughput at 100,000 entries at least half that at 1,000) leaves for
// the candidates: per watchlist size, in one process and alternating rounds (best of N, process
// CPU time), µs a listing for
//   - normalise: the title normalised, nothing else;
//   - scan floor: normalised and scanned by the name index (pair lookups, Latin words) with a
//     gate that refuses every candidate at no cost — no facts, no context, no verification;
//   - full: matchListing with full scoring.
// Full at 1,000 entries times two is the budget at 100,000; what the scan floor leaves of it is
// what the candidates (listing facts, the gate, verification, judgement, scoring) may cost.
//
//   DUMP=/tmp/w1k.json DUMP_SIZE=1000 npx tsx bench/matcher.bench.ts 30000      # the data, once
//   DUMP=/tmp/w100k.json DUMP_SIZE=100000 npx tsx bench/matcher.bench.ts 30000
//   npx tsx bench/matcher-floor.bench.ts /tmp/w1k.json /tmp/w100k.json [rounds=5]
import { readFileSync } from 'node:fs';
import { compileMatcher, WatchlistSnapshotSchema, type Listing } from '../src/matching/index.ts';
import { getLexicon } from '../src/matching/lexicon.ts';
import { NameIndex, type ScanGate } from '../src/matching/name-index.ts';
import { normalise } from '../src/matching/normalise.ts';

const args = process.argv.slice(2);
const rounds = args.length > 2 && /^\d+$/.test(args[args.length - 1]) ? Number(args.pop()) : 5;
if (args.length < 1) {
  console.error('usage: matcher-floor.bench.ts DATA.json [DATA.json …] [rounds=5] (data written by DUMP=… bench/matcher.bench.ts)');
  process.exit(2);
}

const refuse: ScanGate = { sellerBonus: 0, margin: () => -1, sellerHas: () => false, sellerUses: () => false };
const lex = getLexicon();
const sets = args.map((file) => {
  const { snapshot, listings } = JSON.parse(readFileSync(file, 'utf8')) as { snapshot: unknown; listings: Listing[] };
  const snap = WatchlistSnapshotSchema.parse(snapshot);
  const matcher = compileMatcher(snap);
  // the same index the matcher builds (names and aliases, ordinary look-alikes left out)
  const index = new NameIndex(lex, true);
  snap.entries.forEach((e, i) => {
    index.add(i, e.name, 'name', e.kind === 'gi');
    for (const a of e.aliases) index.add(i, a, 'alias', e.kind === 'gi', e.name);
  });
  index.freeze();
  return { entries: snap.entries.length, listings, matcher, index };
});

const best = new Map<string, number>();
const cpu = (run: () => void, n: number) => {
  const t = process.cpuUsage();
  run();
  const u = process.cpuUsage(t);
  return (u.user + u.system) / n;
};
let sink = 0;
for (let r = 0; r < rounds; r++) {
  for (const s of sets) {
    const n = s.listings.length;
    const figures: [string, number][] = [
      ['normalise', cpu(() => { for (const l of s.listings) sink += normalise(l.title).compact.length; }, n)],
      ['scan floor', cpu(() => { for (const l of s.listings) sink += s.index.scan(normalise(l.title), false, refuse).length; }, n)],
      ['full', cpu(() => { for (const l of s.listings) sink += s.matcher.matchListing(l).length; }, n)],
    ];
    for (const [k, v] of figures) {
      const key = `${s.entries}\t${k}`;
      best.set(key, Math.min(best.get(key) ?? Infinity, v));
    }
  }
}
console.log(`best of ${rounds} rounds, µs a listing (process CPU time); ${sink > 0 ? 'checksum ok' : ''}`);
console.log('| entries | normalise | scan floor | full |\n|---:|---:|---:|---:|');
for (const s of sets) {
  const f = (k: string) => best.get(`${s.entries}\t${k}`)!.toFixed(2);
  console.log(`| ${s.entries.toLocaleString('en')} | ${f('normalise')} | ${f('scan floor')} | ${f('full')} |`);
}
if (sets.length >= 2) {
  const small = sets[0];
  const large = sets[sets.length - 1];
  const budget = 2 * best.get(`${small.entries}\tfull`)!;
  const floor = best.get(`${large.entries}\tscan floor`)!;
  const full = best.get(`${large.entries}\tfull`)!;
  console.log(`\nbudget at ${large.entries.toLocaleString('en')} entries (twice the full cost at ${small.entries.toLocaleString('en')}): ${budget.toFixed(2)} µs`);
  console.log(`of which the scan floor takes ${floor.toFixed(2)}, leaving ${(budget - floor).toFixed(2)} µs for the candidates; they take ${(full - floor).toFixed(2)} now`);
  console.log(`ratio of throughputs (${large.entries.toLocaleString('en')} / ${small.entries.toLocaleString('en')}): ${(budget / 2 / full).toFixed(3)}`);
}
