// Raft's tunables, read from a scenario's `protocol.options` (durations arrive as integer
// microseconds). The option names and defaults are documented in ./index.ts.
import type { Micros } from '../../sim/types.js';

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
];

/** A scenario's raft options are malformed: bad input, not a bug of ours. */
export class RaftOptionError extends Error {
  override name = 'RaftOptionError';
}

function positiveInt(options: Record<string, unknown>, key: string, fallback: number): number {
  const v = options[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) {
    throw new RaftOptionError(`raft option ${key}: expected a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

function bool(options: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = options[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new RaftOptionError(`raft option ${key}: expected true or false, got ${JSON.stringify(v)}`);
  return v;
}

/** The shortest heartbeat period: below it the heartbeats alone exhaust any event budget. */
export const MIN_HEARTBEAT_US = 1_000;

const cache = new WeakMap<Record<string, unknown>, RaftOptions>();

/** Validate and fill defaults. Cached per options object (restarts re-create actors). */
export function parseRaftOptions(options: Record<string, unknown>): RaftOptions {
  const hit = cache.get(options);
  if (hit) return hit;
  const unknown = Object.keys(options)
    .filter((k) => !known.includes(k))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (unknown.length > 0) {
    // Name only the unknown key: the scenario loader points at the key the message names.
    throw new RaftOptionError(`raft option ${unknown[0]}: not a raft option (see protocols/raft/index.ts)`);
  }
  let election = defaultRaftOptions.electionTimeoutUs;
  const e = options.electionTimeoutUs;
  if (e !== undefined) {
    if (
      !Array.isArray(e) ||
      e.length !== 2 ||
      !e.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x > 0) ||
      (e[0] as number) > (e[1] as number)
    ) {
      throw new RaftOptionError(`raft option electionTimeoutUs: expected [min, max] durations with 0 < min <= max, got ${JSON.stringify(e)}`);
    }
    election = Object.freeze([e[0] as number, e[1] as number] as const);
  }
  const parsed: RaftOptions = Object.freeze({
    electionTimeoutUs: election,
    heartbeatUs: positiveInt(options, 'heartbeatUs', defaultRaftOptions.heartbeatUs),
    preVote: bool(options, 'preVote', defaultRaftOptions.preVote),
    checkQuorum: bool(options, 'checkQuorum', defaultRaftOptions.checkQuorum),
    livenessBoundUs: positiveInt(options, 'livenessBoundUs', defaultRaftOptions.livenessBoundUs),
    maxAppendEntries: positiveInt(options, 'maxAppendEntries', defaultRaftOptions.maxAppendEntries),
    fsyncIntervalUs: positiveInt(options, 'fsyncIntervalUs', defaultRaftOptions.fsyncIntervalUs),
    logMatchingEveryEvents: positiveInt(options, 'logMatchingEveryEvents', defaultRaftOptions.logMatchingEveryEvents),
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
