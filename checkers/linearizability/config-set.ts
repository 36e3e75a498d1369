// The memo of explored configurations: (set of linearized ops, model state id). A hash set
// with open addressing; entries live in flat Uint32Array chunks, so the search allocates
// nothing per step. Equality is exact: the hashes only pick the slot and skip most
// comparisons.
//
// A set of linearized ops is stored compactly: every op below the first unlinearized one
// is linearized, so only the words from that op's word (`lo`) up to the highest word with
// a linearized op are kept. In a long history that is the window of concurrent ops, not
// the whole history. Layout of an entry: [hash, fingerprint, state, lo, len, words...].

const CHUNK_WORDS = 1 << 20; // 4 MiB chunks at most
const FIRST_CHUNK_WORDS = 1 << 10; // at most: a small partition's first chunk is sized from its expected entries
const FIRST_CHUNK_WORDS_MIN = 64;
const HEADER = 5;
/** How many count vectors of a group a visit compares against, newest first. */
const DOMINANCE_SCAN_MAX = 16;

export class ConfigSet {
  private readonly chunks: Uint32Array[] = [];
  private chunkUsed = 0;
  private entryChunk: Int32Array;
  private entryOffset: Int32Array;
  private table: Int32Array;
  private mask: number;
  /** Words of the first chunk: enough for `expected` small entries, within FIRST_CHUNK_WORDS_MIN .. FIRST_CHUNK_WORDS. */
  private readonly firstChunkWords: number;
  size = 0;
  /** Words stored so far (headers included). */
  storedWords = 0;

  constructor(
    /** Budget: the set refuses to grow beyond this many entries... */
    readonly maxEntries: number,
    /** ...or this many stored words. */
    readonly maxWords: number,
    /** Expected entries (sizes the first allocations). */
    expected = 256,
  ) {
    const slots = tableSize(expected);
    this.table = new Int32Array(slots);
    this.mask = slots - 1;
    this.entryChunk = new Int32Array(slots >> 1);
    this.entryOffset = new Int32Array(slots >> 1);
    this.firstChunkWords = Math.min(FIRST_CHUNK_WORDS, Math.max(FIRST_CHUNK_WORDS_MIN, expected * (HEADER + 3)));
  }

  /**
   * Add (bits[lo .. lo + len), state) unless present. The caller guarantees that every word
   * below `lo` is full and every word from `lo + len` on is empty, and that `h1`, `h2` are
   * two independent hashes of the whole set.
   * Returns `id + 1` when added, `-(id + 1)` when it was already there (ids are dense,
   * from 0), and 0 when the budget is spent.
   */
  add(bits: Uint32Array, lo: number, len: number, state: number, h1: number, h2: number): number {
    const hash = mix(h1 ^ Math.imul(state + 1, 0x9e3779b1)) >>> 0;
    const fp = (h2 ^ Math.imul(state + 1, 0x85ebca6b)) >>> 0;
    const table = this.table;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const e = table[slot];
      if (e === 0) break;
      const chunk = this.chunks[this.entryChunk[e - 1]];
      const base = this.entryOffset[e - 1];
      if (chunk[base] === hash && chunk[base + 1] === fp && chunk[base + 2] === state && chunk[base + 3] === lo && chunk[base + 4] === len) {
        let same = true;
        for (let w = 0; w < len; w++) {
          if (chunk[base + HEADER + w] !== bits[lo + w]) {
            same = false;
            break;
          }
        }
        if (same) return -e;
      }
      slot = (slot + 1) & mask;
    }
    if (this.size >= this.maxEntries || this.storedWords + HEADER + len > this.maxWords) return 0;
    const need = HEADER + len;
    if (this.chunks.length === 0 || this.chunkUsed + need > this.chunks[this.chunks.length - 1].length) {
      // Small first chunks (most partitions are small), doubling up to CHUNK_WORDS.
      const size = this.chunks.length === 0 ? this.firstChunkWords : Math.min(CHUNK_WORDS, this.chunks[this.chunks.length - 1].length * 2);
      const chunk = allocate(Math.max(size, need));
      if (chunk === undefined) return 0; // the machine has less memory than the budget: spent all the same
      this.chunks.push(chunk);
      this.chunkUsed = 0;
    }
    const c = this.chunks.length - 1;
    const chunk = this.chunks[c];
    const base = this.chunkUsed;
    chunk[base] = hash;
    chunk[base + 1] = fp;
    chunk[base + 2] = state;
    chunk[base + 3] = lo;
    chunk[base + 4] = len;
    for (let w = 0; w < len; w++) chunk[base + HEADER + w] = bits[lo + w];
    this.chunkUsed += need;
    this.storedWords += need;
    const idx = this.size++;
    if (idx === this.entryChunk.length) {
      const grownChunk = new Int32Array(idx * 2);
      grownChunk.set(this.entryChunk);
      this.entryChunk = grownChunk;
      const grownOffset = new Int32Array(idx * 2);
      grownOffset.set(this.entryOffset);
      this.entryOffset = grownOffset;
    }
    this.entryChunk[idx] = c;
    this.entryOffset[idx] = base;
    table[slot] = idx + 1;
    if (this.size * 2 > table.length) this.grow();
    return idx + 1;
  }

  private grow(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let idx = 0; idx < this.size; idx++) {
      const hash = this.chunks[this.entryChunk[idx]][this.entryOffset[idx]];
      let slot = hash & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = idx + 1;
    }
    this.table = table;
    this.mask = mask;
  }
}

/**
 * A new chunk, or undefined when the allocation fails (RangeError: the process is out of
 * memory before the memo's budget is): the search then stops as out of memo budget
 * (unknown), never crashes.
 */
function allocate(words: number): Uint32Array | undefined {
  try {
    return new Uint32Array(words);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** A power-of-two table size holding `expected` entries at most half full (16 .. 2^20). */
function tableSize(expected: number): number {
  let n = 16;
  while (n < 2 * expected && n < 1 << 20) n *= 2;
  return n;
}

/** murmur3's 32-bit finaliser. */
export function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/**
 * The memo with subsumption. A configuration is (completed ops linearized, model state,
 * how many ops of each class of identical indeterminate ops were linearized). The first two
 * are kept exactly in a ConfigSet (the "group"); each group keeps the count vectors seen.
 * A configuration is dominated, and need not be explored, when its group already holds a
 * vector that is no larger in every class: that configuration reached the same state with
 * the same completed ops while keeping at least as many indeterminate ops in reserve.
 */
export class DominanceMemo {
  private readonly groups: ConfigSet;
  /** Per group: offset of its newest vector in `pool` + 1, 0 when none (unused without classes). */
  private heads: Int32Array;
  /** Vectors: [next + 1, pairs, class, count, class, count, ...] (unused without classes). */
  private pool: Int32Array;
  private poolUsed = 0;
  /** Entries so far: groups plus vectors. */
  size = 0;

  constructor(
    readonly maxEntries: number,
    private readonly maxWords: number,
    expected: number,
    /** Number of classes of indeterminate ops (0: plain exact memo). */
    private readonly classes: number,
  ) {
    this.groups = new ConfigSet(maxEntries, maxWords, expected);
    // Sized for the partition: most are small, and a plain memo (no classes) needs neither.
    this.heads = new Int32Array(classes === 0 ? 0 : Math.max(16, Math.min(256, expected)));
    this.pool = new Int32Array(classes === 0 ? 0 : Math.max(64, Math.min(1024, 4 * expected)));
  }

  /**
   * Visit a configuration: the completed-op set (as for ConfigSet.add), the state, and the
   * counts (dense, with the classes having a non-zero count listed in nonZero[0..nonZeroLen)).
   * Returns 1 when it must be explored, 0 when it is dominated, -1 when the budget is spent.
   */
  visit(bits: Uint32Array, lo: number, len: number, state: number, h1: number, h2: number, counts: Int32Array, nonZero: Int32Array, nonZeroLen: number): number {
    const r = this.groups.add(bits, lo, len, state, h1, h2);
    if (r === 0) return -1;
    if (this.classes === 0) {
      if (r < 0) return 0;
      this.size++;
      return this.size > this.maxEntries ? -1 : 1;
    }
    const g = r > 0 ? r - 1 : -r - 1;
    if (r > 0) {
      this.size++;
      if (g >= this.heads.length) this.heads = grown(this.heads, g + 1);
    } else {
      // Newest vectors first, and a bounded number of them: a cap only prunes less.
      const pool = this.pool;
      let scanned = 0;
      for (let v = this.heads[g]; v !== 0 && scanned++ < DOMINANCE_SCAN_MAX; v = pool[v - 1]) {
        const base = v - 1;
        const pairs = pool[base + 1];
        let dominated = true;
        for (let i = 0; i < pairs; i++) {
          if (counts[pool[base + 2 + 2 * i]] < pool[base + 3 + 2 * i]) {
            dominated = false;
            break;
          }
        }
        if (dominated) return 0;
      }
    }
    if (++this.size > this.maxEntries) return -1;
    const need = 2 + 2 * nonZeroLen;
    if (this.poolUsed + need > this.maxWords) return -1;
    if (this.poolUsed + need > this.pool.length) this.pool = grown(this.pool, this.poolUsed + need);
    const base = this.poolUsed;
    this.pool[base] = this.heads[g];
    this.pool[base + 1] = nonZeroLen;
    for (let i = 0; i < nonZeroLen; i++) {
      this.pool[base + 2 + 2 * i] = nonZero[i];
      this.pool[base + 3 + 2 * i] = counts[nonZero[i]];
    }
    this.poolUsed += need;
    this.heads[g] = base + 1;
    return 1;
  }
}

function grown(a: Int32Array, atLeast: number): Int32Array {
  let n = Math.max(16, a.length * 2);
  while (n < atLeast) n *= 2;
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

/**
 * A map from (state, op) pairs of small non-negative integers to an int32, with open
 * addressing over typed arrays (no allocation per lookup). Stops growing at `maxEntries`.
 */
export class PairMap {
  private keysA: Int32Array;
  private keysB: Int32Array;
  private values: Int32Array;
  private mask: number;
  size = 0;

  constructor(
    readonly maxEntries: number,
    /** Expected entries (sizes the first allocation). */
    expected = 256,
  ) {
    const slots = tableSize(expected);
    this.keysA = new Int32Array(slots).fill(-1);
    this.keysB = new Int32Array(slots);
    this.values = new Int32Array(slots);
    this.mask = slots - 1;
  }

  /** The value for (a, b), or `missing` when absent. */
  get(a: number, b: number, missing: number): number {
    const mask = this.mask;
    let slot = mix(Math.imul(a, 0x9e3779b1) ^ b) & mask;
    for (;;) {
      const ka = this.keysA[slot];
      if (ka === -1) return missing;
      if (ka === a && this.keysB[slot] === b) return this.values[slot];
      slot = (slot + 1) & mask;
    }
  }

  /** Set (a, b) → v; (a, b) must be absent. Ignored once the map holds `maxEntries`. */
  add(a: number, b: number, v: number): void {
    if (this.size >= this.maxEntries) return;
    if ((this.size + 1) * 2 > this.keysA.length) this.grow();
    const mask = this.mask;
    let slot = mix(Math.imul(a, 0x9e3779b1) ^ b) & mask;
    while (this.keysA[slot] !== -1) slot = (slot + 1) & mask;
    this.keysA[slot] = a;
    this.keysB[slot] = b;
    this.values[slot] = v;
    this.size++;
  }

  private grow(): void {
    const { keysA, keysB, values } = this;
    const n = keysA.length * 2;
    this.keysA = new Int32Array(n).fill(-1);
    this.keysB = new Int32Array(n);
    this.values = new Int32Array(n);
    this.mask = n - 1;
    this.size = 0;
    for (let i = 0; i < keysA.length; i++) if (keysA[i] !== -1) this.add(keysA[i], keysB[i], values[i]);
  }
}
