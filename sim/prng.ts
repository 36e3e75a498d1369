// Seeded random streams: one per concern, derived from the run seed and a fixed label,
// so a new draw in one concern never shifts another's. The algorithm is pinned (Alea),
// never seedrandom's default and never the host's unseeded generator. The API is integers only.
import seedrandom from 'seedrandom';
import { KernelError } from './errors.js';
import { assert, AssertionError, PPM, type Ppm, type Random } from './types.js';

export class Prng implements Random {
  /**
   * Alea's state (Baagoe's algorithm, as seedrandom's alea computes it): s0, s1, s2 in a
   * typed array and the carry as a small integer, so a draw allocates nothing (seedrandom
   * keeps them as object fields: a heap number per draw). Seeded by seedrandom itself, and
   * stepped with the same arithmetic, so every stream draws exactly what seedrandom's does.
   */
  private s0: number;
  private s1: number;
  private s2: number;
  private c: number;

  constructor(readonly label: string) {
    const seeded = seedrandom.alea(label, { state: true }).state();
    this.s0 = seeded.s0;
    this.s1 = seeded.s1;
    this.s2 = seeded.s2;
    this.c = seeded.c;
  }

  /** seedrandom's alea `next()`: a float in [0, 1). */
  private next(): number {
    const t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10; // 2^-32
    this.s0 = this.s1;
    this.s1 = this.s2;
    const c = t | 0;
    this.c = c;
    return (this.s2 = t - c);
  }

  /** seedrandom's alea `int32()`. */
  private int32(): number {
    return (this.next() * 0x100000000) | 0;
  }

  /** seedrandom's alea `double()`: 53 bits. */
  private double(): number {
    return this.next() + ((this.next() * 0x200000) | 0) * 1.1102230246251565e-16; // 2^-53
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    // A bad range is the caller's misuse (a protocol's, through ctx.random): a plain AssertionError.
    // Messages are built only on failure: this runs on every draw.
    if (!(Number.isInteger(min) && Number.isInteger(max))) throw new AssertionError(`int(${min}, ${max}) needs integers`);
    if (!(min <= max)) throw new AssertionError(`empty range ${min}..${max}`);
    const span = max - min + 1;
    if (span <= 0x1_0000_0000) return min + ((this.int32() >>> 0) % span);
    assert(span <= Number.MAX_SAFE_INTEGER, 'range wider than 53 bits');
    // Two draws for wide ranges (53 bits of entropy).
    return min + Math.floor(this.double() * span);
  }

  chance(ppm: Ppm): boolean {
    if (ppm <= 0) return false;
    if (ppm >= PPM) return true;
    return (this.int32() >>> 0) % PPM < ppm;
  }

  pick<T>(items: readonly T[]): T {
    assert(items.length > 0, 'pick from an empty array');
    return items[this.int(0, items.length - 1)];
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }

  /** A draw from a weighted table (weights are non-negative integers, not all zero). Keys in the order given. */
  weighted<K extends string>(weights: ReadonlyArray<readonly [K, number]>): K {
    let total = 0;
    for (const [, w] of weights) total += w;
    assert(total > 0, 'weighted draw needs a positive total weight');
    let x = this.int(0, total - 1);
    for (const [k, w] of weights) {
      if (x < w) return k;
      x -= w;
    }
    throw new KernelError('unreachable: weighted draw past the total');
  }
}

/** The stream for one concern of one run: `${seed}/${label}`. */
export function stream(seed: string, label: string): Prng {
  return new Prng(`${seed}/${label}`);
}
