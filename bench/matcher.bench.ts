// Matcher benchmark: 100,000 generated listings against generated watchlists of 1,000, 10,000
// and 100,000 entries (Chinese and latin names, with aliases). Prints index build time,
// listings/s on one core (full scoring) and heap used.
//   npx tsx bench/matcher.bench.ts [listings=100000] [sizes=1000,10000,100000]
// listings/s is measured on process CPU time (one thread), so a busy machine skews it less
// than wall time; both are printed.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pinyin } from 'pinyin-pro';
import { compileMatcher, type Listing, type WatchlistSnapshotInput } from '../src/matching/index.ts';
import { getLexicon } from '../src/matching/lexicon.ts';
import { charFeatures, neighbours } from '../src/matching/char-similarity.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const LISTINGS = Number(process.argv[2] ?? 100_000);
const SIZES = (process.argv[3] ?? '1000,10000,100000').split(',').map(Number);

// deterministic PRNG so runs are comparable
let seed = 42;
const rand = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const lex = getLexicon();
const words = [...lex.dictionary].filter((w) => w.length <= 4);
const vocab: string[] = [];
for (let i = 0; i < 6000; i++) vocab.push(pick(words));
// names are strings of the 3,500 most common characters (通用规范汉字表 level 1) drawn
// uniformly, like coined word marks; titles are made of dictionary words, so names and titles
// share characters without every title word being some mark
const commonChars = [...new Set(vocab.join(''))].filter((c) => (charFeatures(c)?.rank ?? 99999) <= 3500);
const products = lex.niceKeywords.filter((k) => k.niceClass > 0).map((k) => k.word);
const latinSyllables = [
  'ka', 'lo', 'mi', 'ra', 'ten', 'vo', 'zen', 'ar', 'del', 'ix', 'on', 'su', 'ty', 'mar', 'qu', 'bel', 'nor', 'fi',
  'gro', 'sta', 'ple', 'dri', 'ko', 'ne', 'bu', 'sol', 'vin', 'tra', 'hel', 'mo', 'ri', 'za', 'pe', 'dun', 'cor', 'ly',
];
const places = ['广东深圳', '浙江义乌', '江苏苏州', '福建莆田', '上海', '北京朝阳', '河南郑州', '四川成都'];

function chineseName(): string {
  // real word marks: some two-character (雪碧), most three or four (康师傅, 六个核桃)
  const r = rand();
  const len = r < 0.2 ? 2 : r < 0.7 ? 3 : 4;
  let s = '';
  for (let i = 0; i < len; i++) s += pick(commonChars);
  return s;
}
function latinName(): string {
  let s = '';
  const n = 3 + Math.floor(rand() * 2);
  for (let i = 0; i < n; i++) s += pick(latinSyllables);
  return s[0].toUpperCase() + s.slice(1);
}

function watchlist(size: number): WatchlistSnapshotInput {
  const entries = [];
  for (let i = 0; i < size; i++) {
    const han = rand() < 0.7;
    const name = han ? chineseName() : latinName();
    const aliases = han ? [pinyin(name, { toneType: 'none', separator: '' })] : [name.toUpperCase() + 'X'];
    entries.push({
      id: `e${i}`,
      kind: rand() < 0.1 ? ('gi' as const) : ('mark' as const),
      name,
      aliases,
      niceClasses: [1 + Math.floor(rand() * 45)],
      keywords: [pick(products)],
      referencePrices: [{ currency: 'CNY', min: 50, max: 200 }],
      authorisedSellers: [{ sellerName: `${name}官方旗舰店` }],
    });
  }
  return { version: `bench-${size}`, entries, blacklist: [{ sellerName: '黑名单卖家1' }], markets: [{ name: '义乌', host: 'market.example' }], riskPoints: [{ channel: 'wholesale', weight: 5 }] };
}

function mutate(name: string): string {
  const r = rand();
  if (/[a-z]/i.test(name)) {
    if (r < 0.3) return name;
    const i = Math.floor(rand() * name.length);
    return name.slice(0, i) + pick(['0', '1', 'a', 'e']) + name.slice(i + 1);
  }
  if (r < 0.4) return name;
  const i = Math.floor(rand() * name.length);
  const alt = neighbours(name[i]).visual;
  return alt.length ? name.slice(0, i) + pick(alt) + name.slice(i + 1) : name;
}

function listings(snapshot: WatchlistSnapshotInput): Listing[] {
  const out: Listing[] = [];
  for (let i = 0; i < LISTINGS; i++) {
    const parts: string[] = [];
    const n = 4 + Math.floor(rand() * 6);
    for (let k = 0; k < n; k++) parts.push(pick(vocab));
    parts.splice(Math.floor(rand() * parts.length), 0, pick(products));
    if (rand() < 0.15) parts.splice(Math.floor(rand() * parts.length), 0, mutate(pick(snapshot.entries).name));
    if (rand() < 0.05) parts.push(pick(['高仿', '1:1', 'A货', '原单']));
    if (rand() < 0.1) parts.push(latinName());
    out.push({
      id: `l${i}`,
      title: parts.join(rand() < 0.5 ? ' ' : ''),
      price: rand() < 0.8 ? Math.round(rand() * 300) : null,
      currency: 'CNY',
      seller: rand() < 0.01 ? '黑名单卖家1' : `卖家${Math.floor(rand() * 5000)}`,
      location: pick(places),
      channel: rand() < 0.2 ? 'wholesale' : 'ecommerce',
      observedAt: '2026-06-01T08:00:00Z',
    });
  }
  return out;
}

// DUMP=file.json [DUMP_SIZE=n]: write one generated watchlist and its listings for profiling
if (process.env.DUMP) {
  const { writeFileSync } = await import('node:fs');
  const snap = watchlist(Number(process.env.DUMP_SIZE ?? 10_000));
  writeFileSync(process.env.DUMP, JSON.stringify({ snapshot: snap, listings: listings(snap) }));
  process.exit(0);
}
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
console.log(`matcher benchmark: ${LISTINGS.toLocaleString()} listings, node ${process.version}, one core`);
// memory: the V8 heap and the typed arrays' backing stores (outside the heap; the pair index and
// entry table live there), each after a full collection and the sweep of freed buffers. The
// matcher's share is the growth over the same figures just before compileMatcher; the rest is
// this benchmark's own data (the generated snapshot and 100,000 listings)
async function memory(): Promise<{ heap: number; buffers: number }> {
  gc();
  await new Promise((r) => setTimeout(r, 100));
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers };
}
console.log('| entries | patterns | build (CPU / wall) | listings/s (CPU) | listings/s (wall) | alerts | heap + typed arrays after build | of which the matcher | heap + typed arrays after run |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const size of SIZES) {
  seed = 1000 + size;
  const snapshot = watchlist(size);
  const input = listings(snapshot);
  const memBefore = await memory();
  let t = performance.now();
  const buildCpu = process.cpuUsage();
  const matcher = compileMatcher(snapshot);
  const buildUsed = process.cpuUsage(buildCpu);
  const buildMs = performance.now() - t;
  const buildCpuMs = (buildUsed.user + buildUsed.system) / 1000;
  const memBuilt = await memory();
  // warm-up, then the timed run
  for (let r = 0; r < 2; r++) for (let i = 0; i < Math.min(input.length, 20_000); i++) matcher.matchListing(input[i]);
  let alerts = 0;
  // CPU time of this (single-threaded) process, so a busy machine does not skew listings/s
  t = performance.now();
  const cpu = process.cpuUsage();
  for (const l of input) {
    const rs = matcher.matchListing(l);
    for (const r of rs) if (r.alert) alerts++;
  }
  const used = process.cpuUsage(cpu);
  const secs = (used.user + used.system) / 1e6;
  const wall = (performance.now() - t) / 1000;
  const memRun = await memory();
  const both = (m: { heap: number; buffers: number }) => `${mb(m.heap)} + ${mb(m.buffers)}`;
  const own = mb(memBuilt.heap - memBefore.heap + memBuilt.buffers - memBefore.buffers);
  console.log(`| ${size.toLocaleString()} | ${matcher.patternCount.toLocaleString()} | ${(buildCpuMs / 1000).toFixed(2)} s / ${(buildMs / 1000).toFixed(2)} s | ${Math.round(input.length / secs).toLocaleString()} | ${Math.round(input.length / wall).toLocaleString()} | ${alerts.toLocaleString()} | ${both(memBuilt)} | ${own} | ${both(memRun)} |`);
}
