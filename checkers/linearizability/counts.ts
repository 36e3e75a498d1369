// The pending counts of a configuration of the incremental check (frontier.ts): how many
// indeterminate ops of each class it has not applied yet. Never changed once built; a
// changed copy (with) costs what changes, not what the counts hold: a count vector is a
// base map, shared by every vector derived from it, and a small map of changes over it
// (a changed count, or 0 for a class dropped); past DELTA_MAX changes a copy gets a base
// of its own. Indeterminate ops that never took effect stay pending all run long, so the
// base holds them, and the configurations of a partition share it.
//
// Each vector keeps two 32-bit hashes of its content (a sum over its classes, kept up by
// each change), so that equal() and the visited set of a return (jit.ts) compare two
// vectors in constant time when they differ, and covered() compares two vectors of one
// base on their changes alone.

/** Changes kept over a base before a copy takes a base of its own. */
const DELTA_MAX = 16;

function entryHash1(c: number, n: number): number {
  let h = Math.imul(c + 1, 0x9e3779b1) ^ Math.imul(n, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h | 0;
}

function entryHash2(c: number, n: number): number {
  let h = Math.imul(c + 0x632be5ab, 0xc2b2ae35) ^ Math.imul(n + 1, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x165667b1);
  h ^= h >>> 13;
  return h | 0;
}

function digits(x: number): number {
  let d = 1;
  while (x >= 10) {
    x = Math.floor(x / 10);
    d++;
  }
  return d;
}

/** The length of an entry's canonical text (`c:n,`). */
function entryTextLength(c: number, n: number): number {
  return digits(c) + digits(n) + 2;
}

interface Base {
  readonly map: ReadonlyMap<number, number>;
  /** Its classes ascending, once asked for. */
  sorted: readonly number[] | undefined;
}

const EMPTY_BASE: Base = { map: new Map(), sorted: [] };
const NO_CHANGES: ReadonlyMap<number, number> = new Map();

export class Counts implements ReadonlyMap<number, number> {
  /** Its classes ascending, once asked for. */
  sorted: readonly number[] | undefined;
  /** Its canonical text, once asked for. */
  text: string | undefined;

  private constructor(
    private readonly base: Base,
    /** class -> count over the base (0: not there). */
    private readonly delta: ReadonlyMap<number, number>,
    readonly size: number,
    readonly hash1: number,
    readonly hash2: number,
    /** The length of its canonical text (frontier.ts infoKey), kept without building it. */
    readonly textLength: number,
  ) {}

  /** Counts holding the entries given (counts above zero). */
  static of(entries: Iterable<readonly [number, number]>): Counts {
    const map = new Map<number, number>();
    let h1 = 0;
    let h2 = 0;
    let len = 0;
    for (const [c, n] of entries) {
      if (n <= 0 || map.has(c)) continue;
      map.set(c, n);
      len += entryTextLength(c, n);
      h1 = (h1 + entryHash1(c, n)) | 0;
      h2 = (h2 + entryHash2(c, n)) | 0;
    }
    return new Counts(map.size === 0 ? EMPTY_BASE : { map, sorted: undefined }, NO_CHANGES, map.size, h1, h2, len);
  }

  get(c: number): number | undefined {
    const d = this.delta.get(c);
    if (d !== undefined) return d === 0 ? undefined : d;
    return this.base.map.get(c);
  }

  has(c: number): boolean {
    const d = this.delta.get(c);
    if (d !== undefined) return d !== 0;
    return this.base.map.has(c);
  }

  /** These counts with class `c` changed by `delta` (a count reaching zero is removed). */
  with(c: number, delta: number): Counts {
    const old = this.get(c) ?? 0;
    const n = Math.max(0, old + delta);
    if (n === old) return this;
    let h1 = this.hash1;
    let h2 = this.hash2;
    let len = this.textLength;
    if (old > 0) {
      len -= entryTextLength(c, old);
      h1 = (h1 - entryHash1(c, old)) | 0;
      h2 = (h2 - entryHash2(c, old)) | 0;
    }
    if (n > 0) {
      len += entryTextLength(c, n);
      h1 = (h1 + entryHash1(c, n)) | 0;
      h2 = (h2 + entryHash2(c, n)) | 0;
    }
    const size = this.size + (old === 0 ? 1 : 0) - (n === 0 ? 1 : 0);
    const baseN = this.base.map.get(c) ?? 0;
    if (this.delta.size >= DELTA_MAX && !this.delta.has(c)) {
      const map = new Map<number, number>();
      for (const [k, v] of this) if (k !== c) map.set(k, v);
      if (n > 0) map.set(c, n);
      return new Counts({ map, sorted: undefined }, NO_CHANGES, size, h1, h2, len);
    }
    const changes = new Map(this.delta);
    if (n === baseN) changes.delete(c);
    else changes.set(c, n);
    const out = new Counts(this.base, changes, size, h1, h2, len);
    // The classes, sorted: the parent's, with `c` dropped or added.
    const sorted = this.sorted;
    if (sorted !== undefined) {
      if (old > 0 && n > 0) out.sorted = sorted;
      else if (n === 0) out.sorted = sorted.filter((x) => x !== c);
      else {
        const grown = sorted.slice();
        let i = grown.length;
        while (i > 0 && grown[i - 1] > c) i--;
        grown.splice(i, 0, c);
        out.sorted = grown;
      }
    }
    return out;
  }

  /** Its classes ascending (shared: do not change it). */
  classes(): readonly number[] {
    if (this.sorted !== undefined) return this.sorted;
    const base = this.base;
    base.sorted ??= [...base.map.keys()].sort((a, b) => a - b);
    if (this.delta.size === 0) return (this.sorted = base.sorted);
    const added: number[] = [];
    for (const [c, n] of this.delta) if (n > 0 && !base.map.has(c)) added.push(c);
    added.sort((a, b) => a - b);
    const out: number[] = [];
    let j = 0;
    for (const c of base.sorted) {
      if (this.delta.get(c) === 0) continue;
      while (j < added.length && added[j] < c) out.push(added[j++]);
      out.push(c);
    }
    while (j < added.length) out.push(added[j++]);
    return (this.sorted = out);
  }

  /** The same counts in every class. */
  equals(other: Counts): boolean {
    if (other === this) return true;
    if (other.size !== this.size || other.hash1 !== this.hash1 || other.hash2 !== this.hash2) return false;
    if (other.base === this.base) {
      for (const c of this.delta.keys()) if (this.get(c) !== other.get(c)) return false;
      for (const c of other.delta.keys()) if (this.get(c) !== other.get(c)) return false;
      return true;
    }
    for (const [c, n] of this) if (other.get(c) !== n) return false;
    return true;
  }

  /** True when every count here is at most the count of the same class in `other`. */
  coveredBy(other: Counts): boolean {
    if (other === this) return true;
    if (this.size > other.size) return false;
    if (other.base === this.base) {
      // Outside both change maps the counts are the base's, the same in both.
      for (const c of this.delta.keys()) if ((other.get(c) ?? 0) < (this.get(c) ?? 0)) return false;
      for (const c of other.delta.keys()) if ((other.get(c) ?? 0) < (this.get(c) ?? 0)) return false;
      return true;
    }
    for (const [c, n] of this) if ((other.get(c) ?? 0) < n) return false;
    return true;
  }

  *entries(): IterableIterator<[number, number]> {
    for (const c of this.classes()) yield [c, this.get(c)!];
  }

  *keys(): IterableIterator<number> {
    yield* this.classes();
  }

  *values(): IterableIterator<number> {
    for (const c of this.classes()) yield this.get(c)!;
  }

  [Symbol.iterator](): IterableIterator<[number, number]> {
    return this.entries();
  }

  forEach(fn: (value: number, key: number, map: ReadonlyMap<number, number>) => void): void {
    for (const [c, n] of this) fn(n, c, this);
  }
}

/** No pending op. */
export const EMPTY_COUNTS: Counts = Counts.of([]);
