// Two-phase commit's tunables, read from a scenario's `protocol.options` (durations arrive
// as integer microseconds). The option names and defaults are documented in ./index.ts.
import type { Micros } from '../../sim/types.js';
import { OptionReader } from '../common/options.js';

export interface TwoPcOptions {
  /** The coordinator aborts a transaction whose votes are not all in after this long. */
  readonly voteTimeoutUs: Micros;
  /** The coordinator re-sends COMMIT to participants that have not acknowledged it, this often. */
  readonly resendUs: Micros;
  /** A prepared participant without an outcome asks the coordinator and its peers this often. */
  readonly inquireUs: Micros;
  /** A restarted coordinator refuses new transactions, and a restarted participant votes no on unknown ones, for this long (longer than any message stays in flight). */
  readonly recoveryQuietUs: Micros;
  /** A client gives up on an operation after this long (info). */
  readonly opTimeoutUs: Micros;
  /** A client re-runs an aborted transaction (as a new one) up to this many times before it answers fail. */
  readonly retries: number;
  /** Think time between a client's operations (and before a retry). */
  readonly thinkUs: readonly [Micros, Micros];
  /** Liveness: every transaction finishes, and every operation completes, this long after faults stop. */
  readonly livenessBoundUs: Micros;
}

export const defaultTwoPcOptions: TwoPcOptions = Object.freeze({
  voteTimeoutUs: 200_000,
  resendUs: 100_000,
  inquireUs: 150_000,
  recoveryQuietUs: 1_000_000,
  opTimeoutUs: 1_500_000,
  retries: 3,
  thinkUs: Object.freeze([0, 10_000] as const),
  livenessBoundUs: 3_000_000,
});

const known = Object.keys(defaultTwoPcOptions);

/** A scenario's twopc options are malformed: bad input, not a bug of ours. */
export class TwoPcOptionError extends Error {
  override name = 'TwoPcOptionError';
}

const read = new OptionReader('twopc', known, 'protocols/twopc/index.ts', (message) => new TwoPcOptionError(message));

const cache = new WeakMap<Record<string, unknown>, TwoPcOptions>();

/** Validate and fill defaults. Cached per options object (restarts re-create actors). */
export function parseTwoPcOptions(options: Record<string, unknown>): TwoPcOptions {
  const hit = cache.get(options);
  if (hit) return hit;
  read.checkKnown(options);
  const d = defaultTwoPcOptions;
  const parsed: TwoPcOptions = Object.freeze({
    voteTimeoutUs: read.positiveInt(options, 'voteTimeoutUs', d.voteTimeoutUs),
    resendUs: read.positiveInt(options, 'resendUs', d.resendUs),
    inquireUs: read.positiveInt(options, 'inquireUs', d.inquireUs),
    recoveryQuietUs: read.nonNegativeInt(options, 'recoveryQuietUs', d.recoveryQuietUs),
    opTimeoutUs: read.positiveInt(options, 'opTimeoutUs', d.opTimeoutUs),
    retries: read.nonNegativeInt(options, 'retries', d.retries),
    thinkUs: read.range(options, 'thinkUs', d.thinkUs, false),
    livenessBoundUs: read.positiveInt(options, 'livenessBoundUs', d.livenessBoundUs),
  });
  cache.set(options, parsed);
  return parsed;
}
