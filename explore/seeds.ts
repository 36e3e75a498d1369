// The seed space of a campaign: shards and counts. Light (no kernel), for the CLI's
// argument parsing before anything runs.
import { InputError } from '../scenario/errors.js';

export interface Shard {
  /** 0-based: seed s belongs to shard s mod count. */
  index: number;
  count: number;
}

export const DETERMINISM_EVERY = 64;

/** Parse `K/N` (K in 0..N-1). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const bad = (why: string) => new InputError('--shard', undefined, undefined, `expected K/N with 0 <= K < N, like 0/4 (shards are numbered from 0: seed s belongs to shard s mod N); ${why}`);
  if (!m) throw bad(`got ${JSON.stringify(text)}`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count)) throw bad(`K and N must be at most ${Number.MAX_SAFE_INTEGER} (got ${m[1]}/${m[2]})`);
  if (count < 1) throw bad('N must be at least 1');
  if (index >= count) throw bad(`got ${index}/${count}`);
  return { index, count };
}

/** Seeds the campaign will run (undefined with --duration). */
export function plannedSeeds(options: { seeds?: number; fromSeed: number; shard?: Shard }): number | undefined {
  if (options.seeds === undefined) return undefined;
  const shard = options.shard;
  if (shard === undefined) return options.seeds;
  const countBelow = (x: number) => Math.floor(x / shard.count) + (x % shard.count > shard.index ? 1 : 0); // seeds s < x in the shard
  return countBelow(options.fromSeed + options.seeds) - countBelow(options.fromSeed);
}

/** The seeds a campaign runs, in order: fromSeed on (seeds of them, or without end), only the shard's. */
export function* seedNumbers(options: { seeds?: number; fromSeed: number; shard?: Shard }): Generator<number> {
  const end = options.seeds !== undefined ? options.fromSeed + options.seeds : Number.MAX_SAFE_INTEGER;
  const shard = options.shard;
  if (shard === undefined) {
    for (let s = options.fromSeed; s < end; s++) yield s;
    return;
  }
  // The shard's first seed from fromSeed on, then every count-th: no walk over other shards' seeds.
  const first = options.fromSeed + ((shard.index - (options.fromSeed % shard.count) + shard.count) % shard.count);
  for (let s = first; s < end; s += shard.count) yield s;
}
