// Zab's tunables, read from a scenario's `protocol.options` (durations arrive as integer
// microseconds). The option names and defaults are documented in ./index.ts.
import type { Micros } from '../../sim/types.js';
import { OptionReader } from '../common/options.js';

export interface ZabOptions {
  /** Period of the leader's pings and re-sends, and of every node's retransmissions. */
  readonly tickUs: Micros;
  /** A follower that hears nothing from its leader, or a leader that hears from no quorum, for this long goes back to election. */
  readonly syncLimitUs: Micros;
  /** Discovery and synchronisation must end (the leader established) within this long. */
  readonly initLimitUs: Micros;
  /** An election decides once a quorum agrees and no better vote came for this long. */
  readonly finalizeWaitUs: Micros;
  /** The leader keeps its last `diffWindow` transactions for DIFF; a follower further behind gets SNAP. */
  readonly diffWindow: number;
  /** Most transactions in one PROPOSE re-send. */
  readonly maxBatch: number;
  /** A session (client) the leader has not heard from for this long is closed: its ephemeral nodes go. */
  readonly sessionTimeoutUs: Micros;
  /** Followers answer get from their own tree (ZooKeeper's default reads): not linearizable. */
  readonly followerReads: boolean;
  readonly livenessBoundUs: Micros;
  /** Snapshot the data tree and compact the log every this many delivered transactions (ZooKeeper's snapCount); 0: never. */
  readonly snapshotEvery: number;
}

export const defaultZabOptions: ZabOptions = Object.freeze({
  tickUs: 20_000,
  syncLimitUs: 200_000,
  initLimitUs: 600_000,
  finalizeWaitUs: 30_000,
  diffWindow: 200,
  maxBatch: 64,
  sessionTimeoutUs: 1_000_000,
  followerReads: false,
  livenessBoundUs: 5_000_000,
  snapshotEvery: 1024,
});

const known = ['tickUs', 'syncLimitUs', 'initLimitUs', 'finalizeWaitUs', 'diffWindow', 'maxBatch', 'sessionTimeoutUs', 'followerReads', 'livenessBoundUs', 'snapshotEvery'];

/** A scenario's zab options are malformed: bad input, not a bug of ours. */
export class ZabOptionError extends Error {
  override name = 'ZabOptionError';
}

const read = new OptionReader('zab', known, 'protocols/zab/index.ts', (message) => new ZabOptionError(message));

const cache = new WeakMap<Record<string, unknown>, ZabOptions>();

/** Validate and fill defaults. Cached per options object (restarts re-create actors). */
export function parseZabOptions(options: Record<string, unknown>): ZabOptions {
  const hit = cache.get(options);
  if (hit) return hit;
  read.checkKnown(options);
  const d = defaultZabOptions;
  const parsed: ZabOptions = Object.freeze({
    tickUs: read.positiveInt(options, 'tickUs', d.tickUs),
    syncLimitUs: read.positiveInt(options, 'syncLimitUs', d.syncLimitUs),
    initLimitUs: read.positiveInt(options, 'initLimitUs', d.initLimitUs),
    finalizeWaitUs: read.positiveInt(options, 'finalizeWaitUs', d.finalizeWaitUs),
    diffWindow: read.positiveInt(options, 'diffWindow', d.diffWindow),
    maxBatch: read.positiveInt(options, 'maxBatch', d.maxBatch),
    sessionTimeoutUs: read.positiveInt(options, 'sessionTimeoutUs', d.sessionTimeoutUs),
    followerReads: read.bool(options, 'followerReads', d.followerReads),
    livenessBoundUs: read.positiveInt(options, 'livenessBoundUs', d.livenessBoundUs),
    snapshotEvery: read.nonNegativeInt(options, 'snapshotEvery', d.snapshotEvery),
  });
  if (parsed.tickUs < 1_000) throw new ZabOptionError(`zab option tickUs: expected at least 1ms, got ${parsed.tickUs}us`);
  if (parsed.syncLimitUs < 2 * parsed.tickUs) throw new ZabOptionError(`zab option syncLimitUs (${parsed.syncLimitUs}) must be at least two ticks (${2 * parsed.tickUs})`);
  if (parsed.initLimitUs < parsed.syncLimitUs) throw new ZabOptionError(`zab option initLimitUs (${parsed.initLimitUs}) must be at least syncLimitUs (${parsed.syncLimitUs})`);
  cache.set(options, parsed);
  return parsed;
}
