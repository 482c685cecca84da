// An immutable (first, second) → integer-list multimap laid out by its first key (compressed
// sparse rows): all pairs sharing a first key sit in one sorted block. The scan of a listing asks,
// at each character, for several pairs sharing that character (its right neighbour, the one after,
// each look-alike class of a neighbour), so those lookups read one small contiguous block instead
// of one random hash slot each. At 100,000 names the han pair tables hold millions of postings, far
// more than the processor's caches: locality, not the number of lookups, sets the scan's cost.

/** a posting must stay below this (seconds are multiplied by it when sorting) */
const POSTING_LIMIT = 2 ** 26;

const CHUNK = 1 << 16;
/** bits of each first key's filter: about 16 per key of an average block, within these bounds
 *  (a sparse table's filter then stays small enough for the processor's caches) */
const MIN_FILTER_BITS = 256;
const MAX_FILTER_BITS = 4096;

export class PairIndexBuilder {
  // typed columns in fixed chunks: millions of entries at 100,000 names, so no per-entry objects,
  // and no doubling copies (each a large external allocation that would force a full GC)
  private chunks: Int32Array[] = [];
  private n = 0;

  add(first: number, second: number, posting: number): void {
    if (!(first >= 0 && second >= 0 && posting >= 0 && posting < POSTING_LIMIT && second < 2 ** 26)) {
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
    const first = (i: number) => chunks[(i / CHUNK) | 0][3 * (i % CHUNK)];
    let maxFirst = -1;
    for (let i = 0; i < n; i++) if (first(i) > maxFirst) maxFirst = first(i);
    const width = maxFirst + 1;
    // counting sort by first key, then each block sorted by (second, posting)
    const blockOf = new Uint32Array(width + 1);
    for (let i = 0; i < n; i++) blockOf[first(i) + 1]++;
    for (let f = 0; f < width; f++) blockOf[f + 1] += blockOf[f];
    const fill = blockOf.slice(0, width);
    const packed = new Float64Array(n);
    for (let c = 0; c < chunks.length; c++) {
      const chunk = chunks[c];
      const m = Math.min(CHUNK, n - c * CHUNK);
      for (let k = 0; k < m; k++) packed[fill[chunk[3 * k]]++] = chunk[3 * k + 1] * POSTING_LIMIT + chunk[3 * k + 2];
    }
    this.chunks = [];
    this.n = 0;

    // sort each block, then count the distinct keys and postings to size the arrays exactly
    let u = 0;
    let v = 0;
    for (let f = 0; f < width; f++) {
      const block = packed.subarray(blockOf[f], blockOf[f + 1]).sort();
      for (let k = 0; k < block.length; k++) {
        if (k > 0 && block[k] === block[k - 1]) continue; // the same posting added twice
        v++;
        if (k === 0 || Math.floor(block[k] / POSTING_LIMIT) !== Math.floor(block[k - 1] / POSTING_LIMIT)) u++;
      }
    }
    const blockStart = new Uint32Array(width + 1);
    // the han tables' seconds are character ids: two bytes each halve the block a lookup reads
    let maxSecond = 0;
    for (let k = 0; k < n; k++) maxSecond = Math.max(maxSecond, Math.floor(packed[k] / POSTING_LIMIT));
    const uniqSecond = maxSecond < 0x10000 ? new Uint16Array(u) : new Int32Array(u);
    const uniqStart = new Uint32Array(u + 1);
    const values = new Int32Array(v);
    u = 0;
    v = 0;
    for (let f = 0; f < width; f++) {
      blockStart[f] = u;
      let prev = -1;
      for (let k = blockOf[f]; k < blockOf[f + 1]; k++) {
        const x = packed[k];
        if (x === prev) continue;
        prev = x;
        const second = Math.floor(x / POSTING_LIMIT);
        if (u === blockStart[f] || uniqSecond[u - 1] !== second) {
          uniqSecond[u] = second;
          uniqStart[u++] = v;
        }
        values[v++] = x - second * POSTING_LIMIT;
      }
    }
    blockStart[width] = u;
    uniqStart[u] = v;
    // per first key, a bit per (second mod its width): most lookups of a scan miss, and one bit
    // read answers them without the binary search through the block
    let bits = MIN_FILTER_BITS;
    while (bits < MAX_FILTER_BITS && bits < (16 * u) / Math.max(1, width)) bits <<= 1;
    const words = bits >>> 5;
    const filter = new Uint32Array(width * words);
    for (let f = 0; f < width; f++) {
      for (let k = blockStart[f]; k < blockStart[f + 1]; k++) {
        const bit = uniqSecond[k] & (bits - 1);
        filter[f * words + (bit >>> 5)] |= 1 << (bit & 31);
      }
    }
    return new PairIndex(blockStart, uniqSecond, uniqStart, values, filter, bits);
  }
}

export class PairIndex {
  private readonly words: number;

  constructor(
    private readonly blockStart: Uint32Array,
    private readonly uniqSecond: Uint16Array | Int32Array,
    private readonly uniqStart: Uint32Array,
    readonly values: Int32Array,
    private readonly filter: Uint32Array,
    /** filter bits per first key (a power of two) */
    private readonly bits: number,
  ) {
    this.words = bits >>> 5;
  }

  /** number of distinct (first, second) keys */
  get size(): number {
    return this.uniqSecond.length;
  }

  /** the entry of (first, second), or -1; its values are values[start(e)] up to values[end(e)] */
  find(first: number, second: number): number {
    if (first + 1 >= this.blockStart.length) return -1;
    const bit = second & (this.bits - 1);
    if ((this.filter[first * this.words + (bit >>> 5)] & (1 << (bit & 31))) === 0) return -1;
    let lo = this.blockStart[first];
    let hi = this.blockStart[first + 1];
    const keys = this.uniqSecond;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid];
      if (k === second) return mid;
      if (k < second) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }

  /** true when some pair has this first key (a scan can skip the lookups otherwise) */
  hasFirst(first: number): boolean {
    return first + 1 < this.blockStart.length && this.blockStart[first] !== this.blockStart[first + 1];
  }

  start(entry: number): number {
    return this.uniqStart[entry];
  }

  end(entry: number): number {
    return this.uniqStart[entry + 1];
  }

  /** all values under (first, second) (allocates; for tests and cold paths) */
  get(first: number, second: number): number[] {
    const e = this.find(first, second);
    return e < 0 ? [] : Array.from(this.values.subarray(this.uniqStart[e], this.uniqStart[e + 1]));
  }

  get byteLength(): number {
    return this.blockStart.byteLength + this.uniqSecond.byteLength + this.uniqStart.byteLength + this.values.byteLength + this.filter.byteLength;
  }
}
