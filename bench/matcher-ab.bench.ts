// A/B of two matcher versions on the same data, in one process: both are compiled from the same
// generated watchlist and listings, then timed in alternating rounds (best of N), so a busy
// machine's drift hits both alike. Prints µs a listing on process CPU time, the alert counts
// (which must be equal) and the ratio.
//
//   DUMP=/tmp/w100k.json DUMP_SIZE=100000 npx tsx bench/matcher.bench.ts 30000   # write the data once
//   git worktree add /tmp/before <commit> && ln -s "$PWD/node_modules" /tmp/before/node_modules
//   npx tsx bench/matcher-ab.bench.ts /tmp/w100k.json /tmp/before [B=.] [rounds=6]
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [file, rootA, rootB = '.', rounds = '6'] = process.argv.slice(2);
if (!file || !rootA) {
  console.error('usage: matcher-ab.bench.ts DATA.json CHECKOUT_A [CHECKOUT_B=.] [rounds=6]');
  process.exit(2);
}
const { snapshot, listings } = JSON.parse(readFileSync(file, 'utf8'));

async function load(root: string) {
  const dir = path.resolve(root);
  const { compileMatcher } = await import(path.join(dir, 'src/matching/index.ts'));
  const t = performance.now();
  const matcher = compileMatcher(snapshot);
  return { dir, matcher, buildMs: performance.now() - t, best: Infinity, alerts: 0 };
}

const a = await load(rootA);
const b = await load(rootB);
for (const x of [a, b]) for (let r = 0; r < 2; r++) for (const l of listings) x.matcher.matchListing(l);
for (let r = 0; r < Number(rounds); r++) {
  for (const x of r % 2 ? [b, a] : [a, b]) {
    const cpu = process.cpuUsage();
    let alerts = 0;
    for (const l of listings) alerts += x.matcher.matchListing(l).length;
    const used = process.cpuUsage(cpu);
    x.best = Math.min(x.best, (used.user + used.system) / listings.length);
    x.alerts = alerts;
  }
}
for (const x of [a, b]) console.log(`${x.dir}: ${x.best.toFixed(2)} µs a listing, ${x.alerts} results, build ${(x.buildMs / 1000).toFixed(2)} s`);
console.log(`B/A: ${(b.best / a.best).toFixed(3)}${a.alerts === b.alerts ? '' : '  (result counts differ!)'}`);
