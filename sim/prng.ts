// Seeded random streams: one per concern, derived from the run seed and a fixed label,
// so a new draw in one concern never shifts another's. The algorithm is pinned (Alea),
// never seedrandom's default and never the host's unseeded generator. The API is integers only.
import seedrandom from 'seedrandom';
import { KernelError } from './errors.js';
import { assert, AssertionError, PPM, type Ppm, type Random } from './types.js';

export class Prng implements Random {
  /**
   * Alea's state (Baagoe's algorithm, as seedrandom's alea computes it): s0, s1, s2 and the
   * carry c, in a typed array so that a draw allocates nothing (no boxed doubles). Seeded by
   * seedrandom itself and stepped with the same arithmetic, so every stream draws exactly
   * what seedrandom's alea draws (test/sim/prng.test.ts).
   */
  private readonly state = new Float64Array(4);

  constructor(readonly label: string) {
    const seeded = seedrandom.alea(label, { state: true }).state();
    this.state[0] = seeded.s0;
    this.state[1] = seeded.s1;
    this.state[2] = seeded.s2;
    this.state[3] = seeded.c;
  }

  /** seedrandom's alea `next()`: a float in [0, 1). */
  private next(): number {
    const st = this.state;
    const t = 2091639 * st[0] + st[3] * 2.3283064365386963e-10; // 2^-32
    st[0] = st[1];
    st[1] = st[2];
    const c = t | 0;
    st[3] = c;
    return (st[2] = t - c);
  }

  /**
   * `(int32() >>> 0) % span` of seedrandom's alea (span at most 2^32), stepped in place: the
   * float draw never leaves this function, so nothing is boxed.
   */
  private below(span: number): number {
    const st = this.state;
    const t = 2091639 * st[0] + st[3] * 2.3283064365386963e-10; // 2^-32
    st[0] = st[1];
    st[1] = st[2];
    const c = t | 0;
    st[3] = c;
    const r = t - c;
    st[2] = r;
    // ToUint32 of the scaled draw is what (x | 0) >>> 0 gives.
    return ((r * 0x100000000) >>> 0) % span;
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
    if (span <= 0x1_0000_0000) return min + this.below(span);
    assert(span <= Number.MAX_SAFE_INTEGER, 'range wider than 53 bits');
    // Two draws for wide ranges (53 bits of entropy).
    return min + Math.floor(this.double() * span);
  }

  chance(ppm: Ppm): boolean {
    if (ppm <= 0) return false;
    if (ppm >= PPM) return true;
    return this.below(PPM) < ppm;
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
