// Multi-Paxos's tunables, read from a scenario's `protocol.options` (durations arrive as
// integer microseconds). The option names and defaults are documented in ./index.ts.
import type { Micros } from '../../../sim/types.js';

export interface MultiPaxosOptions {
  /** Randomised leader timeout range [min, max] (also the backoff after a pre-emption). */
  readonly electionTimeoutUs: readonly [Micros, Micros];
  readonly heartbeatUs: Micros;
  readonly livenessBoundUs: Micros;
  /** Most slots in one accept or decisions message. */
  readonly maxBatch: number;
}

export const defaultMultiPaxosOptions: MultiPaxosOptions = Object.freeze({
  electionTimeoutUs: Object.freeze([150_000, 300_000] as const),
  heartbeatUs: 50_000,
  livenessBoundUs: 5_000_000,
  maxBatch: 64,
});

const known = ['electionTimeoutUs', 'heartbeatUs', 'livenessBoundUs', 'maxBatch'];

/** A scenario's multipaxos options are malformed: bad input, not a bug of ours. */
export class MultiPaxosOptionError extends Error {
  override name = 'MultiPaxosOptionError';
}

function positiveInt(options: Record<string, unknown>, key: string, fallback: number): number {
  const v = options[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) {
    throw new MultiPaxosOptionError(`multipaxos option ${key}: expected a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

const cache = new WeakMap<Record<string, unknown>, MultiPaxosOptions>();

/** Validate and fill defaults. Cached per options object (restarts re-create actors). */
export function parseMultiPaxosOptions(options: Record<string, unknown>): MultiPaxosOptions {
  const hit = cache.get(options);
  if (hit) return hit;
  const unknown = Object.keys(options)
    .filter((k) => !known.includes(k))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (unknown.length > 0) throw new MultiPaxosOptionError(`multipaxos option ${unknown[0]}: not a multipaxos option (see protocols/paxos/multi/index.ts)`);
  let election = defaultMultiPaxosOptions.electionTimeoutUs;
  const e = options.electionTimeoutUs;
  if (e !== undefined) {
    if (
      !Array.isArray(e) ||
      e.length !== 2 ||
      !e.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x > 0) ||
      (e[0] as number) > (e[1] as number)
    ) {
      throw new MultiPaxosOptionError(`multipaxos option electionTimeoutUs: expected [min, max] durations with 0 < min <= max, got ${JSON.stringify(e)}`);
    }
    election = Object.freeze([e[0] as number, e[1] as number] as const);
  }
  const parsed: MultiPaxosOptions = Object.freeze({
    electionTimeoutUs: election,
    heartbeatUs: positiveInt(options, 'heartbeatUs', defaultMultiPaxosOptions.heartbeatUs),
    livenessBoundUs: positiveInt(options, 'livenessBoundUs', defaultMultiPaxosOptions.livenessBoundUs),
    maxBatch: positiveInt(options, 'maxBatch', defaultMultiPaxosOptions.maxBatch),
  });
  if (parsed.heartbeatUs < 1_000) throw new MultiPaxosOptionError(`multipaxos option heartbeatUs: expected at least 1ms, got ${parsed.heartbeatUs}us`);
  if (parsed.heartbeatUs >= parsed.electionTimeoutUs[0]) {
    throw new MultiPaxosOptionError(`multipaxos option heartbeatUs (${parsed.heartbeatUs}) must be below the minimum election timeout (${parsed.electionTimeoutUs[0]})`);
  }
  cache.set(options, parsed);
  return parsed;
}
