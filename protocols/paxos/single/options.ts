// Single-decree Paxos tunables, read from a scenario's `protocol.options` (durations arrive
// as integer microseconds). Names and defaults are documented in ./index.ts.
import type { Micros } from '../../../sim/types.js';
import { OptionReader } from '../../common/options.js';

export interface PaxosOptions {
  /** A proposer that has no majority answer for this long in a phase is pre-empted. */
  readonly phaseTimeoutUs: Micros;
  /** Randomised backoff [min, max] before a pre-empted proposer retries (doubled per attempt, up to 8x). */
  readonly backoffUs: readonly [Micros, Micros];
  /** When each proposer (by its index among proposers) first proposes: [first, second, ...]; the last repeats. */
  readonly proposeAtUs: readonly Micros[];
  /** How often a learner that has learned nothing queries the acceptors. */
  readonly learnerPollUs: Micros;
  /** Liveness: every live learner learns within this long after faults stop. */
  readonly livenessBoundUs: Micros;
}

export const defaultPaxosOptions: PaxosOptions = Object.freeze({
  phaseTimeoutUs: 50_000,
  backoffUs: Object.freeze([5_000, 50_000] as const),
  proposeAtUs: Object.freeze([0]),
  learnerPollUs: 100_000,
  livenessBoundUs: 3_000_000,
});

/** A scenario's paxos options are malformed: bad input, not a bug of ours. */
export class PaxosOptionError extends Error {
  override name = 'PaxosOptionError';
}

const known = ['phaseTimeoutUs', 'backoffUs', 'proposeAtUs', 'learnerPollUs', 'livenessBoundUs'];

const read = new OptionReader('paxos', known, 'protocols/paxos/single/index.ts', (message) => new PaxosOptionError(message));

const isDuration = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

const cache = new WeakMap<Record<string, unknown>, PaxosOptions>();

/** Validate and fill defaults. Cached per options object (restarts re-create actors). */
export function parsePaxosOptions(options: Record<string, unknown>): PaxosOptions {
  const hit = cache.get(options);
  if (hit) return hit;
  read.checkKnown(options);
  const backoff = read.range(options, 'backoffUs', defaultPaxosOptions.backoffUs, false);
  let proposeAt = defaultPaxosOptions.proposeAtUs;
  const p = options.proposeAtUs;
  if (p !== undefined) {
    if (!Array.isArray(p) || p.length === 0 || !p.every(isDuration)) {
      throw new PaxosOptionError(`paxos option proposeAtUs: expected a non-empty list of durations, got ${JSON.stringify(p)}`);
    }
    proposeAt = Object.freeze([...(p as number[])]);
  }
  const parsed: PaxosOptions = Object.freeze({
    phaseTimeoutUs: read.positiveInt(options, 'phaseTimeoutUs', defaultPaxosOptions.phaseTimeoutUs, 'a positive duration'),
    backoffUs: backoff,
    proposeAtUs: proposeAt,
    learnerPollUs: read.positiveInt(options, 'learnerPollUs', defaultPaxosOptions.learnerPollUs, 'a positive duration'),
    livenessBoundUs: read.positiveInt(options, 'livenessBoundUs', defaultPaxosOptions.livenessBoundUs, 'a positive duration'),
  });
  cache.set(options, parsed);
  return parsed;
}
