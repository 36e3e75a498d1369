// Seeded random streams: one per concern, derived from the run seed and a fixed label,
// so a new draw in one concern never shifts another's. The algorithm is pinned (Alea),
// never seedrandom's default and never the host's unseeded generator. The API is integers only.
import seedrandom from 'seedrandom';
import { KernelError } from './errors.js';
import { assert, AssertionError, PPM, type Ppm, type Random } from './types.js';

export class Prng implements Random {
  private readonly source: seedrandom.PRNG;

  constructor(readonly label: string) {
    this.source = seedrandom.alea(label);
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    // A bad range is the caller's misuse (a protocol's, through ctx.random): a plain AssertionError.
    // Messages are built only on failure: this runs on every draw.
    if (!(Number.isInteger(min) && Number.isInteger(max))) throw new AssertionError(`int(${min}, ${max}) needs integers`);
    if (!(min <= max)) throw new AssertionError(`empty range ${min}..${max}`);
    const span = max - min + 1;
    if (span <= 0x1_0000_0000) return min + ((this.source.int32() >>> 0) % span);
    assert(span <= Number.MAX_SAFE_INTEGER, 'range wider than 53 bits');
    // Two draws for wide ranges (53 bits of entropy).
    return min + Math.floor(this.source.double() * span);
  }

  chance(ppm: Ppm): boolean {
    if (ppm <= 0) return false;
    if (ppm >= PPM) return true;
    return (this.source.int32() >>> 0) % PPM < ppm;
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
