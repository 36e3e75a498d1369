// Seeded random streams: one per concern, derived from the run seed and a fixed label,
// so a new draw in one concern never shifts another's. The algorithm is pinned (Alea),
// never seedrandom's default and never the host's unseeded generator. The API is integers only.
import seedrandom from 'seedrandom';
import { KernelError } from './errors.js';
import { assert, AssertionError, PPM, type Ppm, type Random } from './types.js';

export class Prng implements Random {
  /**
   * Alea's state, c, s0, s1, s2, in one typed array: seedrandom's alea seeds it (its Mash
   * over the label), and the step below is Alea's own, the same float operations in the same
   * order, so every draw is the one seedrandom's generator gives (test/sim/prng.test.ts
   * compares them). Stepped here rather than through seedrandom's closures: those are a
   * call per draw to a function of each stream's own, with the state in boxed fields.
   */
  private readonly state = new Float64Array(4);

  constructor(readonly label: string) {
    const seeded = seedrandom.alea(label, { state: true }).state();
    const state = this.state;
    state[C] = seeded.c;
    state[S0] = seeded.s0;
    state[S1] = seeded.s1;
    state[S2] = seeded.s2;
  }

  /** Alea's next(): one step of the state, a double in [0, 1). Small, so the compiler inlines it into below(). */
  private next(): number {
    const state = this.state;
    const t = 2091639 * state[S0] + state[C] * 2.3283064365386963e-10; // 2^-32
    state[S0] = state[S1];
    state[S1] = state[S2];
    const c = t | 0;
    state[C] = c;
    const s2 = t - c;
    state[S2] = s2;
    return s2;
  }

  /**
   * One step of Alea, as seedrandom's int32() >>> 0, reduced modulo span (1..2^32); what it
   * returns is below span (a small integer).
   */
  private below(span: number): number {
    // seedrandom's int32() is (next() * 2^32) | 0; >>> 0 of it is ToUint32 of the same product.
    const u = (this.next() * 0x100000000) >>> 0;
    // u % span without the float modulo (a call into the runtime: the compiler cannot tell
    // both are 32-bit integers). Exact: the quotient u / span is correctly rounded, with an
    // error below u / span * 2^-53 < 1 / span, less than its distance to the next integer
    // when it is not one (at least 1 / span), so its floor is the true quotient.
    return u - Math.floor(u / span) * span;
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    // A bad range is the caller's misuse (a protocol's, through ctx.random): a plain AssertionError.
    // The failure and the wide draw are functions of their own, so that this one stays small
    // enough for the compiler to inline into every caller (it runs on every draw).
    if (!(Number.isInteger(min) && Number.isInteger(max) && min <= max)) badRange(min, max);
    const span = max - min + 1;
    if (span <= 0x1_0000_0000) return min + this.below(span);
    return min + this.wide(span);
  }

  /** A draw below a span wider than 2^32: two draws (53 bits of entropy), seedrandom's double(). */
  private wide(span: number): number {
    assert(span <= Number.MAX_SAFE_INTEGER, 'range wider than 53 bits');
    const hi = this.next();
    return Math.floor((hi + ((this.next() * 0x200000) | 0) * 1.1102230246251565e-16) * span); // 2^-53
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

/** Prng.int's failure: the messages it always gave. */
function badRange(min: number, max: number): never {
  if (!(Number.isInteger(min) && Number.isInteger(max))) throw new AssertionError(`int(${min}, ${max}) needs integers`);
  throw new AssertionError(`empty range ${min}..${max}`);
}

// Alea's state, by index.
const C = 0;
const S0 = 1;
const S1 = 2;
const S2 = 3;

/** The stream for one concern of one run: `${seed}/${label}`. */
export function stream(seed: string, label: string): Prng {
  return new Prng(`${seed}/${label}`);
}
