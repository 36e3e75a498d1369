// Raft's tunables, read from a scenario's `protocol.options` (durations arrive as integer
// microseconds). The option names and defaults are documented in ./index.ts.
import type { Micros } from '../../sim/types.js';
import { OptionReader } from '../common/options.js';

export interface RaftOptions {
  /** Randomised election timeout range [min, max]. */
  readonly electionTimeoutUs: readonly [Micros, Micros];
  readonly heartbeatUs: Micros;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  /** Liveness: how soon after faults stop client operations must complete. */
  readonly livenessBoundUs: Micros;
  /** Most entries in one AppendEntries. */
  readonly maxAppendEntries: number;
  /** Period of the background sync of the `ack-before-persist` variant. */
  readonly fsyncIntervalUs: Micros;
  /** The log-matching invariant compares one pair of logs every this many events. */
  readonly logMatchingEveryEvents: number;
  /** Take a snapshot once this many applied entries sit above the last one (§7); 0: never compact. */
  readonly snapshotEvery: number;
}

export const defaultRaftOptions: RaftOptions = Object.freeze({
  electionTimeoutUs: Object.freeze([150_000, 300_000] as const),
  heartbeatUs: 50_000,
  preVote: true,
  checkQuorum: true,
  livenessBoundUs: 5_000_000,
  maxAppendEntries: 64,
  fsyncIntervalUs: 100_000,
  logMatchingEveryEvents: 256,
  snapshotEvery: 256,
});

const known = [
  'electionTimeoutUs',
  'heartbeatUs',
  'preVote',
  'checkQuorum',
  'livenessBoundUs',
  'maxAppendEntries',
  'fsyncIntervalUs',
  'logMatchingEveryEvents',
  'snapshotEvery',
];

/** A scenario's raft options are malformed: bad input, not a bug of ours. */
export class RaftOptionError extends Error {
  override name = 'RaftOptionError';
}

const read = new OptionReader('raft', known, 'protocols/raft/index.ts', (message) => new RaftOptionError(message));

/** The shortest heartbeat period: below it the heartbeats alone exhaust any event budget. */
export const MIN_HEARTBEAT_US = 1_000;

const cache = new WeakMap<Record<string, unknown>, RaftOptions>();

/** Validate and fill defaults. Cached per options object (restarts re-create actors). */
export function parseRaftOptions(options: Record<string, unknown>): RaftOptions {
  const hit = cache.get(options);
  if (hit) return hit;
  read.checkKnown(options);
  const election = read.range(options, 'electionTimeoutUs', defaultRaftOptions.electionTimeoutUs, true);
  const parsed: RaftOptions = Object.freeze({
    electionTimeoutUs: election,
    heartbeatUs: read.positiveInt(options, 'heartbeatUs', defaultRaftOptions.heartbeatUs),
    preVote: read.bool(options, 'preVote', defaultRaftOptions.preVote),
    checkQuorum: read.bool(options, 'checkQuorum', defaultRaftOptions.checkQuorum),
    livenessBoundUs: read.positiveInt(options, 'livenessBoundUs', defaultRaftOptions.livenessBoundUs),
    maxAppendEntries: read.positiveInt(options, 'maxAppendEntries', defaultRaftOptions.maxAppendEntries),
    fsyncIntervalUs: read.positiveInt(options, 'fsyncIntervalUs', defaultRaftOptions.fsyncIntervalUs),
    logMatchingEveryEvents: read.positiveInt(options, 'logMatchingEveryEvents', defaultRaftOptions.logMatchingEveryEvents),
    snapshotEvery: read.nonNegativeInt(options, 'snapshotEvery', defaultRaftOptions.snapshotEvery),
  });
  if (parsed.heartbeatUs < MIN_HEARTBEAT_US) {
    throw new RaftOptionError(`raft option heartbeatUs: expected at least 1ms (a shorter heartbeat floods the run with events), got ${parsed.heartbeatUs}us`);
  }
  if (parsed.heartbeatUs >= parsed.electionTimeoutUs[0]) {
    throw new RaftOptionError(
      `raft option heartbeatUs (${parsed.heartbeatUs}) must be below the minimum election timeout (${parsed.electionTimeoutUs[0]})`,
    );
  }
  cache.set(options, parsed);
  return parsed;
}
