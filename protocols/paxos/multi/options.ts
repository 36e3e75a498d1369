// Multi-Paxos's tunables, read from a scenario's `protocol.options` (durations arrive as
// integer microseconds). The option names and defaults are documented in ./index.ts.
import type { Micros } from '../../../sim/types.js';
import { OptionReader } from '../../common/options.js';

export interface MultiPaxosOptions {
  /** Randomised leader timeout range [min, max] (also the backoff after a pre-emption). */
  readonly electionTimeoutUs: readonly [Micros, Micros];
  readonly heartbeatUs: Micros;
  readonly livenessBoundUs: Micros;
  /** Most slots in one accept or decisions message. */
  readonly maxBatch: number;
  /** Snapshot the KV store (and let the acceptor forget the slots it covers) every this many executed slots; 0: never. */
  readonly snapshotEvery: number;
}

export const defaultMultiPaxosOptions: MultiPaxosOptions = Object.freeze({
  electionTimeoutUs: Object.freeze([150_000, 300_000] as const),
  heartbeatUs: 50_000,
  livenessBoundUs: 5_000_000,
  maxBatch: 64,
  snapshotEvery: 1024,
});

const known = ['electionTimeoutUs', 'heartbeatUs', 'livenessBoundUs', 'maxBatch', 'snapshotEvery'];

/** A scenario's multipaxos options are malformed: bad input, not a bug of ours. */
export class MultiPaxosOptionError extends Error {
  override name = 'MultiPaxosOptionError';
}

const read = new OptionReader('multipaxos', known, 'protocols/paxos/multi/index.ts', (message) => new MultiPaxosOptionError(message));

const cache = new WeakMap<Record<string, unknown>, MultiPaxosOptions>();

/** Validate and fill defaults. Cached per options object (restarts re-create actors). */
export function parseMultiPaxosOptions(options: Record<string, unknown>): MultiPaxosOptions {
  const hit = cache.get(options);
  if (hit) return hit;
  read.checkKnown(options);
  const election = read.range(options, 'electionTimeoutUs', defaultMultiPaxosOptions.electionTimeoutUs, true);
  const parsed: MultiPaxosOptions = Object.freeze({
    electionTimeoutUs: election,
    heartbeatUs: read.positiveInt(options, 'heartbeatUs', defaultMultiPaxosOptions.heartbeatUs),
    livenessBoundUs: read.positiveInt(options, 'livenessBoundUs', defaultMultiPaxosOptions.livenessBoundUs),
    maxBatch: read.positiveInt(options, 'maxBatch', defaultMultiPaxosOptions.maxBatch),
    snapshotEvery: read.nonNegativeInt(options, 'snapshotEvery', defaultMultiPaxosOptions.snapshotEvery),
  });
  if (parsed.heartbeatUs < 1_000) throw new MultiPaxosOptionError(`multipaxos option heartbeatUs: expected at least 1ms, got ${parsed.heartbeatUs}us`);
  if (parsed.heartbeatUs >= parsed.electionTimeoutUs[0]) {
    throw new MultiPaxosOptionError(`multipaxos option heartbeatUs (${parsed.heartbeatUs}) must be below the minimum election timeout (${parsed.electionTimeoutUs[0]})`);
  }
  cache.set(options, parsed);
  return parsed;
}
