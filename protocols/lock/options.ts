// The lock services' tunables, read from a scenario's `protocol.options` (durations arrive
// as integer microseconds). Every lock service reads the same keys; the Raft-replicated ones
// (lock-lease, lock-zk) also pass electionTimeoutUs and heartbeatUs on to Raft. Documented
// in ./index.ts.
import type { Micros } from '../../sim/types.js';
import { OptionReader } from '../common/options.js';
import { parseRaftOptions, type RaftOptions } from '../raft/options.js';

export interface LockOptions {
  /** The lease (lock-lease), session timeout (lock-zk) or PX (lock-redis, redlock), on the server's clock. */
  readonly ttlUs: Micros;
  /** The clock drift the services allow for, clients' and servers' each (ppm). */
  readonly driftPpm: number;
  /** A fixed part of the drift allowance (network delay of a release, scheduling). */
  readonly marginUs: Micros;
  /** Writes per critical section. */
  readonly steps: number;
  /** Work before each write: the client checks its lease, computes this long, then writes. */
  readonly stepUs: Micros;
  /** Backoff after a refused acquire, [min, max]. */
  readonly retryUs: readonly [Micros, Micros];
  /** Pause between a release and the next acquire, [min, max]. */
  readonly thinkUs: readonly [Micros, Micros];
  /** One request's timeout (then the next server, or the next attempt). */
  readonly requestTimeoutUs: Micros;
  /** An acquire that has no answer for this long is indeterminate (info). */
  readonly opTimeoutUs: Micros;
  /** Clients renew their lease (session) halfway through its validity. */
  readonly renew: boolean;
  /** Liveness: a client waiting after faults stop must hold the lock within this long. */
  readonly livenessBoundUs: Micros;
  /** Raft's options, for the services replicated on Raft. */
  readonly raft: RaftOptions;
}

const LOCK_KEYS = ['ttlUs', 'driftPpm', 'marginUs', 'steps', 'stepUs', 'retryUs', 'thinkUs', 'requestTimeoutUs', 'opTimeoutUs', 'renew', 'livenessBoundUs'];
const RAFT_KEYS = ['electionTimeoutUs', 'heartbeatUs', 'preVote', 'checkQuorum', 'maxAppendEntries'];

/** A scenario's lock options are malformed: bad input, not a bug of ours. */
export class LockOptionError extends Error {
  override name = 'LockOptionError';
}

const read = new OptionReader('lock', [...LOCK_KEYS, ...RAFT_KEYS], 'protocols/lock/index.ts', (message) => new LockOptionError(message));
const cache = new WeakMap<Record<string, unknown>, LockOptions>();

export const defaultLockOptions = Object.freeze({
  ttlUs: 500_000,
  driftPpm: 20_000,
  marginUs: 20_000,
  steps: 3,
  stepUs: 20_000,
  retryUs: Object.freeze([10_000, 50_000] as const),
  thinkUs: Object.freeze([0, 20_000] as const),
  requestTimeoutUs: 100_000,
  opTimeoutUs: 1_000_000,
  renew: true,
  livenessBoundUs: 3_000_000,
});

/** Validate and fill defaults. Cached per options object (restarts re-create actors). */
export function parseLockOptions(options: Record<string, unknown>): LockOptions {
  const hit = cache.get(options);
  if (hit) return hit;
  read.checkKnown(options);
  const raftOptions: Record<string, unknown> = {};
  for (const key of RAFT_KEYS) if (options[key] !== undefined) raftOptions[key] = options[key];
  let raft: RaftOptions;
  try {
    raft = parseRaftOptions(raftOptions);
  } catch (error) {
    throw new LockOptionError(`lock: ${(error as Error).message}`);
  }
  const d = defaultLockOptions;
  const driftPpm = read.positiveInt(options, 'driftPpm', d.driftPpm, 'a drift bound in ppm (a positive integer)');
  const parsed: LockOptions = Object.freeze({
    ttlUs: read.positiveInt(options, 'ttlUs', d.ttlUs),
    driftPpm,
    marginUs: read.positiveInt(options, 'marginUs', d.marginUs),
    steps: read.positiveInt(options, 'steps', d.steps),
    stepUs: read.positiveInt(options, 'stepUs', d.stepUs),
    retryUs: read.range(options, 'retryUs', d.retryUs, true),
    thinkUs: read.range(options, 'thinkUs', d.thinkUs, false),
    requestTimeoutUs: read.positiveInt(options, 'requestTimeoutUs', d.requestTimeoutUs),
    opTimeoutUs: read.positiveInt(options, 'opTimeoutUs', d.opTimeoutUs),
    renew: read.bool(options, 'renew', d.renew),
    livenessBoundUs: read.positiveInt(options, 'livenessBoundUs', d.livenessBoundUs),
    raft,
  });
  if (parsed.driftPpm >= 200_000) throw new LockOptionError(`lock option driftPpm: expected below 200000 (20%), got ${parsed.driftPpm}`);
  if (allowanceUs(parsed) >= parsed.ttlUs) {
    throw new LockOptionError(`lock option ttlUs (${parsed.ttlUs}) must exceed the drift allowance (${allowanceUs(parsed)}us: 2 x driftPpm of the TTL + marginUs)`);
  }
  cache.set(options, parsed);
  return parsed;
}

/**
 * What a client takes off the TTL for clock drift: its own clock and the server's may each
 * run `driftPpm` off true time, plus a fixed margin. A client treats its hold as valid for
 * TTL minus this (minus the time its acquire took) from the moment it first sent the request.
 */
export function allowanceUs(o: Pick<LockOptions, 'ttlUs' | 'driftPpm' | 'marginUs'>): Micros {
  return Math.ceil((2 * o.ttlUs * o.driftPpm) / 1_000_000) + o.marginUs;
}
