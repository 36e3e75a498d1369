// Phase 2, the leader's choice of how to synchronise one follower (ZooKeeper's
// LearnerHandler.syncFollower, Medeiros 2012 §4.2), from the follower's last zxid F and the
// leader's history H, of which the last `diffWindow` transactions are kept for DIFF:
//   F = last(H), or F in H within the window   DIFF: the transactions after F
//   F > last(H)                                 TRUNC to last(H): the follower's tail was
//                                               never committed (the leader holds the most
//                                               up-to-date history of a quorum)
//   F not in H, within the window               TRUNC to the last zxid of H below F, then the
//                                               transactions after it: the follower logged
//                                               proposals of an old epoch that were never
//                                               committed (ZOOKEEPER-1154)
//   F below the window, or below the snapshot   SNAP: the leader's whole history replaces
//                                               the follower's: its snapshot (when it took
//                                               one) and the transactions above it
// With a snapshot, H is the snapshot's last zxid and the log above it: the window counts the
// log only, which the snapshots keep bounded (snapshotEvery). A pure function, so the handler tests drive it directly.
//
// Bug `diff-without-trunc` (ZOOKEEPER-1154): in the diverged case the leader sends DIFF
// (the transactions after the common point) without the TRUNC: the follower keeps its
// ghost proposals below them.
import type { SyncMode, Txn, ZabSnapshot } from './types.js';

export interface SyncPlan {
  readonly mode: SyncMode;
  /** TRUNC: the follower keeps entries up to this zxid. DIFF: its whole history. SNAP: nothing. */
  readonly truncTo: number;
  readonly txns: readonly Txn[];
  /** SNAP: the leader's snapshot (undefined without one). */
  readonly snap?: ZabSnapshot;
}

/** How many entries of `h` have zxid <= z (binary search: zxids increase). */
export function countUpTo(h: readonly Txn[], z: number): number {
  let lo = 0;
  let hi = h.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (h[mid].zxid <= z) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `history` is the log above `snap` (the whole history without one). */
export function syncPlan(history: readonly Txn[], followerLast: number, diffWindow: number, diffWithoutTrunc: boolean, snap?: ZabSnapshot): SyncPlan {
  const baseZxid = snap === undefined ? 0 : snap.zxid;
  const last = history.length === 0 ? baseZxid : history[history.length - 1].zxid;
  if (followerLast > last) return { mode: 'TRUNC', truncTo: last, txns: [] };
  const b = countUpTo(history, followerLast);
  const windowStart = Math.max(0, history.length - diffWindow);
  const found = b === 0 ? followerLast === baseZxid : history[b - 1].zxid === followerLast;
  if (b < windowStart || (b === 0 && followerLast < baseZxid)) return snapPlan(history, snap);
  const txns = history.slice(b);
  if (found) return { mode: 'DIFF', truncTo: followerLast, txns };
  // Diverged: the follower's last zxid is not in our history.
  if (diffWithoutTrunc) return { mode: 'DIFF', truncTo: followerLast, txns };
  return { mode: 'TRUNC', truncTo: b === 0 ? baseZxid : history[b - 1].zxid, txns };
}

/** SNAP: the snapshot (if any) and the whole log above it. */
export function snapPlan(history: readonly Txn[], snap: ZabSnapshot | undefined): SyncPlan {
  return snap === undefined ? { mode: 'SNAP', truncTo: 0, txns: history.slice() } : { mode: 'SNAP', truncTo: 0, txns: history.slice(), snap };
}
