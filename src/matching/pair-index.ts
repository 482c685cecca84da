// An immutable (first, second) → integer-list multimap for the han pair tables. The scan of a
// listing asks about every adjacent pair and every pair one apart of its text: ≈ 40 lookups a
// listing, most of them misses, into tables of millions of keys at 100,000 names, far more than
// the processor's caches. What sets the cost is how many cache lines a lookup touches, so:
// - a filter per first key (a bit per second, modulo the row's width) answers most misses from
//   one line of a few megabytes that the scan keeps warm;
// - a key that passes the filter is found in a small open-addressing hash table of its first
//   key's pairs, whose slot holds the second key and, for the usual key with a single posting,
//   the posting itself: one more line, where a binary search through a sorted block read five
//   or six. The first keys' tables lie one after the other in one array, so the build fills it
//   from one end to the other;
// - the few keys with several postings point into one shared array of them.

/** a posting must stay below this (seconds are multiplied by it when sorting) */
const POSTING_LIMIT = 2 ** 26;
/** first and second keys are below this (character ids: one per UTF-16 code at most) */
const KEY_LIMIT = 0xffff;
const EMPTY = -1;

const CHUNK = 1 << 16;
/** bits of each first key's filter: about 16 per key of an average row, within these bounds
 *  (a sparse table's filter then stays small enough for the processor's caches) */
const MIN_FILTER_BITS = 256;
const MAX_FILTER_BITS = 4096;
/** slots per key of each first key's table (load ≈ 0.7: short probe runs, most within a line) */
const SLOTS_PER_KEY = 1.43;

/** what lookup() answers for an absent pair; a posting is ≥ 0, a list of them ≤ -2 */
export const ABSENT = -1;

/** a second key's place in its first key's table of `size` slots (a multiplicative hash scaled
 *  to the size: no power-of-two rounding) */
const slotIn = (second: number, size: number) => Math.floor(((Math.imul(second, 0x9e3779b1) >>> 0) * size) / 4294967296);

export class PairIndexBuilder {
  // typed columns in fixed chunks: millions of entries at 100,000 names, so no per-entry objects,
  // and no doubling copies (each a large external allocation that would force a full GC)
  private chunks: Int32Array[] = [];
  private n = 0;
  /** entries per first key, counted as they come (the freeze's counting sort needs them) */
  private perFirst = new Uint32Array(0);

  add(first: number, second: number, posting: number): void {
    if (!(first >= 0 && first < KEY_LIMIT && second >= 0 && second < KEY_LIMIT && posting >= 0 && posting < POSTING_LIMIT)) {
      throw new RangeError(`pair index entry out of range: (${first}, ${second}) → ${posting}`);
    }
    const at = this.n % CHUNK;
    if (at === 0) this.chunks.push(new Int32Array(3 * CHUNK));
    const chunk = this.chunks[this.chunks.length - 1];
    chunk[3 * at] = first;
    chunk[3 * at + 1] = second;
    chunk[3 * at + 2] = posting;
    this.n++;
    if (first >= this.perFirst.length) {
      const grown = new Uint32Array(Math.max(first + 1, 2 * this.perFirst.length, 256));
      grown.set(this.perFirst);
      this.perFirst = grown;
    }
    this.perFirst[first]++;
  }

  freeze(): PairIndex {
    const { n, chunks, perFirst } = this;
    let width = perFirst.length;
    while (width > 0 && perFirst[width - 1] === 0) width--;
    // counting sort by first key, then each block sorted by (second, posting): duplicates fall
    // next to each other, and a key's postings come out in order
    const blockOf = new Uint32Array(width + 1);
    for (let f = 0; f < width; f++) blockOf[f + 1] = blockOf[f] + perFirst[f];
    const fill = blockOf.slice(0, width);
    const packed = new Float64Array(n);
    for (let c = 0; c < chunks.length; c++) {
      const chunk = chunks[c];
      const m = Math.min(CHUNK, n - c * CHUNK);
      for (let k = 0; k < m; k++) packed[fill[chunk[3 * k]]++] = chunk[3 * k + 1] * POSTING_LIMIT + chunk[3 * k + 2];
    }
    this.chunks = [];
    this.n = 0;
    this.perFirst = new Uint32Array(0);
    const secondOf = (x: number) => Math.floor(x / POSTING_LIMIT);

    // sort each block and count its distinct keys: they size its table and the filter
    const keysOf = new Uint32Array(width);
    let keys = 0;
    for (let f = 0; f < width; f++) {
      const block = packed.subarray(blockOf[f], blockOf[f + 1]).sort();
      let u = 0;
      for (let k = 0; k < block.length; k++) if (k === 0 || secondOf(block[k]) !== secondOf(block[k - 1])) u++;
      keysOf[f] = u;
      keys += u;
    }
    const tableStart = new Uint32Array(width + 1);
    for (let f = 0; f < width; f++) tableStart[f + 1] = tableStart[f] + (keysOf[f] === 0 ? 0 : Math.ceil(keysOf[f] * SLOTS_PER_KEY));
    const slots = new Int32Array(2 * tableStart[width]).fill(EMPTY);
    let bits = MIN_FILTER_BITS;
    while (bits < MAX_FILTER_BITS && bits < (16 * keys) / Math.max(1, width)) bits <<= 1;
    const words = bits >>> 5;
    const filter = new Uint32Array(width * words);
    // postings of keys holding several, list by list (sized for the worst case, trimmed after)
    let values = new Int32Array(n);
    let lists: number[] = [];
    const out = { values, lists };
    for (let f = 0; f < width; f++) fillTable(packed, blockOf[f], blockOf[f + 1], tableStart[f], tableStart[f + 1] - tableStart[f], slots, filter, f * words, bits, out);
    const listStart = Uint32Array.from(lists.length ? lists : [0]);
    values = values.slice(0, listStart[listStart.length - 1]);
    lists = [];
    return new PairIndex(slots, tableStart, keys, listStart, values, filter, bits);
  }
}

/** one first key's table and filter row from its sorted block packed[lo, hi) of
 *  second × POSTING_LIMIT + posting (a function of its own: V8 optimises the hot loop alone) */
function fillTable(packed: Float64Array, lo: number, hi: number, start: number, size: number, slots: Int32Array, filter: Uint32Array, row: number, bits: number, out: { values: Int32Array; lists: number[] }): void {
  const { values, lists } = out;
  let k = lo;
  while (k < hi) {
    const second = Math.floor(packed[k] / POSTING_LIMIT);
    let end = k + 1;
    while (end < hi && Math.floor(packed[end] / POSTING_LIMIT) === second) end++;
    // the key's distinct postings (the same one added twice counts once), in order
    let distinct = 0;
    for (let j = k; j < end; j++) if (j === k || packed[j] !== packed[j - 1]) distinct++;
    let value: number;
    if (distinct === 1) value = packed[k] - second * POSTING_LIMIT;
    else {
      if (!lists.length) lists.push(0);
      value = -1 - lists.length;
      let v = lists[lists.length - 1];
      for (let j = k; j < end; j++) if (j === k || packed[j] !== packed[j - 1]) values[v++] = packed[j] - second * POSTING_LIMIT;
      lists.push(v);
    }
    let slot = slotIn(second, size);
    while (slots[2 * (start + slot)] !== EMPTY) if (++slot === size) slot = 0;
    slots[2 * (start + slot)] = second;
    slots[2 * (start + slot) + 1] = value;
    const bit = second & (bits - 1);
    filter[row + (bit >>> 5)] |= 1 << (bit & 31);
    k = end;
  }
}

export class PairIndex {
  private readonly words: number;
  /** first keys below this have a filter row and a table */
  private readonly width: number;

  constructor(
    /** [second, value] per slot, first key by first key: second or EMPTY; value a posting (≥ 0)
     *  or a list of them (-2 - list number) */
    private readonly slots: Int32Array,
    /** where each first key's table starts in slots (in slot pairs), and one more entry for the
     *  last one's end */
    private readonly tableStart: Uint32Array,
    /** number of distinct (first, second) keys */
    readonly size: number,
    /** list k's postings are values[lists[k]] up to values[lists[k + 1]] */
    private readonly lists: Uint32Array,
    /** the postings of keys holding several, list by list */
    readonly values: Int32Array,
    private readonly filter: Uint32Array,
    /** filter bits per first key (a power of two) */
    private readonly bits: number,
  ) {
    this.words = bits >>> 5;
    this.width = tableStart.length - 1;
  }

  /**
   * The postings of (first, second): ABSENT; the posting itself (≥ 0) when it is the only one;
   * or a list (≤ -2) whose postings are values[listStart(v)] up to values[listEnd(v)].
   */
  lookup(first: number, second: number): number {
    if (first >= this.width) return ABSENT;
    const bit = second & (this.bits - 1);
    if ((this.filter[first * this.words + (bit >>> 5)] & (1 << (bit & 31))) === 0) return ABSENT;
    const start = this.tableStart[first];
    const size = this.tableStart[first + 1] - start;
    const slots = this.slots;
    let slot = slotIn(second, size);
    for (;;) {
      const k = slots[2 * (start + slot)];
      if (k === second) return slots[2 * (start + slot) + 1];
      if (k === EMPTY) return ABSENT;
      if (++slot === size) slot = 0;
    }
  }

  /** where the postings of a list (a lookup's value ≤ -2) start in values */
  listStart(v: number): number {
    return this.lists[-2 - v];
  }

  /** where they end */
  listEnd(v: number): number {
    return this.lists[-1 - v];
  }

  /** all postings under (first, second), in order (allocates; for tests and cold paths) */
  get(first: number, second: number): number[] {
    const v = this.lookup(first, second);
    if (v === ABSENT) return [];
    if (v >= 0) return [v];
    return Array.from(this.values.subarray(this.listStart(v), this.listEnd(v)));
  }

  get byteLength(): number {
    return this.slots.byteLength + this.tableStart.byteLength + this.lists.byteLength + this.values.byteLength + this.filter.byteLength;
  }
}
