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

/** a posting must stay below this */
const POSTING_LIMIT = 2 ** 26;
/** first and second keys are below this (character ids: one per UTF-16 code at most) */
const KEY_LIMIT = 0xffff;
/** a free slot; a key's slot holds its second key plus one (a new array is all free: no fill) */
const EMPTY = 0;

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
  }

  freeze(): PairIndex {
    const { n, chunks } = this;
    // entries per first and per second key, for the counting sorts below
    const perFirst = new Uint32Array(KEY_LIMIT);
    const perSecond = new Uint32Array(KEY_LIMIT);
    for (let c = 0; c < chunks.length; c++) {
      const chunk = chunks[c];
      const m = Math.min(CHUNK, n - c * CHUNK);
      for (let k = 0; k < m; k++) {
        perFirst[chunk[3 * k]]++;
        perSecond[chunk[3 * k + 1]]++;
      }
    }
    let width = KEY_LIMIT;
    while (width > 0 && perFirst[width - 1] === 0) width--;
    // a stable counting sort by second key, then one by first key (a radix sort: linear, where a
    // comparison sort of each first key's block cost more than the rest of the build's pairs
    // together): blocks by first key, runs by second key, each run's postings in the order added
    const secondFill = new Uint32Array(perSecond.length);
    for (let s = 1; s < perSecond.length; s++) secondFill[s] = secondFill[s - 1] + perSecond[s - 1];
    const firstA = new Uint16Array(n);
    const secondA = new Uint16Array(n);
    const postingA = new Int32Array(n);
    for (let c = 0; c < chunks.length; c++) {
      const chunk = chunks[c];
      const m = Math.min(CHUNK, n - c * CHUNK);
      for (let k = 0; k < m; k++) {
        const at = secondFill[chunk[3 * k + 1]]++;
        firstA[at] = chunk[3 * k];
        secondA[at] = chunk[3 * k + 1];
        postingA[at] = chunk[3 * k + 2];
      }
    }
    this.chunks = [];
    this.n = 0;
    const blockOf = new Uint32Array(width + 1);
    for (let f = 0; f < width; f++) blockOf[f + 1] = blockOf[f] + perFirst[f];
    const fill = blockOf.slice(0, width);
    const second = new Uint16Array(n);
    const posting = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const at = fill[firstA[i]]++;
      second[at] = secondA[i];
      posting[at] = postingA[i];
    }

    // distinct keys per first key: they size its table and the filter
    const keysOf = new Uint32Array(width);
    let keys = 0;
    for (let f = 0; f < width; f++) {
      let u = 0;
      for (let k = blockOf[f]; k < blockOf[f + 1]; k++) if (k === blockOf[f] || second[k] !== second[k - 1]) u++;
      keysOf[f] = u;
      keys += u;
    }
    const tableStart = new Uint32Array(width + 1);
    for (let f = 0; f < width; f++) tableStart[f + 1] = tableStart[f] + (keysOf[f] === 0 ? 0 : Math.ceil(keysOf[f] * SLOTS_PER_KEY));
    const slots = new Int32Array(2 * tableStart[width]);
    let bits = MIN_FILTER_BITS;
    while (bits < MAX_FILTER_BITS && bits < (16 * keys) / Math.max(1, width)) bits <<= 1;
    const words = bits >>> 5;
    const filter = new Uint32Array(width * words);
    // postings of keys holding several, list by list (sized for the worst case, trimmed after)
    const out = { values: new Int32Array(n), lists: [] as number[], run: [] as number[] };
    for (let f = 0; f < width; f++) fillTable(second, posting, blockOf[f], blockOf[f + 1], tableStart[f], tableStart[f + 1] - tableStart[f], slots, filter, f * words, bits, out);
    const listStart = Uint32Array.from(out.lists.length ? out.lists : [0]);
    const values = out.values.slice(0, listStart[listStart.length - 1]);
    return new PairIndex(slots, tableStart, keys, listStart, values, filter, bits);
  }
}

/** one first key's table and filter row from its block [lo, hi) of second[] and posting[], in
 *  runs of equal seconds (a function of its own: V8 optimises the hot loop alone) */
function fillTable(second: Uint16Array, posting: Int32Array, lo: number, hi: number, start: number, size: number, slots: Int32Array, filter: Uint32Array, row: number, bits: number, out: { values: Int32Array; lists: number[]; run: number[] }): void {
  const { values, lists, run } = out;
  let k = lo;
  while (k < hi) {
    const s = second[k];
    let end = k + 1;
    while (end < hi && second[end] === s) end++;
    let value = posting[k];
    if (end - k > 1) {
      // the key's distinct postings (the same one added twice counts once), in order: they come
      // in the order added, nearly sorted already, so an insertion sort in place
      run.length = 0;
      for (let j = k; j < end; j++) {
        const x = posting[j];
        let i = run.length;
        run.push(x);
        while (i > 0 && run[i - 1] > x) {
          run[i] = run[i - 1];
          i--;
        }
        run[i] = x;
      }
      let distinct = 1;
      for (let j = 1; j < run.length; j++) if (run[j] !== run[j - 1]) run[distinct++] = run[j];
      if (distinct > 1) {
        if (!lists.length) lists.push(0);
        value = -1 - lists.length;
        let v = lists[lists.length - 1];
        for (let j = 0; j < distinct; j++) values[v++] = run[j];
        lists.push(v);
      }
    }
    let slot = slotIn(s, size);
    while (slots[2 * (start + slot)] !== EMPTY) if (++slot === size) slot = 0;
    slots[2 * (start + slot)] = s + 1;
    slots[2 * (start + slot) + 1] = value;
    const bit = s & (bits - 1);
    filter[row + (bit >>> 5)] |= 1 << (bit & 31);
    k = end;
  }
}

export class PairIndex {
  private readonly words: number;
  /** first keys below this have a filter row and a table */
  private readonly width: number;

  constructor(
    /** [second + 1, value] per slot, first key by first key (EMPTY: free); value a posting (≥ 0)
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
    const key = second + 1;
    for (;;) {
      const k = slots[2 * (start + slot)];
      if (k === key) return slots[2 * (start + slot) + 1];
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
